package aligner

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// sameAlignment reports the first difference between two alignments.
func sameAlignment(got, want *Alignment) error {
	switch {
	case got.Score != want.Score:
		return fmt.Errorf("score %d, want %d", got.Score, want.Score)
	case got.RefStart != want.RefStart || got.RefEnd != want.RefEnd:
		return fmt.Errorf("reference %d..%d, want %d..%d", got.RefStart, got.RefEnd, want.RefStart, want.RefEnd)
	case got.QueryStart != want.QueryStart || got.QueryEnd != want.QueryEnd:
		return fmt.Errorf("query %d..%d, want %d..%d", got.QueryStart, got.QueryEnd, want.QueryStart, want.QueryEnd)
	case !bytes.Equal(got.AlignedRef, want.AlignedRef) || !bytes.Equal(got.AlignedQuery, want.AlignedQuery):
		return fmt.Errorf("aligned\n%s\n%s\nwant\n%s\n%s", got.AlignedRef, got.AlignedQuery, want.AlignedRef, want.AlignedQuery)
	}
	return nil
}

// testEngines are the default Native and Natives forced to tiny blocks, so
// that checkpoints, block edges and narrowed blocks are exercised on small
// inputs. Large pairs get one forced block size only, to keep tests fast.
func testEngines(cells int) []*Native {
	if cells > 1<<18 {
		return []*Native{NewNative(), {blockRows: 37}}
	}
	return []*Native{NewNative(), {blockRows: 1}, {blockRows: 2}, {blockRows: 7}}
}

// lighter reports whether the run asks for fewer cases: -short, or -race
// (where the differential volume adds nothing but time).
func lighter() bool { return testing.Short() || raceEnabled }

// checkPair compares every engine with Oracle, and the score pass (generic
// and plugged-in) with Oracle's matrix, on one pair.
func checkPair(t *testing.T, s *Scoring, name string, ref, query []byte) {
	t.Helper()
	p := NewProfile(s, ref)
	q := s.Matrix.Encode(query)
	la, lb := len(p.Codes), len(q)
	if la == 0 || lb == 0 {
		t.Fatalf("%s: empty sequence", name)
	}
	if !s.IntegerExact(la, lb) {
		checkPairF(t, s, name, ref, query)
		return
	}
	// Oracle.Align, keeping its matrices to derive the expected End
	// (TestOracleMatchesCheckPair guards this copy).
	path := make([]int64, la*lb)
	compass := make([]uint8, la*lb)
	wantEnd := End{Score: fillOracle(s, p.Codes, q, path, compass), Max: -1}
	for i := range la {
		for j := range lb {
			if v := path[i*lb+j]; v > wantEnd.Max {
				wantEnd.Max, wantEnd.RefEnd, wantEnd.QueryEnd = v, i, j
			}
		}
	}
	want := walk(ref, query, la, lb, s,
		func(i, j int) int64 { return path[i*lb+j] },
		func(i, j int) uint8 { return compass[i*lb+j] })
	want.Score = wantEnd.Score

	if got := scoreEndGeneric(p, q); got != wantEnd {
		t.Fatalf("%s: scoreEndGeneric = %+v, want %+v", name, got, wantEnd)
	}
	// The batch methods with the selected kernel, on a batch of one.
	got, err := NewNative().AlignBatch(p, [][]byte{query})
	if err == nil {
		err = sameAlignment(got[0], want)
	}
	if err != nil {
		t.Fatalf("%s (open %d ext %d scale %d, ref %q query %q): AlignBatch (kernel %s): %v",
			name, s.Open, s.Extend, s.Scale, ref, query, Kernel(), err)
	}
	if got, err := NewNative().ScoreBatch(p, [][]byte{query}); err != nil || got[0] != want.Score {
		t.Fatalf("%s: ScoreBatch (kernel %s) = %v, %v; want %d", name, Kernel(), got, err, want.Score)
	}
	for _, e := range testEngines(la * lb) {
		got, err := e.Align(p, query)
		if err != nil {
			t.Fatalf("%s: native(k=%d): %v", name, e.blockRows, err)
		}
		if err := sameAlignment(got, want); err != nil {
			t.Fatalf("%s (open %d ext %d scale %d, k=%d, ref %q query %q): %v",
				name, s.Open, s.Extend, s.Scale, e.blockRows, ref, query, err)
		}
	}
	sc, err := NewNative().Score(p, query)
	if err != nil || sc != want.Score {
		t.Fatalf("%s: Score = %d, %v; want %d", name, sc, err, want.Score)
	}
}

