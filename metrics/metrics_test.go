package metrics

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var (
	t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(80 * time.Second)
)

func exampleRun() Run {
	return Run{
		Accession:      "GCF_000005845.2",
		Output:         "results/alignments/GCF_000005845.2_alignments.json",
		Outcome:        Success,
		Records:        map[string]int64{"wildtype": 38, "no_hit": 4196, "mutant": 0, "low_quality": 64},
		ResumedRecords: 298,
		AlignedCells:   2_000_000_000,
		Start:          t0,
		End:            t1,
	}
}

// parse reads text with the Prometheus text parser, as node_exporter does.
func parse(t *testing.T, text []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("expfmt: %v\n%s", err, text)
	}
	return fams
}

// value returns the gauge value of name with the given label pairs.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	if f.GetType() != dto.MetricType_GAUGE {
		t.Fatalf("%s: type %v", name, f.GetType())
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		for i := 0; i < len(labels); i += 2 {
			if got[labels[i]] != labels[i+1] {
				continue next
			}
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("%s: no sample with labels %v", name, labels)
	return 0
}

func TestDescsFollowNamingRules(t *testing.T) {
	validName := regexp.MustCompile(`^[a-z_][a-z0-9_]*$`) // Prometheus allows ':' and capitals; we use neither
	validLabel := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	seen := map[string]bool{}
	for _, d := range append(Descs(), ServiceDescs()...) { // batch and service names are one namespace
		if d.Type == "histogram" {
			if !strings.HasSuffix(d.Name, "_seconds") {
				t.Errorf("%s: histograms here are durations in seconds", d.Name)
			}
			continue
		}
		if !validName.MatchString(d.Name) || !strings.HasPrefix(d.Name, "wtalign_") {
			t.Errorf("%s: not a wtalign_ snake_case name", d.Name)
		}
		if seen[d.Name] {
			t.Errorf("%s: listed twice", d.Name)
		}
		seen[d.Name] = true
		// A counter's name ends in _total; no gauge's does. Time is in
		// seconds, named so.
		if (d.Type == Counter) != strings.HasSuffix(d.Name, "_total") {
			t.Errorf("%s: type %s and the _total suffix disagree", d.Name, d.Type)
		}
		if strings.Contains(d.Name, "timestamp") || strings.Contains(d.Name, "duration") {
			if !strings.HasSuffix(d.Name, "_seconds") {
				t.Errorf("%s: a time must be in seconds and end in _seconds", d.Name)
			}
		}
		for _, forbidden := range []string{"_milliseconds", "_minutes", "_bytes_total_"} {
			if strings.Contains(d.Name, forbidden) {
				t.Errorf("%s: use base units", d.Name)
			}
		}
		if d.Help == "" || !strings.HasSuffix(d.Help, ".") {
			t.Errorf("%s: help text must be a sentence", d.Name)
		}
		for _, l := range d.Labels {
			if !validLabel.MatchString(l) {
				t.Errorf("%s: label %q", d.Name, l)
			}
		}
		if strings.HasPrefix(d.Name, "wtalign_run_") && (len(d.Labels) < 2 || d.Labels[0] != "accession" || d.Labels[1] != "output") {
			t.Errorf("%s: a batch run's labels %v must start with accession, output", d.Name, d.Labels)
		}
	}
	// The label slices must not share a backing array (an append to one
	// would change another).
	if &RunRecords.Labels[0] == &RunOutcome.Labels[0] || RunRecords.Labels[2] != "status" || RunOutcome.Labels[2] != "outcome" {
		t.Errorf("label slices share storage: %v %v", RunRecords.Labels, RunOutcome.Labels)
	}
}

func TestEncodeParses(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, exampleRun()); err != nil {
		t.Fatal(err)
	}
	fams := parse(t, buf.Bytes())
	if len(fams) != len(Descs()) {
		t.Errorf("%d families, want %d", len(fams), len(Descs()))
	}
	for _, d := range Descs() {
		f := fams[d.Name]
		if f == nil {
			t.Errorf("missing %s", d.Name)
			continue
		}
		if f.GetHelp() != d.Help {
			t.Errorf("%s: help %q", d.Name, f.GetHelp())
		}
	}
	acc := []string{"accession", "GCF_000005845.2", "output", "results/alignments/GCF_000005845.2_alignments.json"}
	lbl := func(extra ...string) []string { return append(append([]string{}, acc...), extra...) }
	checks := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"wtalign_run_records", lbl("status", "wildtype"), 38},
		{"wtalign_run_records", lbl("status", "no_hit"), 4196},
		{"wtalign_run_records", lbl("status", "mutant"), 0},
		{"wtalign_run_failed_records", acc, 0},
		{"wtalign_run_resumed_records", acc, 298},
		{"wtalign_run_aligned_cells", acc, 2e9},
		{"wtalign_run_duration_seconds", acc, 80},
		{"wtalign_run_records_per_second", acc, 4000.0 / 80},
		{"wtalign_run_cells_per_second", acc, 2e9 / 80},
		{"wtalign_run_outcome", lbl("outcome", "success"), 1},
		{"wtalign_run_outcome", lbl("outcome", "failed"), 0},
		{"wtalign_run_outcome", lbl("outcome", "interrupted"), 0},
		{"wtalign_run_outcome", lbl("outcome", "failed_records"), 0},
		{"wtalign_run_exit_code", acc, 0},
		{"wtalign_run_end_timestamp_seconds", acc, float64(t1.Unix())},
		{"wtalign_last_success_timestamp_seconds", acc, float64(t1.Unix())},
	}
	for _, c := range checks {
		if got := value(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels[4:], got, c.want)
		}
	}
}

