package main

import (
	"os"
	"path/filepath"
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
			return nil
		},
	})
}
