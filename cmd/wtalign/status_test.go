package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/manifest"
)

func statusCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestStatusCommand(t *testing.T) {
	dir := t.TempDir()
	cfg, sum, _ := manifest.CanonicalJSON(map[string]any{"gap_open": 10})
	total := 400
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion, Status: manifest.StatusInterrupted,
		Output: manifest.Output{Path: "out.tsv", Partial: "out.tsv.partial", Format: "tsv"},
		Config: cfg, ConfigSHA256: sum, Failures: []manifest.Failure{{Ordinal: 3, InputFile: "a.faa", RecordIndex: 4, ID: "q4", Reason: "engine crashed"}},
		Reference:  manifest.File{Path: "ref.faa", Size: 1, SHA256: strings.Repeat("b", 64)},
		Counts:     manifest.Counts{Total: &total, Done: 100, Failed: 1, NoHit: 7},
		Checkpoint: manifest.Checkpoint{Records: 100, OutputBytes: 10, OutputSHA256: strings.Repeat("a", 64), At: at},
		Timings:    manifest.Timings{LastCheckpointAt: at, RecordsPerSecond: 50},
	}
	good := filepath.Join(dir, "out.tsv.manifest.json")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	code, out, errs := statusCLI("status", good)
	for _, want := range []string{"interrupted", "100/400 (25.0%)", "50.0/s", "~6s after resume", "a.faa record 4 (q4): engine crashed"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status: exit %d, output lacks %q:\n%s%s", code, want, out, errs)
		}
	}
	code, out, _ = statusCLI("status", "--json", good)
	var sums []manifest.Progress
	if err := json.Unmarshal([]byte(out), &sums); code != 0 || err != nil || len(sums) != 1 || sums[0].Done != 100 ||
		*sums[0].RemainingSeconds != 6 || sums[0].Status != manifest.StatusInterrupted || len(sums[0].Failures) != 1 {
		t.Fatalf("status --json: exit %d %v\n%s", code, err, out)
	}
	// A truncated manifest is reported (exit 1) while the others are shown.
	bad := filepath.Join(dir, "bad.manifest.json")
	b, _ := os.ReadFile(good)
	os.WriteFile(bad, b[:len(b)/2], 0o644)
	code, out, errs = statusCLI("status", "--log-format", "json", good, bad)
	if code != 1 || !strings.Contains(out, "interrupted") || !strings.Contains(errs, "not valid JSON") || !strings.Contains(errs, bad) {
		t.Fatalf("corrupt manifest: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestMergeCommandUsage(t *testing.T) {
	if code, _, errs := statusCLI("merge", "x.jsonl"); code != exitUsage || !strings.Contains(errs, "-o") {
		t.Fatalf("merge without -o: exit %d\n%s", code, errs)
	}
	code, _, errs := statusCLI("merge", "--log-format", "json", "-o", filepath.Join(t.TempDir(), "m.jsonl"), filepath.Join(t.TempDir(), "none.jsonl"))
	if code != exitError || !strings.Contains(errs, "none.jsonl.manifest.json") {
		t.Fatalf("merge of a missing shard: exit %d\n%s", code, errs)
	}
}
