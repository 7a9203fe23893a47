package verifytest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestMain is the package's own use of Main: the binary built by the
// tests is removed after them.
func TestMain(m *testing.M) { Main(m) }

func TestRootAndPath(t *testing.T) {
	want, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if got := Root(t); got != want {
		t.Errorf("Root = %s, want %s", got, want)
	}
	if got := Path(t, "testdata/demo/variants.faa"); got != filepath.Join(want, "testdata", "demo", "variants.faa") {
		t.Errorf("Path = %s", got)
	}
}

// fatalTB records the first Fatal and stops the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs fn with a fatalTB on its own goroutine and returns the
// Fatal message ("" if none).
func fatalOf(t *testing.T, fn func(testing.TB)) string {
	f := &fatalTB{TB: t}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fn(f)
	}()
	wg.Wait()
	return f.msg
}

func TestRootNeedsGoMod(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if msg := fatalOf(t, func(tb testing.TB) { Root(tb) }); msg != "verifytest: no go.mod above the test's directory" {
		t.Errorf("outside the module: %q", msg)
	}
}

// TestCohortWritesOutputsAndManifests: Cohort names each output after its
// FASTA and writes it with a complete manifest, aligned by gene name.
func TestCohortWritesOutputsAndManifests(t *testing.T) {
	dir := t.TempDir()
	outs := Cohort(t, dir, []string{"--format", "jsonl"}, "testdata/demo/variants.faa", "testdata/variant/variant_ecoli_nfsA_stop.faa")
	want := []string{filepath.Join(dir, "variants_alignments.json"), filepath.Join(dir, "variant_ecoli_nfsA_stop_alignments.json")}
	if strings.Join(outs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("outputs %q, want %q", outs, want)
	}
	b, err := os.ReadFile(outs[1])
	if err != nil {
		t.Fatal(err)
	}
	// --format came through: two JSON lines, one per NfsA record.
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines in %s", len(lines), outs[1])
	}
	for _, l := range lines {
		var rec struct {
			Query     struct{ ID string }
			Reference struct{ Gene string }
			Engine    struct{ Assign string }
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Reference.Gene != "nfsA" || rec.Engine.Assign != "name" || !strings.HasPrefix(rec.Query.ID, "ecoli_nfsA_R15C_K141STOP") {
			t.Errorf("record %s", l)
		}
	}
	for _, out := range outs {
		m, err := os.ReadFile(out + ".manifest.json")
		if err != nil {
			t.Fatal(err)
		}
		var man struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(m, &man); err != nil || man.Status != "complete" {
			t.Errorf("%s manifest: status %q, %v", out, man.Status, err)
		}
	}
}

// TestRunExitCodes: 3 (failed records) is returned, any other failure
// fails the test with the command and its stderr.
func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	ref := Path(t, "testdata/demo/ref_ecoli_k12_mg1655.faa")
	if code := Align(t, "-r", ref, "-o", filepath.Join(dir, "bad.json"), Path(t, "testdata/fasta/invalid_letters.faa")); code != 3 {
		t.Errorf("records with invalid letters: exit %d, want 3", code)
	}
	if code := Run(t, "version"); code != 0 {
		t.Errorf("version: exit %d", code)
	}
	msg := fatalOf(t, func(tb testing.TB) { Align(tb, "--no-such-flag") })
	if !strings.HasPrefix(msg, "wtalign [align --quiet --no-such-flag]: exit 2\n") || !strings.Contains(msg, "unknown flag: --no-such-flag") {
		t.Errorf("usage error: %q", msg)
	}
}

// TestBuildAndStartFailures: a module without cmd/wtalign fails the build
// with go build's output, and a binary that cannot be started fails Run.
// It swaps the package's build state and puts it back.
func TestBuildAndStartFailures(t *testing.T) {
	built := Binary(t)
	saved := [3]any{binDir, binPath, buildErr}
	defer func() {
		binDir, binPath = saved[0].(string), saved[1].(string)
		buildErr, _ = saved[2].(error)
		buildOnce = sync.Once{}
		buildOnce.Do(func() {})
	}()

	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/empty\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(mod)
	buildOnce = sync.Once{}
	msg := fatalOf(t, func(tb testing.TB) { Binary(tb) })
	os.RemoveAll(binDir)
	if !strings.HasPrefix(msg, "go build ./cmd/wtalign: exit status 1\n") || !strings.Contains(msg, "cmd/wtalign") {
		t.Errorf("build in a module without the CLI: %q", msg)
	}
	// The failure is remembered: no second build.
	if again := fatalOf(t, func(tb testing.TB) { Binary(tb) }); again != msg {
		t.Errorf("second call: %q", again)
	}

	buildErr, binPath = nil, filepath.Join(mod, "missing-wtalign")
	msg = fatalOf(t, func(tb testing.TB) { Run(tb, "version") })
	if !strings.Contains(msg, "missing-wtalign") || !strings.Contains(msg, "no such file or directory") {
		t.Errorf("binary that does not exist: %q", msg)
	}
	if _, err := os.Stat(built); err != nil {
		t.Errorf("the real binary is gone: %v", err)
	}
}
