package aligner

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedKernelsUpToDate regenerates kernel_amd64.s with _asm/gen.go
// and fails when the committed file differs (the generate-check of CI).
func TestGeneratedKernelsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out := filepath.Join(t.TempDir(), "kernel_amd64.s")
	cmd := exec.Command(gobin, "run", ".", "-out", out)
	cmd.Dir = "_asm"
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./_asm: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("kernel_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("kernel_amd64.s is stale: run `go generate ./aligner` (cd aligner/_asm && go run .) and commit it")
	}
}
