package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/manifest"
)

// Outcome is how a run ended.
type Outcome string

const (
	Success       Outcome = "success"        // every record done, none failed (exit 0)
	FailedRecords Outcome = "failed_records" // output complete, some records failed (exit 3)
	Failed        Outcome = "failed"         // an error stopped the run (exit 1 or 2)
	Interrupted   Outcome = "interrupted"    // SIGINT/SIGTERM: checkpoint written (exit 130/143)
)

var outcomes = []Outcome{Success, FailedRecords, Failed, Interrupted}

// Finished reports whether the run's output is complete.
func (o Outcome) Finished() bool { return o == Success || o == FailedRecords }

// Run holds the totals of one run of `wtalign align` (one session: a resumed
// run is a new session that takes over the earlier sessions' records).
type Run struct {
	Accession string // label; may be empty
	Output    string // label: the output path as given

	Outcome  Outcome
	ExitCode int

	// Records counts the records in the output by status ("wildtype",
	// "mutant", "no_hit", "error", ...), those of earlier sessions included.
	Records map[string]int64
	// FailedRecords of all sessions (exit code 3 when > 0 and finished).
	FailedRecords int64
	// ResumedRecords were taken over from a checkpoint, not aligned again.
	ResumedRecords int64
	// AlignedCells this session computed: the sum of query length x
	// reference length over the pairs it aligned.
	AlignedCells int64

	Start, End time.Time // of this session
}

func (r *Run) validate() error {
	ok := false
	for _, o := range outcomes {
		ok = ok || r.Outcome == o
	}
	switch {
	case !ok:
		return fmt.Errorf("outcome %q is not one of success, failed_records, failed, interrupted", r.Outcome)
	case r.Start.IsZero() || r.End.IsZero():
		return errors.New("start and end time must be set")
	case r.End.Before(r.Start):
		return fmt.Errorf("end %s before start %s", r.End.Format(time.RFC3339), r.Start.Format(time.RFC3339))
	case r.FailedRecords < 0 || r.ResumedRecords < 0 || r.AlignedCells < 0:
		return errors.New("negative count")
	}
	for s, n := range r.Records {
		if s == "" || n < 0 {
			return fmt.Errorf("records[%q] = %d: status must be named and the count not negative", s, n)
		}
	}
	return nil
}

// CheckPath reports whether a metrics file can be written at path: its
// directory must exist and be writable. Call it before any work starts, so
// a typo fails at once and not after hours of alignment.
func CheckPath(path string) error {
	if !strings.HasSuffix(path, ".prom") {
		return fmt.Errorf("metrics: %s: the name must end in .prom (node_exporter's textfile collector reads only those)", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("metrics: directory of %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("metrics: %s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("metrics: cannot write in %s: %w", dir, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		return fmt.Errorf("metrics: cannot write in %s: %w", dir, err)
	}
	return os.Remove(name)
}

// WriteFile replaces the file at path with the metrics of r, atomically (a
// temporary file in the same directory, fsync, rename, fsync of the
// directory), so node_exporter never reads half a file. When r did not
// finish, wtalign_last_success_timestamp_seconds keeps the value the file
// had for the same labels, so "no success for 24 h" can be alerted on.
func WriteFile(path string, r Run) error {
	last := math.NaN()
	if r.Outcome.Finished() {
		last = unixSeconds(r.End)
	} else if old, err := os.ReadFile(path); err == nil { // #nosec G304 -- the metrics file the user named
		last = previousLastSuccess(old, r)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("metrics: %w", err)
	}
	var buf bytes.Buffer
	if err := encode(&buf, r, last); err != nil {
		return err
	}
	if err := manifest.WriteFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Encode writes the metrics of r in the Prometheus text exposition format.
// wtalign_last_success_timestamp_seconds is written only when r finished.
func Encode(w io.Writer, r Run) error {
	last := math.NaN()
	if r.Outcome.Finished() {
		last = unixSeconds(r.End)
	}
	var buf bytes.Buffer
	if err := encode(&buf, r, last); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// encode writes r; lastSuccess is NaN when there is none to write. A
// bytes.Buffer cannot fail, so only validation can.
func encode(b *bytes.Buffer, r Run, lastSuccess float64) error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	base := []string{r.Accession, r.Output}
	secs := r.End.Sub(r.Start).Seconds()
	var total int64
	for _, n := range r.Records {
		total += n
	}
	processed := max(total-r.ResumedRecords, 0)

	write := func(d Desc, samples ...sample) {
		fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", d.Name, escapeHelp(d.Help), d.Name, d.Type)
		for _, s := range samples {
			b.WriteString(d.Name)
			writeLabels(b, d.Labels, s.labels)
			b.WriteByte(' ')
			b.WriteString(formatValue(s.value))
			b.WriteByte('\n')
		}
	}
	one := func(v float64) sample { return sample{base, v} }

	statuses := make([]string, 0, len(r.Records))
	for s := range r.Records {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	var byStatus []sample
	for _, s := range statuses {
		byStatus = append(byStatus, sample{append(base[:2:2], s), float64(r.Records[s])})
	}
	write(RunRecords, byStatus...)
	write(RunFailedRecords, one(float64(r.FailedRecords)))
	write(RunResumedRecords, one(float64(r.ResumedRecords)))
	write(RunAlignedCells, one(float64(r.AlignedCells)))
	write(RunDuration, one(secs))
	write(RunRecordsPerSecond, one(rate(float64(processed), secs)))
	write(RunCellsPerSecond, one(rate(float64(r.AlignedCells), secs)))
	var oc []sample
	for _, o := range outcomes {
		v := 0.0
		if o == r.Outcome {
			v = 1
		}
		oc = append(oc, sample{append(base[:2:2], string(o)), v})
	}
	write(RunOutcome, oc...)
	write(RunExitCode, one(float64(r.ExitCode)))
	write(RunEnd, one(unixSeconds(r.End)))
	if !math.IsNaN(lastSuccess) {
		write(LastSuccess, one(lastSuccess))
	}
	return nil
}

type sample struct {
	labels []string // values, in the order of Desc.Labels
	value  float64
}

func rate(n, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return n / secs
}

// unixSeconds keeps milliseconds, as Prometheus' own timestamps do.
func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func formatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func writeLabels(w *bytes.Buffer, names, values []string) {
	w.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(n)
		w.WriteString(`="`)
		w.WriteString(escapeLabel(values[i]))
		w.WriteByte('"')
	}
	w.WriteByte('}')
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

// previousLastSuccess finds the last-success sample for r's labels in an
// earlier file's content; NaN when there is none.
func previousLastSuccess(old []byte, r Run) float64 {
	var b bytes.Buffer
	b.WriteString(LastSuccess.Name)
	writeLabels(&b, LastSuccess.Labels, []string{r.Accession, r.Output})
	b.WriteByte(' ')
	prefix := b.String()
	for line := range strings.SplitSeq(string(old), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return f
			}
		}
	}
	return math.NaN()
}
