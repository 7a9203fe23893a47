package cohort

import (
	"errors"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// TestAccessionRuleRefusals: each way of failing to name an accession says
// which file or input file and why.
func TestAccessionRuleRefusals(t *testing.T) {
	in, _ := NewAccessionRule(FromInput, "")
	if _, err := in.FromPath("d/K12_alignments.json"); err == nil || err.Error() != `cohort: accession mode "input" takes the accession from the records, not the path` {
		t.Errorf("input mode FromPath: %v", err)
	}
	for _, f := range []string{"", "-"} {
		if got, err := in.FromInputFile(f); err == nil || !strings.Contains(err.Error(), "record has no input file name to take an accession from") {
			t.Errorf("FromInputFile(%q) = %q, %v", f, got, err)
		}
	}
	stem, _ := NewAccessionRule(FromStem, "")
	if _, err := stem.FromPath("out/.hidden.json"); err == nil || err.Error() != "cohort: out/.hidden.json: cannot take an accession from the file name" {
		t.Errorf("stem of a dot file: %v", err)
	}
	re, err := NewAccessionRule(FromInput, `^(S\d+)_`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := re.FromInputFile("in/S12_proteins.faa"); err != nil || got != "S12" {
		t.Errorf("input regex: %q, %v", got, err)
	}
	if _, err := re.FromInputFile("in/K12.faa"); err == nil || err.Error() != `cohort: input file in/K12.faa does not match "^(S\\d+)_"` {
		t.Errorf("input regex mismatch: %v", err)
	}
	// A group that matches empty names no accession.
	empty, _ := NewAccessionRule(FromFilename, `^(x*)_alignments\.json$`)
	if got, err := empty.FromPath("_alignments.json"); err == nil {
		t.Errorf("empty capture accepted as %q", got)
	}
	if _, err := NewAccessionRule(FromStem, "(x)"); err == nil || err.Error() != `cohort: an accession pattern needs mode "filename" or "input", not "stem"` {
		t.Errorf("stem with a pattern: %v", err)
	}
	if _, err := NewAccessionRule("genome", ""); err == nil || err.Error() != `cohort: unknown accession mode "genome" (want filename, stem or input)` {
		t.Errorf("unknown mode: %v", err)
	}
}

// TestInputModeErrorsNameTheFile: in input mode a record without a usable
// input file, or an accession split over two outputs, is refused naming
// the output.
func TestInputModeErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	r := rec(0, "a", "gyrA", "wildtype", 100, 100)
	r["input_file"] = "-"
	stdin := writeFile(t, dir, "stdin.json", encode(t, "document", []map[string]any{r}))
	rule, _ := NewAccessionRule(FromInput, "")
	err := New(rule).AddFile(stdin)
	if err == nil || !strings.Contains(err.Error(), stdin+": ") || !strings.Contains(err.Error(), `record has no input file name to take an accession from ("-")`) {
		t.Errorf("record read from stdin: %v", err)
	}

	r["input_file"] = "in/S1_proteins.faa"
	a := writeFile(t, dir, "a.jsonl", encode(t, "jsonl", []map[string]any{r}))
	b := writeFile(t, dir, "b.jsonl", encode(t, "jsonl", []map[string]any{r}))
	c := New(rule)
	if err := c.AddFile(a); err != nil {
		t.Fatal(err)
	}
	if err := c.AddFile(b); err == nil || !strings.Contains(err.Error(), `accession "S1" comes from both `+a+" and "+b) {
		t.Errorf("one accession in two outputs: %v", err)
	}
	// Reading the same output again is not a second source.
	if err := c.AddFile(a); err != nil {
		t.Errorf("same output twice: %v", err)
	}
}

// TestLowQualityKeepsItsStatus: a low_quality record says nothing of its
// gene, yet a named query that was looked at keeps the gene from being
// listed as not analysed.
func TestLowQualityKeepsItsStatus(t *testing.T) {
	if got := GeneState(report.StatusLowQuality); got != report.StatusLowQuality {
		t.Errorf("GeneState(low_quality) = %q", got)
	}
	c := buildCohort(t, nil)
	c.SetGenes([]string{"gyrA", "parC"})
	c.Add("A", "a.json", &report.Record{Status: report.StatusLowQuality, Query: report.Query{ID: "q"},
		Reference: &report.Reference{ID: "ecoli_k12|gyrA|NP_416734.1"}, Engine: report.Engine{Assign: "name"}})
	var got []string
	for _, r := range c.Rows() {
		got = append(got, r.Gene+" "+r.Status+" "+r.GeneState)
	}
	// No gene key: the row is named by the reference ID, so gyrA is still
	// reported not analysed.
	want := []string{"ecoli_k12|gyrA|NP_416734.1 low_quality low_quality", "gyrA  not_analysed", "parC  not_analysed"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPositionlessMutationsSortLast: forms without a usable number (or one
// too large for an int) sort after every positioned change.
func TestPositionlessMutationsSortLast(t *testing.T) {
	c := buildCohort(t, nil)
	r := &report.Record{Status: report.StatusMutant, Reference: &report.Reference{ID: "r", Gene: "g"}}
	for _, m := range []string{"ext*?", "S99999999999999999999L", "A2V", "fs"} {
		r.Mutations = append(r.Mutations, report.Mutation{Short: m})
	}
	c.Add("A", "a", r)
	var got []string
	for _, m := range mustOverview(t, c).Genes[0].Mutations {
		got = append(got, m.Mutation)
	}
	if want := "A2V S99999999999999999999L ext*? fs"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

// TestWriteErrorsSayWhatWasWritten: a failing writer is reported, wrapped,
// by each output.
func TestWriteErrorsSayWhatWasWritten(t *testing.T) {
	c := buildCohort(t, cohortFiles(t))
	for _, tc := range []struct {
		write func() error
		want  string
	}{
		{func() error { return c.WriteTSV(failWriter{}) }, "cohort: writing table: disk full"},
		{func() error { return c.WriteJSON(failWriter{}) }, "cohort: writing JSON: disk full"},
		{func() error { return c.WriteGenotypeTSV(failWriter{}) }, "cohort: writing genotypes: disk full"},
		{func() error { return c.WriteMatrixTSV(failWriter{}) }, "cohort: writing the mutation matrix: disk full"},
	} {
		err := tc.write()
		if err == nil || err.Error() != tc.want || !errors.Is(err, errDisk) {
			t.Errorf("got %v, want %q wrapping the writer's error", err, tc.want)
		}
	}
}