// TestOracleMatchesCheckPair guards checkPair's inline copy of Oracle.
func TestOracleMatchesCheckPair(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, pr := range append(tieHeavyPairs(rng, 30), randomPairs(rng, 30, 200)...) {
		p := NewProfile(s, pr.Ref.Seq)
		want, err := Oracle{}.Align(p, pr.Query.Seq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := NewNative().Align(p, pr.Query.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameAlignment(got, want); err != nil {
			t.Fatalf("%s: %v", pr.Name, err)
		}
	}
}

func TestNativeRealPairs(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	pairs := append(realPairs(t), tiePairs(t)...)
	n := 0
	for i, pr := range pairs {
		if raceEnabled && i%5 != 0 {
			continue
		}
		checkPair(t, s, pr.Name, cleanLikeWater(pr.Ref.Seq), cleanLikeWater(pr.Query.Seq))
		n++
	}
	t.Logf("%d pairs equal to Oracle", n)
}

func TestNativeTieHeavy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 600
	if lighter() {
		n = 150
	}
	for _, m := range []string{"EBLOSUM62", "EBLOSUM30", "EBLOSUM90", "EPAM250"} {
		s := mustScoring(t, m, 10, 0.5)
		for _, pr := range tieHeavyPairs(rng, n/4) {
			checkPair(t, s, m+"/"+pr.Name, pr.Ref.Seq, pr.Query.Seq)
		}
	}
}

func TestNativeRandomLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 400
	if lighter() {
		n = 100
	}
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	for _, pr := range randomPairs(rng, n, 600) {
		checkPair(t, s, pr.Name, pr.Ref.Seq, pr.Query.Seq)
	}
}

// TestNativeGapGrid runs every matrix family member we ship tests for over
// the grid of gap penalties (open 1..20 step 0.5, extend 0.5..5 step 0.5).
func TestNativeGapGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	perCell, every := 2, 1
	if lighter() {
		perCell, every = 1, 4 // a quarter of the grid cells
	}
	n, cell := 0, 0
	for _, m := range []string{"EBLOSUM62", "EBLOSUM30", "EBLOSUM90", "EPAM250"} {
		for open := 1.0; open <= 20; open += 0.5 {
			for ext := 0.5; ext <= 5; ext += 0.5 {
				if cell++; cell%every != 0 {
					continue
				}
				s := mustScoring(t, m, open, ext)
				pairs := append(tieHeavyPairs(rng, perCell), randomPairs(rng, perCell, 120)...)
				for _, pr := range pairs {
					checkPair(t, s, fmt.Sprintf("%s %g/%g %s", m, open, ext, pr.Name), pr.Ref.Seq, pr.Query.Seq)
					n++
				}
			}
		}
	}
	t.Logf("%d pairs over the gap grid", n)
}

// TestNativeOddPenalties covers penalties water accepts but the grid
// leaves out: free gaps, extension dearer than opening, two-decimal values.
func TestNativeOddPenalties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, g := range [][2]float64{{0, 0}, {1, 5}, {0.5, 3}, {10.25, 0.05}, {100, 10}, {3.33, 0.01}} {
		s := mustScoring(t, "EBLOSUM62", g[0], g[1])
		for _, pr := range append(tieHeavyPairs(rng, 20), randomPairs(rng, 20, 200)...) {
			checkPair(t, s, fmt.Sprintf("%g/%g %s", g[0], g[1], pr.Name), pr.Ref.Seq, pr.Query.Seq)
		}
	}
}

