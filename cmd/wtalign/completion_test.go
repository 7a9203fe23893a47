package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletionsUpToDate fails when completions/ differs from what the
// command tree generates; regenerate with `make completions`.
func TestCompletionsUpToDate(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, got, errs := runCLI(t, "completion", sh)
		if code != 0 {
			t.Fatalf("completion %s: exit %d: %s", sh, code, errs)
		}
		path := filepath.Join("..", "..", "completions", "wtalign."+sh)
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run `make completions`)", err)
		}
		if got != string(want) {
			t.Errorf("%s is stale: run `make completions` and commit the result", path)
		}
	}
}

// TestFlagValueCompletion checks the completions users get for flag values.
func TestFlagValueCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "align", "--matrix", "EBLOSUM6"}, []string{"EBLOSUM62", "EPAM250"}},
		{[]string{"__complete", "align", "--assign", ""}, []string{"auto", "name", "map", "best"}},
		{[]string{"__complete", "align", "--log-format", ""}, []string{"auto", "console", "json"}},
		{[]string{"__complete", "align", "--format", ""}, []string{"json", "jsonl", "tsv"}},
	}
	for _, c := range cases {
		code, out, errs := runCLI(t, c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w+"\n") {
				t.Errorf("%v: completion lacks %q:\n%s", c.args, w, out)
			}
		}
	}
}

// TestHelpHasExitStatus parses every command's help: it must work and
// document the exit codes.
func TestHelpHasExitStatus(t *testing.T) {
	root := newRootCommand(&app{io: &streams{}, glob: &globalOptions{}})
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		code, out, errs := runCLI(t, c.Name(), "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d: %s", c.Name(), code, errs)
		}
		if c.Runnable() && !strings.Contains(out, "EXIT STATUS") {
			t.Errorf("%s --help has no EXIT STATUS section", c.Name())
		}
	}
}
