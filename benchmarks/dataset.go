package benchmarks

import (
	"bufio"
	"fmt"
	"github.com/wtalign/wtalign/fasta"
	"io"
	"math/rand/v2"
	"strings"
)

// Protein is one FASTA record.
type Protein struct {
	ID, Desc string
	Seq      []byte
}

// ReadFASTA reads a protein FASTA file as written (fasta.ReadRaw: the
// inputs are the committed test files, edge cases included).
func ReadFASTA(path string) ([]Protein, error) {
	raw, err := fasta.ReadRaw(path)
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %w", err)
	}
	out := make([]Protein, len(raw))
	for i, r := range raw {
		out[i] = Protein{ID: r.ID, Desc: r.Description, Seq: r.Raw}
	}
	return out, nil
}

// WriteFASTA writes records with 60 residues per line.
func WriteFASTA(w io.Writer, recs []Protein) error {
	bw := bufio.NewWriter(w)
	for _, r := range recs {
		fmt.Fprintf(bw, ">%s", r.ID)
		if r.Desc != "" {
			fmt.Fprintf(bw, " %s", r.Desc)
		}
		bw.WriteByte('\n') // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		for i := 0; i < len(r.Seq); i += 60 {
			bw.Write(r.Seq[i:min(i+60, len(r.Seq))]) // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
			bw.WriteByte('\n')                       // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	return nil
}

const aminoAcids = "ACDEFGHIKLMNPQRSTVWY"

// Gene is the gene field of a `tag|gene|accession` ID.
func Gene(id string) string {
	f := strings.Split(id, "|")
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// Variants derives n variants from the wild types, deterministically for a
// seed: wild type i%len(wts) for variant i, a target identity drawn
// uniformly from 86% to 99.6%, reached by substitutions (80% of edits),
// insertions and deletions of 1-6 residues (10% each); one variant in ten
// is also truncated by up to 15% at the N or C terminus. IDs are
// `var<NNNNNN>|<gene>|bench`, so `wtalign align --assign name` assigns
// them, and the description records the target identity and edits.
func Variants(wts []Protein, n int, seed uint64) []Protein {
	rng := rand.New(rand.NewPCG(seed, 0x5eed)) // #nosec G404 -- synthetic benchmark variants must be reproducible from the seed; nothing secret is drawn
	out := make([]Protein, n)
	for i := range out {
		wt := wts[i%len(wts)]
		id := 0.86 + rng.Float64()*(0.996-0.86)
		edits := max(1, int((1-id)*float64(len(wt.Seq))+0.5))
		seq := append([]byte(nil), wt.Seq...)
		var subs, ins, dels int
		for range edits {
			if len(seq) < 10 {
				break
			}
			p := rng.IntN(len(seq))
			switch r := rng.IntN(10); {
			case r < 8:
				seq[p] = aminoAcids[rng.IntN(len(aminoAcids))]
				subs++
			case r == 8:
				k := 1 + rng.IntN(6)
				add := make([]byte, k)
				for j := range add {
					add[j] = aminoAcids[rng.IntN(len(aminoAcids))]
				}
				seq = append(seq[:p], append(add, seq[p:]...)...)
				ins++
			default:
				k := min(1+rng.IntN(6), len(seq)-p)
				seq = append(seq[:p], seq[p+k:]...)
				dels++
			}
		}
		trunc := ""
		if rng.IntN(10) == 0 {
			cut := 1 + rng.IntN(len(seq)*15/100)
			if rng.IntN(2) == 0 {
				seq, trunc = seq[cut:], fmt.Sprintf(" truncN=%d", cut)
			} else {
				seq, trunc = seq[:len(seq)-cut], fmt.Sprintf(" truncC=%d", cut)
			}
		}
		out[i] = Protein{
			ID:   fmt.Sprintf("var%06d|%s|bench", i+1, Gene(wt.ID)),
			Desc: fmt.Sprintf("target_identity=%.1f%% subs=%d ins=%d dels=%d%s", 100*id, subs, ins, dels, trunc),
			Seq:  seq,
		}
	}
	return out
}

// Cells is the number of DP cells of aligning each query against its
// wild type (by gene), the denominator of GCUPS.
func Cells(wts, queries []Protein) float64 {
	lens := map[string]int{}
	for _, w := range wts {
		lens[Gene(w.ID)] = len(w.Seq)
	}
	var c float64
	for _, q := range queries {
		c += float64(lens[Gene(q.ID)]) * float64(len(q.Seq))
	}
	return c
}
