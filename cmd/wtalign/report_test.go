package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand: report exits 0 and writes the page, the JSON and the
// MultiQC files for good outputs; 1, naming the file and writing nothing,
// for a damaged, missing or unfinished output; 2 for usage errors, as its
// EXIT STATUS says.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	cats := []string{"--catalog", "../../testdata/catalogs/pointfinder_db/escherichia_coli",
		"--catalog", "../../testdata/catalogs/amrfinder_format/AMRProt-mutation.sample.tsv", "--gene-alias", "pmrB=basS"}
	good := alignDemo(t, dir, "variants", cats...)
	other := alignDemo(t, dir, "again", cats...)

	res := t.TempDir()
	html, js, mqc := filepath.Join(res, "report.html"), filepath.Join(res, "quality.json"), filepath.Join(res, "multiqc")
	code, _, stderr := runCLI(t, "report", "-o", html, "--json-out", js, "--multiqc", mqc, good, other)
	if code != exitOK || !strings.Contains(stderr, "report written to "+html) {
		t.Fatalf("good outputs: exit %d, stderr %q", code, stderr)
	}
	page, _ := os.ReadFile(html)
	if !strings.HasPrefix(string(page), "<!DOCTYPE html>") || !strings.Contains(string(page), "Quinolone") {
		t.Errorf("the page is not a report with drug classes (%d bytes)", len(page))
	}
	var q struct {
		Accessions []struct{ Accession string }
		Catalog    struct{ Present bool }
	}
	if b, err := os.ReadFile(js); err != nil || json.Unmarshal(b, &q) != nil || len(q.Accessions) != 2 || !q.Catalog.Present {
		t.Errorf("--json-out: %v, %+v", err, q)
	}
	for _, f := range []string{"wtalign_general_stats_mqc.tsv", "wtalign_status_mqc.json", "wtalign_calls_mqc.tsv"} {
		if _, err := os.Stat(filepath.Join(mqc, f)); err != nil {
			t.Errorf("--multiqc: %v", err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(mqc, "wtalign_calls_mqc.tsv")); !strings.Contains(string(b), "variants gyrA_S83L\tvariants\tgyrA\tS83L\tp.Ser83Leu\tknown\tQuinolone\t") {
		t.Errorf("the MultiQC calls table has no drug class for S83L:\n%s", b)
	}
	// A directory of outputs is read as its outputs.
	if code, _, stderr := runCLI(t, "report", "--quiet", "--json-out", filepath.Join(res, "dir.json"), dir); code != exitOK {
		t.Errorf("a directory: exit %d, %s", code, stderr)
	}

	data, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated_alignments.json")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	unfinished := filepath.Join(t.TempDir(), "acc_alignments.json.partial")
	if err := os.WriteFile(unfinished, data[:200], 0o644); err != nil {
		t.Fatal(err)
	}
	notOutput := damage(t, good, t.TempDir(), "mixed", `"schema_version":"1","input_file"`, `"schema_version":"2","input_file"`)
	out := filepath.Join(t.TempDir(), "r.html")
	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"truncated", []string{"-o", out, good, truncated}, exitError, "truncated_alignments.json"},
		{"missing", []string{"-o", out, filepath.Join(dir, "missing_alignments.json")}, exitError, "missing_alignments.json"},
		{"unfinished", []string{"-o", out, filepath.Dir(unfinished)}, exitError, "has not finished"},
		{"mixed schema versions", []string{"-o", out, notOutput}, exitError, "mixed schema versions"},
		{"empty directory", []string{"-o", out, t.TempDir()}, exitError, "no wtalign outputs"},
		{"no outputs", []string{"-o", out}, exitUsage, "report needs the outputs"},
		{"nothing to write", []string{good}, exitUsage, "report needs -o REPORT.html, --json-out FILE or --multiqc DIR"},
		{"--json is not a flag", []string{"--json", "q.json", good}, exitUsage, "unknown flag: --json"},
		{"bad accession mode", []string{"-o", out, "--accession-from", "moon", good}, exitUsage, `unknown accession mode "moon"`},
		{"accessions from inputs", []string{"-o", out, "--accession-from", "input", good}, exitUsage, "one accession per output"},
		{"bad accession pattern", []string{"-o", out, "--accession-regex", "(a)(b)", good}, exitUsage, "capture group"},
	} {
		code, _, stderr := runCLI(t, append([]string{"--log-format", "json", "report"}, c.args...)...)
		if code != c.code || !strings.Contains(messages(stderr), c.msg) {
			t.Errorf("%s: exit %d (want %d), stderr %q (want %q)", c.name, code, c.code, stderr, c.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a failed report wrote %s", c.name, out)
		}
	}
}
