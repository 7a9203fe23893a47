//go:build amd64 && !noasm

package aligner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// w8Scorings are scorings with different biases and limits; the last one
// cannot use 8-bit lanes (bias 140 + max 400 > 255).
var w8Scorings = []struct {
	m         string
	open, ext float64
	ok        bool
}{
	{"EBLOSUM62", 10, 0.5, true}, // scale 2: bias 8, limit 247
	{"EBLOSUM62", 10, 1, true},   // scale 1: bias 4, limit 251
	{"EPAM250", 3.5, 2.25, true}, // scale 4: bias 32, limit 223
	{"EBLOSUM90", 1, 1, true},
	{"EBLOSUM30", 25, 0.05, false},
}

func TestW8Params(t *testing.T) {
	for _, x := range w8Scorings {
		s := mustScoring(t, x.m, x.open, x.ext)
		bias, limit, ok := w8Params(s)
		t.Logf("%s %g/%g: scale %d, bias %d, limit %d, 8-bit %v", x.m, x.open, x.ext, s.Scale, bias, limit, ok)
		if ok != x.ok {
			t.Errorf("%s %g/%g: w8Params ok = %v, want %v", x.m, x.open, x.ext, ok, x.ok)
		}
	}
}

// boundaryPairs searches random related pairs for ones whose best cell
// (End.Max, first row and column included) is exactly each target. It
// fails the test if a target is not found.
func boundaryPairs(t testing.TB, s *Scoring, rng *rand.Rand, targets []int64) map[int64][2][]byte {
	t.Helper()
	found := map[int64][2][]byte{}
	want := map[int64]bool{}
	for _, v := range targets {
		want[v] = true
	}
	for try := 0; try < 400000 && len(found) < len(want); try++ {
		ref := randSeq(rng, 10+rng.IntN(90), aminoAcids)
		q := mutate(rng, ref, rng.IntN(1+len(ref)/3), aminoAcids)
		if len(q) < 2 {
			continue
		}
		end := oracleEnd(s, s.Matrix.Encode(ref), s.Matrix.Encode(q))
		if want[end.Max] {
			if _, dup := found[end.Max]; !dup {
				found[end.Max] = [2][]byte{ref, q}
			}
		}
	}
	for _, v := range targets {
		if _, ok := found[v]; !ok {
			t.Fatalf("open %d ext %d scale %d: no pair with best cell %d found", s.Open, s.Extend, s.Scale, v)
		}
	}
	return found
}

// TestW8Saturation: the 8-bit kernels flag a lane exactly when its best
// cell reaches the limit (255 - bias): pairs at one below, at and one above
// the limit, in batches with unrelated queries, against the oracle; and the
// scan pass returns the exact score for all of them.
func TestW8Saturation(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, x := range w8Scorings {
		s := mustScoring(t, x.m, x.open, x.ext)
		bias, limit, ok := w8Params(s)
		if !ok {
			continue
		}
		lim := int64(limit)
		pairs := boundaryPairs(t, s, rng, []int64{lim - 1, lim, lim + 1})
		for _, v := range []int64{lim - 1, lim, lim + 1} {
			ref, q := pairs[v][0], pairs[v][1]
			p := NewProfile(s, ref)
			qs := [][]uint8{s.Matrix.Encode(q)}
			for range 40 {
				qs = append(qs, s.Matrix.Encode(randSeq(rng, 2+rng.IntN(150), aminoAcids)))
			}
			want := make([]End, len(qs))
			for i, c := range qs {
				want[i] = oracleEnd(s, p.Codes, c)
			}
			for _, ks := range simdKernels() {
				w := getWork()
				L := ks.k8.vb
				score, status := make([]int64, L), make([]int, L)
				for lo := 0; lo < len(qs); lo += L {
					part := qs[lo:min(lo+L, len(qs))]
					b := w.prepare8(ks.k8, s, bias, part)
					w.run8(ks.k8, s, bias, limit, p.Codes, b, score, status)
					for l := range part {
						e := want[lo+l]
						switch {
						case e.Max >= lim && status[l] != laneSaturated:
							t.Fatalf("%s %s: best cell %d >= limit %d but lane %d status %d", ks.name, x.m, e.Max, limit, l, status[l])
						case e.Max < lim && e.Score > 0 && (status[l] != laneOK || score[l] != e.Score):
							t.Fatalf("%s %s: best cell %d < limit %d: status %d score %d, want ok, %d", ks.name, x.m, e.Max, limit, status[l], score[l], e.Score)
						case e.Score <= 0 && status[l] != laneGeneric:
							t.Fatalf("%s %s: no positive interior cell, status %d", ks.name, x.m, status[l])
						}
					}
				}
				putWork(w)
				restore, _ := useKernel(ks.name)
				got := [][]int64{make([]int64, len(qs))}
				scoreMany(s, []*Profile{p}, qs, got)
				restore()
				for i := range qs {
					if got[0][i] != want[i].Score {
						t.Fatalf("%s %s, best cell %d, query %d: scoreMany %d, want %d", ks.name, x.m, v, i, got[0][i], want[i].Score)
					}
				}
			}
		}
	}
}