func TestNativeErrors(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	n := NewNative()
	for _, tc := range []struct {
		name     string
		p        *Profile
		query    string
		wantEmpt bool
	}{
		{"empty query", NewProfile(s, []byte("MKV")), "", true},
		{"empty reference", NewProfile(s, nil), "MKV", true},
		{"nil profile", nil, "MKV", false},
		{"profile without scoring", &Profile{Ref: []byte("A"), Codes: []uint8{1}}, "MKV", false},
		{"inconsistent profile", &Profile{Scoring: s, Ref: []byte("AA"), Codes: []uint8{1}}, "MKV", false},
	} {
		_, err := n.Align(tc.p, []byte(tc.query))
		_, err2 := n.Score(tc.p, []byte(tc.query))
		_, err3 := Oracle{}.Align(tc.p, []byte(tc.query))
		for _, e := range []error{err, err2, err3} {
			if e == nil {
				t.Fatalf("%s: no error", tc.name)
			}
			if errors.Is(e, ErrEmpty) != tc.wantEmpt {
				t.Fatalf("%s: %v: errors.Is(ErrEmpty) = %v", tc.name, e, !tc.wantEmpt)
			}
			if e.Error()[:9] != "aligner: " {
				t.Fatalf("%s: error %q lacks the package prefix", tc.name, e)
			}
		}
	}
}

// TestNativeDetectsBadKernel checks that a score pass reporting the wrong
// end cell is caught rather than producing a wrong alignment.
func TestNativeDetectsBadKernel(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	p := NewProfile(s, []byte("MKVLAAGWPQRST"))
	old := scoreEndFunc
	defer func() { scoreEndFunc = old }()
	scoreEndFunc = func(p *Profile, q []uint8) End {
		e := scoreEndGeneric(p, q)
		e.Max++
		return e
	}
	if _, err := NewNative().Align(p, []byte("MKVLAGWPQRST")); err == nil {
		t.Fatal("wrong Max accepted")
	}
	scoreEndFunc = func(p *Profile, q []uint8) End { return End{RefEnd: 99} }
	if _, err := NewNative().Align(p, []byte("MKVLAGWPQRST")); err == nil {
		t.Fatal("end cell outside the matrix accepted")
	}
}

// TestNativeConcurrent shares one engine between goroutines (run with
// -race to check the pooled buffers).
func TestNativeConcurrent(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	rng := rand.New(rand.NewPCG(9, 10))
	pairs := append(tieHeavyPairs(rng, 40), randomPairs(rng, 40, 300)...)
	want := make([]*Alignment, len(pairs))
	for i, pr := range pairs {
		var err error
		if want[i], err = (Oracle{}).Align(NewProfile(s, pr.Ref.Seq), pr.Query.Seq); err != nil {
			t.Fatal(err)
		}
	}
	n := &Native{blockRows: 3}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			for k := range pairs {
				i := (k + g*17) % len(pairs)
				got, err := n.Align(NewProfile(s, pairs[i].Ref.Seq), pairs[i].Query.Seq)
				if err == nil {
					err = sameAlignment(got, want[i])
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", pairs[i].Name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// FuzzNative compares Native with Oracle on arbitrary sequences. Seeds are
// the real pairs, so `go test` runs them every time.
func FuzzNative(f *testing.F) {
	// Each seed gets its own matrix and gap penalties, so the seeds add to
	// TestNativeRealPairs (which uses water's defaults) instead of
	// repeating it.
	for i, pr := range append(realPairs(f), tiePairs(f)...) {
		f.Add(pr.Ref.Seq, pr.Query.Seq, uint8(i*7), uint8(i))
	}
	f.Add([]byte("W"), []byte("MKWV"), uint8(0), uint8(0))
	f.Add([]byte("QQQQQQQQQQ"), []byte("QQQLQQQ"), uint8(3), uint8(7))
	matrices := []string{"EBLOSUM62", "EBLOSUM30", "EBLOSUM90", "EPAM250"}
	scorings := map[[3]int]*Scoring{}
	f.Fuzz(func(t *testing.T, ref, query []byte, gaps, mat uint8) {
		// Long inputs make fuzzing crawl; TestNativeRealPairs covers the
		// full-length real pairs, the seeds here their first residues.
		ref, query = cleanLikeWater(ref), cleanLikeWater(query)
		maxLen := 500
		if raceEnabled {
			maxLen = 150
		}
		ref, query = ref[:min(len(ref), maxLen)], query[:min(len(query), maxLen)]
		if len(ref) == 0 || len(query) == 0 {
			t.Skip()
		}
		key := [3]int{int(mat) % len(matrices), int(gaps % 39), int(gaps / 39 % 10)}
		s := scorings[key]
		if s == nil {
			s = mustScoring(t, matrices[key[0]], 1+float64((key[1]+18)%39)/2, 0.5+float64(key[2])/2)
			scorings[key] = s
		}
		checkPair(t, s, "fuzz", ref, query)
	})
}
