package output

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/report"
)

// Identity is everything that makes two runs produce the same output. A
// resume is refused when any of it changed (files are compared by path,
// size and sha256; Config by the sha256 of its canonical JSON).
type Identity struct {
	Inputs        []string // input paths, in order; "-" (stdin) makes a run unresumable
	Reference     string   // reference FASTA path
	MapFile       string   // optional map file path
	Config        any      // effective configuration (anything encoding/json accepts)
	Engine        string
	EngineVersion string
	Shard         string // "K/N" or ""
}

// Options configure Open. Zero values pick the documented defaults.
type Options struct {
	Out                string    // output path, or "-" for stdout (no manifest, partial, lock or resume)
	Stdout             io.Writer // where "-" writes (default os.Stdout)
	Manifest           string    // default Out + ".manifest.json"
	Format             Format
	Resume             string        // "auto" (default), "true" or "false"; see Open
	Force              bool          // discard any previous run and start over
	CheckpointEvery    int           // records between checkpoints (default 1000)
	CheckpointInterval time.Duration // time between checkpoints (default 10s)
	CommandLine        []string
	ToolVersion        string
	ToolCommit         string
	Identity           Identity
}

// Defaults for Options.
const (
	DefaultCheckpointEvery    = 1000
	DefaultCheckpointInterval = 10 * time.Second
)

// Outcome classifies one input record for the manifest's counts.
type Outcome struct {
	Failed       bool   // the record is written with status "error"; resume retries it
	Reason       string // why it failed (manifest failures list)
	NoHit        bool
	Skipped      bool
	FallbackUsed bool
}

// ErrComplete is returned by Open (with --resume auto or true) when the
// manifest says the same run already completed and its output is intact:
// there is nothing to do.
var ErrComplete = errors.New("output: already complete")

// ErrLocked is wrapped by Open's error when another run holds the lock.
var ErrLocked = errors.New("output: locked by another run")

// ErrResumeRefused is wrapped by Open's error when an unfinished run
// exists but cannot be resumed (changed inputs, --resume=false, a corrupt
// manifest or partial output). The message says why; --force starts over.
var ErrResumeRefused = errors.New("output: cannot resume")

// Writer writes records in input order, checkpointing as it goes.
type Writer struct {
	opt      Options
	format   Format
	shardK   int // 1-based; 1 when not sharded
	shardN   int
	out      *bufio.Writer
	file     *os.File // the partial; nil on stdout
	lock     *os.File
	sum      hash.Hash // of every byte flushed to the partial
	size     int64     // bytes flushed to the partial
	done     int       // input records written
	counts   manifest.Counts
	failures []manifest.Failure
	retry    *manifest.RetryPoint
	m        *manifest.Manifest // as last saved: always a resumable state
	since    int                // records since the last checkpoint
	ioErr    error              // sticky: bytes past the last checkpoint are unknown
	closed   bool
	prior    float64 // elapsed seconds of earlier sessions
	buf      []byte
}

// Done returns how many input records are already written (nonzero after
// a resume): the caller skips them. In a shard they are the shard's first
// Done records; NextOrdinal gives the same as an ordinal.
func (w *Writer) Done() int { return w.done }

// NextOrdinal is the ordinal the next Write must carry: the caller skips
// every input record with a smaller ordinal.
func (w *Writer) NextOrdinal() int { return w.done*w.shardN + w.shardK - 1 }

// Counts returns the counts so far (Finish's exit status: Failed > 0 means
// exit 3).
func (w *Writer) Counts() manifest.Counts { return w.counts.Clone() }

// ManifestPath is the manifest being written ("" on stdout).
func (w *Writer) ManifestPath() string { return w.opt.Manifest }

// SetTotal records how many input records this run writes in all (in a
// shard, the shard's share), for progress and ETA in the manifest.
func (w *Writer) SetTotal(n int) { w.counts.Total = &n }

// Write appends the record of one input record; its ordinal must be
// NextOrdinal(). It checkpoints when CheckpointEvery records or
// CheckpointInterval have passed since the last checkpoint.
func (w *Writer) Write(ordinal int, rec *report.Record, outcome Outcome) error {
	if rec == nil {
		return fmt.Errorf("output: input record %d has no output record", ordinal)
	}
	unit, err := encodeUnit(w.format, rec, w.opt.ToolVersion)
	if err != nil {
		return err
	}
	return w.WriteEncoded(ordinal, rec, unit, outcome)
}

