package emboss

import (
	"context"
	"fmt"

	"github.com/wtalign/wtalign/aligner"
)

// Engine is water behind the aligner's pair interface, so a run can use
// it where it uses the native engine: each work unit's pairs go to water
// as one process per reference and batch.
type Engine struct {
	Water *Water
	Opts  Options
	// OnFallback, when set, is told about every batch that failed and was
	// aligned by Opts.Fallback instead (err is why, n the queries in it).
	OnFallback func(err error, n int)
	// CheckStats makes a pair fail when water's printed Length, Identity,
	// Similarity or Gaps differ from those computed from its aligned
	// strings (wtalign compare: the record shows only the computed ones).
	CheckStats bool
}

var _ aligner.PairEngine = (*Engine)(nil)

// Name is "water".
func (e *Engine) Name() string { return "water" }

// Align aligns one pair with one water process; runs use AlignPairs.
func (e *Engine) Align(p *aligner.Profile, q []byte) (*aligner.Alignment, error) {
	res, err := e.Water.Align(context.Background(), []Task{{Profile: p, Queries: [][]byte{q}}}, e.Opts)
	if err != nil {
		return nil, err
	}
	return res[0].Results[0].Alignment, nil
}

// AlignPairs groups the pairs by reference, runs water on each group and
// maps the results back by order.
func (e *Engine) AlignPairs(ctx context.Context, pairs []aligner.Pair) ([]aligner.PairResult, error) {
	var tasks []Task
	taskOf := map[*aligner.Profile]int{}
	where := make([][2]int, len(pairs))
	for i, p := range pairs {
		t, ok := taskOf[p.Profile]
		if !ok {
			t = len(tasks)
			taskOf[p.Profile] = t
			tasks = append(tasks, Task{Profile: p.Profile})
		}
		where[i] = [2]int{t, len(tasks[t].Queries)}
		tasks[t].Queries = append(tasks[t].Queries, p.Query)
	}
	res, err := e.Water.Align(ctx, tasks, e.Opts)
	if err != nil {
		return nil, err
	}
	if e.OnFallback != nil {
		for _, tr := range res {
			for _, b := range tr.Batches {
				if b.FellBack {
					e.OnFallback(b.Err, b.Count)
				}
			}
		}
	}
	out := make([]aligner.PairResult, len(pairs))
	for i, wh := range where {
		tr := res[wh[0]]
		r := tr.Results[wh[1]]
		out[i] = aligner.PairResult{Aln: r.Alignment, FallbackUsed: tr.FellBack[wh[1]]}
		if e.CheckStats && !tr.FellBack[wh[1]] {
			if got := pairs[i].Profile.Scoring.Stats(r.Alignment); got != r.Stats {
				out[i].Err = fmt.Errorf("water printed Length/Identity/Similarity/Gaps %d/%d/%d/%d, its aligned strings give %d/%d/%d/%d",
					r.Stats.Length, r.Stats.Identity, r.Stats.Similarity, r.Stats.Gaps, got.Length, got.Identity, got.Similarity, got.Gaps)
			}
		}
	}
	return out, nil
}
