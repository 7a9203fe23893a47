package aligner

import (
	"bytes"
	"fmt"
	"github.com/wtalign/wtalign/fasta"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// Test data shared by the differential, golden and live tests.

const pairsDir = "../testdata/pairs"

type record struct {
	ID  string // first word of the header
	Seq []byte // as written, line breaks removed
}

// readFASTA reads a committed test file as written (fasta.ReadRaw).
func readFASTA(t testing.TB, name string) []record {
	t.Helper()
	raw, err := fasta.ReadRaw(filepath.Join(pairsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]record, len(raw))
	for i, r := range raw {
		recs[i] = record{ID: r.ID, Seq: r.Raw}
	}
	return recs
}

// cleanLikeWater keeps what EMBOSS keeps of a protein sequence: letters and
// '*'. It drops '-', '.', digits and white space.
func cleanLikeWater(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*' {
			out = append(out, c)
		}
	}
	return out
}

func gene(id string) string {
	f := strings.Split(id, "|")
	if len(f) < 2 {
		return ""
	}
	// Names used by the homolog files for the K-12 genes.
	switch g := f[1]; g {
	case "pmrA":
		return "basR"
	case "pmrB":
		return "basS"
	case "dfrA":
		return "folA"
	default:
		return g
	}
}

// pair is one reference (water's -asequence) and one query, as written in
// the FASTA files (uncleaned).
type pair struct {
	Name       string
	Ref, Query record
}

// realPairs lists every query of the curated files against its same-gene
// K-12 wild type, plus cross-gene paralog pairs.
func realPairs(t testing.TB) []pair {
	t.Helper()
	k12 := map[string]record{}
	for _, r := range readFASTA(t, "ref_ecoli_k12_mg1655.faa") {
		k12[gene(r.ID)] = r
	}
	var out []pair
	for _, f := range []string{
		"variant_ecoli_gyrA.faa", "variant_ecoli_pmrB_multicopy.faa", "variant_ecoli_nfsA_stop.faa",
		"derived_edge_cases.faa", "homolog_salmonella_pointfinder.faa", "ref_ecoli_pointfinder.faa",
		"homolog_grampos_prokka.faa",
	} {
		for _, q := range readFASTA(t, f) {
			ref, ok := k12[gene(q.ID)]
			if !ok {
				t.Fatalf("%s: no K-12 wild type for %s", f, q.ID)
			}
			out = append(out, pair{Name: pairName(ref.ID, q.ID), Ref: ref, Query: q})
		}
	}
	for _, gg := range [][2]string{{"gyrA", "parC"}, {"ompF", "ompC"}, {"gyrB", "parE"}} {
		for _, o := range [][2]string{gg, {gg[1], gg[0]}} {
			r, q := k12[o[0]], k12[o[1]]
			out = append(out, pair{Name: pairName(r.ID, q.ID), Ref: r, Query: q})
		}
	}
	return out
}

func pairName(refID, queryID string) string {
	clean := func(id string) string {
		f := strings.Split(id, "|")
		s := f[0] + "_" + gene(id)
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
				return r
			}
			return '_'
		}, s)
	}
	return clean(refID) + "__" + clean(queryID)
}

// tiePairs reads the committed synthetic pairs.
func tiePairs(t testing.TB) []pair {
	t.Helper()
	recs := readFASTA(t, "tie_heavy.faa")
	if len(recs)%2 != 0 {
		t.Fatal("tie_heavy.faa: odd number of records")
	}
	var out []pair
	for i := 0; i < len(recs); i += 2 {
		name := strings.Split(recs[i].ID, "|")[1]
		out = append(out, pair{Name: "tie__" + name, Ref: recs[i], Query: recs[i+1]})
	}
	return out
}

const (
	aminoAcids = "ACDEFGHIKLMNPQRSTVWY"
	// Every letter class water treats specially: ambiguity codes in the
	// matrix, letters missing from it, the stop, and lowercase.
	oddLetters = "BZXUOJ*bzxuoj"
)

func randSeq(rng *rand.Rand, n int, alphabet string) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}

// mutate applies about n random substitutions, insertions and deletions.
func mutate(rng *rand.Rand, s []byte, n int, alphabet string) []byte {
	out := append([]byte(nil), s...)
	for range n {
		if len(out) == 0 {
			break
		}
		p := rng.IntN(len(out))
		switch rng.IntN(3) {
		case 0:
			out[p] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			ins := randSeq(rng, 1+rng.IntN(6), alphabet)
			out = append(out[:p], append(ins, out[p:]...)...)
		default:
			d := min(len(out)-p, 1+rng.IntN(6))
			out = append(out[:p], out[p+d:]...)
		}
	}
	return out
}

func repeatUnit(unit string, n int) []byte { return []byte(strings.Repeat(unit, n)) }

