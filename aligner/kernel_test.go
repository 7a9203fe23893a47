package aligner

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// oracleEnd is the End that water's full matrices define: Score from
// fillOracle and the first maximum of H in row-major order.
func oracleEnd(s *Scoring, a, b []uint8) End {
	la, lb := len(a), len(b)
	path := make([]int64, la*lb)
	compass := make([]uint8, la*lb)
	want := End{Score: fillOracle(s, a, b, path, compass), Max: -1}
	for i, v := range path {
		if v > want.Max {
			want.Max, want.RefEnd, want.QueryEnd = v, i/lb, i%lb
		}
	}
	return want
}

// oracleCells bounds the pairs checked against the full oracle matrices;
// larger ones are checked against scoreEndGeneric, itself proven equal to
// the oracle by the native tests.
const oracleCells = 1 << 22

// checkKernels scores queries against ref with every kernel this machine
// runs (forced through useKernel, in one batch so lanes mix lengths) and
// compares each End with the oracle's.
func checkKernels(t *testing.T, s *Scoring, name string, ref []byte, queries [][]byte) {
	t.Helper()
	p := NewProfile(s, ref)
	qs := make([][]uint8, len(queries))
	want := make([]End, len(queries))
	fromOracle := true
	for i, q := range queries {
		qs[i] = s.Matrix.Encode(q)
		if len(p.Codes)*len(qs[i]) <= oracleCells {
			want[i] = oracleEnd(s, p.Codes, qs[i])
		} else {
			want[i] = scoreEndGeneric(p, qs[i])
			fromOracle = false
		}
	}
	for _, k := range testKernels(t) {
		if k == "generic" && !fromOracle {
			continue // it would compare scoreEndGeneric with itself
		}
		restore, ok := useKernel(k)
		if !ok {
			t.Fatalf("kernel %s listed but not usable", k)
		}
		got := make([]End, len(qs))
		scoreBatch(p, qs, got, false)
		scores := make([]End, len(qs))
		scoreBatch(p, qs, scores, true)
		// The scan pass (8-bit lanes first), with the reference twice so
		// that the shared query profile serves two references.
		many := [][]int64{make([]int64, len(qs)), make([]int64, len(qs))}
		scoreMany(s, []*Profile{p, p}, qs, many)
		restore()
		for i := range qs {
			if got[i] != want[i] {
				t.Fatalf("%s: kernel %s, query %d (%d aa vs %d aa ref, open %d ext %d scale %d): got %+v, want %+v\nref   %q\nquery %q",
					name, k, i, len(qs[i]), len(ref), s.Open, s.Extend, s.Scale, got[i], want[i], ref, queries[i])
			}
			if scores[i].Score != want[i].Score {
				t.Fatalf("%s: kernel %s, score only, query %d (%d aa vs %d aa ref, open %d ext %d scale %d): score %d, want %d",
					name, k, i, len(qs[i]), len(ref), s.Open, s.Extend, s.Scale, scores[i].Score, want[i].Score)
			}
			for r := range many {
				if many[r][i] != want[i].Score {
					t.Fatalf("%s: kernel %s, scoreMany reference %d, query %d (%d aa vs %d aa ref, open %d ext %d scale %d): score %d, want %d\nref   %q\nquery %q",
						name, k, r, i, len(qs[i]), len(ref), s.Open, s.Extend, s.Scale, many[r][i], want[i].Score, ref, queries[i])
				}
			}
		}
	}
}

// testKernels returns the kernels the tests must exercise: every kernel
// this build can run on this CPU. It fails the test when dispatch does not
// offer one the CPU supports (expectedKernels finds them without dispatch's
// code), so a kernel cannot go untested on a machine that has it.
func testKernels(t testing.TB) []string {
	t.Helper()
	got := kernelNames()
	for _, k := range expectedKernels(t) {
		if !slices.Contains(got, k) {
			t.Fatalf("this CPU supports kernel %s but dispatch offers only %v: it would go untested", k, got)
		}
	}
	return got
}

