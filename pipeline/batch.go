package pipeline

import (
	"context"

	"github.com/wtalign/wtalign/aligner"
)

// Pair is one query to align against one reference.
type Pair struct {
	Ref   *Ref
	Query []byte
}

// PairResult is a batch engine's answer for one Pair.
type PairResult struct {
	Aln          *aligner.Alignment
	FallbackUsed bool // the engine's batch failed and a fallback engine aligned it
	Err          error
}

// BatchAligner is implemented by engines that align many pairs at once,
// such as EMBOSS water (one process per batch). The pipeline hands each
// work unit's pairs to it instead of aligning pair by pair. A returned
// error stops the run; a PairResult.Err fails only that record.
type BatchAligner interface {
	AlignPairs(ctx context.Context, pairs []Pair) ([]PairResult, error)
}

// prealign runs a batch engine over every candidate pair of a work unit.
// It returns, per item, the results by reference (nil for items the batch
// engine does not cover).
func (job *Job) prealign(ctx context.Context, ba BatchAligner, items []item) ([]map[*Ref]PairResult, error) {
	var pairs []Pair
	var owner []int
	for i, it := range items {
		if it.err != nil {
			continue
		}
		refs, _ := job.Assigner.Candidates(it.rec)
		for _, r := range refs {
			pairs = append(pairs, Pair{Ref: r, Query: it.rec.Seq})
			owner = append(owner, i)
		}
	}
	out := make([]map[*Ref]PairResult, len(items))
	if len(pairs) == 0 {
		return out, nil
	}
	res, err := ba.AlignPairs(ctx, pairs)
	if err != nil {
		return nil, err
	}
	for k, r := range res {
		i := owner[k]
		if out[i] == nil {
			out[i] = map[*Ref]PairResult{}
		}
		out[i][pairs[k].Ref] = r
	}
	return out, nil
}
