package aligner

import (
	"fmt"
	"math"
)

// Params are the user-facing alignment parameters, in EMBOSS units.
type Params struct {
	Matrix    *Matrix
	GapOpen   float64 // cost of the first residue of a gap (water -gapopen)
	GapExtend float64 // cost of each further residue (water -gapextend)
}

// Scoring is Params in exact integer form: every score is multiplied by
// Scale, the smallest factor that makes both gap penalties integers.
type Scoring struct {
	Matrix *Matrix
	Scale  int32
	Open   int32 // scaled GapOpen
	Extend int32 // scaled GapExtend
	size   int
	sub    []int32 // scaled matrix, size*size by code
}

var scales = []int32{1, 2, 4, 5, 10, 20, 25, 50, 100}

// NewScoring validates p and converts it to integer form. Penalties must
// be representable exactly with at most two decimals, as EMBOSS accepts.
func NewScoring(p Params) (*Scoring, error) {
	if p.Matrix == nil {
		return nil, fmt.Errorf("aligner: no matrix")
	}
	if p.GapOpen < 0 || p.GapOpen > 100 || math.IsNaN(p.GapOpen) {
		return nil, fmt.Errorf("aligner: gap open %g outside 0..100", p.GapOpen)
	}
	if p.GapExtend < 0 || p.GapExtend > 10 || math.IsNaN(p.GapExtend) {
		return nil, fmt.Errorf("aligner: gap extend %g outside 0..10", p.GapExtend)
	}
	for _, s := range scales {
		o, okO := exact(p.GapOpen, s)
		e, okE := exact(p.GapExtend, s)
		if okO && okE {
			m := p.Matrix
			sc := &Scoring{Matrix: m, Scale: s, Open: o, Extend: e, size: m.size, sub: make([]int32, len(m.scores))}
			for i, v := range m.scores {
				sc.sub[i] = v * s
			}
			return sc, nil
		}
	}
	return nil, fmt.Errorf("aligner: gap penalties %g/%g need more than two decimals", p.GapOpen, p.GapExtend)
}

func exact(v float64, s int32) (int32, bool) {
	x := v * float64(s)
	r := math.Round(x)
	return int32(r), math.Abs(x-r) < 1e-9
}

// Sub returns the scaled score of codes a and b.
func (s *Scoring) Sub(a, b uint8) int32 { return s.sub[int(a)*s.size+int(b)] }

// Row returns the scaled scores of code a against every code.
func (s *Scoring) Row(a uint8) []int32 { return s.sub[int(a)*s.size : int(a+1)*s.size] }

// Float converts a scaled score back to EMBOSS units.
func (s *Scoring) Float(v int64) float64 { return float64(v) / float64(s.Scale) }
