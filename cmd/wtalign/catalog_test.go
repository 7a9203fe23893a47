package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/fasta"
)

var catalogsDir = filepath.Join("..", "..", "testdata", "catalogs")

// TestCatalogCheckWholeDatabase: loading every species of the shipped
// PointFinder database accounts for every line (exit 0) and prints each
// species' load report.
func TestCatalogCheckWholeDatabase(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(catalogsDir, "pointfinder_db", "*", "genes.txt"))
	args := []string{"catalog", "check"}
	for _, d := range dirs {
		args = append(args, filepath.Dir(d))
	}
	if len(args) != 2+11 {
		t.Fatalf("%d species folders", len(args)-2)
	}
	code, out, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, "[pointfinder]"); n != 11 || !strings.Contains(out, "653 entry rows") {
		t.Errorf("%d reports:\n%s", n, out)
	}
}

// TestCatalogCheckAgainstK12: with -r, every E. coli gene is matched and
// verified; PointFinder pmrB reaches K-12 basS through the built-in alias.
func TestCatalogCheckAgainstK12(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	code, out, stderr := runCLI(t, "catalog", "check", "-r", ref, filepath.Join(catalogsDir, "pointfinder_db", "escherichia_coli"))
	if code != 0 || !strings.Contains(out, "pmrB: 1 entries -> ecoli_k12|basS|NP_418536.1 (by alias)") {
		t.Errorf("exit %d:\n%s\n%s", code, out, stderr)
	}
	// Klebsiella's own catalog disagrees with K-12 wild types: a clear error, exit 1.
	code, _, stderr = runCLI(t, "catalog", "check", "-r", ref, filepath.Join(catalogsDir, "pointfinder_db", "klebsiella"))
	if code != exitError || !strings.Contains(stderr, "line") {
		t.Errorf("klebsiella vs K-12: exit %d: %s", code, stderr)
	}
}

// TestCatalogReferences: the E. coli folder's GyrA is K-12 GyrA exactly.
func TestCatalogReferences(t *testing.T) {
	out := filepath.Join(t.TempDir(), "wt.faa")
	if code, _, stderr := runCLI(t, "catalog", "references", "-o", out, filepath.Join(catalogsDir, "pointfinder_db", "escherichia_coli")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	seqOf := func(path, key string) string {
		recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Reference})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if fasta.GeneKey(r.ID, r.Description, nil) == key {
				return string(r.Seq)
			}
		}
		return ""
	}
	if g := seqOf(out, "gyrA"); g == "" || g != seqOf(filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa"), "gyrA") {
		t.Errorf("gyrA differs from K-12 GyrA")
	}
	if code, _, _ := runCLI(t, "catalog", "references", t.TempDir()); code != exitError {
		t.Errorf("an empty folder: exit %d", code)
	}
}
