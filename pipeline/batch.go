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
	Aln          *aligner.Alignment // nil when only Score is known
	Score        int64              // water's score
	Scored       bool               // Score is set
	FallbackUsed bool               // the engine's batch failed and a fallback engine aligned it
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
		if r.Aln != nil {
			r.Score, r.Scored = r.Aln.Score, true
		}
		i := owner[k]
		if out[i] == nil {
			out[i] = map[*Ref]PairResult{}
		}
		out[i][pairs[k].Ref] = r
	}
	return out, nil
}

// multiAligner is implemented by engines with a multi-query pass (the
// native engine's inter-sequence SIMD kernels): a work unit's queries are
// scored and aligned per reference in one call each.
type multiAligner interface {
	ScoreBatch(p *aligner.Profile, queries [][]byte) ([]int64, error)
	AlignBatch(p *aligner.Profile, queries [][]byte) ([]*aligner.Alignment, error)
}

// multiScorer is implemented by engines that score many queries against
// many references in one pass (the native engine's 8-bit scan kernels).
type multiScorer interface {
	ScoreMany(profiles []*aligner.Profile, queries [][]byte) ([][]int64, error)
}

var (
	_ multiAligner = (*aligner.Native)(nil)
	_ multiScorer  = (*aligner.Native)(nil)
)

// unitSize is the number of records per work unit when Job.BatchSize is
// unset. The native engine aligns a unit's queries per reference, 32 per
// 16-bit trace pass, so a unit should hold about 32 queries per reference
// (name and map modes); under best mode every query is scored against every
// reference but aligned to one, and a unit's records are mostly small
// no_hit ones, so twice that. Batches also sort by length, so larger units
// pad less. The cap bounds the records in flight (a few units per worker)
// and so the memory.
func (job *Job) unitSize() int {
	if job.BatchSize > 0 {
		return job.BatchSize
	}
	if _, ok := job.Engine.(multiAligner); !ok || job.Assigner == nil {
		return 64
	}
	n := 32 * len(job.Assigner.refs)
	if job.Assigner.Mode == AssignBest {
		n *= 2
	}
	return min(max(n, 64), maxUnit)
}

// maxUnit bounds the default work unit of the native engine.
const maxUnit = 512

// prealignMulti gives every valid item of a work unit the score of each
// candidate reference and the alignment to its best one. Results equal
// pair-by-pair alignment; on a batch error it returns nil and the items
// are aligned one by one, so a bad record fails alone.
func (job *Job) prealignMulti(ma multiAligner, items []item) []map[*Ref]PairResult {
	out := make([]map[*Ref]PairResult, len(items))
	var idx []int
	var cands [][]*Ref
	for i, it := range items {
		if it.err != nil {
			continue
		}
		if refs, _ := job.Assigner.Candidates(it.rec); refs != nil {
			idx = append(idx, i)
			cands = append(cands, refs)
			out[i] = map[*Ref]PairResult{}
		}
	}
	if len(idx) == 0 {
		return out
	}
	// Score every candidate that is not the only one (best mode): in one
	// scan pass when every such item has the same candidates, else per
	// reference.
	if ms, ok := ma.(multiScorer); ok && sameCandidates(cands) {
		var ks []int
		var qs [][]byte
		for k := range cands {
			ks = append(ks, k)
			qs = append(qs, items[idx[k]].rec.Seq)
		}
		refs := cands[0]
		profiles := make([]*aligner.Profile, len(refs))
		for i, r := range refs {
			profiles[i] = r.Profile
		}
		scores, err := ms.ScoreMany(profiles, qs)
		if err != nil {
			return nil
		}
		for i, r := range refs {
			for n, k := range ks {
				out[idx[k]][r] = PairResult{Score: scores[i][n], Scored: true}
			}
		}
		return job.alignBest(ma, items, idx, cands, out)
	}
	byRef := map[*Ref][]int{} // reference -> positions in idx, in order
	var order []*Ref
	for k, refs := range cands {
		if len(refs) == 1 {
			continue
		}
		for _, r := range refs {
			if _, seen := byRef[r]; !seen {
				order = append(order, r)
			}
			byRef[r] = append(byRef[r], k)
		}
	}
	for _, r := range order {
		ks := byRef[r]
		qs := make([][]byte, len(ks))
		for n, k := range ks {
			qs[n] = items[idx[k]].rec.Seq
		}
		scores, err := ma.ScoreBatch(r.Profile, qs)
		if err != nil {
			return nil
		}
		for n, k := range ks {
			out[idx[k]][r] = PairResult{Score: scores[n], Scored: true}
		}
	}
	return job.alignBest(ma, items, idx, cands, out)
}

// sameCandidates reports whether every list of more than one candidate is
// the same slice (best mode: the assigner's reference list), and there is
// at least one.
func sameCandidates(cands [][]*Ref) bool {
	var first []*Ref
	for _, refs := range cands {
		switch {
		case len(refs) < 2:
			return false
		case first == nil:
			first = refs
		case len(refs) != len(first) || &refs[0] != &first[0]:
			return false
		}
	}
	return first != nil
}

// alignBest aligns each item idx[k] to its best-scoring candidate (out
// holds the scores of every candidate of items with several), per
// reference in one AlignBatch call.
func (job *Job) alignBest(ma multiAligner, items []item, idx []int, cands [][]*Ref, out []map[*Ref]PairResult) []map[*Ref]PairResult {
	toAlign := map[*Ref][]int{}
	var order []*Ref
	for k, refs := range cands {
		best := refs[0]
		if len(refs) > 1 {
			scores := make([]int64, len(refs))
			for i, r := range refs {
				scores[i] = out[idx[k]][r].Score
			}
			b, _ := bestOf(scores)
			best = refs[b]
		}
		if _, seen := toAlign[best]; !seen {
			order = append(order, best)
		}
		toAlign[best] = append(toAlign[best], k)
	}
	for _, r := range order {
		ks := toAlign[r]
		qs := make([][]byte, len(ks))
		for n, k := range ks {
			qs[n] = items[idx[k]].rec.Seq
		}
		als, err := ma.AlignBatch(r.Profile, qs)
		if err != nil {
			return nil
		}
		for n, k := range ks {
			out[idx[k]][r] = PairResult{Aln: als[n], Score: als[n].Score, Scored: true}
		}
	}
	return out
}
