package emboss

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wtalign/wtalign/aligner"
)

// Task is one reference and the queries to align against it.
type Task struct {
	Profile *aligner.Profile
	Queries [][]byte
}

// TaskResult holds one task's results in query order.
type TaskResult struct {
	Results []Result
	// FellBack[i] is true when query i was aligned by Options.Fallback
	// because its water batch failed (record it as fallback_used).
	FellBack []bool
	Batches  []BatchReport
}

// BatchReport describes one water process.
type BatchReport struct {
	First, Count int           // the batch's queries: Queries[First:First+Count]
	Duration     time.Duration // wall time of water (and of the fallback, if used)
	Err          error         // the water failure (a *BatchError); nil if water succeeded
	FellBack     bool          // the batch was aligned by Options.Fallback
}

// Align runs every task's queries through water in batches of at most
// opts.BatchSize queries (one process per batch), up to opts.Jobs processes
// at once, and returns one TaskResult per task, in order. Results do not
// depend on Jobs or on the batch size.
//
// When a batch fails (any *BatchError) and opts.Fallback is set, that
// batch's queries are aligned by the fallback engine and marked in
// FellBack; otherwise Align stops the other batches and returns the first
// error. Input errors and cancellation of ctx never fall back.
func (w *Water) Align(ctx context.Context, tasks []Task, opts Options) ([]TaskResult, error) {
	type job struct{ task, batch int }
	out := make([]TaskResult, len(tasks))
	var jobs []job
	size := opts.batchSize()
	for ti, t := range tasks {
		if t.Profile == nil {
			return nil, fmt.Errorf("emboss: task %d has no reference profile", ti+1)
		}
		out[ti].Results = make([]Result, len(t.Queries))
		out[ti].FellBack = make([]bool, len(t.Queries))
		for first := 0; first < len(t.Queries); first += size {
			n := min(size, len(t.Queries)-first)
			out[ti].Batches = append(out[ti].Batches, BatchReport{First: first, Count: n})
			jobs = append(jobs, job{ti, len(out[ti].Batches) - 1})
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	setErr := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	ch := make(chan job)
	workers := max(1, opts.Jobs)
	for range min(workers, max(1, len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				t := tasks[j.task]
				rep := &out[j.task].Batches[j.batch]
				res, err := w.runBatch(ctx, t, rep, opts)
				if err != nil {
					setErr(err)
					continue
				}
				copy(out[j.task].Results[rep.First:], res)
				if rep.FellBack {
					for i := range rep.Count {
						out[j.task].FellBack[rep.First+i] = true
					}
				}
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("emboss: %w", err)
	}
	return out, nil
}

// runBatch runs one batch and applies the fallback policy, filling rep.
func (w *Water) runBatch(ctx context.Context, t Task, rep *BatchReport, opts Options) ([]Result, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("emboss: %w", ctx.Err())
	}
	start := time.Now()
	defer func() { rep.Duration = time.Since(start) }()
	qs := t.Queries[rep.First : rep.First+rep.Count]
	res, err := w.alignBatch(ctx, t.Profile, qs, rep.First, opts)
	if err == nil {
		return res, nil
	}
	var be *BatchError
	if !errors.As(err, &be) || opts.Fallback == nil {
		return nil, err
	}
	rep.Err, rep.FellBack = be, true
	res = make([]Result, len(qs))
	for i, q := range qs {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("emboss: %w", ctx.Err())
		}
		al, ferr := opts.Fallback.Align(t.Profile, q)
		if ferr != nil {
			return nil, fmt.Errorf("emboss: fallback %s on query #%d after %v: %w", opts.Fallback.Name(), rep.First+i+1, be, ferr)
		}
		res[i] = Result{Alignment: al, Stats: t.Profile.Scoring.Stats(al)}
	}
	return res, nil
}
