package output

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/wtalign/wtalign/manifest"
)

// Open starts or resumes a run writing opt.Out.
//
// With Out "-" it streams to Stdout: no manifest, no lock, no resume.
// Otherwise it takes the lock (<out>.lock), hashes the inputs, reads the
// manifest, and then:
//   - Force: starts over, discarding any previous run.
//   - no manifest: starts over (Resume "true": error, nothing to resume).
//   - manifest complete, same run, output intact: returns ErrComplete
//     (Resume "auto" or "true"); otherwise (Resume "false", something
//     changed, output gone) it starts over; Resume "true" refuses instead.
//   - manifest unfinished (running, interrupted, failed,
//     complete_with_failures): resumes if nothing changed, from the
//     checkpoint or, when records failed, from just before the first failed
//     one, so failures are retried. It refuses (ErrResumeRefused) with
//     Resume "false", or listing what changed.
//   - manifest corrupt: refuses (ErrResumeRefused); Force starts over.
//
// Records are written to <out>.partial; the kept part of a partial (or of
// an output renamed just before a crash) is verified against the
// checkpoint's length and sha256 before anything is appended.
func Open(opt Options) (*Writer, error) {
	if err := normalize(&opt); err != nil {
		return nil, err
	}
	k, n, err := ParseShard(opt.Identity.Shard)
	if err != nil {
		return nil, err
	}
	w := &Writer{opt: opt, format: opt.Format, shardK: k, shardN: n, sum: sha256.New()}
	if opt.Out == "-" {
		w.out = bufio.NewWriterSize(opt.Stdout, 1<<16)
		_, err := w.out.Write(header(opt.Format, opt.ToolVersion))
		return w, err
	}
	cur, err := identify(opt)
	if err != nil {
		return nil, err
	}
	if w.lock, err = lockRun(opt.Out+".lock", opt.Manifest); err != nil {
		return nil, err
	}
	if err := w.start(cur); err != nil {
		unlock(w.lock)
		if w.file != nil {
			w.file.Close() // #nosec G104 -- error path: the start error is the one returned
		}
		return nil, err
	}
	return w, nil
}

func normalize(opt *Options) error {
	if opt.Out == "" {
		return errors.New("output: no output path")
	}
	if !opt.Format.valid() {
		return fmt.Errorf("output: format %q: want json, jsonl or tsv", opt.Format)
	}
	switch opt.Resume {
	case "":
		opt.Resume = "auto"
	case "auto", "true", "false":
	default:
		return fmt.Errorf("output: resume %q: want auto, true or false", opt.Resume)
	}
	if opt.Force && opt.Resume == "true" {
		return errors.New("output: --force and --resume=true contradict each other")
	}
	if opt.CheckpointEvery < 0 || opt.CheckpointInterval < 0 {
		return errors.New("output: negative checkpoint interval")
	}
	if opt.CheckpointEvery == 0 {
		opt.CheckpointEvery = DefaultCheckpointEvery
	}
	if opt.CheckpointInterval == 0 {
		opt.CheckpointInterval = DefaultCheckpointInterval
	}
	if opt.Stdout == nil {
		opt.Stdout = os.Stdout
	}
	if opt.Manifest == "" && opt.Out != "-" {
		opt.Manifest = opt.Out + ".manifest.json"
	}
	return nil
}

// identify builds the manifest of this run as it starts (hashing files).
func identify(opt Options) (*manifest.Manifest, error) {
	id := opt.Identity
	cfg, cfgSum, err := manifest.CanonicalJSON(id.Config)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	host, _ := os.Hostname()
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		Tool:          manifest.Tool{Name: "wtalign", Version: opt.ToolVersion, Commit: opt.ToolCommit},
		CommandLine:   opt.CommandLine,
		Status:        manifest.StatusRunning,
		Output:        manifest.Output{Path: opt.Out, Partial: opt.Out + ".partial", Format: string(opt.Format)},
		Shard:         id.Shard,
		Config:        cfg, ConfigSHA256: cfgSum,
		Engine:   manifest.Engine{Name: id.Engine, Version: id.EngineVersion},
		Failures: []manifest.Failure{},
		Host:     host, PID: os.Getpid(),
	}
	for _, p := range id.Inputs {
		f, err := manifest.HashFile(p)
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		m.Inputs = append(m.Inputs, f)
	}
	if m.Reference, err = manifest.HashFile(id.Reference); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if id.MapFile != "" {
		f, err := manifest.HashFile(id.MapFile)
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		m.MapFile = &f
	}
	return m, nil
}

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrResumeRefused}, args...)...)
}

