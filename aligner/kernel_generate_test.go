package aligner

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedKernelsUpToDate regenerates kernel_amd64.s and
// kernel_layout_amd64.go with _asm/gen.go and fails when a committed file
// differs (the generate-check of CI).
func TestGeneratedKernelsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	cmd := exec.Command(gobin, "run", ".", "-out", filepath.Join(dir, "kernel_amd64.s"), "-goout", filepath.Join(dir, "kernel_layout_amd64.go"))
	cmd.Dir = "_asm"
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./_asm: %v\n%s", err, b)
	}
	for _, name := range []string{"kernel_amd64.s", "kernel_layout_amd64.go"} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./aligner` (or make generate) and commit it", name)
		}
	}
}
