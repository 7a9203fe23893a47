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
	root, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
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
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// status N prog args...: run prog and require exit code N.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: status CODE program [args...]")
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
				if got != want {
					ts.Fatalf("exit code %d, want %d", got, want)
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
		},
	})
}
