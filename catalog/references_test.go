package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/gencode"
)

func code11(t *testing.T) *gencode.Code {
	t.Helper()
	c, err := gencode.Lookup(11)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReferencesEcoli: PointFinder's E. coli GyrA, GyrB, ParC, ParE and RpoB
// genes translate exactly to the RefSeq K-12 MG1655 proteins.
func TestReferencesEcoli(t *testing.T) {
	wts, rep, err := References(pfDir("escherichia_coli"), code11(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := "gyrA gyrB parC parE pmrA pmrB folP rpoB"; strings.Join(rep.Translated, " ") != want {
		t.Errorf("translated %v, want %s", rep.Translated, want)
	}
	skipped := map[string]string{}
	for _, s := range rep.Skipped {
		skipped[s.Gene] = s.Reason
	}
	if len(skipped) != 5 || !strings.HasPrefix(skipped["ampC-promoter-size-53bp"], "promoter only") || skipped["23S"] != "RNA gene (RNA_genes.txt)" {
		t.Errorf("skipped %v", skipped)
	}
	k12 := k12Refs(t)
	byGene := map[string]WildType{}
	for _, w := range wts {
		byGene[w.Gene] = w
		if !w.EndsWithStop || w.Promoter != 0 || !strings.HasPrefix(w.ID, "escherichia_coli|"+w.Gene+"|") {
			t.Errorf("%+v", w)
		}
		if c, err := code11(t).TranslateCDS(w.CDS); err != nil || string(c.Protein) != string(w.Protein) {
			t.Errorf("%s: CDS does not translate to the protein: %v", w.ID, err)
		}
		if fasta.GeneKey(w.ID, w.Description, nil) != w.Gene {
			t.Errorf("%s: the gene key is not the second ID field", w.ID)
		}
	}
	for _, g := range []string{"gyrA", "gyrB", "parC", "parE", "rpoB"} {
		if got, want := string(byGene[g].Protein), string(refByGene(t, k12, g).Seq); got != want {
			t.Errorf("%s differs from K-12 (%d vs %d aa)", g, len(got), len(want))
		}
	}
	// PointFinder's pmrB is K-12 BasS exactly; its pmrA is another allele
	// of BasR (which is why entries are verified against each reference,
	// not trusted).
	if string(byGene["pmrB"].Protein) != string(refByGene(t, k12, "basS").Seq) {
		t.Error("PointFinder pmrB is not K-12 BasS")
	}
	if p, b := byGene["pmrA"].Protein, refByGene(t, k12, "basR").Seq; string(p) == string(b) || len(p) != len(b) {
		t.Errorf("PointFinder pmrA: %d aa vs BasR %d", len(p), len(b))
	}
}

// TestReferencesPromoterGenes: M. tuberculosis promoter files hold their
// promoter and then the coding gene, which is translated under the gene's
// key; ethA's file holds embA's sequence (a database error), so it is
// skipped as promoter only, with a warning.
func TestReferencesPromoterGenes(t *testing.T) {
	wts, rep, err := References(pfDir("mycobacterium_tuberculosis"), code11(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]WildType{}
	for _, w := range wts {
		got[w.Gene] = w
	}
	if k := got["katG"]; k.Promoter != 107 || len(k.Protein) != 740 || len(k.CDS) != 3*741 || k.Protein[0] != 'M' || !strings.Contains(k.Description, "after its 107-base promoter") {
		t.Errorf("katG: promoter %d, %d aa, %q", k.Promoter, len(k.Protein), k.Description)
	}
	if _, ok := got["ethA"]; ok {
		t.Error("ethA translated from embA's sequence")
	}
	found := false
	for _, w := range rep.Warnings {
		found = found || strings.Contains(w.Msg, "record embA-promoter_1_LR027516.1 does not look like gene ethA-promoter-size-74bp")
	}
	if !found {
		t.Errorf("no warning about ethA's file: %v", rep.Warnings)
	}
	if len(wts) != 25 || len(rep.Skipped) != 11 {
		t.Errorf("%d translated, %d skipped", len(wts), len(rep.Skipped))
	}
}

// TestReferencesErrors: a gene whose length is not a multiple of 3, or
// with an internal stop, is an error naming the gene and its file.
func TestReferencesErrors(t *testing.T) {
	cases := []struct{ seq, want string }{
		{"ATGAAAGC", "gene fakA (record fakA_1) is not a coding sequence: length 8 is not a multiple of 3"},
		{"ATGTAAAAATAA", "gene fakA (record fakA_1) is not a coding sequence: internal stop codon TAA at codon 2"},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		writeFile(t, dir, "genes.txt", "fakA\n")
		file := writeFile(t, dir, "fakA.fsa", ">fakA_1\n"+tc.seq+"\n")
		_, _, err := References(dir, code11(t))
		var ce *Error
		if !errors.As(err, &ce) || ce.File != file || ce.Line != 1 || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrReference) {
			t.Errorf("%s: %v", tc.seq, err)
		}
	}
	if _, _, err := References(t.TempDir(), code11(t)); !errors.Is(err, ErrMissing) {
		t.Errorf("folder without genes.txt: %v", err)
	}
	// A first codon that is no start codon is translated as it is, with a
	// warning (PointFinder's Enterococcus gyrA starts with AGT).
	_, rep, err := References(pfDir("enterococcus_faecium"), code11(t))
	if err != nil || len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0].Msg, "starts with AGT, not a start codon: translated as S") {
		t.Errorf("%v %v", err, rep)
	}
}