// tieHeavyPairs builds pairs with many equal-score alternatives. Both
// sequences are non-empty.
func tieHeavyPairs(rng *rand.Rand, n int) []pair {
	var out []pair
	add := func(kind string, r, q []byte) {
		if len(r) == 0 {
			r = []byte("A")
		}
		if len(q) == 0 {
			q = []byte("A")
		}
		name := fmt.Sprintf("%s%03d", kind, len(out))
		out = append(out, pair{Name: name,
			Ref:   record{ID: "tie|" + name + "|ref", Seq: r},
			Query: record{ID: "tie|" + name + "|query", Seq: q}})
	}
	for len(out) < n {
		flank := func() []byte { return randSeq(rng, rng.IntN(12), aminoAcids) }
		cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
		switch rng.IntN(9) {
		case 0: // tandem repeat, whole or partial units inserted or deleted
			unit := string(randSeq(rng, 1+rng.IntN(7), aminoAcids))
			k := 2 + rng.IntN(12)
			d := rng.IntN(2*len(unit)*2+1) - 2*len(unit)
			rep := repeatUnit(unit, k+2)
			var qrep []byte
			if d > 0 {
				qrep = cat(rep, rep[:d])
			} else {
				qrep = rep[:len(rep)+d]
			}
			add("repeat", cat(flank(), rep, flank()), cat(flank(), qrep, flank()))
		case 1: // poly-Q / poly-A stretches with gaps
			c := string("QAGSNP"[rng.IntN(6)])
			r := cat(flank(), repeatUnit(c, 5+rng.IntN(40)), flank(), repeatUnit(c, rng.IntN(10)), flank())
			add("poly", r, mutate(rng, r, 1+rng.IntN(4), c+c+c+"L"))
		case 2: // unrelated random sequences
			add("random", randSeq(rng, 1+rng.IntN(300), aminoAcids), randSeq(rng, 1+rng.IntN(300), aminoAcids))
		case 3: // X runs
			base := randSeq(rng, 20+rng.IntN(150), aminoAcids)
			q := mutate(rng, base, rng.IntN(5), aminoAcids)
			p := rng.IntN(len(q))
			q = cat(q[:p], repeatUnit("X", 1+rng.IntN(40)), q[p:])
			if rng.IntN(2) == 0 {
				base = cat(base[:len(base)/2], repeatUnit("X", 1+rng.IntN(10)), base[len(base)/2:])
			}
			add("xrun", base, q)
		case 4: // stops: internal, terminal, runs
			base := randSeq(rng, 20+rng.IntN(150), aminoAcids)
			q := mutate(rng, base, rng.IntN(4), aminoAcids+"*")
			q = cat(q, []byte("*"))
			add("stop", cat(base, repeatUnit("*", rng.IntN(3))), q)
		case 5: // low complexity linkers
			u := []string{"AS", "GGGGS", "PEPE", "KAAKA", "QQQQH"}[rng.IntN(5)]
			r := cat(flank(), repeatUnit(u, 3+rng.IntN(10)), flank())
			add("linker", r, mutate(rng, r, 1+rng.IntN(6), u))
		case 6: // odd letters and lowercase
			base := randSeq(rng, 10+rng.IntN(200), aminoAcids+oddLetters)
			add("letters", base, mutate(rng, base, rng.IntN(10), aminoAcids+oddLetters))
		case 7: // homologs with indels
			base := randSeq(rng, 30+rng.IntN(400), aminoAcids)
			add("indel", base, mutate(rng, base, 1+rng.IntN(30), aminoAcids))
		default: // tiny sequences, where first-row/column quirks dominate
			add("tiny", randSeq(rng, 1+rng.IntN(5), "AWC*X"), randSeq(rng, 1+rng.IntN(5), "AWC*X"))
		}
	}
	return out
}

// letterPairs align every letter class water treats specially against
// itself and against the other case: 20 amino acids, B/Z/X in the matrix,
// U/O/J outside it, '*', and lowercase.
func letterPairs() []pair {
	all := "ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
	mk := func(name, r, q string) pair {
		return pair{Name: name, Ref: record{ID: "tie|" + name + "|ref", Seq: []byte(r)},
			Query: record{ID: "tie|" + name + "|query", Seq: []byte(q)}}
	}
	return []pair{
		mk("lettersSame", "MKWHP"+all+"WCHPM", "MKWHP"+all+"WCHPM"),
		mk("lettersCase", "MKWHP"+all+"WCHPM", "mkwhp"+strings.ToLower(all)+"wchpm"),
		mk("lettersMixed", "mkwhp"+strings.ToLower(all)+"WCHPM", "MKWHP"+all+"wchpm"),
		mk("lettersRev", "MKWHP"+all+"WCHPM", "MKWHP*ZYXWVUTSRQPONMLKJIHGFEDCBAWCHPM"),
		// The best cell is in the first row: water aligns W/W but reports
		// the best interior score, 8.0.
		mk("quirkFirstCell", "WP", "WC"),
		// At gap penalties 2.3/0.003 water's start-cell scan follows a chain
		// of values within U_FEPS away from the first maximum.
		mk("quirkChain", "NCQMLNLTWMICCGYLAK", "HWFAQMNFR"),
	}
}

// randomPairs are related or unrelated pairs of lengths 1..maxLen.
func randomPairs(rng *rand.Rand, n, maxLen int) []pair {
	out := make([]pair, 0, n)
	for i := range n {
		r := randSeq(rng, 1+rng.IntN(maxLen), aminoAcids+"X")
		var q []byte
		if rng.IntN(3) == 0 {
			q = randSeq(rng, 1+rng.IntN(maxLen), aminoAcids+"X")
		} else {
			q = mutate(rng, r, rng.IntN(1+len(r)/5), aminoAcids)
			if rng.IntN(2) == 0 && len(q) > 2 { // local: cut both ends
				a := rng.IntN(len(q) / 2)
				q = q[a : a+1+rng.IntN(len(q)-a)]
			}
			if len(q) == 0 {
				q = []byte("M")
			}
		}
		name := fmt.Sprintf("rand%04d", i)
		out = append(out, pair{Name: name, Ref: record{ID: name + "_ref", Seq: r}, Query: record{ID: name + "_query", Seq: q}})
	}
	return out
}

func mustScoring(t testing.TB, matrix string, open, ext float64) *Scoring {
	t.Helper()
	m, err := LoadMatrix(matrix)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScoring(Params{Matrix: m, GapOpen: open, GapExtend: ext})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
