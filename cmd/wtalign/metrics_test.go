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

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
