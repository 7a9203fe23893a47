package cohort

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// rec builds a synthetic record as wtalign writes it (only the fields the
// summary reads, plus a few it must ignore).
func rec(ordinal int, id, gene, status string, ident, cov float64, muts ...string) map[string]any {
	r := map[string]any{
		"schema_version": "1",
		"input_file":     "results/proteins/X_proteins.fasta",
		"query":          map[string]any{"id": id, "description": "", "length": 878, "index": ordinal + 1, "ordinal": ordinal},
		"engine":         map[string]any{"name": "native"},
		"status":         status,
		"flags":          []string{},
		"not_covered":    []any{},
	}
	ms := []any{}
	for _, m := range muts {
		ms = append(ms, map[string]any{"short": m, "hgvs_p": "p.?", "type": "substitution"})
	}
	r["mutations"] = ms
	if gene != "" {
		r["reference"] = map[string]any{"id": "ref|" + gene + "|x", "gene": gene, "length": 878}
		r["alignment"] = map[string]any{"score": 4000.5, "percent_identity_over_reference": ident, "reference_coverage": cov}
	}
	return r
}

func encode(t *testing.T, layout string, recs []map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch layout {
	case "document":
		b, err := json.MarshalIndent(map[string]any{"schema_version": "1", "tool": map[string]any{"version": "dev"}, "records": recs}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
	case "array":
		b, _ := json.Marshal(recs)
		buf.Write(b)
	case "jsonl":
		for _, r := range recs {
			b, _ := json.Marshal(r)
			buf.Write(b)
			buf.WriteByte('\n')
		}
	default:
		t.Fatalf("layout %q", layout)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAccessionRules(t *testing.T) {
	fn, err := NewAccessionRule("", "")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"results/alignments/GCF_000005845.2_alignments.json": "GCF_000005845.2",
		"x/SRR123_alignments.jsonl":                          "SRR123",
		"a_b_alignments.json":                                "a_b",
	} {
		if got, err := fn.FromPath(path); err != nil || got != want {
			t.Errorf("filename %s: %q, %v; want %q", path, got, err, want)
		}
	}
	for _, bad := range []string{"out.json", "_alignments.json", "K12_alignments.json.partial", "K12_manifest.json"} {
		if got, err := fn.FromPath(bad); err == nil {
			t.Errorf("filename %s: accepted as %q", bad, got)
		}
	}
	re, err := NewAccessionRule(FromFilename, `^(?P<accession>[A-Z]+)\.wt\.json$`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := re.FromPath("/d/ABC.wt.json"); err != nil || got != "ABC" {
		t.Errorf("regex: %q %v", got, err)
	}
	stem, _ := NewAccessionRule(FromStem, "")
	if got, _ := stem.FromPath("dir/S1.aln.json"); got != "S1" {
		t.Errorf("stem: %q", got)
	}
	in, _ := NewAccessionRule(FromInput, "")
	for file, want := range map[string]string{
		"results/proteins/GCF_1_proteins.fasta": "GCF_1",
		"/data/S7.faa.gz":                       "S7",
		"K12_protein.fa":                        "K12",
	} {
		if got, err := in.FromInputFile(file); err != nil || got != want {
			t.Errorf("input %s: %q, %v; want %q", file, got, err, want)
		}
	}
	if _, err := in.FromInputFile("-"); err == nil {
		t.Error("input '-': no error")
	}
	for _, bad := range [][2]string{{"nope", ""}, {FromStem, "(x)"}, {FromFilename, "no groups"}, {FromFilename, "(a)(b)"}, {FromFilename, "("}} {
		if _, err := NewAccessionRule(bad[0], bad[1]); err == nil {
			t.Errorf("NewAccessionRule(%q, %q): no error", bad[0], bad[1])
		}
	}
}

// cohortFiles writes three accessions' outputs in three layouts.
func cohortFiles(t *testing.T) []string {
	dir := t.TempDir()
	a := writeFile(t, dir, "ACC2_alignments.json", encode(t, "document", []map[string]any{
		rec(0, "g1", "gyrA", "mutant", 99.77, 100, "S83L", "D87N"),
		rec(1, "p1", "pmrB", "mutant", 99.78, 100, "C84R"),
		rec(2, "p2", "pmrB", "wildtype", 100, 100),
		rec(3, "n1", "", "no_hit", 0, 0),
	}))
	b := writeFile(t, dir, "ACC1_alignments.jsonl", encode(t, "jsonl", []map[string]any{
		rec(0, "b0002", "parC", "wildtype", 100, 100),
		rec(1, "b2231", "gyrA", "wildtype", 100, 100),
		rec(2, "b9", "", "no_hit", 0, 0),
		rec(3, "b10", "", "no_hit", 0, 0),
	}))
	c := writeFile(t, dir, "ACC3_alignments.json", encode(t, "array", []map[string]any{
		rec(0, "x1", "gyrA", "mutant", 99.89, 100, "S83L"),
		rec(1, "x2", "nfsA", "truncated", 58.26, 58.26, "K141*"),
		rec(2, "x3", "parC", "partial", 40.1, 40.5),
	}))
	return []string{a, b, c}
}

func buildCohort(t *testing.T, files []string) *Cohort {
	t.Helper()
	rule, _ := NewAccessionRule(FromFilename, "")
	c := New(rule)
	for _, f := range files {
		if err := c.AddFile(f); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestCohortTable(t *testing.T) {
	files := cohortFiles(t)
	c := buildCohort(t, files)
	var tsv bytes.Buffer
	if err := c.WriteTSV(&tsv); err != nil {
		t.Fatal(err)
	}
	want := strings.Join(Columns, "\t") + "\n" +
		"ACC1\tgyrA\tb2231\twildtype\tpresent\t100.00\t100.00\t\t\t\n" +
		"ACC1\tparC\tb0002\twildtype\tpresent\t100.00\t100.00\t\t\t\n" +
		"ACC2\tgyrA\tg1\tmutant\tpresent\t99.77\t100.00\tS83L,D87N\t\t\n" +
		"ACC2\tpmrB\tp1\tmutant\tpresent\t99.78\t100.00\tC84R\t\t\n" +
		"ACC2\tpmrB\tp2\twildtype\tpresent\t100.00\t100.00\t\t\t\n" +
		"ACC3\tgyrA\tx1\tmutant\tpresent\t99.89\t100.00\tS83L\t\t\n" +
		"ACC3\tnfsA\tx2\ttruncated\tdisrupted\t58.26\t58.26\tK141*\t\t\n" +
		"ACC3\tparC\tx3\tpartial\tpartial\t40.10\t40.50\t\t\t\n"
	if tsv.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", tsv.String(), want)
	}

	// The order of the files on the command line must not matter.
	var json1, json2, tsv2 bytes.Buffer
	_ = c.WriteJSON(&json1)
	c2 := buildCohort(t, []string{files[2], files[0], files[1]})
	_ = c2.WriteJSON(&json2)
	_ = c2.WriteTSV(&tsv2)
	if json1.String() != json2.String() || tsv.String() != tsv2.String() {
		t.Error("output depends on the order of the input files")
	}
}

func TestCohortOverview(t *testing.T) {
	files := cohortFiles(t)
	s := mustOverview(t, buildCohort(t, files))
	if len(s.Accessions) != 3 || s.Accessions[0].Accession != "ACC1" || s.Accessions[2].Accession != "ACC3" {
		t.Fatalf("accessions: %+v", s.Accessions)
	}
	a1 := s.Accessions[0]
	if a1.Records != 4 || a1.Status["no_hit"] != 2 || a1.Status["wildtype"] != 2 || !reflect.DeepEqual(a1.Genes, []string{"gyrA", "parC"}) || a1.Mutations != 0 || a1.Source != files[1] {
		t.Errorf("ACC1: %+v", a1)
	}
	a2 := s.Accessions[1]
	if a2.Records != 4 || a2.Mutations != 3 || a2.Status["mutant"] != 2 || !reflect.DeepEqual(a2.Genes, []string{"gyrA", "pmrB"}) {
		t.Errorf("ACC2: %+v", a2)
	}
	var names []string
	for _, g := range s.Genes {
		names = append(names, g.Gene)
	}
	if !reflect.DeepEqual(names, []string{"gyrA", "nfsA", "parC", "pmrB"}) {
		t.Fatalf("genes %v", names)
	}
	gyrA := s.Genes[0]
	if gyrA.Accessions != 3 || gyrA.Records != 3 || gyrA.Status["mutant"] != 2 || gyrA.Status["wildtype"] != 1 {
		t.Errorf("gyrA: %+v", gyrA)
	}
	// S83L in 2 of 3 accessions comes before D87N (1 of 3).
	wantMuts := []MutationFrequency{
		{Mutation: "S83L", Accessions: 2, Records: 2, Frequency: 2.0 / 3},
		{Mutation: "D87N", Accessions: 1, Records: 1, Frequency: 1.0 / 3},
	}
	if !reflect.DeepEqual(gyrA.Mutations, wantMuts) {
		t.Errorf("gyrA mutations %+v", gyrA.Mutations)
	}
	// Two pmrB copies in one accession: one accession, two records, C84R once.
	pmrB := s.Genes[3]
	if pmrB.Accessions != 1 || pmrB.Records != 2 || len(pmrB.Mutations) != 1 || pmrB.Mutations[0].Frequency != 1 {
		t.Errorf("pmrB: %+v", pmrB)
	}
	if parC := s.Genes[2]; len(parC.Mutations) != 0 || parC.Status["partial"] != 1 {
		t.Errorf("parC: %+v", parC)
	}
}

func TestMutationOrderByPosition(t *testing.T) {
	rule, _ := NewAccessionRule(FromFilename, "")
	c := New(rule)
	c.Add("A", "a", &report.Record{Status: "mutant"})
	r := &report.Record{Status: "mutant", Reference: &report.Reference{ID: "r", Gene: "g"}}
	for _, m := range []string{"H95_V96insVLEST", "S83L", "K141*", "K61_S65del", "E7Q"} {
		r.Mutations = append(r.Mutations, report.Mutation{Short: m})
	}
	c.Add("A", "a", r)
	var got []string
	for _, m := range mustOverview(t, c).Genes[0].Mutations {
		got = append(got, m.Mutation)
	}
	want := []string{"E7Q", "K61_S65del", "S83L", "H95_V96insVLEST", "K141*"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestCohortErrors(t *testing.T) {
	dir := t.TempDir()
	doc := encode(t, "document", []map[string]any{rec(0, "q", "gyrA", "wildtype", 100, 100)})
	d1 := filepath.Join(dir, "one")
	d2 := filepath.Join(dir, "two")
	_ = os.MkdirAll(d1, 0o755)
	_ = os.MkdirAll(d2, 0o755)
	a := writeFile(t, d1, "K12_alignments.json", doc)
	b := writeFile(t, d2, "K12_alignments.json", doc)
	rule, _ := NewAccessionRule(FromFilename, "")
	c := New(rule)
	if err := c.AddFile(a); err != nil {
		t.Fatal(err)
	}
	if err := c.AddFile(b); err == nil || !strings.Contains(err.Error(), `accession "K12" comes from both`) {
		t.Errorf("duplicate accession: %v", err)
	}
	bad := writeFile(t, dir, "BAD_alignments.json", doc[:len(doc)/2])
	if err := c.AddFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("truncated file: error %v should name %s", err, bad)
	}
	if err := c.AddFile(filepath.Join(dir, "NONE_alignments.json")); err == nil {
		t.Error("missing file: no error")
	}
	if err := c.AddFile(writeFile(t, dir, "stray.json", doc)); err == nil {
		t.Error("file name without accession: no error")
	}
}

func TestInputModeSplitsByInputFile(t *testing.T) {
	dir := t.TempDir()
	r1 := rec(0, "a", "gyrA", "wildtype", 100, 100)
	r1["input_file"] = "in/S1_proteins.faa"
	r2 := rec(1, "b", "gyrA", "mutant", 99.8, 100, "S83L")
	r2["input_file"] = "in/S2_proteins.faa.gz"
	p := writeFile(t, dir, "run.json", encode(t, "document", []map[string]any{r1, r2}))
	rule, _ := NewAccessionRule(FromInput, "")
	c := New(rule)
	if err := c.AddFile(p); err != nil {
		t.Fatal(err)
	}
	rows := c.Rows()
	if len(rows) != 2 || rows[0].Accession != "S1" || rows[1].Accession != "S2" {
		t.Errorf("rows %+v", rows)
	}
}

// TestGeneStates: with the reference genes known, a scanned genome without
// a gene says absent, a named run says not_analysed, a truncated copy says
// disrupted (and its read-through calls are not counted), and a homolog
// does not make its gene present.
func TestGeneStates(t *testing.T) {
	dir := t.TempDir()
	scan := func(r map[string]any) map[string]any {
		r["engine"] = map[string]any{"name": "native", "assign": "best"}
		return r
	}
	named := func(r map[string]any) map[string]any {
		r["engine"] = map[string]any{"name": "native", "assign": "name"}
		return r
	}
	trunc := scan(rec(1, "c1", "cirA", "truncated", 38, 38, "G254*", "S300L"))
	trunc["truncation"] = map[string]any{"position": 254, "reference_length": 663, "evidence": "premature_stop", "calls_after_stop": 1}
	trunc["mutations"].([]any)[1].(map[string]any)["after_premature_stop"] = true
	a := writeFile(t, dir, "SCAN_alignments.json", encode(t, "document", []map[string]any{
		scan(rec(0, "g", "gyrA", "wildtype", 100, 100)), trunc, scan(rec(2, "d", "acrB", "homolog", 60, 99)),
	}))
	b := writeFile(t, dir, "NAMED_alignments.jsonl", encode(t, "jsonl", []map[string]any{named(rec(0, "v", "gyrA", "mutant", 99.9, 100, "S83L"))}))
	c := buildCohort(t, nil)
	c.SetGenes([]string{"acrB", "cirA", "gyrA"})
	for _, f := range []string{a, b} {
		if err := c.AddFile(f); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range c.Rows() {
		got = append(got, fmt.Sprintf("%s %s %s %s %v %s", r.Accession, r.Gene, r.Status, r.GeneState, r.Mutations, r.TruncatedAt))
	}
	want := []string{
		"NAMED acrB  not_analysed [] ", "NAMED cirA  not_analysed [] ", "NAMED gyrA mutant present [S83L] ",
		"SCAN acrB  absent [] ", "SCAN acrB homolog homolog [] ", "SCAN cirA truncated disrupted [G254*] 254/663",
		"SCAN gyrA wildtype present [] ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	o := mustOverview(t, c)
	if s := o.Accessions[1]; !reflect.DeepEqual(s.Absent, []string{"acrB"}) || !reflect.DeepEqual(s.Disrupted, []string{"cirA"}) || s.Mutations != 1 {
		t.Errorf("SCAN overview %+v", s)
	}
}
