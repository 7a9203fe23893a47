package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	demoRef      = "../../testdata/demo/ref_ecoli_k12_mg1655.faa"
	demoVariants = "../../testdata/demo/variants.faa"
)

// messages are the log messages of stderr (JSON lines off a terminal) and
// its plain lines.
func messages(stderr string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var e struct{ Message string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Message != "" {
			l = e.Message
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// goDecoding are fragments of Go's JSON errors, which no message shows.
var goDecoding = []string{"json: cannot", "unmarshal", "invalid character", "Go value", "unexpected end of JSON"}

// TestStatusOfNotAManifest: status given an align output (any format) says
// it is not a manifest and names the manifest next to it; given another
// file, it says plainly why it is not a manifest; never a Go decoding
// message.
func TestStatusOfNotAManifest(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"json", "jsonl", "tsv"} {
		out := filepath.Join(dir, "out."+f)
		if code, _, stderr := runCLI(t, "align", "-q", "--format", f, "-r", demoRef, "-o", out, demoVariants); code != 0 {
			t.Fatalf("align %s: exit %d\n%s", f, code, stderr)
		}
		code, _, stderr := runCLI(t, "status", out)
		msg := messages(stderr)
		if want := out + " is not a wtalign manifest (did you mean " + out + ".manifest.json?)"; code != exitError || !strings.Contains(msg, want) {
			t.Errorf("status %s: exit %d\n%s\nwant %q", f, code, msg, want)
		}
		for _, g := range goDecoding {
			if strings.Contains(msg, g) {
				t.Errorf("status %s: Go decoding message %q:\n%s", f, g, msg)
			}
		}
	}
	out := filepath.Join(dir, "out.tsv")
	os.Remove(out + ".manifest.json")
	_, _, stderr := runCLI(t, "status", out)
	if want := out + " is a wtalign output, not a manifest; a run with -o " + out + " keeps its manifest in " + out + ".manifest.json, which does not exist"; !strings.Contains(messages(stderr), want) {
		t.Errorf("output without manifest:\n%s\nwant %q", messages(stderr), want)
	}
	for _, c := range []struct{ file, want string }{
		{demoVariants, `not a wtalign manifest: not a JSON document (it starts ">`},
		{"../../docs/record.schema.json", "not a wtalign manifest: a JSON object without schema_version"},
	} {
		code, _, stderr := runCLI(t, "status", c.file)
		msg := messages(stderr)
		if code != exitError || !strings.Contains(msg, c.want) || !strings.Contains(msg, c.file) {
			t.Errorf("status %s: exit %d\n%s\nwant %q", c.file, code, msg, c.want)
		}
		for _, g := range goDecoding {
			if strings.Contains(msg, g) {
				t.Errorf("status %s: Go decoding message %q:\n%s", c.file, g, msg)
			}
		}
	}
}

// TestOutputDirectoryChecked: an output whose directory is missing, a file
// or not writable is an I/O error (exit 1) saying so, before any work:
// nothing is created, no lock is mentioned.
func TestOutputDirectoryChecked(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	cases := []struct{ out, want string }{
		{filepath.Join(dir, "nodir", "sub", "out.json"), "directory " + filepath.Join(dir, "nodir", "sub") + " does not exist; create it first"},
		{filepath.Join(file, "out.json"), file + " is not a directory"},
	}
	if os.Geteuid() != 0 { // root may write anywhere
		cases = append(cases, struct{ out, want string }{filepath.Join(ro, "out.json"), "directory " + ro + " is not writable: permission denied"})
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, "align", "-r", demoRef, "-o", c.out, demoVariants)
		msg := messages(stderr)
		if code != exitError || !strings.Contains(msg, "output "+c.out+": "+c.want) || strings.Contains(msg, "lock") || strings.Contains(msg, "aligning") {
			t.Errorf("-o %s: exit %d\n%s\nwant %q", c.out, code, msg, c.want)
		}
	}
	var left []string
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
		left = append(left, p)
		return nil
	})
	if len(left) != 3 { // dir, plain.txt, ro
		t.Errorf("files after the refused runs: %v", left)
	}
}
