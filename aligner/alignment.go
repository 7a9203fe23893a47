package aligner

import "math"

// NoScore marks an alignment for which water reports no score.
const NoScore = math.MinInt64

// Gap is the character used for gap columns in aligned strings.
const Gap = '-'

// Alignment is one local alignment of a query against a reference.
// Coordinates are 0-based and inclusive and index the sequences exactly as
// they were given to the engine. Aligned strings echo the input letters
// (including their case) and use Gap for gap columns.
type Alignment struct {
	// Score is the score water reports, in units of 1/Scoring.ScoreScale
	// (Scoring.Float converts it). It is NoScore when a sequence has a
	// single residue (water prints -FLT_MAX).
	Score        int64
	RefStart     int
	RefEnd       int
	QueryStart   int
	QueryEnd     int
	AlignedRef   []byte
	AlignedQuery []byte
}

// Stats are water's alignment statistics.
type Stats struct {
	Length     int // alignment columns, gap columns included
	Identity   int // columns with the same known matrix letter (X:X counts)
	Similarity int // columns whose matrix score is > 0
	Gaps       int // gap columns
}

// Stats computes water's Length/Identity/Similarity/Gaps for a.
func (s *Scoring) Stats(a *Alignment) Stats {
	m := s.Matrix
	st := Stats{Length: len(a.AlignedRef)}
	for i := range a.AlignedRef {
		r, q := a.AlignedRef[i], a.AlignedQuery[i]
		if r == Gap || q == Gap {
			st.Gaps++
			continue
		}
		cr, cq := m.Code(r), m.Code(q)
		if cr != 0 && cr == cq {
			st.Identity++
		}
		if m.Score(cr, cq) > 0 {
			st.Similarity++
		}
	}
	return st
}

// Engine aligns queries against a prepared reference profile. It must be
// safe for concurrent use by several goroutines.
type Engine interface {
	Name() string
	Align(p *Profile, query []byte) (*Alignment, error)
}

// Profile is a reference prepared once and reused for all its queries.
type Profile struct {
	Scoring *Scoring
	Ref     []byte  // reference letters as given
	Codes   []uint8 // matrix codes of Ref
}

// NewProfile prepares ref for alignment under s.
func NewProfile(s *Scoring, ref []byte) *Profile {
	return &Profile{Scoring: s, Ref: ref, Codes: s.Matrix.Encode(ref)}
}
