package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// SchemaVersion is the version of the manifest's JSON layout.
const SchemaVersion = 1

// Status is the state of a run.
type Status string

// Run states. A run is unfinished (resumable) unless it is complete.
const (
	StatusRunning     Status = "running"                // in progress, or killed without a chance to say so
	StatusComplete    Status = "complete"               // output renamed into place, every record succeeded
	StatusPartialFail Status = "complete_with_failures" // output in place, some records failed (exit 3); resume retries them
	StatusFailed      Status = "failed"                 // stopped by an error (see Error); resumable from the checkpoint
	StatusInterrupted Status = "interrupted"            // stopped by SIGINT/SIGTERM; resumable from the checkpoint
)

// Finished reports whether the run produced its final output.
func (s Status) Finished() bool { return s == StatusComplete || s == StatusPartialFail }

func (s Status) valid() bool {
	switch s {
	case StatusRunning, StatusComplete, StatusPartialFail, StatusFailed, StatusInterrupted:
		return true
	}
	return false
}

// ErrCorrupt marks a manifest that cannot be trusted: empty, truncated,
// not JSON, an unknown schema version or inconsistent fields.
var ErrCorrupt = errors.New("corrupt manifest")

// ErrNotManifest marks a file that is not a wtalign manifest at all (an
// output, a FASTA file, other JSON), as opposed to a damaged one. Errors
// wrapping it wrap ErrCorrupt too: neither can be resumed from.
var ErrNotManifest = errors.New("not a wtalign manifest")

type notManifestError struct{ reason string }

func (e *notManifestError) Error() string { return ErrNotManifest.Error() + ": " + e.reason }
func (e *notManifestError) Is(target error) bool {
	return target == ErrNotManifest || target == ErrCorrupt
}

func notManifest(format string, args ...any) error {
	return &notManifestError{reason: fmt.Sprintf(format, args...)}
}

// Manifest is the JSON document. Counts, Failures and RetryFrom always
// describe the state at Checkpoint: the manifest is only written at
// checkpoints, so whatever it says can be resumed from.
type Manifest struct {
	SchemaVersion int             `json:"schema_version"`
	Tool          Tool            `json:"tool"`
	CommandLine   []string        `json:"command_line"`
	Status        Status          `json:"status"`
	Error         string          `json:"error,omitempty"`
	Output        Output          `json:"output"`
	Shard         string          `json:"shard"` // "K/N", or "" when not sharded
	Config        json.RawMessage `json:"config"`
	ConfigSHA256  string          `json:"config_sha256"`
	Engine        Engine          `json:"engine"`
	Inputs        []File          `json:"inputs"`
	Reference     File            `json:"reference"`
	MapFile       *File           `json:"map_file"`
	Counts        Counts          `json:"counts"`
	Failures      []Failure       `json:"failures"`
	Checkpoint    Checkpoint      `json:"checkpoint"`
	RetryFrom     *RetryPoint     `json:"retry_from,omitempty"`
	Timings       Timings         `json:"timings"`
	Host          string          `json:"host"`
	PID           int             `json:"pid"`
	Sessions      int             `json:"sessions"` // 1 for the first run, +1 per resume
	// SessionLog has one entry per session (the first run and each resume),
	// with its resources, so slow or memory-hungry runs stand out.
	SessionLog []Session     `json:"session_log,omitempty"`
	MergedFrom []MergedShard `json:"merged_from,omitempty"`
}

// Tool identifies the wtalign build that wrote the output.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// Output names the output file, its temporary sibling and its format.
type Output struct {
	Path    string `json:"path"`
	Partial string `json:"partial"`
	Format  string `json:"format"`
}

// Engine is the alignment engine and its version.
type Engine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// File is an input file as it was when the run started.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Counts are input records (not output rows). Total is nil until known.
type Counts struct {
	Total        *int `json:"total"`
	Done         int  `json:"done"` // fully written, whatever their outcome
	Failed       int  `json:"failed"`
	Skipped      int  `json:"skipped"`
	NoHit        int  `json:"no_hit"`
	FallbackUsed int  `json:"fallback_used"`
	// Statuses counts the written records by their status (wildtype,
	// mutant, no_hit, error, ...).
	Statuses map[string]int `json:"statuses,omitempty"`
}

