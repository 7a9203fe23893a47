package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestAlignMetricsFile: --metrics-file writes node_exporter's textfile
// format at the end of a run, with the records by status and the last
// success; a bad path fails before any work.
func TestAlignMetricsFile(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	q := filepath.Join("..", "..", "testdata", "demo", "variants.faa")
	dir := t.TempDir()
	out, prom := filepath.Join(dir, "VARIANTS_alignments.json"), filepath.Join(dir, "wtalign.prom")
	if code, _, stderr := runCLI(t, "align", "-q", "-r", ref, "--metrics-file", prom, "-o", out, q); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(prom)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not the text format: %v", err)
	}
	mutant := 0.0
	for _, m := range fams["wtalign_run_records"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["status"] == "mutant" && labels["accession"] == "VARIANTS" {
			mutant = m.GetGauge().GetValue()
		}
	}
	if mutant != 14 || fams["wtalign_last_success_timestamp_seconds"] == nil || fams["wtalign_run_aligned_cells"] == nil {
		t.Errorf("metrics: mutant %v, families %v", mutant, keys(fams))
	}
	// Errors before any work: a missing directory (exit 1), a name that
	// node_exporter would not read (exit 2).
	if code, _, stderr := runCLI(t, "align", "-q", "-r", ref, "--metrics-file", filepath.Join(dir, "nodir", "x.prom"), "-o", filepath.Join(dir, "o2.json"), q); code != exitError || !strings.Contains(stderr, "nodir") {
		t.Errorf("missing directory: exit %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "align", "-q", "-r", ref, "--metrics-file", filepath.Join(dir, "x.txt"), "-o", filepath.Join(dir, "o3.json"), q); code != exitUsage {
		t.Errorf("not .prom: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "o2.json.manifest.json")); err == nil {
		t.Error("work started despite the bad metrics path")
	}
}

// TestAlignMetricsFileEarlyFailure: a run that fails before any work (here
// a missing query file) still writes its metrics file, outcome failed and
// exit code 1, without a last-success time; a metrics path that is a file
// the run reads is refused and that file left as it was.
func TestAlignMetricsFileEarlyFailure(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	dir := t.TempDir()
	prom := filepath.Join(dir, "ACC2.prom")
	code, _, stderr := runCLI(t, "align", "-q", "-r", ref, "--metrics-file", prom, "-o", filepath.Join(dir, "ACC2_alignments.json"), filepath.Join(dir, "missing.faa"))
	if code != exitError || !strings.Contains(stderr, "missing.faa") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(prom)
	if err != nil {
		t.Fatalf("no metrics file for a run that failed before its work: %v", err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not the text format: %v", err)
	}
	failed := -1.0
	for _, m := range fams["wtalign_run_outcome"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "outcome" && l.GetValue() == "failed" {
				failed = m.GetGauge().GetValue()
			}
		}
	}
	exit := fams["wtalign_run_exit_code"].GetMetric()
	if failed != 1 || len(exit) != 1 || exit[0].GetGauge().GetValue() != exitError || fams["wtalign_last_success_timestamp_seconds"] != nil {
		t.Errorf("outcome failed = %v, exit code %v, families %v", failed, exit, keys(fams))
	}

	// The reference named as the metrics file: refused, not overwritten.
	refCopy := filepath.Join(dir, "ref.prom")
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(refCopy, want, 0o644); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join("..", "..", "testdata", "demo", "variants.faa")
	if code, _, stderr := runCLI(t, "align", "-q", "-r", refCopy, "--metrics-file", refCopy, "-o", filepath.Join(dir, "o4.json"), q); code != exitUsage {
		t.Errorf("metrics file = reference: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(refCopy); string(got) != string(want) {
		t.Error("the reference named as the metrics file was changed")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
