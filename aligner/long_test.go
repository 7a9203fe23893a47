package aligner

import (
	"bytes"
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
