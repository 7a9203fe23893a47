package emboss

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// realPairs builds one task per K-12 wild type from every real query in
// testdata/pairs whose gene key (second '|' field) names it, one task per
// synthetic tie-heavy pair of testdata/pairs/tie_heavy.faa, plus seeded
// tie-heavy queries (unrelated random sequences, low-complexity runs,
// internal repeats with indels) against a few wild types.
// Characters water removes are removed first, as the native path does.
func realPairs(t *testing.T, s *aligner.Scoring) []Task {
	t.Helper()
	dir := filepath.Join("..", "testdata", "pairs")
	refIDs, refSeqs := readFA(t, filepath.Join(dir, "ref_ecoli_k12_mg1655.faa"))
	byGene := map[string]int{}
	tasks := make([]Task, len(refIDs))
	for i, id := range refIDs {
		byGene[strings.Split(id, "|")[1]] = i
		tasks[i].Profile = aligner.NewProfile(s, refSeqs[i])
	}
	n := 0
	for _, f := range []string{"derived_edge_cases.faa", "homolog_grampos_prokka.faa", "homolog_salmonella_pointfinder.faa",
		"ref_ecoli_pointfinder.faa", "variant_ecoli_gyrA.faa", "variant_ecoli_nfsA_stop.faa", "variant_ecoli_pmrB_multicopy.faa"} {
		ids, seqs := readFA(t, filepath.Join(dir, f))
		for i, id := range ids {
			ri, ok := byGene[strings.Split(id, "|")[1]]
			if !ok {
				continue
			}
			tasks[ri].Queries = append(tasks[ri].Queries, clean(seqs[i]))
			n++
		}
	}
	tieIDs, tieSeqs := readFA(t, filepath.Join(dir, "tie_heavy.faa"))
	for i := 0; i+1 < len(tieIDs); i += 2 {
		if !strings.HasSuffix(tieIDs[i], "|ref") || !strings.HasSuffix(tieIDs[i+1], "|query") {
			t.Fatalf("tie_heavy.faa: records %d and %d are not a ref/query pair", i+1, i+2)
		}
		tasks = append(tasks, Task{Profile: aligner.NewProfile(s, clean(tieSeqs[i])), Queries: [][]byte{clean(tieSeqs[i+1])}})
		n++
	}
	rng := rand.New(rand.NewPCG(4, 2))
	const aa = "ARNDCQEGHILKMFPSTWYV"
	randSeq := func(n int, alphabet string) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	for _, gene := range []string{"marR", "acrR", "mgrB", "soxS", "rplV"} {
		ri := byGene[gene]
		ref := refSeqs[ri]
		var extra [][]byte
		for range 6 {
			extra = append(extra, randSeq(30+rng.IntN(150), aa))
		}
		extra = append(extra, randSeq(80, "AG"), randSeq(60, "LLLLLS"), []byte(strings.Repeat("QQQQ", 20)))
		// Repeats with indels: a reference window repeated, with a few residues dropped or added.
		w := ref[10:40]
		rep := append(append(append([]byte{}, w...), w[3:]...), w[:25]...)
		extra = append(extra, rep, append(append([]byte{}, ref[:20]...), append([]byte("GGG"), ref[20:]...)...))
		tasks[ri].Queries = append(tasks[ri].Queries, extra...)
		n += len(extra)
	}
	if n < 120 {
		t.Fatalf("only %d pairs", n)
	}
	return tasks
}

func clean(s []byte) []byte {
	out := s[:0:0]
	for _, c := range s {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*' {
			out = append(out, c)
		}
	}
	return out
}

// TestLiveAllPairs: the real water, run through Align in small parallel
// batches, equals the native engine (itself proven equal to the oracle in
// package aligner) on every real and tie-heavy pair, in both
// output formats.
func TestLiveAllPairs(t *testing.T) {
	w := realWater(t)
	if w.Version != TestedVersion {
		t.Logf("water %s, parity verified with %s", w.Version, TestedVersion)
	}
	tasks := realPairs(t, scoring(t))
	want := make([][]Result, len(tasks))
	for i, task := range tasks {
		want[i] = engineResults(t, aligner.NewNative(), task.Profile, task.Queries)
	}
	for _, f := range []Format{FormatMarkx10, FormatSrspair} {
		tmp := t.TempDir()
		res, err := w.Align(context.Background(), tasks, Options{Format: f, BatchSize: 7, Jobs: 2, TempDir: tmp})
		if err != nil {
			t.Fatal(err)
		}
		pairs := 0
		for i, task := range tasks {
			checkResults(t, fmt.Sprintf("%s task %d", f, i+1), res[i].Results, want[i])
			for _, fb := range res[i].FellBack {
				if fb {
					t.Fatal("fell back without a fallback engine")
				}
			}
			pairs += len(task.Queries)
		}
		emptyDir(t, tmp)
		t.Logf("%s: %d pairs identical to the native engine", f, pairs)
	}
}

// TestLiveParams: other matrices and gap penalties reach water exactly
// (the matrix file is written by the package). Penalties are exact binary
// fractions: with e.g. gap extend 0.2 water's single-precision sums drift
// and can break ties differently from exact arithmetic (see docs/engines.md).
func TestLiveParams(t *testing.T) {
	w := realWater(t)
	for _, c := range []struct {
		matrix    string
		open, ext float64
	}{{"EPAM250", 12, 2}, {"EBLOSUM45", 14, 1.5}, {"EBLOSUM80", 8, 0.25}} {
		m, err := aligner.LoadMatrix(c.matrix)
		if err != nil {
			t.Fatal(err)
		}
		s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: c.open, GapExtend: c.ext})
		if err != nil {
			t.Fatal(err)
		}
		_, qs := fixtureSet(t, "gyrA")
		qs = qs[10:16] // U/B/Z/J/O, Gram-positive and Salmonella homologs, a variant: gaps and mismatches, kept few for speed
		_, refs := readFA(t, filepath.Join(testdata, "fixtures", "gyrA.ref.fa"))
		p := aligner.NewProfile(s, refs[0])
		got, err := w.AlignBatch(context.Background(), p, qs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkResults(t, c.matrix, got, engineResults(t, aligner.NewNative(), p, qs))
	}
}

// TestLiveFallbackPerBatch: only the batch that fails falls back; the
// others are water's, and every result equals the oracle.
func TestLiveFallbackPerBatch(t *testing.T) {
	w := realWater(t)
	t.Setenv("REAL_WATER", w.Path)
	crashy := fake(t, "realcrash")
	p, qs := fixtureSet(t, "marR")
	res, err := crashy.Align(context.Background(), []Task{{p, qs}}, Options{BatchSize: 3, Jobs: 3, Fallback: aligner.Oracle{}})
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, "per-batch fallback", res[0].Results, oracleResults(t, p, qs))
	for i, fb := range res[0].FellBack {
		if fb != (i < 3) {
			t.Errorf("query %d: FellBack %v, want %v", i+1, fb, i < 3)
		}
	}
	if b := res[0].Batches; !b[0].FellBack || b[1].FellBack || b[2].FellBack || b[1].Err != nil {
		t.Errorf("batches %+v", b)
	}
}
