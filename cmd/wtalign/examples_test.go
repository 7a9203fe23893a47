package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpExamplesParse: every example line of every command's help
// ("  wtalign CMD [flags] args", up to a pipe) names a real command and
// only flags that command has, so an example cannot go stale when a flag
// is renamed (summarize's example kept --json after it became --json-out).
func TestHelpExamplesParse(t *testing.T) {
	root := newRootCommand(&app{io: &streams{}, glob: &globalOptions{}})
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if i := strings.Index(line, "| wtalign "); i >= 0 {
				line = line[i+2:]
			}
			line, _, _ = strings.Cut(line, " | ")
			line, _, _ = strings.Cut(line, " > ")
			if !strings.HasPrefix(line, "wtalign ") {
				continue
			}
			args := strings.Fields(line)[1:]
			cmd, rest, err := root.Find(args)
			if err != nil || cmd == root {
				t.Errorf("%s: example %q names no command (%v)", c.CommandPath(), line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%s: example %q: %v", c.CommandPath(), line, err)
			}
			n++
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	if n < 10 {
		t.Errorf("only %d examples found", n)
	}
}
