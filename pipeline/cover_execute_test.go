package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
)

// fileSpec is scanSpec writing JSONL to out.jsonl in a new directory.
func fileSpec(t *testing.T, mode string, inputs ...string) Spec {
	t.Helper()
	s := scanSpec(mode, inputs...)
	s.Out, s.Format = filepath.Join(t.TempDir(), "out.jsonl"), string(output.JSONL)
	return s
}

func readOut(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExecuteCompleteRerunForce: a finished run writes every record and
// its manifest; the same run again does nothing (AlreadyComplete, counts
// from the manifest); --force and --resume=false run it again to the same
// bytes.
func TestExecuteCompleteRerunForce(t *testing.T) {
	s := fileSpec(t, AssignName, variants)
	var totals []int
	env := Env{ToolVersion: "test", Progress: func(p Progress) { totals = append(totals, p.Total) }}
	res, err := Execute(context.Background(), s, env)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 27 || res.Resumed != 0 || res.AlreadyComplete || res.Counts.Done != 27 || res.References != 38 ||
		res.Manifest != s.Out+".manifest.json" || res.Out != s.Out || res.Format != "jsonl" || res.Engine.Name != EngineNative || res.Kernel == "" || res.Cells <= 0 {
		t.Fatalf("outcome %+v", res)
	}
	if len(totals) == 0 || totals[0] != 27 {
		t.Errorf("progress totals %v, want 27", totals)
	}
	first := readOut(t, s.Out)
	if n := bytes.Count(first, []byte("\n")); n != 27 {
		t.Errorf("%d lines in the output, want 27", n)
	}
	m, err := manifest.Load(res.Manifest)
	if err != nil || m.Status != manifest.StatusComplete || m.Counts.Done != 27 || *m.Counts.Total != 27 {
		t.Fatalf("manifest %+v %v", m, err)
	}
	for _, p := range []string{s.Out + ".partial", s.Out + ".lock"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", p, err)
		}
	}

	again, err := Execute(context.Background(), s, env)
	if err != nil || !again.AlreadyComplete || again.Records != 27 || again.Counts.Done != 27 || again.Manifest != res.Manifest {
		t.Fatalf("rerun: %+v %v", again, err)
	}
	for _, edit := range []func(*Spec){func(s *Spec) { s.Force = true }, func(s *Spec) { s.Resume = "false" }} {
		f := s
		edit(&f)
		redo, err := Execute(context.Background(), f, env)
		if err != nil || redo.AlreadyComplete || redo.Records != 27 {
			t.Fatalf("force %v resume %s: %+v %v", f.Force, f.Resume, redo, err)
		}
		if !bytes.Equal(readOut(t, s.Out), first) {
			t.Errorf("force %v resume %s: output differs from the first run", f.Force, f.Resume)
		}
	}
	// A complete output that was changed is not "already complete": the run
	// starts over (auto) and gives the same bytes again.
	if err := os.WriteFile(s.Out, []byte("edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	redo, err := Execute(context.Background(), s, env)
	if err != nil || redo.AlreadyComplete || !bytes.Equal(readOut(t, s.Out), first) {
		t.Errorf("changed output: %+v %v", redo, err)
	}
}

// TestExecuteInterruptResume: a cancel during a run writes the checkpoint
// and returns ErrInterrupted; --resume=false and a changed spec are then
// refused; the same spec resumes from the checkpoint to the bytes of an
// uninterrupted run.
func TestExecuteInterruptResume(t *testing.T) {
	want := fileSpec(t, AssignName, variants)
	if _, err := Execute(context.Background(), want, Env{}); err != nil {
		t.Fatal(err)
	}
	s := fileSpec(t, AssignName, variants)
	s.CheckpointEvery = 1
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := Prepare(ctx, s, Env{Progress: func(pr Progress) {
		if pr.Done >= 6 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	p.Job.BatchSize, p.Job.Threads = 3, 1
	res, err := p.Execute(ctx)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted", err)
	}
	m, err := manifest.Load(s.Out + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	done := m.Counts.Done
	if m.Status != manifest.StatusInterrupted || done < 6 || done >= 27 || res.Resumed != 0 {
		t.Fatalf("after the interrupt: status %s, %d done, outcome %+v", m.Status, done, res)
	}
	if _, err := os.Stat(s.Out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an interrupted run put its output in place: %v", err)
	}

	no := s
	no.Resume = "false"
	if _, err := Execute(context.Background(), no, Env{}); !errors.Is(err, output.ErrResumeRefused) || !strings.Contains(err.Error(), "holds an unfinished run (interrupted, ") {
		t.Errorf("--resume=false over an interrupted run: %v", err)
	}
	changed := s
	changed.MinIdentity = 30
	if _, err := Execute(context.Background(), changed, Env{}); !errors.Is(err, output.ErrResumeRefused) || !strings.Contains(err.Error(), "differs from this one") {
		t.Errorf("changed spec over an interrupted run: %v", err)
	}

	var notes []Note
	res, err = Execute(context.Background(), s, Env{Notify: func(n Note) { notes = append(notes, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != done || res.Records != 27 || res.Counts.Done != 27 {
		t.Errorf("resumed run: %+v, want %d resumed of 27", res, done)
	}
	if len(notes) != 1 || notes[0].Msg != "resuming from checkpoint" || len(notes[0].Attrs) != 1 ||
		notes[0].Attrs[0] != (Attr{Key: "records_done", Value: done}) || notes[0].Warn {
		t.Errorf("notes %+v", notes)
	}
	if !bytes.Equal(readOut(t, s.Out), readOut(t, want.Out)) {
		t.Error("the resumed output differs from an uninterrupted run")
	}
}

// TestExecuteInterruptStdout: a cancelled run to stdout has no checkpoint
// to write and says so.
func TestExecuteInterruptStdout(t *testing.T) {
	s := scanSpec(AssignName, variants)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	_, err := Execute(ctx, s, Env{Stdout: &buf})
	if !errors.Is(err, context.Canceled) || err.Error() != "interrupted while writing to stdout: context canceled" {
		t.Errorf("err %v", err)
	}
}

// TestExecuteFailedRecords: records that cannot be processed are written
// with status error and the run ends with *RecordsFailedError counting
// them; the manifest lists the failures.
func TestExecuteFailedRecords(t *testing.T) {
	s := fileSpec(t, AssignBest, "../testdata/fasta/invalid_letters.faa")
	res, err := Execute(context.Background(), s, Env{})
	var rf *RecordsFailedError
	if !errors.As(err, &rf) {
		t.Fatalf("err %v, want *RecordsFailedError", err)
	}
	if rf.N != 4 || res.Counts.Failed != 4 || res.Records != 5 || err.Error() != "4 record(s) failed; see the output and manifest for reasons" {
		t.Errorf("%v; outcome %+v", err, res)
	}
	m, err := manifest.Load(res.Manifest)
	if err != nil || m.Status != manifest.StatusPartialFail || len(m.Failures) != 4 {
		t.Fatalf("manifest %+v %v", m, err)
	}
	if f := m.Failures[0]; !strings.Contains(f.Reason, "at_sign") {
		t.Errorf("first failure %+v does not name the record", f)
	}
	out := string(readOut(t, s.Out))
	if strings.Count(out, `"status":"error"`) != 4 || strings.Count(out, `"status":"no_hit"`) != 1 {
		t.Errorf("output:\n%s", out)
	}
}

// TestExecuteFatalInput: a gzip that breaks off is refused by Prepare
// (its pre-read) before any output exists; an input replaced by such a file
// after Prepare stops the run with the reader's error, after the records
// before it, and the manifest says failed with that error.
func TestExecuteFatalInput(t *testing.T) {
	broken := "../testdata/fasta/truncated.faa.gz"
	s := fileSpec(t, AssignName, broken)
	s.SkipUnassigned = true
	if err := prepareErr(t, s); !strings.Contains(err.Error(), broken) {
		t.Errorf("Prepare: %q does not name the file", err)
	}
	if _, err := os.Stat(s.Out + ".manifest.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run left a manifest: %v", err)
	}

	in := filepath.Join(t.TempDir(), "q.faa.gz")
	if err := os.WriteFile(in, readOut(t, "../testdata/fasta/derived_edge_cases.faa.gz"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = fileSpec(t, AssignName, in)
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, readOut(t, broken), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Job.BatchSize = 1
	res, err := p.Execute(context.Background())
	var rf *RecordsFailedError
	if err == nil || errors.Is(err, ErrInterrupted) || errors.As(err, &rf) || !strings.Contains(err.Error(), in) {
		t.Fatalf("err %v", err)
	}
	m, lerr := manifest.Load(s.Out + ".manifest.json")
	if lerr != nil || m.Status != manifest.StatusFailed || m.Error != err.Error() || m.Counts.Done == 0 || res.Records != 0 {
		t.Errorf("manifest %+v %v (outcome %+v)", m, lerr, res)
	}
	if _, err := os.Stat(s.Out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed run put its output in place: %v", err)
	}
}

// TestExecuteShard: shard 2/3 of 27 records writes ordinals 1, 4, ... 25.
func TestExecuteShard(t *testing.T) {
	s := fileSpec(t, AssignName, variants)
	s.Shard = "2/3"
	res, err := Execute(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 9 || *res.Counts.Total != 9 {
		t.Fatalf("outcome %+v", res)
	}
	lines := strings.Split(strings.TrimSpace(string(readOut(t, s.Out))), "\n")
	for i, l := range lines {
		if want := `"ordinal":` + strconv.Itoa(1+3*i) + `,`; !strings.Contains(l, want) {
			t.Errorf("line %d lacks %s", i, want)
		}
	}
}

func TestShardSize(t *testing.T) {
	for _, c := range []struct{ total, k, n, want int }{
		{27, 0, 0, 27}, {27, 1, 1, 27}, {27, 2, 3, 9}, {10, 3, 4, 2}, {10, 1, 4, 3}, {2, 3, 4, 0}, {3, 3, 4, 1}, {0, 1, 2, 0},
	} {
		if got := shardSize(c.total, c.k, c.n); got != c.want {
			t.Errorf("shardSize(%d, %d, %d) = %d, want %d", c.total, c.k, c.n, got, c.want)
		}
	}
}

// TestExecuteStream: an output that is a device is written as a stream:
// no manifest, no partial.
func TestExecuteStream(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	s := scanSpec(AssignName, variants)
	s.Out = os.DevNull
	res, err := Execute(context.Background(), s, Env{})
	if err != nil || res.Manifest != "" || res.Records != 27 || res.Out != os.DevNull {
		t.Fatalf("%+v %v", res, err)
	}
	if !isStream(os.DevNull) || isStream(variants) || isStream("../testdata") || isStream("../testdata/nonexistent") {
		t.Error("isStream")
	}
}

func TestDefaultThreads(t *testing.T) {
	for v, want := range map[string]int{"3": 3, "0": runtime.GOMAXPROCS(0), "-2": runtime.GOMAXPROCS(0), "x": runtime.GOMAXPROCS(0), "": runtime.GOMAXPROCS(0)} {
		t.Setenv("WTALIGN_THREADS", v)
		if got := DefaultThreads(); got != want {
			t.Errorf("WTALIGN_THREADS=%q: %d, want %d", v, got, want)
		}
	}
}
