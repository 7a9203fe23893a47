// Package verifytest makes real wtalign outputs for the tests of verify,
// quality and htmlreport: it builds cmd/wtalign once per test binary and
// runs `wtalign align` on files of the repository, so the outputs, their
// manifests and their checkpoints are exactly what users get. It is for
// tests only.
package verifytest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// Main runs the tests of a package that uses Align, then runs cleanup and
// removes the binary: call it from TestMain.
func Main(m *testing.M, cleanup ...func()) {
	code := m.Run()
	for _, c := range cleanup {
		c()
	}
	if binDir != "" {
		os.RemoveAll(binDir) // #nosec G104 -- test helper cleanup after the tests ran; a leftover temporary directory is harmless
	}
	os.Exit(code)
}

// Cohort aligns each FASTA (paths relative to the repository root) by
// gene name against the K-12 wild types into dir, as
// <name>_alignments.json with its manifest, and returns the outputs in
// the order of fastas. Extra align flags come first in args.
func Cohort(t testing.TB, dir string, args []string, fastas ...string) []string {
	t.Helper()
	refs := Path(t, "testdata/demo/ref_ecoli_k12_mg1655.faa")
	var outs []string
	for _, f := range fastas {
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		out := filepath.Join(dir, name+"_alignments.json")
		Align(t, append(append([]string{"-r", refs, "-o", out}, args...), Path(t, f))...)
		outs = append(outs, out)
	}
	return outs
}

// demoCatalogs are the catalog flags of `make demo` (the Makefile's
// $(CATALOGS), paths relative to the repository root; a test keeps the two
// equal).
var demoCatalogs = []string{
	"--catalog", "testdata/catalogs/pointfinder_db/escherichia_coli",
	"--catalog", "testdata/catalogs/amrfinder_format/AMRProt-mutation.sample.tsv",
	"--gene-alias", "pmrB=basS",
}

// DemoCatalogs are the align flags of `make demo` that annotate calls
// with the shipped catalogs, with absolute paths.
func DemoCatalogs(t testing.TB) []string {
	t.Helper()
	out := make([]string, len(demoCatalogs))
	for i, a := range demoCatalogs {
		if i > 0 && demoCatalogs[i-1] == "--catalog" {
			a = Path(t, a)
		}
		out[i] = a
	}
	return out
}

// Demo aligns the demo cohort into dir as `make demo` does: the example
// variants (by gene name) and the whole K-12 proteome (a scan: --assign
// best, chosen by the IDs), both against the K-12 wild types with the
// demo's catalogs. It returns dir/variants_alignments.json and
// dir/GCF_000005845.2_alignments.json, each with its manifest. The scan
// takes about 2 s.
func Demo(t testing.TB, dir string) []string {
	t.Helper()
	args := append([]string{"-r", Path(t, "testdata/demo/ref_ecoli_k12_mg1655.faa")}, DemoCatalogs(t)...)
	outs := []string{filepath.Join(dir, "variants_alignments.json"), filepath.Join(dir, "GCF_000005845.2_alignments.json")}
	for i, in := range []string{"testdata/demo/variants.faa", "testdata/proteomes/GCF_000005845.2_proteins.faa"} {
		Align(t, append(append([]string{}, args...), "-o", outs[i], Path(t, in))...)
	}
	return outs
}

// Root is the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("verifytest: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Path is a path relative to the repository root.
func Path(t testing.TB, rel string) string { return filepath.Join(Root(t), rel) }

// Binary builds cmd/wtalign (once) and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "verifytest-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "wtalign")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/wtalign") // #nosec G204 -- test helper: fixed go build command of this repository's CLI, no shell
		cmd.Dir = Root(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/wtalign: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Align runs `wtalign align ARGS...` (with --quiet) and returns its exit
// code, failing the test unless it is 0 or 3 (finished with failed
// records). Relative paths in args are relative to the test's directory.
func Align(t testing.TB, args ...string) int {
	t.Helper()
	return Run(t, append([]string{"align", "--quiet"}, args...)...)
}

// Run runs the wtalign binary with args and returns its exit code,
// failing the test unless it is 0 or 3.
func Run(t testing.TB, args ...string) int {
	t.Helper()
	cmd := exec.Command(Binary(t), args...) // #nosec G204 -- test helper: runs the CLI binary it just built with the test's arguments, no shell
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if code != 0 && code != 3 {
		t.Fatalf("wtalign %v: exit %d\n%s", args, code, stderr.String())
	}
	return code
}
