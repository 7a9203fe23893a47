package aligner

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// identicalCheck aligns a protein with itself and checks the exact score,
// the full-length coordinates and the strings, returning the bytes Align
// allocated.
func identicalCheck(t *testing.T, e *Native, n int) uint64 {
	t.Helper()
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	seq := randSeq(rand.New(rand.NewPCG(uint64(n), 1)), n, aminoAcids)
	var want int64
	for _, c := range seq {
		want += int64(s.Sub(s.Matrix.Code(c), s.Matrix.Code(c)))
	}
	p := NewProfile(s, seq)
	q := s.Matrix.Encode(seq)
	if n <= 5000 {
		// The batch kernels on the same pair: 16-bit lanes saturate here,
		// so this checks the 32-bit rescoring against the exact answer.
		wantEnd := End{Score: want, Max: want, RefEnd: n - 1, QueryEnd: n - 1}
		for _, k := range testKernels(t) {
			restore, _ := useKernel(k)
			got := make([]End, 1)
			scoreBatch(p, [][]uint8{q}, got, false)
			restore()
			if got[0] != wantEnd {
				t.Fatalf("%d aa, kernel %s: %+v, want %+v", n, k, got[0], wantEnd)
			}
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	al, err := e.Align(p, seq)
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if al.Score != want || al.RefStart != 0 || al.QueryStart != 0 || al.RefEnd != n-1 || al.QueryEnd != n-1 ||
		!bytes.Equal(al.AlignedRef, seq) || !bytes.Equal(al.AlignedQuery, seq) {
		t.Fatalf("%d aa identical: score %d (want %d), ref %d..%d, query %d..%d",
			n, al.Score, want, al.RefStart, al.RefEnd, al.QueryStart, al.QueryEnd)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d aa identical: score %d, %v, %.1f MB allocated", n, want, el.Round(time.Millisecond), float64(alloc)/1e6)
	return alloc
}

func TestNativeIdentical3000(t *testing.T) {
	e := NewNative()
	alloc := identicalCheck(t, e, 3000)
	// Full matrices (Oracle) would take 81 MB; checkpoints about 2 MB.
	if alloc > 20e6 {
		t.Errorf("3,000 aa pair allocated %d bytes", alloc)
	}
	if lighter() {
		return
	}
	// And against Oracle on a shifted, mutated copy.
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	rng := rand.New(rand.NewPCG(3000, 2))
	ref := randSeq(rng, 3000, aminoAcids)
	checkPair(t, s, "3000 mutated", ref, mutate(rng, ref[100:], 60, aminoAcids))
}

// TestNativeIdentical35000 is titin-sized: memory must stay bounded by the
// checkpoints (the full matrices would need 11 GB).
func TestNativeIdentical35000(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("35,000 aa pair skipped in -short mode and under -race")
	}
	alloc := identicalCheck(t, NewNative(), 35000)
	if alloc > 300e6 {
		t.Errorf("35,000 aa pair allocated %d bytes, want < 300 MB", alloc)
	}
}

// TestScoreEndColumns: the column-by-column score pass of long queries
// gives scoreEndRows's End (score, best cell and its row-major tie rule)
// on real, tie-heavy and random pairs over a grid of gap penalties.
func TestScoreEndColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 41))
	prs := append(append(realPairs(t), tiePairs(t)...), tieHeavyPairs(rng, 200)...)
	prs = append(append(prs, randomPairs(rng, 100, 500)...), letterPairs()...)
	for _, g := range [][2]float64{{10, 0.5}, {0, 0}, {1, 5}, {0.5, 3}, {3.5, 2}, {10, 0}} {
		s := mustScoring(t, "EBLOSUM62", g[0], g[1])
		for _, pr := range prs {
			p := NewProfile(s, cleanLikeWater(pr.Ref.Seq))
			q := s.Matrix.Encode(cleanLikeWater(pr.Query.Seq))
			if got, want := scoreEndColumns(p, q), scoreEndRows(p, q); got != want {
				t.Fatalf("%g/%g %s: columns %+v, rows %+v", g[0], g[1], pr.Name, got, want)
			}
		}
	}
}

// longQuery is a query of n random residues with a mutated copy of ref in
// the middle, at position pos.
func longQuery(rng *rand.Rand, ref []byte, n int) (q []byte, pos int) {
	q = randSeq(rng, n, aminoAcids)
	copyRef := mutate(rng, ref, len(ref)/20, aminoAcids)
	pos = n / 2
	copy(q[pos:], copyRef)
	return q, pos
}

// TestLongQueryMemory: a query of a million residues is scored and aligned
// by every entry point (Align, Score, the batch methods with short queries
// beside it) within a memory budget, measured as the bytes allocated; the
// batch kernels would need about 1.5 KB per residue (1.5 GB). The alignment
// equals Oracle's on a window around the embedded copy.
func TestLongQueryMemory(t *testing.T) {
	if lighter() {
		t.Skip("a 1e6 x 300 matrix; skipped in -short mode and under -race")
	}
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	rng := rand.New(rand.NewPCG(50, 50))
	ref := randSeq(rng, 300, aminoAcids)
	query, pos := longQuery(rng, ref, 1<<20)
	p := NewProfile(s, ref)
	win := query[pos-400 : pos+700]
	want, err := Oracle{}.Align(p, win)
	if err != nil {
		t.Fatal(err)
	}
	want.QueryStart += pos - 400
	want.QueryEnd += pos - 400
	n := NewNative()
	short := [][]byte{ref, mutate(rng, ref, 10, aminoAcids), query, randSeq(rng, 200, aminoAcids)}
	const budget = 16 << 20 // the query is 1 MB, its codes 1 MB
	measure := func(name string, f func() error) {
		t.Helper()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %.1f MB allocated", name, float64(alloc)/1e6)
		if alloc > budget {
			t.Errorf("%s allocated %d bytes for a %d-residue query, budget %d", name, alloc, len(query), budget)
		}
	}
	measure("Align", func() error {
		al, err := n.Align(p, query)
		if err == nil {
			err = sameAlignment(al, want)
		}
		return err
	})
	measure("Score", func() error {
		sc, err := n.Score(p, query)
		if err == nil && sc != want.Score {
			err = fmt.Errorf("score %d, want %d", sc, want.Score)
		}
		return err
	})
	measure("AlignBatch", func() error {
		als, err := n.AlignBatch(p, short)
		if err == nil {
			err = sameAlignment(als[2], want)
		}
		return err
	})
	measure("ScoreBatch", func() error {
		sc, err := n.ScoreBatch(p, short)
		if err == nil && sc[2] != want.Score {
			err = fmt.Errorf("score %d, want %d", sc[2], want.Score)
		}
		return err
	})
	measure("ScoreMany", func() error {
		sc, err := n.ScoreMany([]*Profile{p, p}, short)
		if err == nil && (sc[0][2] != want.Score || sc[1][2] != want.Score) {
			err = fmt.Errorf("scores %d %d, want %d", sc[0][2], sc[1][2], want.Score)
		}
		return err
	})
}