// WriteEncoded is Write for a record already encoded with Encode (in the
// writer's format), so callers can encode on worker goroutines.
func (w *Writer) WriteEncoded(ordinal int, rec *report.Record, unit []byte, outcome Outcome) error {
	if err := w.usable(); err != nil {
		return err
	}
	if ordinal != w.NextOrdinal() {
		return fmt.Errorf("output: record ordinal %d out of order (want %d)", ordinal, w.NextOrdinal())
	}
	if rec == nil {
		return fmt.Errorf("output: input record %d has no output record", ordinal)
	}
	if outcome.Failed && w.retry == nil && w.file != nil {
		if err := w.flush(); err != nil {
			return err
		}
		w.retry = &manifest.RetryPoint{Checkpoint: w.point(), Counts: w.counts.Clone()}
	}
	if err := w.writeUnits(unit); err != nil {
		return err
	}
	manifest.Crashpoint("record-written")
	w.since++
	c := &w.counts
	c.Done++
	if c.Statuses == nil {
		c.Statuses = map[string]int{}
	}
	c.Statuses[rec.Status]++
	switch {
	case outcome.Failed:
		c.Failed++
		reason := outcome.Reason
		if reason == "" {
			reason = rec.Error
		}
		w.failures = append(w.failures, manifest.Failure{Ordinal: ordinal, InputFile: rec.InputFile,
			RecordIndex: rec.Query.Index, ID: rec.Query.ID, Reason: reason})
	case outcome.Skipped:
		c.Skipped++
	case outcome.NoHit:
		c.NoHit++
	}
	if outcome.FallbackUsed {
		c.FallbackUsed++
	}
	if w.file != nil && (w.since >= w.opt.CheckpointEvery || time.Since(w.m.Checkpoint.At) >= w.opt.CheckpointInterval) {
		return w.checkpoint(manifest.StatusRunning, "")
	}
	return nil
}

// writeUnits writes the encoded record(s) of one input record (merge
// passes several when a tsv record has several rows).
func (w *Writer) writeUnits(units ...[]byte) error {
	buf := w.buf[:0]
	for i, u := range units {
		buf = frame(buf, w.format, w.done == 0 && i == 0, u)
	}
	w.buf = buf
	if _, err := w.out.Write(buf); err != nil {
		return w.fail(err)
	}
	w.done++
	return nil
}

// Finish completes the output: footer, fsync, rename of the partial into
// place, manifest complete (or complete_with_failures), unlock. Check
// Counts().Failed afterwards.
func (w *Writer) Finish() error {
	if err := w.usable(); err != nil {
		return err
	}
	if _, err := w.out.Write(footer(w.format, w.done > 0)); err != nil {
		return w.fail(err)
	}
	if w.file == nil {
		w.closed = true
		if err := w.out.Flush(); err != nil {
			return fmt.Errorf("output: writing standard output: %w", err)
		}
		return nil
	}
	if err := w.sync(); err != nil {
		return err
	}
	manifest.Crashpoint("before-final-rename")
	if err := os.Rename(w.file.Name(), w.opt.Out); err != nil {
		return w.fail(err)
	}
	if err := manifest.SyncDir(filepath.Dir(w.opt.Out)); err != nil {
		return w.fail(err)
	}
	manifest.Crashpoint("after-final-rename")
	status := manifest.StatusComplete
	if w.counts.Failed > 0 {
		status = manifest.StatusPartialFail
	}
	m := w.snapshot(status, "")
	now := m.Timings.LastCheckpointAt
	m.Timings.EndedAt = &now
	if err := w.save(m); err != nil {
		return err
	}
	return w.close()
}

// Interrupt writes a checkpoint now, marks the run interrupted and unlocks;
// the partial output stays for a resume.
func (w *Writer) Interrupt() error { return w.stop(manifest.StatusInterrupted, "") }

// Abort marks the run failed with err's text after checkpointing what is
// consistent (nothing past the last checkpoint after an I/O error), and
// unlocks. The run can be resumed once the cause is fixed.
func (w *Writer) Abort(err error) error {
	msg := "aborted"
	if err != nil {
		msg = err.Error()
	}
	return w.stop(manifest.StatusFailed, msg)
}