// start decides between a fresh run, a resume and "already complete".
func (w *Writer) start(cur *manifest.Manifest) error {
	opt := w.opt
	old, err := manifest.Load(opt.Manifest)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case errors.Is(err, manifest.ErrCorrupt) && !opt.Force:
		return refused("%v; it cannot be trusted: rerun with --force to start over", err)
	case errors.Is(err, manifest.ErrCorrupt):
		old = nil
	default:
		return fmt.Errorf("output: %w", err)
	}
	if opt.Force || old == nil {
		if old == nil && opt.Resume == "true" && !opt.Force {
			return refused("nothing to resume: no manifest %s", opt.Manifest)
		}
		return w.fresh(cur, old)
	}
	diff := manifest.Diff(old, cur, false)
	if old.Output.Path != cur.Output.Path {
		diff = append(diff, fmt.Sprintf("output path: %s -> %s", old.Output.Path, cur.Output.Path))
	}
	if old.Status == manifest.StatusComplete {
		if len(diff) == 0 && opt.Resume != "false" && intact(opt.Out, old.Checkpoint) {
			return ErrComplete
		}
		if opt.Resume == "true" {
			why := "its output is missing or changed"
			if len(diff) > 0 {
				why = "the run changed:\n  - " + strings.Join(diff, "\n  - ")
			}
			return refused("%s says the run is complete but %s\nrerun without --resume=true (or with --force) to start over", opt.Manifest, why)
		}
		return w.fresh(cur, old)
	}
	if opt.Resume == "false" {
		return refused("%s holds an unfinished run (%s, %d records done); rerun with --resume to continue it or --force to start over",
			opt.Manifest, old.Status, old.Counts.Done)
	}
	if len(diff) > 0 {
		return refused("%s holds an unfinished run that differs from this one:\n  - %s\nrerun with --force to start over",
			opt.Manifest, strings.Join(diff, "\n  - "))
	}
	return w.resume(cur, old)
}

// fresh starts over: the stale output of the previous run (old, when its
// manifest names this output) goes first, then the manifest says "nothing
// written" before the partial is truncated, so a crash at any point leaves
// a state that resumes correctly. A file at the output path that no run
// of this manifest wrote is left alone until the finished output replaces it.
func (w *Writer) fresh(cur, old *manifest.Manifest) error {
	if old != nil && old.Output.Path == w.opt.Out && runWrote(w.opt.Out, old) {
		if err := removeIfExists(w.opt.Out); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	cur.Sessions = 1
	cur.SessionLog = []manifest.Session{newSession(now, 0)}
	cur.Timings = manifest.Timings{StartedAt: now, SessionStartedAt: now, LastCheckpointAt: now}
	cur.Checkpoint = manifest.Checkpoint{OutputSHA256: hex.EncodeToString(w.sum.Sum(nil)), At: now}
	w.m = cur
	if err := w.save(cur); err != nil {
		return err
	}
	f, err := os.OpenFile(cur.Output.Partial, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644) // #nosec G302 -- the partial output the user asked for, 0644 (umask applies) like every output
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	w.attach(f)
	if _, err := w.out.Write(header(w.format, w.opt.ToolVersion)); err != nil {
		return w.fail(err)
	}
	return nil
}

// resume continues old from its checkpoint, or from just before its first
// failed record so failures are retried.
func (w *Writer) resume(cur, old *manifest.Manifest) error {
	point, counts, failures := old.Checkpoint, old.Counts, old.Failures
	if old.RetryFrom != nil {
		point, counts, failures = old.RetryFrom.Checkpoint, old.RetryFrom.Counts, nil
	}
	partial := cur.Output.Partial
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644) // #nosec G302 G304 -- the partial output beside the output the user named, 0644 (umask applies) like every output
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	h, perr := verifyPrefix(f, point)
	fromOut := false
	if perr != nil {
		// A crash between the final rename and the manifest update leaves
		// the whole output under its final name: take the prefix from there.
		src, err := os.Open(w.opt.Out)
		if err == nil {
			if h, err = verifyPrefix(src, point); err == nil {
				err = copyPrefix(f, src, point.OutputBytes)
			}
			src.Close() // #nosec G104 -- read-only: the final output, only read to recover the prefix
		}
		if err != nil {
			f.Close() // #nosec G104 -- error path: the prefix error is the one reported
			return refused("%v; it cannot be trusted: rerun with --force to start over", perr)
		}
		fromOut = true
	}
	if err := f.Truncate(point.OutputBytes); err != nil {
		f.Close() // #nosec G104 -- error path: the Truncate error is the one returned
		return fmt.Errorf("output: %w", err)
	}
	if _, err := f.Seek(point.OutputBytes, io.SeekStart); err != nil {
		f.Close() // #nosec G104 -- error path: the Seek error is the one returned
		return fmt.Errorf("output: %w", err)
	}
	if fromOut { // the run's own output: it is written again from the partial
		if err := removeIfExists(w.opt.Out); err != nil {
			f.Close() // #nosec G104 -- error path: the removal error is the one returned
			return err
		}
	}
	now := time.Now().UTC()
	cur.Sessions = old.Sessions + 1
	cur.SessionLog = append(append([]manifest.Session{}, old.SessionLog...), newSession(now, point.Records))
	cur.Timings = manifest.Timings{StartedAt: old.Timings.StartedAt, SessionStartedAt: now, SessionStartRecords: point.Records}
	if counts.Total == nil {
		counts.Total = old.Counts.Total
	}
	w.prior = old.Timings.ElapsedSeconds
	w.m = cur
	w.sum, w.size, w.done = h, point.OutputBytes, point.Records
	w.counts, w.failures = counts.Clone(), append([]manifest.Failure{}, failures...)
	w.attach(f)
	if point.OutputBytes == 0 {
		if _, err := w.out.Write(header(w.format, w.opt.ToolVersion)); err != nil {
			return w.fail(err)
		}
	}
	return w.checkpoint(manifest.StatusRunning, "")
}

