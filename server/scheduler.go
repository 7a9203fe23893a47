package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
)

// schedulerProbeTimeout is how long /readyz waits for the scheduler loop
// to answer: it answers at once unless it is stuck.
const schedulerProbeTimeout = time.Second

// schedule is the scheduler loop: it starts queued jobs (kick) whenever
// it is woken (a job was queued, a job's threads were freed, the
// configuration changed) and answers readiness probes, until shutdown.
// schedRunning is true while it runs.
func (s *Server) schedule() {
	defer s.bg.Done()
	s.schedRunning.Store(true)
	defer s.schedRunning.Store(false)
	for {
		select {
		case <-s.bgCtx.Done():
			return
		case <-s.wake:
			s.smu.Lock()
			s.kick()
			s.smu.Unlock()
		case <-s.probe:
		}
	}
}

// wakeScheduler asks the scheduler loop to start what fits; it never
// blocks (one pending wake-up covers any number of asks).
func (s *Server) wakeScheduler() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// schedulerAnswers reports whether the scheduler loop runs and takes a
// probe within timeout (a loop stuck in kick does not).
func (s *Server) schedulerAnswers(ctx context.Context, timeout time.Duration) bool {
	if !s.schedRunning.Load() {
		return false
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case s.probe <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// kick starts queued jobs while their threads fit the CPU budget. The
// next job is the oldest of the owner whose running jobs use the fewest
// threads (fair across owners); when it does not fit, nothing behind it
// starts either, so a wide job is never starved by narrow ones. Only the
// scheduler loop calls it, holding s.smu.
func (s *Server) kick() {
	budget := s.config().CPUs
	for !s.stopping && len(s.queue) > 0 {
		best := -1
		for i, j := range s.queue {
			if best < 0 {
				best = i
				continue
			}
			b := s.queue[best]
			ob, oj := s.byOwner[b.meta.Owner], s.byOwner[j.meta.Owner]
			if oj < ob {
				best = i
			}
		}
		j := s.queue[best]
		threads := min(max(j.meta.Threads, 1), budget)
		if s.inUse > 0 && s.inUse+threads > budget {
			return
		}
		s.queue = append(s.queue[:best], s.queue[best+1:]...)
		s.inUse += threads
		s.byOwner[j.meta.Owner] += threads
		s.metrics.queue.Set(float64(len(s.queue)))
		s.metrics.threadsInUse.Set(float64(s.inUse))
		s.runners.Add(1)
		go s.run(j, threads)
	}
}

// dequeue removes j from the queue; it reports whether j was queued.
func (s *Server) dequeue(j *job) bool {
	s.smu.Lock()
	defer s.smu.Unlock()
	for i, q := range s.queue {
		if q == j {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.metrics.queue.Set(float64(len(s.queue)))
			return true
		}
	}
	return false
}

// run executes one job with the pipeline, as `wtalign align` does:
// Execute on the same Spec resumes from the manifest after a crash or a
// shutdown, giving the same bytes.
func (s *Server) run(j *job, threads int) {
	defer s.runners.Done()
	defer func() {
		s.smu.Lock()
		s.inUse -= threads
		s.byOwner[j.meta.Owner] -= threads
		if s.byOwner[j.meta.Owner] == 0 {
			delete(s.byOwner, j.meta.Owner)
		}
		s.metrics.threadsInUse.Set(float64(s.inUse))
		s.smu.Unlock()
		s.wakeScheduler()
	}()
	ctx, cancel := context.WithCancel(s.jobsCtx)
	defer cancel()
	j.mu.Lock()
	if j.meta.State.Final() {
		j.mu.Unlock()
		return
	}
	if j.cancelAsked { // canceled between leaving the queue and starting
		j.mu.Unlock()
		s.end(j, api.Canceled, nil, "")
		return
	}
	j.cancel = cancel
	now := time.Now().UTC()
	if j.meta.StartedAt == nil {
		j.meta.StartedAt = &now
	}
	s.setState(j, api.Initializing)
	j.sessionAt, j.done, j.total = now, 0, -1
	saveErr := j.save()
	spec := j.spec
	j.mu.Unlock()
	if saveErr != nil {
		s.end(j, api.SystemError, nil, saveErr.Error())
		return
	}
	if err := j.checkFiles(); err != nil {
		s.end(j, api.SystemError, nil, err.Error())
		return
	}
	spec.Threads = threads
	log := s.log.With().Str("job", j.meta.ID).Logger()
	names := map[string]string{}
	for _, in := range spec.Inputs {
		names[in] = j.displayPath(in) // records name an upload as it was uploaded
	}
	env := pipeline.Env{
		Stdout: io.Discard, ToolVersion: s.opt.Version, ToolCommit: s.opt.Commit, InputNames: names,
		CommandLine: []string{"wtalign", "serve", "job", j.meta.ID},
		Progress: func(p pipeline.Progress) {
			j.mu.Lock()
			if j.done == 0 && j.sessionFrom == 0 && p.Done > 0 {
				j.sessionFrom = p.Done - 1 // the first unit of a resumed run
			}
			j.done, j.total = p.Done, p.Total
			j.mu.Unlock()
		},
		Notify: func(n pipeline.Note) {
			ev := log.Info()
			if n.Warn {
				ev = log.Warn()
			}
			for _, a := range n.Attrs {
				ev = ev.Interface(a.Key, a.Value)
			}
			ev.Msg(n.Msg)
		},
	}
	log.Info().Int("threads", threads).Msg("job starting")
	plan, err := pipeline.Prepare(ctx, spec, env)
	if err != nil {
		s.ended(ctx, j, nil, err)
		return
	}
	j.mu.Lock()
	if j.meta.State == api.Initializing {
		s.setState(j, api.Running)
		saveErr = j.save()
	}
	j.mu.Unlock()
	if saveErr != nil {
		s.end(j, api.SystemError, nil, saveErr.Error())
		return
	}
	out, err := plan.Execute(ctx)
	s.ended(ctx, j, out, err)
}

// ended maps a run's result to the job's next state. Errors that are not
// about the job's own files are EXECUTOR_ERROR (bad input, as align
// would exit 1, or failed records, as align would exit 3); a refused
// resume, a corrupt manifest or a full disk are SYSTEM_ERROR.
func (s *Server) ended(ctx context.Context, j *job, out *pipeline.Outcome, err error) {
	var rf *pipeline.RecordsFailedError
	switch {
	case err == nil:
		s.end(j, api.Complete, out, "")
	case ctx.Err() != nil && (errors.Is(err, pipeline.ErrInterrupted) || errors.Is(err, context.Canceled)):
		j.mu.Lock()
		asked := j.cancelAsked
		j.mu.Unlock()
		if asked {
			s.end(j, api.Canceled, nil, "")
			return
		}
		// shutdown: the checkpoint is written; the job stays RUNNING on disk
		s.log.Info().Str("job", j.meta.ID).Msg("job checkpointed for shutdown; it resumes on the next start")
	case errors.As(err, &rf):
		s.end(j, api.ExecutorError, out, err.Error())
	case systemFault(err):
		s.end(j, api.SystemError, nil, err.Error())
	case errors.Is(err, pipeline.ErrSpec):
		s.end(j, api.ExecutorError, nil, err.Error())
	default:
		// unreadable or invalid input (not FASTA, a truncated gzip, a
		// record over max-length): what align exits 1 for
		s.end(j, api.ExecutorError, nil, err.Error())
	}
}

// systemFault says err is about the server's files, not the user's input.
func systemFault(err error) bool {
	return errors.Is(err, output.ErrResumeRefused) || errors.Is(err, manifest.ErrCorrupt) || errors.Is(err, output.ErrLocked) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EROFS)
}

// end puts j in its final state st, records its results and sends its
// notification.
func (s *Server) end(j *job, st api.State, out *pipeline.Outcome, msg string) {
	now := time.Now().UTC()
	j.mu.Lock()
	s.setState(j, st)
	j.meta.EndedAt = &now
	if msg != "" {
		j.meta.Errors = append(j.meta.Errors, trimPath(msg, j.dir))
	}
	if out != nil && (st == api.Complete || st == api.ExecutorError) {
		if sum, n, err := fileSHA256(j.outPath()); err == nil {
			j.meta.Results = &api.Results{Format: j.spec.Format, Bytes: n, SHA256: sum}
		} else if st == api.Complete {
			s.setState(j, api.SystemError)
			j.meta.Errors = append(j.meta.Errors, fmt.Sprintf("results missing after the run: %v", trimPath(err.Error(), j.dir)))
		}
		s.metrics.records.Add(float64(out.Records - out.Resumed))
		s.metrics.cells.Add(float64(out.Cells))
	}
	j.meta.DiskBytes = dirSize(j.dir)
	if j.meta.Notify != nil {
		j.meta.Notify.State = api.NotifyPending
	}
	if err := j.save(); err != nil {
		s.log.Error().Err(err).Str("job", j.meta.ID).Msg("saving the job's final state")
	}
	final := j.meta.State
	started := j.sessionAt
	j.cancel = nil
	notify := j.meta.Notify != nil
	j.mu.Unlock()
	s.metrics.finished.WithLabelValues(string(final)).Inc()
	if !started.IsZero() {
		s.metrics.jobDuration.WithLabelValues(string(final)).Observe(time.Since(started).Seconds())
	}
	s.log.Info().Str("job", j.meta.ID).Str("state", string(final)).Msg("job ended")
	if notify {
		s.notify(j)
	}
}

// cancelJob asks j to stop: a queued job is canceled at once, a running
// one moves to CANCELING until its run has stopped.
func (s *Server) cancelJob(j *job) (api.State, error) {
	if s.dequeue(j) {
		s.end(j, api.Canceled, nil, "")
		return api.Canceled, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch j.meta.State {
	case api.Queued: // just taken from the queue: run sees the flag and ends it
		j.cancelAsked = true
		s.setState(j, api.Canceling)
	case api.Initializing, api.Running:
		j.cancelAsked = true
		s.setState(j, api.Canceling)
		_ = j.save()
		if j.cancel != nil {
			j.cancel()
		}
	case api.Canceling:
	default:
		return j.meta.State, errConflict
	}
	return j.meta.State, nil
}

var errConflict = errors.New("conflict")
