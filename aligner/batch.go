package aligner

import "context"

// BatchEngine is an engine with a multi-query pass: a work unit's queries
// are scored and aligned against one reference in one call each (the
// native engine's inter-sequence SIMD kernels). Results equal Align's.
type BatchEngine interface {
	Engine
	ScoreBatch(p *Profile, queries [][]byte) ([]int64, error)
	AlignBatch(p *Profile, queries [][]byte) ([]*Alignment, error)
}

// Pair is one query to align against one reference profile.
type Pair struct {
	Profile *Profile
	Query   []byte
}

// PairResult is a pair engine's answer for one Pair.
type PairResult struct {
	Aln          *Alignment
	FallbackUsed bool // the engine's batch failed and its fallback engine aligned this pair
	Err          error
}

// PairEngine is an engine that aligns many pairs at once, such as EMBOSS
// water (one process per reference and batch). A returned error stops
// the run; a PairResult.Err fails only that pair's record.
type PairEngine interface {
	Engine
	AlignPairs(ctx context.Context, pairs []Pair) ([]PairResult, error)
}

var _ BatchEngine = (*Native)(nil)
