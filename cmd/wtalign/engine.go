package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/pipeline"
)

// waterEngine runs EMBOSS water through the pipeline: each work unit's
// pairs go to water as one process per reference and batch.
type waterEngine struct {
	w    *emboss.Water
	opts emboss.Options
	log  *zerolog.Logger
}

var (
	_ aligner.Engine        = (*waterEngine)(nil)
	_ pipeline.BatchAligner = (*waterEngine)(nil)
)

func (e *waterEngine) Name() string { return "water" }

// Align aligns one pair (one water process); the pipeline uses AlignPairs.
func (e *waterEngine) Align(p *aligner.Profile, q []byte) (*aligner.Alignment, error) {
	res, err := e.w.Align(context.Background(), []emboss.Task{{Profile: p, Queries: [][]byte{q}}}, e.opts)
	if err != nil {
		return nil, err
	}
	return res[0].Results[0].Alignment, nil
}

// AlignPairs groups the pairs by reference, runs water on each group and
// maps the results back by order.
func (e *waterEngine) AlignPairs(ctx context.Context, pairs []pipeline.Pair) ([]pipeline.PairResult, error) {
	var tasks []emboss.Task
	taskOf := map[*pipeline.Ref]int{}
	where := make([][2]int, len(pairs))
	for i, p := range pairs {
		t, ok := taskOf[p.Ref]
		if !ok {
			t = len(tasks)
			taskOf[p.Ref] = t
			tasks = append(tasks, emboss.Task{Profile: p.Ref.Profile})
		}
		where[i] = [2]int{t, len(tasks[t].Queries)}
		tasks[t].Queries = append(tasks[t].Queries, p.Query)
	}
	res, err := e.w.Align(ctx, tasks, e.opts)
	if err != nil {
		return nil, err
	}
	for _, tr := range res {
		for _, b := range tr.Batches {
			if b.FellBack {
				e.log.Warn().Err(b.Err).Int("queries", b.Count).Msg("water batch failed; aligned it with the native engine (fallback_used)")
			}
		}
	}
	out := make([]pipeline.PairResult, len(pairs))
	for i, wh := range where {
		tr := res[wh[0]]
		out[i] = pipeline.PairResult{Aln: tr.Results[wh[1]].Alignment, FallbackUsed: tr.FellBack[wh[1]]}
	}
	return out, nil
}

// engineChoice is what --engine, --water-path and --fallback resolve to.
type engineChoice struct {
	engine    aligner.Engine
	name      string // native or water
	version   string
	batchSize int // records per pipeline work unit
}

// chooseEngine resolves --engine: native, water (must be installed) or auto
// (water when it is detected, native otherwise; the log says which and why).
func chooseEngine(ctx context.Context, o *alignOptions, log *zerolog.Logger, toolVersion string) (*engineChoice, error) {
	native := &engineChoice{engine: aligner.NewNative(), name: "native", version: toolVersion}
	if o.Engine == "native" {
		return native, nil
	}
	w, err := emboss.DetectContext(ctx, o.WaterPath)
	if err != nil {
		if o.Engine == "auto" {
			log.Info().Str("engine", "native").Str("reason", err.Error()).Msg("--engine auto: EMBOSS water not available, using the native engine")
			return native, nil
		}
		return nil, fmt.Errorf("--engine water: %w (install EMBOSS: scripts/install-emboss.sh, or use --engine native)", err)
	}
	opts := emboss.Options{Timeout: o.WaterTimeout, Jobs: 1}
	if o.Fallback == "native" {
		opts.Fallback = aligner.NewNative()
	}
	if o.Engine == "auto" {
		log.Info().Str("engine", "water").Str("path", w.Path).Str("version", w.Version).Str("found_via", w.Source).Msg("--engine auto: using EMBOSS water")
	}
	return &engineChoice{engine: &waterEngine{w: w, opts: opts, log: log}, name: "water", version: w.Version, batchSize: 64}, nil
}

const defaultWaterTimeout = 10 * time.Minute
