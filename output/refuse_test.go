package output

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
)

// unfinished leaves an interrupted run of gs after stop records.
func unfinished(t *testing.T, opt Options, gs []group, stop int) {
	t.Helper()
	w, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	writeFrom(t, w, gs, stop)
	if err := w.Interrupt(); err != nil {
		t.Fatal(err)
	}
}

func TestResumeRefusesChanges(t *testing.T) {
	gs := healed(synth(30))
	cases := []struct {
		name   string
		change func(e *env, o *Options)
		want   string
	}{
		{"input content", func(e *env, o *Options) { os.WriteFile(e.in, []byte(">q1\nMSDLAREITPW\n"), 0o644) }, "input 1 (" + "IN" + ") content"},
		{"input added", func(e *env, o *Options) { o.Identity.Inputs = append(o.Identity.Inputs, e.ref) }, "number of input files: 1 -> 2"},
		{"reference", func(e *env, o *Options) { os.WriteFile(e.ref, []byte(">x|gyrA|y\nMSDLAREITPV\n"), 0o644) }, "reference (REF) size"},
		{"parameters", func(e *env, o *Options) { o.Identity.Config = map[string]any{"gap_open": 12.0} }, "configuration: gap_open: 10 -> 12"},
		{"engine", func(e *env, o *Options) { o.Identity.Engine = "water" }, "engine: native 1.2.3 -> water 1.2.3"},
		{"shard", func(e *env, o *Options) { o.Identity.Shard = "1/2" }, `shard: "" -> "1/2"`},
		{"build", func(e *env, o *Options) { o.ToolVersion = "9.9.9" }, "wtalign build: 1.2.3"},
		{"map", func(e *env, o *Options) { o.Identity.MapFile = e.in }, "map file: none -> "},
		{"resume=false", func(e *env, o *Options) { o.Resume = "false" }, "holds an unfinished run (interrupted, 12 records done); rerun with --resume"},
	}
	for _, c := range cases {
		e := newEnv(t, JSONL)
		opt := e.opts(JSONL)
		unfinished(t, opt, gs, 12)
		mbefore, _ := os.ReadFile(e.out + ".manifest.json")
		pbefore, _ := os.ReadFile(e.out + ".partial")
		c.change(e, &opt)
		_, err := Open(opt)
		want := strings.NewReplacer("IN", e.in, "REF", e.ref).Replace(c.want)
		if !errors.Is(err, ErrResumeRefused) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want ErrResumeRefused mentioning %q", c.name, err, want)
			continue
		}
		// Refusing touches nothing.
		mafter, _ := os.ReadFile(e.out + ".manifest.json")
		pafter, _ := os.ReadFile(e.out + ".partial")
		if !bytes.Equal(mbefore, mafter) || !bytes.Equal(pbefore, pafter) {
			t.Errorf("%s: a refused resume changed the manifest or partial", c.name)
		}
		// --force starts over cleanly and gives the new run's output.
		opt.Force, opt.Resume = true, "auto"
		want2 := runAll(t, func() Options { o := opt; o.Out = filepath.Join(e.dir, "ref.jsonl"); o.Force = false; return o }(), gs)
		got := runAll(t, opt, gs)
		if !bytes.Equal(got, want2) {
			t.Errorf("%s: --force output differs from a clean run", c.name)
		}
		if m, _ := manifest.Load(e.out + ".manifest.json"); m.Sessions != 1 {
			t.Errorf("%s: --force run has %d sessions, want 1", c.name, m.Sessions)
		}
	}
	// --resume=true without a manifest, and --force with --resume=true.
	e := newEnv(t, JSONL)
	opt := e.opts(JSONL)
	opt.Resume = "true"
	if _, err := Open(opt); !errors.Is(err, ErrResumeRefused) || !strings.Contains(err.Error(), "nothing to resume") {
		t.Errorf("--resume=true without manifest: %v", err)
	}
	opt.Force = true
	if _, err := Open(opt); err == nil || !strings.Contains(err.Error(), "contradict") {
		t.Errorf("--force --resume=true: %v", err)
	}
}