func (w *Writer) stop(status manifest.Status, msg string) error {
	if w.closed {
		return nil
	}
	if w.file == nil {
		w.closed = true
		if err := w.out.Flush(); err != nil {
			return fmt.Errorf("output: writing standard output: %w", err)
		}
		return nil
	}
	var err error
	if w.ioErr == nil {
		err = w.checkpoint(status, msg)
	}
	if w.ioErr != nil { // keep the last saved checkpoint, just change the status
		m := *w.m
		m.Status, m.Error = status, msg
		if msg == "" && status == manifest.StatusInterrupted {
			m.Error = ""
		}
		if serr := w.save(&m); serr != nil && err == nil {
			err = serr
		}
	}
	if cerr := w.close(); err == nil {
		err = cerr
	}
	return err
}

func (w *Writer) usable() error {
	switch {
	case w.closed:
		return errors.New("output: writer already closed")
	case w.ioErr != nil:
		return w.ioErr
	}
	return nil
}

// fail makes an I/O error sticky and says which file and what to do.
func (w *Writer) fail(err error) error {
	name := "standard output"
	if w.file != nil {
		name = w.file.Name()
	}
	var pe *os.PathError
	var le *os.LinkError
	if !errors.As(err, &pe) && !errors.As(err, &le) {
		err = fmt.Errorf("writing %s: %w", name, err)
	}
	w.ioErr = fmt.Errorf("output: %w", diskFullHint(err))
	return w.ioErr
}

func (w *Writer) flush() error {
	if err := w.out.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) sync() error {
	if err := w.flush(); err != nil {
		return err
	}
	if err := w.file.Sync(); err != nil {
		return w.fail(err)
	}
	return nil
}

// point is the checkpoint for what has been flushed.
func (w *Writer) point() manifest.Checkpoint {
	return manifest.Checkpoint{Records: w.done, OutputBytes: w.size, OutputSHA256: hex.EncodeToString(w.sum.Sum(nil)), At: time.Now().UTC()}
}

// checkpoint makes the written records durable and saves the manifest.
func (w *Writer) checkpoint(status manifest.Status, msg string) error {
	if err := w.sync(); err != nil {
		return err
	}
	manifest.Crashpoint("checkpoint-synced")
	if err := w.save(w.snapshot(status, msg)); err != nil {
		return err
	}
	w.since = 0
	return nil
}

// snapshot builds the manifest for the current (synced) state.
func (w *Writer) snapshot(status manifest.Status, msg string) *manifest.Manifest {
	m := *w.m
	m.Status, m.Error = status, msg
	m.Checkpoint = w.point()
	m.Counts = w.counts.Clone()
	m.Failures = append([]manifest.Failure{}, w.failures...)
	m.RetryFrom = w.retry
	t := &m.Timings
	t.LastCheckpointAt = m.Checkpoint.At
	session := t.LastCheckpointAt.Sub(t.SessionStartedAt).Seconds()
	t.ElapsedSeconds = w.prior + session
	t.RecordsPerSecond = 0
	if session > 0 {
		t.RecordsPerSecond = float64(w.done-t.SessionStartRecords) / session
	}
	if n := len(m.SessionLog); n > 0 {
		log := append([]manifest.Session{}, m.SessionLog...)
		s := &log[n-1]
		s.Records, s.WallSeconds = w.done-s.StartRecords, session
		s.CPUSeconds, s.PeakRSSBytes = manifest.Usage()
		m.SessionLog = log
	}
	return &m
}

// diskFullHint adds what to do to a disk-full error.
func diskFullHint(err error) error {
	if diskFull(err) {
		return fmt.Errorf("%w (disk full: free space, then rerun the same command to resume from the last checkpoint)", err)
	}
	return err
}

func (w *Writer) save(m *manifest.Manifest) error {
	if err := m.Save(w.opt.Manifest); err != nil {
		return fmt.Errorf("output: %w", diskFullHint(err))
	}
	w.m = m
	return nil
}

func (w *Writer) close() error {
	w.closed = true
	err := w.file.Close()
	unlock(w.lock)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// hashingFile counts and hashes every byte that reaches the partial.
type hashingFile struct {
	w *Writer
	f io.Writer
}

func (h hashingFile) Write(p []byte) (int, error) {
	n, err := h.f.Write(p)
	h.w.sum.Write(p[:n])
	h.w.size += int64(n)
	return n, err
}

// writeHook lets tests inject write errors (a full disk) under the partial.
var writeHook = func(f io.Writer) io.Writer { return f }

// ParseShard reads a shard "K/N" (1 <= K <= N). "" is the whole input,
// shard 1 of 1.
func ParseShard(s string) (k, n int, err error) {
	if s == "" {
		return 1, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("output: shard %q: want K/N with 1 <= K <= N", s)
	}
	return k, n, nil
}
