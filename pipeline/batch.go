package pipeline

import (
	"context"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/emboss"
)

// pairResult is what a batch pass knows of one query against one
// reference before the record is made.
type pairResult struct {
	Aln          *aligner.Alignment // nil when only Score is known
	Score        int64              // water's score
	Scored       bool               // Score is set
	FallbackUsed bool               // the engine's batch failed and a fallback engine aligned it
	Err          error
}

// Both engines must keep the interfaces the pipeline's batch paths use: a
// changed signature would otherwise silently drop to pair-by-pair.
var (
	_ aligner.BatchEngine = (*aligner.Native)(nil)
	_ aligner.PairEngine  = (*emboss.Engine)(nil)
)

// prealign runs a pair engine over every candidate pair of a work unit.
// It returns, per item, the results by reference (nil for items the
// engine does not cover).
func (job *Job) prealign(ctx context.Context, ba aligner.PairEngine, items []item) ([]map[*Ref]pairResult, error) {
	var pairs []aligner.Pair
	var owner []int
	var refOf []*Ref
	for i, it := range items {
		for _, r := range it.refs {
			pairs = append(pairs, aligner.Pair{Profile: r.Profile, Query: it.rec.Seq})
			owner = append(owner, i)
			refOf = append(refOf, r)
		}
	}
	out := make([]map[*Ref]pairResult, len(items))
	if len(pairs) == 0 {
		return out, nil
	}
	res, err := ba.AlignPairs(ctx, pairs)
	if err != nil {
		return nil, err
	}
	for k, r := range res {
		pr := pairResult{Aln: r.Aln, FallbackUsed: r.FallbackUsed, Err: r.Err}
		if r.Aln != nil {
			pr.Score, pr.Scored = r.Aln.Score, true
		}
		i := owner[k]
		if out[i] == nil {
			out[i] = map[*Ref]pairResult{}
		}
		out[i][refOf[k]] = pr
	}
	return out, nil
}

// multiScorer is implemented by engines that score many queries against
// many references in one pass (the native engine's 8-bit scan kernels).
type multiScorer interface {
	ScoreMany(profiles []*aligner.Profile, queries [][]byte) ([][]int64, error)
}

var _ multiScorer = (*aligner.Native)(nil)

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
	if _, ok := job.Engine.(aligner.BatchEngine); !ok || job.Assigner == nil {
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
func (job *Job) prealignMulti(ma aligner.BatchEngine, items []item) []map[*Ref]pairResult {
	out := make([]map[*Ref]pairResult, len(items))
	var idx []int
	var cands [][]*Ref
	for i, it := range items {
		if it.refs != nil {
			idx = append(idx, i)
			cands = append(cands, it.refs)
			out[i] = map[*Ref]pairResult{}
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
				out[idx[k]][r] = pairResult{Score: scores[i][n], Scored: true}
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
			out[idx[k]][r] = pairResult{Score: scores[n], Scored: true}
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
func (job *Job) alignBest(ma aligner.BatchEngine, items []item, idx []int, cands [][]*Ref, out []map[*Ref]pairResult) []map[*Ref]pairResult {
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
			out[idx[k]][r] = pairResult{Aln: als[n], Score: als[n].Score, Scored: true}
		}
	}
	return out
}