func TestKernelNames(t *testing.T) {
	names := testKernels(t)
	defer SetKernel(Kernel())
	t.Logf("kernels on this machine: %v", names)
	if names[0] != "generic" {
		t.Fatalf("kernelNames()[0] = %q, want generic", names[0])
	}
	if _, ok := useKernel("no-such-kernel"); ok {
		t.Fatal("useKernel accepted an unknown kernel")
	}
	for _, k := range []string{"generic", "avx2", "avx512", "sse4", ""} {
		if got, want := KernelSupported(k), slices.Contains(names, k); got != want {
			t.Errorf("KernelSupported(%q) = %v, want %v", k, got, want)
		}
		if err := SetKernel(k); (err == nil) != slices.Contains(names, k) {
			t.Errorf("SetKernel(%q) = %v", k, err)
		}
	}
	for _, k := range names {
		if err := SetKernel(k); err != nil || Kernel() != k {
			t.Errorf("SetKernel(%s): %v, Kernel() = %s", k, err, Kernel())
		}
	}
}

// TestKernelRealPairs: every real query against its K-12 wild type, all
// queries of one wild type in one batch, plus each wild type against
// every other one (the proteome-scan situation: unrelated pairs).
func TestKernelRealPairs(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	byRef := map[string][][]byte{}
	refs := map[string][]byte{}
	for _, pr := range realPairs(t) {
		r := cleanLikeWater(pr.Ref.Seq)
		refs[pr.Ref.ID] = r
		byRef[pr.Ref.ID] = append(byRef[pr.Ref.ID], cleanLikeWater(pr.Query.Seq))
	}
	for id, qs := range byRef {
		checkKernels(t, s, id, refs[id], qs)
	}
	var all [][]byte
	for _, r := range readFASTA(t, "ref_ecoli_k12_mg1655.faa") {
		all = append(all, r.Seq)
	}
	for i := 0; i < len(all); i += 5 {
		checkKernels(t, s, "k12 vs k12", all[i], all)
	}
}

// TestKernelTieHeavy: repeats, poly-Q, unrelated random sequences, X runs
// and stops, each pair alone and all queries against each reference.
func TestKernelTieHeavy(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	prs := append(tiePairs(t), tieHeavyPairs(rand.New(rand.NewPCG(5, 5)), 150)...)
	prs = append(prs, letterPairs()...)
	var qs [][]byte
	for _, pr := range prs {
		q := cleanLikeWater(pr.Query.Seq)
		qs = append(qs, q)
		checkKernels(t, s, pr.Name, cleanLikeWater(pr.Ref.Seq), [][]byte{q})
	}
	for i, pr := range prs {
		if i%10 == 0 {
			checkKernels(t, s, pr.Name+" vs all", cleanLikeWater(pr.Ref.Seq), qs)
		}
	}
}

// TestKernelRandomLengths: references of 1..5,000 aa, each with a batch of
// related and unrelated queries of 1..5,000 aa (so lanes are padded), under
// several gap penalties and matrices.
func TestKernelRandomLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 7))
	type sc struct {
		m         string
		open, ext float64
	}
	scs := []sc{{"EBLOSUM62", 10, 0.5}, {"EBLOSUM62", 1, 1}, {"EBLOSUM62", 0, 0}, {"EPAM250", 3.5, 2.25}, {"EBLOSUM30", 25, 0.05}, {"EBLOSUM90", 100, 10}}
	lens := []int{1, 2, 3, 7, 8, 9, 17, 100, 333, 1000, 2500, 5000}
	for n, la := range lens {
		x := scs[n%len(scs)]
		s := mustScoring(t, x.m, x.open, x.ext)
		ref := randSeq(rng, la, aminoAcids+"X*")
		nq := 40
		if la >= 2500 {
			nq = 6
		}
		var qs [][]byte
		for range nq {
			var q []byte
			switch rng.IntN(4) {
			case 0:
				q = randSeq(rng, 1+rng.IntN(max(la, 60)), aminoAcids+"X")
			case 1:
				q = randSeq(rng, 1+rng.IntN(12), aminoAcids)
			default:
				q = mutate(rng, ref, rng.IntN(1+la/10), aminoAcids)
				if len(q) > 2 && rng.IntN(2) == 0 {
					a := rng.IntN(len(q) / 2)
					q = q[a : a+1+rng.IntN(len(q)-a)]
				}
			}
			if len(q) == 0 {
				q = []byte("W")
			}
			qs = append(qs, q)
		}
		checkKernels(t, s, fmt.Sprintf("random ref %d aa", la), ref, qs)
	}
}

