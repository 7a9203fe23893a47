package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadSitesMessages: a position written as a residue or mutation
// (S83, Ser83Leu) is refused with the number it should be; other mistakes
// say what a position is; every message names the file and line.
func TestReadSitesMessages(t *testing.T) {
	refs := k12(t)
	dir := t.TempDir()
	for _, c := range []struct{ text, want string }{
		{"gyrA\tS83\n", `line 1: position "S83" is not a number: give the reference position alone, e.g. 83 (the residue is read from the reference)`},
		{"# gene\tposition\ngyrA\t83\nparC\tSer80Ile\n", `line 3: position "Ser80Ile" is not a number: give the reference position alone, e.g. 80`},
		{"gyrA\tD87N\n", "e.g. 87 "},
		{"gyrA\tQRDR\n", `line 1: position "QRDR" is not a number: give a 1-based reference position, e.g. 83`},
		{"gyrA\t900\n", `line 1: position "900" is not within ecoli_k12|gyrA|NP_416734.1 (1-875)`},
		{"gyrA\t0\n", `position "0" is not within`},
		{"gyrA 83\n", "line 1: want gene<TAB>position, got 1 column(s)"},
	} {
		p := filepath.Join(dir, "sites.tsv")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadSites(p, refs)
		if err == nil || !strings.HasPrefix(err.Error(), "sites "+p+" line ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
	p := filepath.Join(dir, "good.tsv")
	os.WriteFile(p, []byte("gyrA\t87\nGYRA\t83\r\ngyrA\t83\nparC\t80\n"), 0o644)
	got, err := ReadSites(p, refs)
	if err != nil || len(got) != 2 || len(got["ecoli_k12|gyrA|NP_416734.1"]) != 2 || got["ecoli_k12|gyrA|NP_416734.1"][0] != 83 {
		t.Fatalf("good sites: %v, %v", got, err)
	}
}