func TestEncodeEscapesLabels(t *testing.T) {
	r := exampleRun()
	r.Output = "dir with \"quotes\"\\and\nnewline.json"
	var buf bytes.Buffer
	if err := Encode(&buf, r); err != nil {
		t.Fatal(err)
	}
	fams := parse(t, buf.Bytes())
	if v := value(t, fams, "wtalign_run_exit_code", "output", r.Output); v != 0 {
		t.Errorf("exit code %v", v)
	}
}

func TestEncodeRejectsBadRuns(t *testing.T) {
	for name, mutate := range map[string]func(*Run){
		"no outcome":      func(r *Run) { r.Outcome = "" },
		"unknown outcome": func(r *Run) { r.Outcome = "ok" },
		"no start":        func(r *Run) { r.Start = time.Time{} },
		"end before":      func(r *Run) { r.End = t0.Add(-time.Second) },
		"negative":        func(r *Run) { r.ResumedRecords = -1 },
		"unnamed status":  func(r *Run) { r.Records[""] = 1 },
		"negative status": func(r *Run) { r.Records["mutant"] = -1 },
	} {
		r := exampleRun()
		mutate(&r)
		if err := Encode(&bytes.Buffer{}, r); err == nil || !strings.HasPrefix(err.Error(), "metrics: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestZeroDuration(t *testing.T) {
	r := exampleRun()
	r.End = r.Start
	var buf bytes.Buffer
	if err := Encode(&buf, r); err != nil {
		t.Fatal(err)
	}
	fams := parse(t, buf.Bytes())
	if v := value(t, fams, "wtalign_run_records_per_second"); v != 0 {
		t.Errorf("rate over zero seconds = %v", v)
	}
}

func TestWriteFileKeepsLastSuccess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "GCF_000005845.2.prom")

	// A failed first run: no success yet, so no last-success sample.
	r := exampleRun()
	r.Outcome, r.ExitCode = Failed, 1
	if err := WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	fams := parse(t, mustRead(t, path))
	if _, ok := fams[LastSuccess.Name]; ok {
		t.Error("last success written for a run that never succeeded")
	}

	// Success (with failed records: the output is complete).
	r = exampleRun()
	r.Outcome, r.ExitCode, r.FailedRecords = FailedRecords, 3, 2
	r.Records["error"] = 2
	if err := WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	fams = parse(t, mustRead(t, path))
	if v := value(t, fams, LastSuccess.Name); v != float64(t1.Unix()) {
		t.Errorf("last success %v", v)
	}
	if v := value(t, fams, "wtalign_run_failed_records"); v != 2 {
		t.Errorf("failed records %v", v)
	}

	// An interrupted run a day later keeps the earlier success time.
	r = exampleRun()
	r.Start, r.End = t0.Add(24*time.Hour), t1.Add(24*time.Hour+500*time.Millisecond)
	r.Outcome, r.ExitCode = Interrupted, 143
	if err := WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	fams = parse(t, mustRead(t, path))
	if v := value(t, fams, LastSuccess.Name); v != float64(t1.Unix()) {
		t.Errorf("last success after an interrupted run = %v, want the earlier %v", v, t1.Unix())
	}
	if v := value(t, fams, "wtalign_run_end_timestamp_seconds"); v != float64(r.End.UnixMilli())/1000 || v == math.Trunc(v) {
		t.Errorf("end timestamp %v (milliseconds expected)", v)
	}
	if v := value(t, fams, "wtalign_run_outcome", "outcome", "interrupted"); v != 1 {
		t.Errorf("outcome interrupted = %v", v)
	}

	// The same path for another accession does not inherit it.
	r.Accession = "OTHER"
	if err := WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	if _, ok := parse(t, mustRead(t, path))[LastSuccess.Name]; ok {
		t.Error("another accession inherited the last success")
	}

	// Only the .prom file is left (no temporary files), readable by
	// node_exporter's user.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %v", ents)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "missing", "x.prom"), exampleRun()); err == nil {
		t.Error("no error for a missing directory")
	}
	// An unreadable old file is an error, not a silently lost timestamp.
	path := filepath.Join(dir, "x.prom")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	r := exampleRun()
	r.Outcome = Failed
	if err := WriteFile(path, r); err == nil {
		t.Error("no error when the path is a directory")
	}
	bad := exampleRun()
	bad.Outcome = "nope"
	if err := WriteFile(filepath.Join(dir, "y.prom"), bad); err == nil {
		t.Error("invalid run written")
	}
	if _, err := os.Stat(filepath.Join(dir, "y.prom")); !os.IsNotExist(err) {
		t.Error("invalid run left a file")
	}
}

func TestCheckPath(t *testing.T) {
	dir := t.TempDir()
	if err := CheckPath(filepath.Join(dir, "a.prom")); err != nil {
		t.Errorf("writable dir: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("CheckPath left %v", ents)
	}
	for _, p := range []string{
		filepath.Join(dir, "missing", "a.prom"),
		filepath.Join(dir, "a.txt"),
	} {
		if err := CheckPath(p); err == nil || !strings.HasPrefix(err.Error(), "metrics: ") {
			t.Errorf("%s: err = %v", p, err)
		}
	}
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	if err := CheckPath(filepath.Join(file, "a.prom")); err == nil {
		t.Error("a file as directory accepted")
	}
	// A directory the user cannot write: root can write anywhere on a
	// normal file system, but not in /proc.
	ro := "/proc"
	if os.Geteuid() != 0 {
		ro = filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
	}
	if err := CheckPath(filepath.Join(ro, "a.prom")); err == nil || !strings.Contains(err.Error(), "cannot write in") {
		t.Errorf("read-only directory: err = %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