func newSession(at time.Time, startRecords int) manifest.Session {
	host, _ := os.Hostname()
	return manifest.Session{StartedAt: at, StartRecords: startRecords, Host: host, PID: os.Getpid()}
}

func (w *Writer) attach(f *os.File) {
	w.file = f
	w.out = bufio.NewWriterSize(writeHook(hashingFile{w: w, f: f}), 1<<16)
}

// verifyPrefix hashes the first cp.OutputBytes bytes of f and compares
// them with the checkpoint, returning the hash state to continue from.
func verifyPrefix(f *os.File, cp manifest.Checkpoint) (hash.Hash, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if st.Size() < cp.OutputBytes {
		return nil, fmt.Errorf("output: %s is shorter (%d bytes) than its checkpoint (%d bytes)", f.Name(), st.Size(), cp.OutputBytes)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, cp.OutputBytes)); err != nil {
		return nil, fmt.Errorf("output: reading %s: %w", f.Name(), err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != cp.OutputSHA256 {
		return nil, fmt.Errorf("output: the first %d bytes of %s do not match the checkpoint (sha256 %s, want %s)", cp.OutputBytes, f.Name(), got, cp.OutputSHA256)
	}
	return h, nil
}

func copyPrefix(dst, src *os.File, n int64) error {
	if err := dst.Truncate(0); err != nil {
		return err
	}
	_, err := io.Copy(io.NewOffsetWriter(dst, 0), io.NewSectionReader(src, 0, n))
	return err
}

// intact reports whether path is exactly the output the checkpoint describes.
func intact(path string, cp manifest.Checkpoint) bool {
	f, err := os.Open(path) // #nosec G304 -- the output the user named, only read to check it against the checkpoint
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() != cp.OutputBytes {
		return false
	}
	_, err = verifyPrefix(f, cp)
	return err == nil
}

// runWrote reports whether the file at path is the output old's run renamed
// into place: a finished run's output (even if damaged since, so it cannot
// pass for this run's), or an unfinished run's when it holds at least the
// checkpointed start (a crash just after the final rename). A file no run
// wrote is left alone; only a run's final rename replaces it, when the run
// completes.
func runWrote(path string, old *manifest.Manifest) bool {
	if old.Status.Finished() {
		return true
	}
	if old.Checkpoint.OutputBytes == 0 {
		return false
	}
	f, err := os.Open(path) // #nosec G304 -- the output the user named, only read to check it against the checkpoint
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = verifyPrefix(f, old.Checkpoint)
	return err == nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}
