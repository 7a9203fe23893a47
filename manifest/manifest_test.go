package manifest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func sample(t *testing.T) *Manifest {
	t.Helper()
	cfg, sum, err := CanonicalJSON(map[string]any{"gap_open": 10, "matrix": "EBLOSUM62", "assign": map[string]any{"mode": "best"}})
	if err != nil {
		t.Fatal(err)
	}
	total := 10
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Manifest{
		SchemaVersion: SchemaVersion, Tool: Tool{"wtalign", "1.0.0", "abc"},
		CommandLine: []string{"wtalign", "align", "-o", "out.jsonl", "in.faa"},
		Status:      StatusRunning, Output: Output{"out.jsonl", "out.jsonl.partial", "jsonl"},
		Config: cfg, ConfigSHA256: sum, Engine: Engine{"native", "1.0.0"},
		Inputs:     []File{{"in.faa", 3, emptySHA}},
		Reference:  File{"ref.faa", 4, emptySHA},
		Counts:     Counts{Total: &total, Done: 4, Failed: 1, NoHit: 2},
		Failures:   []Failure{{Ordinal: 2, InputFile: "in.faa", RecordIndex: 3, ID: "q3", Reason: "boom"}},
		Checkpoint: Checkpoint{Records: 4, OutputBytes: 0, OutputSHA256: emptySHA, At: now},
		Timings:    Timings{StartedAt: now, SessionStartedAt: now, LastCheckpointAt: now.Add(10 * time.Second), RecordsPerSecond: 2},
		Host:       "h", PID: 1, Sessions: 1,
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.json")
	m := sample(t)
	if err := m.Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Fatalf("round trip differs:\n%s\n%s", a, b)
	}
	// Overwrite: the temp file must not linger.
	m.Status = StatusInterrupted
	if err := m.Save(p); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("directory holds %d entries, want only the manifest", len(ents))
	}
	if got, _ := Load(p); got.Status != StatusInterrupted {
		t.Fatalf("status %q after overwrite", got.Status)
	}
}

