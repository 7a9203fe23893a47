package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// alignDemo aligns the example variants into dir/NAME_alignments.json (with
// its manifest) and returns the output's path.
func alignDemo(t *testing.T, dir, name string, extra ...string) string {
	t.Helper()
	out := filepath.Join(dir, name+"_alignments.json")
	args := append([]string{"align", "--quiet", "-r", demoRef, "-o", out}, extra...)
	if code, _, stderr := runCLI(t, append(args, demoVariants)...); code != exitOK {
		t.Fatalf("align: exit %d\n%s", code, stderr)
	}
	return out
}

// damage copies out and its manifest to dir/NAME_alignments.json with the
// first old in the output replaced by new.
func damage(t *testing.T, out, dir, name, old, new string) string {
	t.Helper()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", out, old)
	}
	dst := filepath.Join(dir, name+"_alignments.json")
	man, err := os.ReadFile(out + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst+".manifest.json", man, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestVerifyCommand: verify exits 0 on a good output, 1 when a check fails
// or an output cannot be read (naming it), 2 for usage errors, as its
// EXIT STATUS says.
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	good := alignDemo(t, dir, "variants", "--catalog", "../../testdata/catalogs/pointfinder_db/escherichia_coli")

	code, stdout, stderr := runCLI(t, "verify", "-r", demoRef, good)
	if code != exitOK || !strings.Contains(stdout, "ok:") {
		t.Errorf("good output: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "verify", "--json", good)
	var res struct{ Failures []any }
	if code != exitOK || json.Unmarshal([]byte(stdout), &res) != nil || len(res.Failures) != 0 {
		t.Errorf("good output, --json: exit %d, %q", code, stdout)
	}

	// The first record's score, changed after the run.
	bad := damage(t, good, dir, "damaged", `"score":4400,`, `"score":4401,`)
	code, stdout, stderr = runCLI(t, "verify", "-r", demoRef, good, bad)
	if code != exitError || !strings.Contains(stdout, "alignment.score: stored 4401, recomputed 4400") || !strings.Contains(stdout, "FAILED:") ||
		!strings.Contains(messages(stderr), "failure(s)") {
		t.Errorf("damaged output: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated_alignments.json")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing_alignments.json")
	for _, c := range []struct {
		name string
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{"truncated", []string{truncated}, exitError, "truncated_alignments.json"},
		{"missing", []string{missing}, exitError, "missing_alignments.json"},
		{"no outputs", nil, exitUsage, "verify needs at least one output"},
		{"bad --max-failures", []string{"--max-failures", "0", good}, exitUsage, "--max-failures 0"},
		{"unknown flag", []string{"--no-such-flag", good}, exitUsage, "unknown flag"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"verify"}, c.args...)...)
		if code != c.code || !strings.Contains(stdout+stderr, c.out) {
			t.Errorf("%s: exit %d (want %d), output %q (want %q)", c.name, code, c.code, stdout+stderr, c.out)
		}
	}
}
