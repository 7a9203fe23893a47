//go:build unix

package resume

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestInterruptMetrics: a run stopped by SIGTERM still writes its
// --metrics-file, with outcome interrupted, exit code 143, no last-success
// time, and the records it wrote by status (as many as its manifest says
// are done).
func TestInterruptMetrics(t *testing.T) {
	dir := t.TempDir()
	out, prom := filepath.Join(dir, "ACC1_alignments.json"), filepath.Join(dir, "ACC1.prom")
	cmd, o, e := command(nil, alignArgs("json", out, queries, "--metrics-file", prom)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForProgress(out, 50)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	r := wait(t, cmd, o, e)
	if r.code != 143 {
		t.Fatalf("exit %d (signal %v), want 143 (the run must still be going after 50 of %d records)\n%s", r.code, r.signal, 2000, r.stderr)
	}
	m := loadManifest(t, out)
	f, err := os.Open(prom)
	if err != nil {
		t.Fatalf("no metrics file after SIGTERM: %v", err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not the text format: %v", err)
	}
	value := func(name, label, want string) (float64, bool) {
		for _, x := range fams[name].GetMetric() {
			for _, l := range x.GetLabel() {
				if label == "" || (l.GetName() == label && l.GetValue() == want) {
					return x.GetGauge().GetValue(), true
				}
			}
		}
		return 0, false
	}
	if v, ok := value("wtalign_run_outcome", "outcome", "interrupted"); !ok || v != 1 {
		t.Errorf("outcome interrupted = %v (%v)", v, ok)
	}
	if v, _ := value("wtalign_run_exit_code", "", ""); v != 143 {
		t.Errorf("exit code %v, want 143", v)
	}
	if fams["wtalign_last_success_timestamp_seconds"] != nil {
		t.Error("an interrupted run set the last-success time")
	}
	total := 0.0
	for _, x := range fams["wtalign_run_records"].GetMetric() {
		total += x.GetGauge().GetValue()
	}
	if total == 0 || int(total) != m.Counts.Done {
		t.Errorf("records in the metrics %v, manifest done %d", total, m.Counts.Done)
	}
	if v, _ := value("wtalign_run_aligned_cells", "", ""); v <= 0 {
		t.Errorf("aligned cells %v", v)
	}
}
