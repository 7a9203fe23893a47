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
	// Score every candidate that is not the only one (best mode).
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
	// Align each item to its chosen reference.
	toAlign := map[*Ref][]int{}
	order = order[:0]
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
