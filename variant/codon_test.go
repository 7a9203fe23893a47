package variant

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/gencode"
)

// pointFinderGyrA is PointFinder's E. coli gyrA reference gene (2628 bases
// with its stop; it translates to K-12 GyrA).
func pointFinderGyrA(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "catalogs", "pointfinder_db", "escherichia_coli", "gyrA.fsa"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return []byte(strings.Join(lines[1:], ""))
}

// edit replaces bases [i, j) (0-based) of s by with.
func edit(s []byte, i, j int, with string) []byte {
	out := append([]byte{}, s[:i]...)
	out = append(out, with...)
	return append(out, s[j:]...)
}

// untilStop cuts a CDS after its first in-frame stop codon, as a gene
// caller's CDS output would end.
func untilStop(code *gencode.Code, cds []byte) []byte {
	for k := 0; 3*k+3 <= len(cds); k++ {
		if code.IsStop(cds[3*k : 3*k+3]) {
			return cds[:3*k+3]
		}
	}
	return cds
}

// codonCalls translates both CDSs, aligns and calls the proteins as a CDS
// run would, and returns the codon-level result.
func codonCalls(t *testing.T, refCDS, qryCDS []byte) CodonResult {
	t.Helper()
	code, err := gencode.Lookup(11)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := code.TranslateCDS(refCDS)
	if err != nil {
		t.Fatal(err)
	}
	q := code.Translate(qryCDS)
	q[0] = 'M'
	stripped := q[len(q)-1] == '*'
	if stripped {
		q = q[:len(q)-1]
	}
	in := Input{Gene: "gyrA", Ref: ref.Protein, Query: q, Aln: align(t, ref.Protein, q), RefEndsWithStop: true,
		QueryTerminalStopStripped: stripped}
	res, err := Call(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := CallCodons(CodonInput{RefCDS: refCDS, QueryCDS: qryCDS, Ref: in.Ref, Query: in.Query, Aln: in.Aln, Result: res, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type codonWant struct{ short, hgvs, change, typ string }

func checkCodons(t *testing.T, got []CodonCall, want []codonWant) {
	t.Helper()
	var g []codonWant
	for _, c := range got {
		g = append(g, codonWant{c.Short, c.HGVS, c.CodonChange, c.Type})
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got\n%v\nwant\n%v", g, want)
	}
}

// TestCodonEdits: documented single edits of the PointFinder E. coli gyrA
// gene (codon n is bases 3n-2..3n). The expected frameshift names were
// worked out by translating the edited genes independently of this code
// (a Python table-11 translation, see the commit that added this test).
func TestCodonEdits(t *testing.T) {
	code, _ := gencode.Lookup(11)
	gene := pointFinderGyrA(t)
	if string(gene[246:249]) != "TCG" || string(gene[297:300]) != "TAT" || string(gene[258:261]) != "GAC" {
		t.Fatalf("codons 83/100/87 are %s/%s/%s", gene[246:249], gene[297:300], gene[258:261])
	}
	cases := []struct {
		name  string
		query []byte
		calls []codonWant
		syn   []codonWant
		// fs says the call list holds a call made from the shifted frame
		// (a frameshift, or the nonsense change one turned out to be).
		fs bool
	}{
		{"S83L TCG>TTG", edit(gene, 246, 249, "TTG"),
			[]codonWant{{"S83L", "p.Ser83Leu", "TCG>TTG", report.TypeSubstitution}}, nil, false},
		{"synonymous Y100 TAT>TAC", edit(gene, 297, 300, "TAC"),
			nil, []codonWant{{"Y100=", "p.Tyr100=", "TAT>TAC", report.TypeSynonymous}}, false},
		{"S83L and a synonymous change together", edit(edit(gene, 246, 249, "TTG"), 297, 300, "TAC"),
			[]codonWant{{"S83L", "p.Ser83Leu", "TCG>TTG", report.TypeSubstitution}},
			[]codonWant{{"Y100=", "p.Tyr100=", "TAT>TAC", report.TypeSynonymous}}, false},
		// Deleting the first base of codon 253 (AAA ACC -> AAA CCG): the run
		// of four As makes this the deletion of base 760, so K253 is intact
		// and T254 is the first changed residue; the new frame stops at its
		// 15th codon.
		{"1-nt deletion, gene-caller CDS cut at the new stop", untilStop(code, edit(gene, 756, 757, "")),
			[]codonWant{{"T254PfsTer15", "p.Thr254ProfsTer15", "ACC>CCG", report.TypeFrameshift}}, nil, true},
		{"1-nt deletion, whole gene read through its stops", edit(gene, 756, 757, ""),
			[]codonWant{{"T254PfsTer15", "p.Thr254ProfsTer15", "ACC>CCG", report.TypeFrameshift}}, nil, true},
		// Deleting base 49 makes codon 17 TGA at once: a nonsense change,
		// not L17fsTer1.
		{"1-nt deletion whose first new codon is a stop", edit(gene, 48, 49, ""),
			[]codonWant{{"L17*", "p.Leu17Ter", "CTG>TGA", report.TypeNonsense}}, nil, true},
		{"in-frame 3-nt deletion of codon 87", edit(gene, 258, 261, ""),
			[]codonWant{{"D87del", "p.Asp87del", "GAC>-", report.TypeDeletion}}, nil, false},
		{"premature stop codon Y100* TAT>TAA", edit(gene, 297, 300, "TAA"),
			[]codonWant{{"Y100*", "p.Tyr100Ter", "TAT>TAA", report.TypeNonsense}}, nil, false},
		{"premature stop, gene-caller CDS ends at it", untilStop(code, edit(gene, 297, 300, "TAA")),
			[]codonWant{{"Y100*", "p.Tyr100Ter", "TAT>TAA", report.TypeNonsense}}, nil, false},
		// Delete base 598 (codon 200, first base), insert G after base 604:
		// the frame is restored two codons on, so the protein calls stand.
		{"frame restored after two codons", edit(gene, 597, 604, string(gene[598:604])+"G"),
			[]codonWant{{"D200M", "p.Asp200Met", "GAT>ATG", report.TypeSubstitution}, {"E201K", "p.Glu201Lys", "GAA>AAG", report.TypeSubstitution}}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := codonCalls(t, gene, tc.query)
			checkCodons(t, res.Calls, tc.calls)
			checkCodons(t, res.Synonymous, tc.syn)
			if tc.fs != (res.Frameshift >= 0) {
				t.Errorf("Frameshift index %d", res.Frameshift)
			}
		})
	}
}

func TestCodonInputChecks(t *testing.T) {
	code, _ := gencode.Lookup(11)
	gene := pointFinderGyrA(t)
	ref, _ := code.TranslateCDS(gene)
	in := CodonInput{RefCDS: gene, QueryCDS: gene[:30], Ref: ref.Protein, Query: ref.Protein, Aln: align(t, ref.Protein, ref.Protein), Code: code}
	if _, err := CallCodons(in); err == nil || !strings.Contains(err.Error(), "query CDS has 30 bases") {
		t.Errorf("short query CDS: %v", err)
	}
	in.QueryCDS = edit(gene, 246, 249, "TTG") // protein still says S83
	if _, err := CallCodons(in); err == nil || !strings.Contains(err.Error(), "query residue 83") {
		t.Errorf("protein that is not the CDS's translation: %v", err)
	}
	in.Code = nil
	if _, err := CallCodons(in); err == nil {
		t.Error("no genetic code accepted")
	}
}
