//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/wtalign/wtalign/manifest"
)

// TestSummarizeWritesAtomically: summarize replaces its outputs through
// manifest.WriteFileAtomic (temp file, fsync, rename, fsync of the
// directory). Killed after writing the temporary file, the old table is
// intact; killed just after the rename, the new table is whole; a run that
// ends leaves no temporary file and a table everyone can read.
func TestSummarizeWritesAtomically(t *testing.T) {
	bin, err := exec.LookPath("wtalign") // the test binary as the command (TestMain)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "A_alignments.json")
	writeSummarizeInput(t, in, summarizeRecord("q1", "gyrA", "mutant", 99.5, "S83L"), summarizeRecord("q2", "parC", "wildtype", 100))
	table := filepath.Join(dir, "cohort.tsv")
	summarize := func(crashpoint string) error {
		cmd := exec.Command(bin, "summarize", "--log-format", "json", "-o", table, in)
		cmd.Env = append(os.Environ(), manifest.CrashpointEnv+"="+crashpoint)
		return cmd.Run()
	}
	if err := summarize(""); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(table)
	if fi, err := os.Stat(table); err != nil || fi.Mode().Perm() != 0o644 || len(want) == 0 {
		t.Fatalf("table: %v, %v", fi, err)
	}
	old := []byte("an older table\n")
	for _, c := range []struct {
		point string
		want  []byte
	}{{"manifest-temp-written", old}, {"manifest-renamed", want}} {
		if err := os.WriteFile(table, old, 0o644); err != nil {
			t.Fatal(err)
		}
		err := summarize(c.point)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("%s: summarize was not killed there (%v): its write does not go through WriteFileAtomic", c.point, err)
		}
		if got, _ := os.ReadFile(table); string(got) != string(c.want) {
			t.Fatalf("killed at %s: table is %q, want %q", c.point, got, c.want)
		}
	}
	// The killed runs left their temporary files; a run that ends does not.
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".cohort.tsv.tmp-*"))
	for _, p := range leftovers {
		os.Remove(p)
	}
	if err := summarize(""); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("files after a run: %v, want the input and the table", ents)
	}
}