func TestCorruptionDetected(t *testing.T) {
	gs := healed(synth(30))
	type damage struct {
		name string
		do   func(e *env)
		want string
	}
	for _, d := range []damage{
		{"partial truncated", func(e *env) { p := e.out + ".partial"; b, _ := os.ReadFile(p); os.WriteFile(p, b[:len(b)/2], 0o644) }, "is shorter"},
		{"partial byte flipped", func(e *env) {
			p := e.out + ".partial"
			b, _ := os.ReadFile(p)
			b[100] ^= 1
			os.WriteFile(p, b, 0o644)
		}, "do not match the checkpoint"},
		{"partial deleted", func(e *env) { os.Remove(e.out + ".partial") }, "is shorter"},
		{"manifest truncated", func(e *env) {
			p := e.out + ".manifest.json"
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-40], 0o644)
		}, "not valid JSON"},
		{"manifest empty", func(e *env) { os.WriteFile(e.out+".manifest.json", nil, 0o644) }, "empty file"},
		{"manifest schema", func(e *env) {
			p := e.out + ".manifest.json"
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"schema_version": 1`), []byte(`"schema_version": 99`), 1), 0o644)
		}, "schema_version 99"},
	} {
		for _, f := range Formats {
			e := newEnv(t, f)
			opt := e.opts(f)
			unfinished(t, opt, gs, 20)
			d.do(e)
			_, err := Open(opt)
			if !errors.Is(err, ErrResumeRefused) || !strings.Contains(err.Error(), d.want) || !strings.Contains(err.Error(), "--force") {
				t.Errorf("%s (%s): error %v, want ErrResumeRefused with %q and a --force hint", d.name, f, err, d.want)
				continue
			}
			opt.Force = true
			got := runAll(t, opt, gs)
			if want := runAll(t, newEnv(t, f).opts(f), gs); !bytes.Equal(got, want) {
				t.Errorf("%s (%s): --force output differs from a clean run", d.name, f)
			}
		}
	}
}

func TestLockContention(t *testing.T) {
	gs := healed(synth(20))
	e := newEnv(t, JSON)
	opt := e.opts(JSON)
	w, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	writeFrom(t, w, gs, 10)
	// A second run in another process must be refused, naming the holder.
	host, _ := os.Hostname()
	_, err = Open(opt)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), host) {
		t.Fatalf("second run: %v, want ErrLocked naming pid %d on %s", err, os.Getpid(), host)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "OUTPUT_LOCK_HELPER="+e.out, "OUTPUT_LOCK_IN="+e.in, "OUTPUT_LOCK_REF="+e.ref)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "LOCKED") {
		t.Fatalf("other process was not refused: %v\n%s", err, b)
	}
	writeFrom(t, w, gs, len(gs))
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if got, want := mustRead(t, e.out), runAll(t, newEnv(t, JSON).opts(JSON), gs); !bytes.Equal(got, want) {
		t.Fatal("output damaged by the refused run")
	}
	if _, err := os.Stat(e.out + ".lock"); err == nil {
		t.Fatal("lock file left after Finish")
	}
}

// TestLockHelper runs in a child process of TestLockContention.
func TestLockHelper(t *testing.T) {
	out := os.Getenv("OUTPUT_LOCK_HELPER")
	if out == "" {
		t.Skip("helper process only")
	}
	e := &env{dir: filepath.Dir(out), in: os.Getenv("OUTPUT_LOCK_IN"), ref: os.Getenv("OUTPUT_LOCK_REF"), out: out}
	_, err := Open(e.opts(JSON))
	if errors.Is(err, ErrLocked) {
		os.Stdout.WriteString("LOCKED " + err.Error() + "\n")
		return
	}
	t.Fatalf("not locked: %v", err)
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