func TestLoadRejectsCorruption(t *testing.T) {
	m := sample(t)
	data, _ := json.MarshalIndent(m, "", "  ")
	// Every strict prefix is a truncated write and must be rejected.
	for n := 0; n < len(data); n++ {
		if _, err := Parse(data[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("prefix of %d/%d bytes accepted (err %v)", n, len(data), err)
		}
	}
	mutate := func(f func(m *Manifest)) []byte {
		c := sample(t)
		f(c)
		b, _ := json.Marshal(c)
		return b
	}
	cases := map[string][]byte{
		"garbage":      []byte("\x00\x00\x00"),
		"no schema":    []byte(`{"status":"running"}`),
		"schema 2":     mutate(func(m *Manifest) { m.SchemaVersion = 2 }),
		"bad status":   mutate(func(m *Manifest) { m.Status = "done" }),
		"done!=cp":     mutate(func(m *Manifest) { m.Counts.Done = 5 }),
		"bad hash":     mutate(func(m *Manifest) { m.Checkpoint.OutputSHA256 = "xyz" }),
		"failures":     mutate(func(m *Manifest) { m.Failures = nil }),
		"input hash":   mutate(func(m *Manifest) { m.Inputs[0].SHA256 = "" }),
		"neg bytes":    mutate(func(m *Manifest) { m.Checkpoint.OutputBytes = -1 }),
		"over total":   mutate(func(m *Manifest) { n := 3; m.Counts.Total = &n }),
		"wrong type":   []byte(`{"schema_version":1,"status":7}`),
		"config hash":  mutate(func(m *Manifest) { m.ConfigSHA256 = "" }),
		"retry_from":   mutate(func(m *Manifest) { m.RetryFrom = &RetryPoint{} }),
		"no out path":  mutate(func(m *Manifest) { m.Output.Path = "" }),
		"whitespace":   []byte("  \n"),
		"schema float": []byte(`{"schema_version":1.5}`),
	}
	for name, b := range cases {
		if _, err := Parse(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: accepted (err %v)", name, err)
		}
	}
	if _, err := Parse(mutate(func(*Manifest) {})); err != nil {
		t.Fatalf("valid manifest rejected: %v", err)
	}
	p := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(p, data[:len(data)/2], 0o644)
	_, err := Load(p)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
		t.Fatalf("truncated file: error %v should wrap ErrCorrupt and name %s", err, p)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestCanonicalJSON(t *testing.T) {
	type cfg struct {
		B int            `json:"b"`
		A map[string]any `json:"a"`
	}
	r1, h1, err := CanonicalJSON(cfg{B: 1, A: map[string]any{"y": 2.5, "x": "<s>"}})
	if err != nil {
		t.Fatal(err)
	}
	r2, h2, _ := CanonicalJSON(map[string]any{"a": map[string]any{"x": "<s>", "y": 2.5}, "b": 1})
	if string(r1) != `{"a":{"x":"<s>","y":2.5},"b":1}` || h1 != h2 || string(r1) != string(r2) {
		t.Fatalf("not canonical: %s %s / %s %s", r1, h1, r2, h2)
	}
	_, h3, _ := CanonicalJSON(cfg{B: 2})
	if h3 == h1 {
		t.Fatal("different configurations hash the same")
	}
	big, _, _ := CanonicalJSON(map[string]any{"n": json.Number("9007199254740993")})
	if string(big) != `{"n":9007199254740993}` {
		t.Fatalf("large integer changed: %s", big)
	}
}

func TestDiff(t *testing.T) {
	a, b := sample(t), sample(t)
	if d := Diff(a, b, false); d != nil {
		t.Fatalf("identical runs differ: %v", d)
	}
	b.Inputs[0].SHA256 = strings.Repeat("1", 64)
	b.Reference.Size = 5
	b.Config, b.ConfigSHA256, _ = CanonicalJSON(map[string]any{"gap_open": 12, "matrix": "EBLOSUM62", "assign": map[string]any{"mode": "name"}})
	b.Engine.Name = "water"
	b.Shard = "1/2"
	b.MapFile = &File{Path: "map.tsv"}
	got := strings.Join(Diff(a, b, false), "\n")
	for _, want := range []string{"input 1 (in.faa) content", "reference (ref.faa) size: 4 -> 5", "configuration: gap_open: 10 -> 12",
		`configuration: assign.mode: "best" -> "name"`, "engine: native", `shard: "" -> "1/2"`, "map file: none -> map.tsv"} {
		if !strings.Contains(got, want) {
			t.Errorf("diff lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(strings.Join(Diff(a, b, true), "\n"), "shard") {
		t.Error("ignoreShard still reports the shard")
	}
	c := sample(t)
	c.Inputs = append(c.Inputs, File{"more.faa", 1, emptySHA})
	if d := Diff(a, c, false); len(d) != 1 || !strings.Contains(d[0], "number of input files: 1 -> 2") {
		t.Fatalf("added input: %v", d)
	}
	c = sample(t)
	c.Inputs[0].Path = "-"
	if d := Diff(c, c, false); len(d) == 0 {
		t.Fatal("stdin input must never compare equal")
	}
}

func TestHashFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	os.WriteFile(p, []byte("abc"), 0o644)
	f, err := HashFile(p)
	if err != nil || f.Size != 3 || f.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashFile = %+v, %v", f, err)
	}
	if _, err := HashFile(p + ".none"); err == nil || !strings.Contains(err.Error(), p+".none") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestProgressOf(t *testing.T) {
	m := sample(t)
	m.Host, _ = os.Hostname()
	m.PID = os.Getpid()
	s := ProgressOf("m.json", m)
	if s.Stale || s.Percent == nil || *s.Percent != 40 || s.RemainingSeconds == nil || *s.RemainingSeconds != 3 || s.ETA == nil ||
		!s.ETA.Equal(m.Timings.LastCheckpointAt.Add(3*time.Second)) {
		t.Fatalf("running progress: %+v", s)
	}
	// A pid that cannot exist on this host: the run is stale.
	m.PID = 1 << 30
	if s := ProgressOf("m.json", m); !s.Stale || s.ETA != nil {
		t.Fatalf("dead process not reported stale: %+v", s)
	}
	m.Status = StatusInterrupted
	if s := ProgressOf("m.json", m); s.Stale || s.ETA != nil || *s.RemainingSeconds != 3 {
		t.Fatalf("interrupted progress: %+v", s)
	}
	m.Status = StatusComplete
	if s := ProgressOf("m.json", m); s.RemainingSeconds != nil {
		t.Fatalf("complete run has remaining time: %+v", s)
	}
}

// TestCrashDuringSave kills a child process inside Save, between writing
// the temp file and renaming it: the old manifest must still load intact.
func TestCrashDuringSave(t *testing.T) {
	if p := os.Getenv("MANIFEST_HELPER_SAVE"); p != "" {
		m := sample(t)
		m.Status = StatusComplete
		_ = m.Save(p)
		os.Exit(0) // not reached when the crashpoint fires
	}
	for _, point := range []string{"manifest-temp-written", "manifest-renamed"} {
		p := filepath.Join(t.TempDir(), "m.json")
		if err := sample(t).Save(p); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringSave$")
		cmd.Env = append(os.Environ(), "MANIFEST_HELPER_SAVE="+p, CrashpointEnv+"="+point)
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ProcessState.Sys().(interface{ Signaled() bool }).Signaled() == false {
			t.Fatalf("%s: child was not killed: %v", point, err)
		}
		got, err := Load(p)
		if err != nil {
			t.Fatalf("%s: manifest unreadable after crash: %v", point, err)
		}
		want := StatusRunning
		if point == "manifest-renamed" {
			want = StatusComplete
		}
		if got.Status != want {
			t.Fatalf("%s: status %q, want %q", point, got.Status, want)
		}
	}
}
