package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the command tree in-process with buffers for I/O and
// returns the exit code and what went to stdout and stderr.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}
