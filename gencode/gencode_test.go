package gencode

import (
	"errors"
	"github.com/wtalign/wtalign/fasta"
	"path/filepath"
	"strings"
	"testing"
)

func mustCode(t *testing.T, id int) *Code {
	t.Helper()
	c, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLookup(t *testing.T) {
	if _, err := Lookup(2); err == nil || !strings.Contains(err.Error(), "1, 4, 11") {
		t.Errorf("code 2: %v", err)
	}
	if c := mustCode(t, Default); c.ID != 11 {
		t.Errorf("default is %d", c.ID)
	}
}

func TestResidue(t *testing.T) {
	c11, c4 := mustCode(t, 11), mustCode(t, 4)
	cases := []struct {
		code  *Code
		codon string
		want  byte
	}{
		{c11, "ATG", 'M'}, {c11, "TCG", 'S'}, {c11, "TTG", 'L'}, {c11, "TGA", '*'},
		{c11, "TAA", '*'}, {c11, "TAG", '*'}, {c11, "TGG", 'W'}, {c11, "GGT", 'G'},
		{c4, "TGA", 'W'}, {c4, "TAA", '*'},
		{c11, "tcg", 'S'}, {c11, "UCG", 'S'}, // lower case, RNA
		{c11, "GCN", 'A'}, {c11, "GGR", 'G'}, {c11, "TTR", 'L'}, // ambiguity that does not matter
		{c11, "RAY", 'X'}, {c11, "NNN", 'X'}, {c11, "AT", 'X'}, {c11, "A-G", 'X'},
		{c11, "TAR", '*'}, // TAA or TAG: a stop either way
	}
	for _, tc := range cases {
		if got := tc.code.Residue([]byte(tc.codon)); got != tc.want {
			t.Errorf("code %d %s: %c, want %c", tc.code.ID, tc.codon, got, tc.want)
		}
	}
	// Every table has 3 stops (2 in code 4) and 20 residues.
	for _, id := range Supported() {
		c := mustCode(t, id)
		stops, aas := 0, map[byte]bool{}
		for i := range 64 {
			if c.aa[i] == '*' {
				stops++
			} else {
				aas[c.aa[i]] = true
			}
		}
		want := 3
		if id == 4 {
			want = 2
		}
		if stops != want || len(aas) != 20 {
			t.Errorf("code %d: %d stops, %d residues", id, stops, len(aas))
		}
	}
}

func TestStarts(t *testing.T) {
	c11, c1 := mustCode(t, 11), mustCode(t, 1)
	for _, s := range []string{"ATG", "GTG", "TTG", "CTG", "ATT", "ATC", "ATA"} {
		if !c11.IsStart([]byte(s)) {
			t.Errorf("%s is a table-11 start", s)
		}
	}
	if c1.IsStart([]byte("GTG")) || !c1.IsStart([]byte("TTG")) {
		t.Error("table 1 starts are ATG, TTG, CTG")
	}
	// A GTG start is read as Met, not Val; a first codon that is no start
	// (a gene cut before its start) is translated as it is.
	cds, err := c11.TranslateCDS([]byte("GTGAAAGTGTAA"))
	if err != nil || string(cds.Protein) != "MKV" || !cds.EndsWithStop || !cds.Start {
		t.Errorf("%+v %v", cds, err)
	}
	cds, err = c11.TranslateCDS([]byte("AGTAAATAA"))
	if err != nil || string(cds.Protein) != "SK" || cds.Start {
		t.Errorf("%+v %v", cds, err)
	}
}

func TestTranslateCDSErrors(t *testing.T) {
	c := mustCode(t, 11)
	cases := []struct {
		nt   string
		kind CDSErrKind
		pos  int
	}{
		{"", ErrLength, 0},
		{"ATGAAAT", ErrLength, 0},
		{"ATGTAAAAATAA", ErrInternalStop, 2},
		{"ATGAAZTAA", ErrBadLetter, 2},
	}
	for _, tc := range cases {
		_, err := c.TranslateCDS([]byte(tc.nt))
		var ce *CDSError
		if !errors.As(err, &ce) || ce.Kind != tc.kind || ce.Pos != tc.pos {
			t.Errorf("%q: %v (%+v)", tc.nt, err, ce)
		}
	}
	// No final stop is fine: PointFinder reference genes mostly carry one, but a
	// CDS cut at its last sense codon is still complete enough to translate.
	cds, err := c.TranslateCDS([]byte("ATGAAA"))
	if err != nil || string(cds.Protein) != "MK" || cds.EndsWithStop {
		t.Errorf("%+v %v", cds, err)
	}
}

// readFASTA reads the records of a small FASTA file under ../testdata,
// sequences as written, by ID.
func readFASTA(t *testing.T, path ...string) map[string]string {
	t.Helper()
	raw, err := fasta.ReadRaw(filepath.Join(append([]string{"..", "testdata"}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range raw {
		out[r.ID] = string(r.Raw)
	}
	return out
}

// TestRealGene: PointFinder's E. coli gyrA reference gene translates with
// code 11 to exactly the RefSeq K-12 GyrA protein (the shared PROVENANCE
// states this and RefSeq translated the same gene independently).
func TestRealGene(t *testing.T) {
	nt := readFASTA(t, "catalogs", "pointfinder_db", "escherichia_coli", "gyrA.fsa")["gyrA_1_CP073768.1"]
	want := readFASTA(t, "variant", "ref_ecoli_k12_mg1655.faa")["ecoli_k12|gyrA|NP_416734.1"]
	if nt == "" || want == "" {
		t.Fatal("test data missing")
	}
	cds, err := mustCode(t, 11).TranslateCDS([]byte(nt))
	if err != nil {
		t.Fatal(err)
	}
	if string(cds.Protein) != want || !cds.EndsWithStop {
		t.Errorf("translation differs from K-12 GyrA (%d vs %d aa, stop %v)", len(cds.Protein), len(want), cds.EndsWithStop)
	}
	// Code 4 reads TGA as Trp, so the same gene stays a complete CDS only if
	// its own stop is not TGA.
	if got := mustCode(t, 4).Translate([]byte(nt)); string(got[:len(got)-1])[1:] != want[1:] {
		t.Error("code 4 changes a GyrA residue; the gene would need an internal TGA for that")
	}
}