// identicalWithSum builds a protein whose alignment with itself has best
// cell exactly sum under s (scale 1 scorings, where self-scores 4..11 reach
// every large integer), checked with scoreEndGeneric.
func identicalWithSum(t testing.TB, s *Scoring, rng *rand.Rand, sum int64) []byte {
	t.Helper()
	self := func(c byte) int64 { x := s.Matrix.Code(c); return int64(s.Sub(x, x)) }
	for range 100 {
		var seq []byte
		var total int64
		for total < sum-40 {
			c := aminoAcids[rng.IntN(len(aminoAcids))]
			seq, total = append(seq, c), total+self(c)
		}
		// From at least 29 below: A (4) until the rest is one residue's
		// self-score (4..9, 11) or R+R (10).
		for r := sum - total; r > 0; r = sum - total {
			c := byte('A')
			for _, x := range []byte(aminoAcids) {
				if self(x) == r {
					c = x
				}
			}
			if r == 10 || r-4 == 10 {
				c = 'R'
			}
			seq, total = append(seq, c), total+self(c)
		}
		if total != sum {
			continue
		}
		p := NewProfile(s, seq)
		if e := scoreEndGeneric(p, s.Matrix.Encode(seq)); e.Max == sum {
			return seq
		}
	}
	t.Fatalf("no identical pair with best cell %d", sum)
	return nil
}

// TestW16Saturation: the 16-bit kernels flag a lane exactly when its best
// cell reaches 32767: identical proteins at one below, at and one above the
// boundary, with shorter queries in the same batch; every batch pass
// (end, score only, scan) returns the exact result.
func TestW16Saturation(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 1)
	if s.Scale != 1 {
		t.Fatalf("scale %d, want 1", s.Scale)
	}
	rng := rand.New(rand.NewPCG(16, 16))
	for _, sum := range []int64{math.MaxInt16 - 1, math.MaxInt16, math.MaxInt16 + 1} {
		seq := identicalWithSum(t, s, rng, sum)
		p := NewProfile(s, seq)
		qs := [][]uint8{s.Matrix.Encode(seq)}
		for range 5 {
			qs = append(qs, s.Matrix.Encode(mutate(rng, seq[rng.IntN(len(seq)/2):][:400], 20, aminoAcids)))
		}
		want := make([]End, len(qs))
		for i, q := range qs {
			want[i] = scoreEndGeneric(p, q)
		}
		for _, ks := range simdKernels() {
			w := getWork()
			res, status := make([]End, len(qs)), make([]int, len(qs))
			for _, fn := range []func(*interArgs){ks.k16.fn, ks.k16.score, ks.k16.trace} {
				w.run(ks.k16, fn, s, p.Codes, qs, res, status, &w.flags)
				for i := range qs {
					if sat := want[i].Max >= math.MaxInt16; sat != (status[i] == laneSaturated) {
						t.Fatalf("%s, best cell %d, query %d: status %d", ks.name, want[i].Max, i, status[i])
					}
					if status[i] == laneOK && res[i].Score != want[i].Score {
						t.Fatalf("%s, best cell %d, query %d: score %d, want %d", ks.name, want[i].Max, i, res[i].Score, want[i].Score)
					}
				}
			}
			putWork(w)
			restore, _ := useKernel(ks.name)
			ends, scores := make([]End, len(qs)), make([]End, len(qs))
			scoreBatch(p, qs, ends, false)
			scoreBatch(p, qs, scores, true)
			many := [][]int64{make([]int64, len(qs))}
			scoreMany(s, []*Profile{p}, qs, many)
			restore()
			for i := range qs {
				if ends[i] != want[i] || scores[i].Score != want[i].Score || many[0][i] != want[i].Score {
					t.Fatalf("%s, best cell %d, query %d: end %+v, score %d, scan %d; want %+v", ks.name, sum, i, ends[i], scores[i].Score, many[0][i], want[i])
				}
			}
		}
	}
}

// FuzzScoreMany compares the scan pass (8-bit lanes first) of every kernel
// with the oracle on two references and a batch of queries cut from the
// fuzzed bytes. The seeds include pairs at the 8-bit limits.
func FuzzScoreMany(f *testing.F) {
	rng := rand.New(rand.NewPCG(88, 88))
	for i, x := range w8Scorings[:2] {
		s := mustScoring(f, x.m, x.open, x.ext)
		_, limit, _ := w8Params(s)
		for v, pr := range boundaryPairs(f, s, rng, []int64{int64(limit) - 1, int64(limit), int64(limit) + 1}) {
			f.Add(pr[0], pr[1], pr[0], uint8(i), fmt.Sprint(v))
		}
	}
	for _, pr := range tiePairs(f)[:10] {
		f.Add(pr.Ref.Seq, pr.Query.Seq, pr.Query.Seq, uint8(3), "")
	}
	f.Fuzz(func(t *testing.T, ref, q1, q2 []byte, sc uint8, _ string) {
		ref, q1, q2 = cleanLikeWater(ref), cleanLikeWater(q1), cleanLikeWater(q2)
		if len(ref) == 0 || len(q1) == 0 || len(q2) == 0 || len(ref)*(len(q1)+len(q2)) > 1e6 {
			t.Skip()
		}
		x := w8Scorings[int(sc)%len(w8Scorings)]
		s := mustScoring(t, x.m, x.open, x.ext)
		refs := []*Profile{NewProfile(s, ref), NewProfile(s, q2)}
		qs := [][]uint8{s.Matrix.Encode(q1), s.Matrix.Encode(q2), s.Matrix.Encode(ref)}
		for _, k := range testKernels(t) {
			restore, _ := useKernel(k)
			got := [][]int64{make([]int64, len(qs)), make([]int64, len(qs))}
			scoreMany(s, refs, qs, got)
			restore()
			for r, p := range refs {
				for i, q := range qs {
					if want := oracleEnd(s, p.Codes, q).Score; got[r][i] != want {
						t.Fatalf("kernel %s, reference %d, query %d: %d, want %d", k, r, i, got[r][i], want)
					}
				}
			}
		}
	})
}