// TestKernelGapGrid runs tie-heavy and mutated pairs under a grid of gap
// penalties, including open < 2*ext where water's first-column quirk
// changes E(i,1).
func TestKernelGapGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	prs := tieHeavyPairs(rng, 40)
	for _, open := range []float64{0, 0.5, 1, 5, 10, 25} {
		for _, ext := range []float64{0, 0.5, 2, 5} {
			s := mustScoring(t, "EBLOSUM62", open, ext)
			for i := 0; i < len(prs); i += 8 {
				var qs [][]byte
				for _, pr := range prs[i:min(i+8, len(prs))] {
					qs = append(qs, cleanLikeWater(pr.Query.Seq))
				}
				checkKernels(t, s, fmt.Sprintf("grid %g/%g", open, ext), cleanLikeWater(prs[i].Ref.Seq), qs)
			}
		}
	}
}

// TestKernelSaturation: identical proteins whose doubled scores exceed 16
// bits (about 3,000 aa and up) must escalate to 32-bit lanes and stay
// exact. Each batch also holds fragments and a mutated copy that stay in
// 16 bits.
func TestKernelSaturation(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	sizes := []int{3000, 10000}
	if !testing.Short() {
		sizes = append(sizes, 40000)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range sizes {
		seq := randSeq(rng, n, aminoAcids)
		// Identical: every diagonal score is positive, so the best cell is
		// the last one and holds the sum.
		var sum int64
		for _, c := range seq {
			sum += int64(s.Sub(s.Matrix.Code(c), s.Matrix.Code(c)))
		}
		p := NewProfile(s, seq)
		qs := [][]uint8{s.Matrix.Encode(seq)}
		want := []End{{Score: sum, Max: sum, RefEnd: n - 1, QueryEnd: n - 1}}
		for _, q := range [][]byte{seq[n/2 : n/2+300], mutate(rng, seq[n-400:], 20, aminoAcids), randSeq(rng, 200, aminoAcids)} {
			qs = append(qs, s.Matrix.Encode(q))
			want = append(want, scoreEndGeneric(p, qs[len(qs)-1]))
		}
		if n <= 3000 {
			qs = append(qs, s.Matrix.Encode(mutate(rng, seq, 30, aminoAcids)))
			want = append(want, scoreEndGeneric(p, qs[len(qs)-1]))
		}
		for _, k := range testKernels(t) {
			if k == "generic" {
				continue
			}
			restore, _ := useKernel(k)
			got := make([]End, len(qs))
			scoreBatch(p, qs, got, false)
			scores := make([]End, len(qs))
			scoreBatch(p, qs, scores, true)
			restore()
			for i := range qs {
				if got[i] != want[i] || scores[i].Score != want[i].Score {
					t.Fatalf("%d aa, kernel %s, query %d: %+v (score only %d), want %+v", n, k, i, got[i], scores[i].Score, want[i])
				}
			}
		}
	}
}

// TestKernelShortExhaustive runs every reference and query of one to three
// residues over a small alphabet, where the best cell often lies in row 0
// or column 0 (not interior, so water does not report it): the 8-bit scan
// lanes once let such a cell raise the score through a padding column (ref
// WA, query AW under 10/1 scored 7, water 1).
func TestKernelShortExhaustive(t *testing.T) {
	var seqs [][]byte
	var grow func(prefix []byte)
	grow = func(prefix []byte) {
		if len(prefix) > 0 {
			seqs = append(seqs, prefix)
		}
		if len(prefix) == 3 {
			return
		}
		for _, c := range []byte("WACK") {
			grow(append(slices.Clip(prefix), c))
		}
	}
	grow(nil)
	for _, gp := range [][2]float64{{10, 1}, {10, 0.5}, {5, 1}, {1, 0.5}} {
		s := mustScoring(t, "EBLOSUM62", gp[0], gp[1])
		for _, ref := range seqs {
			for i := 0; i < len(seqs); i += 21 {
				checkKernels(t, s, fmt.Sprintf("short %g/%g", gp[0], gp[1]), ref, seqs[i:min(i+21, len(seqs))])
			}
		}
	}
}

// FuzzKernel compares every kernel with scoreEndGeneric on one reference
// and a batch of three queries cut from the fuzzed bytes.
func FuzzKernel(f *testing.F) {
	for _, pr := range tiePairs(f)[:20] {
		f.Add(pr.Ref.Seq, pr.Query.Seq, pr.Ref.Seq, uint8(0))
	}
	f.Add([]byte("W"), []byte("MKWV"), []byte("WW"), uint8(1))
	f.Add([]byte("QQQQQQQQQQ"), []byte("QQQLQQQ"), []byte("Q"), uint8(77))
	f.Add([]byte("WA"), []byte("AW"), []byte("AW"), uint8(20+31*2)) // row 0's W:W leaked into the 8-bit score (10/1)
	matrices := []string{"EBLOSUM62", "EBLOSUM30", "EPAM250"}
	f.Fuzz(func(t *testing.T, ref, q1, q2 []byte, gaps uint8) {
		ref, q1, q2 = cleanLikeWater(ref), cleanLikeWater(q1), cleanLikeWater(q2)
		if len(ref) == 0 || len(q1) == 0 || len(q2) == 0 || len(ref)*(len(q1)+len(q2)) > 4e6 {
			t.Skip()
		}
		s := mustScoring(t, matrices[int(gaps)%len(matrices)], float64(gaps%31)/2, float64(gaps/31%5)/2)
		q3 := bytes.Repeat(q1, 3)
		checkKernels(t, s, "fuzz", ref, [][]byte{q1, q2, q3})
	})
}

// TestAlignBatch: AlignBatch and ScoreBatch equal Oracle query by query,
// with every kernel, on all real queries of each wild type in one batch
// and on a batch of random variants; invalid input names the query.
func TestAlignBatch(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	byRef := map[string][][]byte{}
	refs := map[string][]byte{}
	for _, pr := range realPairs(t) {
		refs[pr.Ref.ID] = cleanLikeWater(pr.Ref.Seq)
		byRef[pr.Ref.ID] = append(byRef[pr.Ref.ID], cleanLikeWater(pr.Query.Seq))
	}
	rng := rand.New(rand.NewPCG(11, 11))
	ref := randSeq(rng, 300, aminoAcids)
	refs["random"] = ref
	for range 70 {
		byRef["random"] = append(byRef["random"], mutate(rng, ref, 1+rng.IntN(40), aminoAcids+"X"))
	}
	n := NewNative()
	for _, k := range testKernels(t) {
		restore, _ := useKernel(k)
		for id, qs := range byRef {
			p := NewProfile(s, refs[id])
			got, err := n.AlignBatch(p, qs)
			if err != nil {
				t.Fatalf("%s, kernel %s: %v", id, k, err)
			}
			scores, err := n.ScoreBatch(p, qs)
			if err != nil {
				t.Fatalf("%s, kernel %s: %v", id, k, err)
			}
			for i, q := range qs {
				want, err := Oracle{}.Align(p, q)
				if err != nil {
					t.Fatal(err)
				}
				if err := sameAlignment(got[i], want); err != nil {
					t.Fatalf("%s, kernel %s, query %d: %v", id, k, i, err)
				}
				if scores[i] != want.Score {
					t.Fatalf("%s, kernel %s, query %d: ScoreBatch %d, want %d", id, k, i, scores[i], want.Score)
				}
			}
		}
		restore()
	}
	p := NewProfile(s, ref)
	if _, err := n.AlignBatch(p, [][]byte{ref, nil}); err == nil || !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "batch query 1") {
		t.Fatalf("AlignBatch with an empty query: %v", err)
	}
	if _, err := n.ScoreBatch(p, [][]byte{{}}); err == nil || !errors.Is(err, ErrEmpty) {
		t.Fatalf("ScoreBatch with an empty query: %v", err)
	}
}

// TestAlignBatchConcurrent: batches from several goroutines (as the
// pipeline's workers call them) share the scratch free list safely and
// give the same alignments as one goroutine.
func TestAlignBatchConcurrent(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	rng := rand.New(rand.NewPCG(13, 13))
	ref := randSeq(rng, 400, aminoAcids)
	var qs [][]byte
	for range 50 {
		qs = append(qs, mutate(rng, ref, 1+rng.IntN(30), aminoAcids))
	}
	p := NewProfile(s, ref)
	n := NewNative()
	want, err := n.AlignBatch(p, qs)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := n.AlignBatch(p, qs)
			if err == nil {
				for i := range got {
					if e := sameAlignment(got[i], want[i]); e != nil {
						err = fmt.Errorf("query %d: %v", i, e)
						break
					}
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
