package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/report"
)

// TestCDSInput runs --input-type cds the way align does: PointFinder's E.
// coli gyrA gene (the reference CDS, which translates to K-12 GyrA) and
// documented codon edits of it as queries, with the E. coli catalog.
func TestCDSInput(t *testing.T) {
	dir := t.TempDir()
	recs, err := fasta.ReadAll(filepath.Join(pointfinderEcoli, "gyrA.fsa"), fasta.Options{Role: fasta.Reference, AllowNucleotide: true})
	if err != nil {
		t.Fatal(err)
	}
	gene := string(recs[0].Seq)
	edit := func(from, to int, with string) string { return gene[:from] + with + gene[to:] }
	queries := []struct{ id, seq string }{
		{"S83L_TCG_TTG", edit(246, 249, "TTG")},       // codon 83 TCG -> TTG
		{"Y100_synonymous", edit(297, 300, "TAC")},    // TAT -> TAC
		{"fs_del760", edit(756, 757, "")},             // 1-nt deletion: frameshift at T254
		{"D87del_inframe", edit(258, 261, "")},        // codon 87 deleted
		{"Y100stop", edit(297, 300, "TAA")[:300]},     // a gene caller's CDS ending at the new stop
		{"protein_given", "MSDLAREITPVNIEEELKSSYLDY"}, // not a coding sequence
		{"wild_type", gene},
	}
	// The reference with a gene key, as `wtalign catalog references --cds`
	// names it, so the catalog's gyrA entries find it.
	ref := filepath.Join(dir, "gyrA_cds.fna")
	if err := os.WriteFile(ref, []byte(">escherichia_coli|gyrA|gyrA_1_CP073768.1\n"+gene+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, q := range queries {
		b.WriteString(">" + q.id + " edit of PointFinder E. coli gyrA_1_CP073768.1\n" + q.seq + "\n")
	}
	in := filepath.Join(dir, "cds.ffn")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := scanSpec(AssignBest, in)
	s.Reference, s.InputType = ref, InputCDS
	s.Catalogs = []string{pointfinderEcoli}
	got := runSpec(t, s)

	one := func(id string) (*report.Record, report.Mutation) {
		r := got[id]
		if r == nil || len(r.Mutations) != 1 {
			t.Fatalf("%s: %+v", id, r)
		}
		return r, r.Mutations[0]
	}
	if _, m := one("S83L_TCG_TTG"); m.Short != "S83L" || m.CodonChange != "TCG>TTG" || m.Verdict != report.VerdictKnown {
		t.Errorf("S83L: %+v", m)
	}
	if r := got["Y100_synonymous"]; r.Status != report.StatusWildtype || len(r.Synonymous) != 1 || r.Synonymous[0].Short != "Y100=" || r.Synonymous[0].CodonChange != "TAT>TAC" {
		t.Errorf("synonymous: %s %+v", r.Status, r.Synonymous)
	}
	if r, m := one("fs_del760"); m.Short != "T254PfsTer15" || m.Type != report.TypeFrameshift || r.Status != report.StatusTruncated ||
		r.Truncation.Evidence != report.EvidenceFrameshift || r.Truncation.Position != 254 {
		t.Errorf("frameshift: %s %+v %+v", r.Status, r.Truncation, m)
	}
	if _, m := one("D87del_inframe"); m.Short != "D87del" || m.CodonChange != "GAC>-" {
		t.Errorf("in-frame deletion: %+v", m)
	}
	if r, m := one("Y100stop"); m.Short != "Y100*" || r.Status != report.StatusTruncated || r.Truncation.Evidence != report.EvidenceEndsAtStop || m.CodonChange != "TAT>TAA" {
		t.Errorf("premature stop: %s %+v %+v", r.Status, r.Truncation, m)
	}
	if r := got["protein_given"]; r.Status != report.StatusError || !strings.Contains(r.Error, "coding sequences") {
		t.Errorf("protein as CDS: %s %q", r.Status, r.Error)
	}
	if r := got["wild_type"]; r.Status != report.StatusWildtype || r.Query.Length != 875 {
		t.Errorf("wild type: %s, %d residues", r.Status, r.Query.Length)
	}
}
