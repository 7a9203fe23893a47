//go:build amd64 && !noasm

package aligner

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestInterLayout checks that Go lays out the generated structs at the
// offsets the generator gave the assembly, field by field.
func TestInterLayout(t *testing.T) {
	n := 0
	for prefix, typ := range map[string]reflect.Type{"args.": reflect.TypeFor[interArgs](), "state.": reflect.TypeFor[interState]()} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			want, ok := interLayout[prefix+f.Name]
			if !ok {
				t.Errorf("%s%s has no offset in interLayout", prefix, f.Name)
				continue
			}
			n++
			if f.Offset != want {
				t.Errorf("offset of %s%s = %d, the assembly uses %d", prefix, f.Name, f.Offset, want)
			}
		}
	}
	if n != len(interLayout) {
		t.Errorf("interLayout has %d offsets, the structs %d fields", len(interLayout), n)
	}
}

// checkTrace aligns queries against ref with the SIMD traceback of every
// kernel family that has one and compares each alignment with Oracle. It
// fails if a query the trace kernel should handle fell back.
func checkTrace(t *testing.T, s *Scoring, name string, ref []byte, queries [][]byte) {
	t.Helper()
	p := NewProfile(s, ref)
	qs := make([][]uint8, len(queries))
	longest := 0
	for i, q := range queries {
		qs[i] = s.Matrix.Encode(q)
		longest = max(longest, len(q))
	}
	cols := (longest - 1 + interUnroll - 1) / interUnroll * interUnroll
	fits := (len(ref)-1)*cols*16 <= traceMaxBytes
	testKernels(t)
	for _, k := range simdKernels() {
		if k.k16.trace == nil {
			continue
		}
		out := make([]*Alignment, len(qs))
		alignBatchSIMD(k, p, queries, qs, out)
		for i, q := range queries {
			want, err := Oracle{}.Align(p, q)
			if err != nil {
				t.Fatal(err)
			}
			if out[i] == nil {
				end := oracleEnd(s, p.Codes, qs[i])
				if fits && len(ref) >= 2 && len(q) >= 2 && end.Score > 0 && end.Max < 32767 {
					t.Fatalf("%s: kernel %s left query %d (%d aa, end %+v) to the scalar traceback", name, k.name, i, len(q), end)
				}
				continue
			}
			if err := sameAlignment(out[i], want); err != nil {
				t.Fatalf("%s: kernel %s, query %d (open %d ext %d)\nref   %q\nquery %q\n%v", name, k.name, i, s.Open, s.Extend, ref, q, err)
			}
		}
	}
}

// TestTraceKernel: the SIMD traceback equals Oracle on real pairs, tie-heavy
// pairs, random lengths and a gap-penalty grid (open < 2*ext included).
func TestTraceKernel(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	byRef := map[string][][]byte{}
	refs := map[string][]byte{}
	for _, pr := range realPairs(t) {
		refs[pr.Ref.ID] = cleanLikeWater(pr.Ref.Seq)
		byRef[pr.Ref.ID] = append(byRef[pr.Ref.ID], cleanLikeWater(pr.Query.Seq))
	}
	for id, qs := range byRef {
		checkTrace(t, s, id, refs[id], qs)
	}
	rng := rand.New(rand.NewPCG(21, 21))
	prs := append(tiePairs(t), tieHeavyPairs(rng, 120)...)
	prs = append(prs, letterPairs()...)
	for _, open := range []float64{10, 0, 1, 3.5} {
		for _, ext := range []float64{0.5, 0, 2} {
			s := mustScoring(t, "EBLOSUM62", open, ext)
			for i := 0; i < len(prs); i += 8 {
				var qs [][]byte
				for _, pr := range prs[i:min(i+8, len(prs))] {
					qs = append(qs, cleanLikeWater(pr.Query.Seq))
				}
				checkTrace(t, s, prs[i].Name, cleanLikeWater(prs[i].Ref.Seq), qs)
			}
		}
	}
	for _, la := range []int{2, 5, 64, 300, 900} {
		ref := randSeq(rng, la, aminoAcids+"X")
		var qs [][]byte
		for range 40 {
			q := mutate(rng, ref, rng.IntN(1+la/8), aminoAcids)
			if len(q) > 2 && rng.IntN(3) == 0 {
				a := rng.IntN(len(q) / 2)
				q = q[a : a+1+rng.IntN(len(q)-a)]
			}
			if len(q) == 0 {
				q = []byte("K")
			}
			qs = append(qs, q)
		}
		checkTrace(t, s, "random", ref, qs)
	}
}

// FuzzTrace compares the SIMD traceback with Oracle on one reference and
// a batch of three queries cut from the fuzzed bytes.
func FuzzTrace(f *testing.F) {
	for _, pr := range tiePairs(f)[:20] {
		f.Add(pr.Ref.Seq, pr.Query.Seq, pr.Ref.Seq, uint8(0))
	}
	f.Add([]byte("MKWVQQQQ"), []byte("MKWQQ"), []byte("WW"), uint8(40))
	f.Fuzz(func(t *testing.T, ref, q1, q2 []byte, gaps uint8) {
		ref, q1, q2 = cleanLikeWater(ref), cleanLikeWater(q1), cleanLikeWater(q2)
		if len(ref) == 0 || len(q1) == 0 || len(q2) == 0 || len(ref)*(len(q1)+len(q2)) > 1e6 {
			t.Skip()
		}
		s := mustScoring(t, "EBLOSUM62", float64(gaps%31)/2, float64(gaps/31%5)/2)
		checkTrace(t, s, "fuzz", ref, [][]byte{q1, q2, append(q1, q2...)})
	})
}
