package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func summarizeRecord(id, gene, status string, ident float64, muts ...string) map[string]any {
	ms := []map[string]any{}
	for _, m := range muts {
		ms = append(ms, map[string]any{"short": m})
	}
	r := map[string]any{
		"schema_version": "1", "input_file": "in.faa", "status": status,
		"query": map[string]any{"id": id, "ordinal": 0}, "mutations": ms,
	}
	if gene != "" {
		r["reference"] = map[string]any{"id": gene, "gene": gene}
		r["alignment"] = map[string]any{"percent_identity_over_reference": ident, "reference_coverage": 100.0}
	}
	return r
}

func writeSummarizeInput(t *testing.T, path string, recs ...map[string]any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"schema_version": "1", "records": recs})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSummarizeCommand(t *testing.T) {
	dir := t.TempDir()
	k12 := filepath.Join(dir, "K12_alignments.json")
	mut := filepath.Join(dir, "MUT_alignments.json")
	writeSummarizeInput(t, k12, summarizeRecord("b2231", "gyrA", "wildtype", 100), summarizeRecord("b0001", "", "no_hit", 0))
	writeSummarizeInput(t, mut, summarizeRecord("v1", "gyrA", "mutant", 99.77, "S83L", "D87N"))

	tsv := filepath.Join(dir, "cohort.tsv")
	js := filepath.Join(dir, "summary.json")
	code, stdout, stderr := runCLI(t, "summarize", "--log-format", "json", "-o", tsv, "--json-out", js, mut, k12)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with -o, got %q", stdout)
	}
	got, _ := os.ReadFile(tsv)
	want := "accession\tgene\tquery_id\tstatus\tgene_state\tidentity\tcoverage\tmutations\ttruncated_at\tsites\n" +
		"K12\tgyrA\tb2231\twildtype\tpresent\t100.00\t100.00\t\t\t\n" +
		"MUT\tgyrA\tv1\tmutant\tpresent\t99.77\t100.00\tS83L,D87N\t\t\n"
	if string(got) != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	var sum struct {
		Accessions []struct {
			Accession string         `json:"accession"`
			Status    map[string]int `json:"status"`
		} `json:"accessions"`
		Genes []struct {
			Gene      string `json:"gene"`
			Mutations []struct {
				Mutation  string  `json:"mutation"`
				Frequency float64 `json:"frequency"`
			} `json:"mutations"`
		} `json:"genes"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatalf("summary JSON: %v", err)
	}
	if len(sum.Accessions) != 2 || sum.Accessions[0].Status["no_hit"] != 1 || len(sum.Genes) != 1 ||
		len(sum.Genes[0].Mutations) != 2 || sum.Genes[0].Mutations[0].Frequency != 0.5 {
		t.Errorf("summary: %s", b)
	}

	// Without -o the table goes to stdout, identical to the file.
	code, stdout, _ = runCLI(t, "summarize", k12, mut)
	if code != 0 || stdout != want {
		t.Errorf("stdout run: exit %d, %q", code, stdout)
	}
	// A leftover temporary file would confuse a workflow engine.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestSummarizeErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "A_alignments.json")
	writeSummarizeInput(t, good, summarizeRecord("q", "gyrA", "wildtype", 100))
	bad := filepath.Join(dir, "B_alignments.json")
	if err := os.WriteFile(bad, []byte(`{"schema_version":"1","records":[{"status":"wildtype"`), 0o644); err != nil {
		t.Fatal(err)
	}
	tsv := filepath.Join(dir, "out.tsv")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"summarize"}, exitUsage, "summarize needs at least one alignment output"},
		{[]string{"summarize", "--accession-from", "moon", good}, exitUsage, "unknown accession mode"},
		{[]string{"summarize", "--accession-regex", "(a)(b)", good}, exitUsage, "capture group"},
		{[]string{"summarize", "-o", tsv, good, bad}, exitError, "B_alignments.json"},
		{[]string{"summarize", filepath.Join(dir, "stray.json")}, exitError, "does not match"},
	} {
		code, _, stderr := runCLI(t, append([]string{"--log-format", "json"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", c.args, code, c.code, stderr, c.msg)
		}
	}
	if _, err := os.Stat(tsv); !os.IsNotExist(err) {
		t.Errorf("a failed run must not leave %s", tsv)
	}
}

// TestSummarizeEveryFormat: summarize reads what align writes in every
// format, and the cohort table is the same whichever format it read.
func TestSummarizeEveryFormat(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	q := filepath.Join("..", "..", "testdata", "demo", "variants.faa")
	var tables []string
	for _, f := range []string{"json", "jsonl", "tsv"} {
		out := filepath.Join(dir, f, "VARIANTS_alignments."+f)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, "align", "-q", "--format", f, "-r", ref, "-o", out, q); code != 0 {
			t.Fatalf("align --format %s: exit %d: %s", f, code, stderr)
		}
		code, stdout, stderr := runCLI(t, "summarize", "-r", ref, out)
		if code != 0 {
			t.Fatalf("summarize %s: exit %d: %s", f, code, stderr)
		}
		tables = append(tables, stdout)
	}
	if tables[0] != tables[1] || tables[0] != tables[2] {
		t.Errorf("tables differ by format:\njson:\n%s\njsonl:\n%s\ntsv:\n%s", tables[0], tables[1], tables[2])
	}
	for _, want := range []string{"\tD87N\t", ",K141*\t141/240\t", "\tnot_analysed\t", "\tlow_quality\tlow_quality\t"} {
		if !strings.Contains(tables[0], want) {
			t.Errorf("table lacks %q:\n%s", want, tables[0])
		}
	}
}