// Clone is a copy of c that shares no map with it.
func (c Counts) Clone() Counts {
	if c.Statuses != nil {
		m := make(map[string]int, len(c.Statuses))
		for k, v := range c.Statuses {
			m[k] = v
		}
		c.Statuses = m
	}
	return c
}

// Failure is one input record that failed; it is in the output too.
type Failure struct {
	Ordinal     int    `json:"ordinal"` // 0-based among all input records of the run
	InputFile   string `json:"input_file"`
	RecordIndex int    `json:"record_index"` // 1-based within its file
	ID          string `json:"id"`
	Reason      string `json:"reason"`
}

// Checkpoint says how much of the output is durable: the first Records
// input records are fully written in the first OutputBytes bytes of the
// output (or its partial), whose sha256 is OutputSHA256.
type Checkpoint struct {
	Records      int       `json:"records"`
	OutputBytes  int64     `json:"output_bytes"`
	OutputSHA256 string    `json:"output_sha256"`
	At           time.Time `json:"at"`
}

// RetryPoint is the checkpoint just before the first failed record, with
// the counts at that point; a resume restarts there so failures are retried.
type RetryPoint struct {
	Checkpoint
	Counts Counts `json:"counts"`
}

// Timings of the run. Rate is records per second in the current session.
type Timings struct {
	StartedAt           time.Time  `json:"started_at"`
	SessionStartedAt    time.Time  `json:"session_started_at"`
	SessionStartRecords int        `json:"session_start_records"`
	LastCheckpointAt    time.Time  `json:"last_checkpoint_at"`
	EndedAt             *time.Time `json:"ended_at"`
	ElapsedSeconds      float64    `json:"elapsed_seconds"` // summed over sessions, up to the last checkpoint
	RecordsPerSecond    float64    `json:"records_per_second"`
}

// Session is one process's part of a run, as of its last checkpoint.
type Session struct {
	StartedAt    time.Time `json:"started_at"`
	StartRecords int       `json:"start_records"` // records done when it started (resumed from)
	Records      int       `json:"records"`       // records it wrote
	WallSeconds  float64   `json:"wall_seconds"`
	CPUSeconds   float64   `json:"cpu_seconds"`    // user + system CPU time of the process
	PeakRSSBytes int64     `json:"peak_rss_bytes"` // the process's peak resident set size (0 where unknown)
	Host         string    `json:"host"`
	PID          int       `json:"pid"`
}

// MergedShard names one shard output that `wtalign merge` combined.
type MergedShard struct {
	Shard    string `json:"shard"`
	Output   File   `json:"output"`
	Manifest string `json:"manifest"`
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Load reads and validates the manifest at path. A missing file gives an
// error wrapping fs.ErrNotExist; an untrustworthy one wraps ErrCorrupt.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the run's manifest, at the path the user named or beside the output
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("manifest: %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes and validates a manifest document.
func Parse(data []byte) (*Manifest, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty file (truncated write?)", ErrCorrupt)
	}
	var head map[string]json.RawMessage
	if err := json.Unmarshal(data, &head); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return nil, notManifest("a JSON %s, not an object", te.Value)
		case startsLikeManifest(data):
			return nil, fmt.Errorf("%w: not valid JSON (truncated or damaged): %v", ErrCorrupt, err)
		}
		return nil, notManifest("not a JSON document (it starts %q)", firstLine(data))
	}
	if head == nil {
		return nil, notManifest("JSON null, not an object")
	}
	raw, ok := head["schema_version"]
	if !ok {
		return nil, notManifest("a JSON object without schema_version")
	}
	var version int
	if err := json.Unmarshal(raw, &version); err != nil {
		if len(raw) > 0 && raw[0] == '"' {
			return nil, notManifest("its schema_version is the text %s, a manifest's is a number", raw)
		}
		return nil, fmt.Errorf("%w: schema_version %s is not a version number", ErrCorrupt, raw)
	}
	if version != SchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %d is not supported (this wtalign reads %d)", ErrCorrupt, version, SchemaVersion)
	}
	m := new(Manifest)
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

