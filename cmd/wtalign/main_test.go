package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the real command as "wtalign" in scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"wtalign": func() { os.Exit(run(os.Args[1:], stdStreams())) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script: every
// command, its output and its exit code.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, testscript.Params{Dir: "testdata/script"}))
}

// scriptParams completes p with the environment and commands every
// wtalign script gets.
func scriptParams(t *testing.T, p testscript.Params) testscript.Params {
	t.Helper()
	root, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	p.Setup = func(env *testscript.Env) error {
		env.Setenv("TESTDATA", root)
		env.Setenv("WTALIGN_THREADS", "2")
		// WTBIN is the directory holding only the wtalign test command,
		// for scripts that set PATH to hide other programs (water).
		for _, dir := range filepath.SplitList(env.Getenv("PATH")) {
			if _, err := os.Stat(filepath.Join(dir, "wtalign")); err == nil {
				env.Setenv("WTBIN", dir)
				break
			}
		}
		return nil
	}
	p.Cmds = scriptCmds
	return p
}

// scriptCmds are the commands wtalign's scripts add to testscript's own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// status N prog args...: run prog and require exit code N;
	// ! status N prog args...: require an exit code other than N.
	"status": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 2 {
			ts.Fatalf("usage: [!] status CODE program [args...]")
		}
		want, err := strconv.Atoi(args[0])
		if err != nil {
			ts.Fatalf("status: bad code %q", args[0])
		}
		got := 0
		if err := ts.Exec(args[1], args[2:]...); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				ts.Fatalf("status: %v", err)
			}
			got = ee.ExitCode()
		}
		switch {
		case !neg && got != want:
			ts.Fatalf("exit code %d, want %d", got, want)
		case neg && got == want:
			ts.Fatalf("exit code %d, want any other", got)
		}
	},
	// jsonvalid file: the file is one valid JSON document.
	"jsonvalid": func(ts *testscript.TestScript, neg bool, args []string) {
		for _, f := range args {
			var v any
			err := json.Unmarshal([]byte(ts.ReadFile(f)), &v)
			if (err != nil) != neg {
				ts.Fatalf("%s: valid JSON is %v (%v)", f, err == nil, err)
			}
		}
	},
}

// TestScriptCommandsCanFail runs one-line scripts through the script
// commands and requires each to pass or fail as it should: a check that
// passes whatever happens guards nothing.
func TestScriptCommandsCanFail(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		script string
		pass   bool
	}{
		{"status 0 wtalign version", true},
		{"status 2 wtalign version", false},
		{"! status 0 wtalign version", false},
		{"! status 2 wtalign version", true},
		{"status 2 wtalign align --nope", true},
		{"! status 2 wtalign align --nope", false},
		{"status 0 no-such-program", false},
		{"! status 0 no-such-program", false},
		{"jsonvalid good.json", true},
		{"jsonvalid bad.json", false},
		{"! jsonvalid bad.json", true},
		{"! jsonvalid good.json", false},
	} {
		file := filepath.Join(dir, "s"+strconv.Itoa(i)+".txtar")
		text := c.script + "\n-- good.json --\n{\"a\": 1}\n-- bad.json --\n{\"a\": \n"
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		ft := &fakeT{}
		testscript.RunT(ft, scriptParams(t, testscript.Params{Files: []string{file}}))
		if ft.skipped {
			t.Errorf("script %q skipped: %v", c.script, ft.log)
		}
		if ft.failed == c.pass {
			t.Errorf("script %q: passed %v, want %v\n%s", c.script, !ft.failed, c.pass, ft.log)
		}
	}
}

// fakeT is a testscript.T that records a failure instead of failing the
// test, so a test can require a script to fail.
type fakeT struct {
	failed, skipped bool
	log             []any
}

type failNow struct{}

func (t *fakeT) Skip(args ...any)  { t.skipped = true; t.log = append(t.log, args...); panic(failNow{}) }
func (t *fakeT) Fatal(args ...any) { t.log = append(t.log, args...); t.FailNow() }
func (t *fakeT) Parallel()         {}
func (t *fakeT) Log(args ...any)   { t.log = append(t.log, args...) }
func (t *fakeT) FailNow()          { t.failed = true; panic(failNow{}) }
func (t *fakeT) Verbose() bool     { return false }

func (t *fakeT) Run(_ string, f func(testscript.T)) {
	defer func() {
		if e := recover(); e != nil {
			if _, ok := e.(failNow); !ok {
				panic(e)
			}
		}
	}()
	f(t)
}
