package aligner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// checkRegion runs the reverse pass and the restricted traceback on one
// pair and compares the alignment with Oracle's. It returns the cells of
// the reverse pass and of the rectangle.
func checkRegion(t testing.TB, s *Scoring, name string, ref, query []byte) (int, int) {
	t.Helper()
	p := NewProfile(s, ref)
	q := s.Matrix.Encode(query)
	if !s.IntegerExact(len(p.Codes), len(q)) {
		return 0, 0 // water's float arithmetic: the engines never restrict these (native_float.go)
	}
	end := oracleEnd(s, p.Codes, q)
	want, err := Oracle{}.Align(p, query)
	if err != nil {
		t.Fatal(err)
	}
	if end.Max <= 0 || end.Score <= 0 {
		return 0, 0 // no alignment: the batch paths send these elsewhere
	}
	var w regionWork
	r0, c0, cells, ok := startRegion(s, p.Codes, q, end, math.MaxInt, &w)
	if !ok {
		t.Fatalf("%s: reverse pass gave up without a budget", name)
	}
	if r0 > want.RefStart || c0 > want.QueryStart {
		t.Fatalf("%s (open %d ext %d): region corner (%d,%d) after the start (%d,%d)\nref   %q\nquery %q", name, s.Open, s.Extend, r0, c0, want.RefStart, want.QueryStart, ref, query)
	}
	got := traceRegion(p, query, q, end, r0, c0, &w)
	if got == nil {
		t.Fatalf("%s (open %d ext %d): restricted walk left the region (%d,%d)\nref   %q\nquery %q", name, s.Open, s.Extend, r0, c0, ref, query)
	}
	if err := sameAlignment(got, want); err != nil {
		t.Fatalf("%s (open %d ext %d scale %d, region (%d,%d)-(%d,%d))\nref   %q\nquery %q\n%v", name, s.Open, s.Extend, s.Scale, r0, c0, end.RefEnd, end.QueryEnd, ref, query, err)
	}
	return cells, (end.RefEnd - r0 + 1) * (end.QueryEnd - c0 + 1)
}

// TestRestrictedTrace: the reverse pass's region and the restricted
// traceback give Oracle's alignment on real, tie-heavy, random and
// unrelated pairs, over a grid of gap penalties that includes free gaps,
// extension dearer than opening and open < 2*ext (water's first-column
// quirk).
func TestRestrictedTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	var rev, rect, full int
	for _, pr := range append(realPairs(t), tiePairs(t)...) {
		r, q := cleanLikeWater(pr.Ref.Seq), cleanLikeWater(pr.Query.Seq)
		a, b := checkRegion(t, s, pr.Name, r, q)
		rev, rect, full = rev+a, rect+b, full+len(r)*len(q)
	}
	t.Logf("real and tie pairs: reverse pass %d cells, rectangles %d, full matrices %d", rev, rect, full)
	prs := append(tieHeavyPairs(rng, 300), randomPairs(rng, 200, 400)...)
	prs = append(prs, letterPairs()...)
	for _, g := range [][2]float64{{10, 0.5}, {0, 0}, {1, 5}, {0.5, 3}, {1, 1}, {3.5, 2}, {10, 0}, {25, 0.25}, {100, 10}} {
		s := mustScoring(t, "EBLOSUM62", g[0], g[1])
		step := 1
		if lighter() {
			step = 4
		}
		for i := 0; i < len(prs); i += step {
			checkRegion(t, s, fmt.Sprintf("%g/%g %s", g[0], g[1], prs[i].Name), cleanLikeWater(prs[i].Ref.Seq), cleanLikeWater(prs[i].Query.Seq))
		}
	}
	// Unrelated proteins, the no_hit pairs of a scan: K-12 wild types
	// against each other.
	var k12 [][]byte
	for _, r := range readFASTA(t, "ref_ecoli_k12_mg1655.faa") {
		k12 = append(k12, cleanLikeWater(r.Seq))
	}
	rev, rect, full = 0, 0, 0
	for i := 0; i < len(k12); i += 3 {
		for j := 1; j < len(k12); j += 4 {
			a, b := checkRegion(t, s, fmt.Sprintf("k12 %d vs %d", i, j), k12[i], k12[j])
			rev, rect, full = rev+a, rect+b, full+len(k12[i])*len(k12[j])
		}
	}
	t.Logf("K-12 wild types against each other: reverse pass %d cells, rectangles %d, full matrices %d", rev, rect, full)
}

// FuzzRestrictedTrace compares the restricted traceback with Oracle on
// arbitrary pairs and gap penalties.
func FuzzRestrictedTrace(f *testing.F) {
	for _, pr := range tiePairs(f)[:20] {
		f.Add(pr.Ref.Seq, pr.Query.Seq, uint8(0))
	}
	f.Add([]byte("WP"), []byte("WC"), uint8(3))
	f.Add([]byte("MKWVQQQQ"), []byte("MKWQQ"), uint8(40))
	f.Fuzz(func(t *testing.T, ref, query []byte, gaps uint8) {
		ref, query = cleanLikeWater(ref), cleanLikeWater(query)
		if len(ref) == 0 || len(query) == 0 || len(ref)*len(query) > 1e6 {
			t.Skip()
		}
		s := mustScoring(t, "EBLOSUM62", float64(gaps%31)/2, float64(gaps/31%5)/2)
		checkRegion(t, s, "fuzz", ref, query)
	})
}