// startsLikeManifest reports whether data can be the start of a manifest:
// an object whose first key is schema_version with a number (as Save
// writes it), or a prefix of that. Invalid JSON that does is a damaged
// manifest; anything else is some other file.
func startsLikeManifest(data []byte) bool {
	rest := bytes.TrimLeft(data, " \t\r\n")
	if len(rest) == 0 || rest[0] != '{' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	const key = `"schema_version"`
	if len(rest) < len(key) {
		return strings.HasPrefix(key, string(rest))
	}
	if !bytes.HasPrefix(rest, []byte(key)) {
		return false
	}
	rest = bytes.TrimLeft(rest[len(key):], " \t\r\n")
	if len(rest) == 0 {
		return true
	}
	if rest[0] != ':' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	return len(rest) == 0 || rest[0] >= '0' && rest[0] <= '9' || rest[0] == '-'
}

// firstLine is the start of data's first line, for a message.
func firstLine(data []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) > 40 {
		return string(line[:40]) + "..."
	}
	return string(line)
}

func (m *Manifest) validate() error {
	if !m.Status.valid() {
		return fmt.Errorf("unknown status %q", m.Status)
	}
	if m.Output.Path == "" || m.Output.Format == "" {
		return errors.New("output path or format missing")
	}
	if err := m.Checkpoint.validate(); err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	if m.RetryFrom != nil {
		if err := m.RetryFrom.Checkpoint.validate(); err != nil {
			return fmt.Errorf("retry_from: %v", err)
		}
	}
	c := m.Counts
	if c.Done != m.Checkpoint.Records {
		return fmt.Errorf("counts.done %d differs from checkpoint.records %d", c.Done, m.Checkpoint.Records)
	}
	if c.Failed < 0 || c.Skipped < 0 || c.NoHit < 0 || c.Failed+c.Skipped+c.NoHit > c.Done || (c.Total != nil && *c.Total < c.Done) {
		return errors.New("inconsistent counts")
	}
	if len(m.Failures) != c.Failed {
		return fmt.Errorf("%d failures listed but counts.failed is %d", len(m.Failures), c.Failed)
	}
	for i, f := range append(m.Inputs, m.Reference) {
		if f.Path != "-" && !hexSHA256.MatchString(f.SHA256) {
			return fmt.Errorf("file %d (%s): bad sha256 %q", i+1, f.Path, f.SHA256)
		}
	}
	if !hexSHA256.MatchString(m.ConfigSHA256) {
		return fmt.Errorf("bad config_sha256 %q", m.ConfigSHA256)
	}
	return nil
}

func (c Checkpoint) validate() error {
	if c.Records < 0 || c.OutputBytes < 0 {
		return errors.New("negative records or output_bytes")
	}
	if !hexSHA256.MatchString(c.OutputSHA256) {
		return fmt.Errorf("bad output_sha256 %q", c.OutputSHA256)
	}
	return nil
}

// Save writes m to path atomically: a temporary file in the same directory
// is written and fsynced, renamed over path, and the directory is fsynced.
func (m *Manifest) Save(path string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: encoding: %w", err)
	}
	data = append(data, '\n')
	if err := WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

// WriteFileAtomic replaces path with data so that a crash leaves either the
// old or the new content. Errors name the file (e.g. a full disk). A path
// that is a device or a pipe (/dev/null, /dev/stdout, a named pipe) is
// written to as a stream: a rename would replace the device itself (as
// root, /dev/null would become a regular file).
func WriteFileAtomic(path string, data []byte) (err error) {
	if fi, serr := os.Stat(path); serr == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("writing %s: it is a directory", path)
		}
		return writeStream(path, data)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()      // #nosec G104 -- error path: the write error is the one returned; the temporary file is being discarded
			os.Remove(tmp) // #nosec G104 -- error path: best-effort removal of the temporary file; the write error is the one returned
		}
	}()
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes it private; a manifest is for everyone
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	Crashpoint("manifest-temp-written")
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming %s: %w", tmp, err)
	}
	Crashpoint("manifest-renamed")
	return SyncDir(dir)
}

// writeStream writes data to an existing device or pipe.
func writeStream(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0) // #nosec G304 -- the device or pipe the caller names; nothing is created
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close() // #nosec G104 -- error path: the write error is the one returned
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", path, err)
	}
	return nil
}
