package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// Checks, as named in Result.Checked and Skip.Check.
const (
	CheckManifest   = "manifest"   // counts, checksum, format, failures against the file
	CheckOrder      = "order"      // ordinals in input order, none missing or duplicated
	CheckSchema     = "schema"     // the record JSON Schema
	CheckScore      = "score"      // score rescored from the aligned strings
	CheckStatistics = "statistics" // length, identities, similarity, gaps, percentages, coordinates, coverage, markup, CIGAR
	CheckSequences  = "sequences"  // reference and query sha256, lengths and aligned letters against the FASTA
	CheckCalls      = "calls"      // calls, flags, status, not_covered, overhangs, sites re-derived with variant.Call
)

// Options configure Verify.
type Options struct {
	// References is the reference FASTA the outputs were made with. With
	// it the reference sequences are checked against the records' sha256
	// and the calls are re-derived; without it those checks are skipped
	// (and listed in Result.Skipped).
	References string
	// MaxFailures stops collecting failures after this many (0: 1000);
	// Result.Truncated says when more were found.
	MaxFailures int
	// Progress, when set, is called after each file and every 1000 records.
	Progress func(Progress)
}

// Progress reports how far Verify got.
type Progress struct {
	File      string // the file being checked
	FilesDone int
	Files     int
	Records   int // records checked so far, all files
}

// Failure is one stored value that differs from what it should be.
type Failure struct {
	File       string `json:"file"`
	Record     int    `json:"record,omitempty"` // 1-based record number in the file; 0: the file or its manifest
	Line       int    `json:"line,omitempty"`
	QueryID    string `json:"query_id,omitempty"`
	Ordinal    *int   `json:"ordinal,omitempty"`
	Check      string `json:"check"`
	Field      string `json:"field"`
	Stored     string `json:"stored"`
	Recomputed string `json:"recomputed"`
	Message    string `json:"message,omitempty"`
}

func (f Failure) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Record > 0 {
		fmt.Fprintf(&b, ": record %d", f.Record)
		if f.Line > 0 {
			fmt.Fprintf(&b, " (line %d", f.Line)
			if f.QueryID != "" {
				fmt.Fprintf(&b, ", query %s", f.QueryID)
			}
			b.WriteString(")")
		}
	}
	fmt.Fprintf(&b, ": %s", f.Field)
	if f.Stored != "" || f.Recomputed != "" {
		fmt.Fprintf(&b, ": stored %s, recomputed %s", f.Stored, f.Recomputed)
	}
	if f.Message != "" {
		fmt.Fprintf(&b, " (%s)", f.Message)
	}
	return b.String()
}

// Skip says that a check could not be made on some records, and why.
type Skip struct {
	File    string `json:"file"`
	Check   string `json:"check"`
	Records int    `json:"records"` // 0: the whole file
	Reason  string `json:"reason"`
}

// FileResult is what was checked in one output.
type FileResult struct {
	Path     string         `json:"path"`
	Manifest string         `json:"manifest,omitempty"`
	Format   string         `json:"format"`
	Records  int            `json:"records"`
	Checked  map[string]int `json:"checked"` // check -> records (or 1 for file-level checks) checked
}

// Result of Verify.
type Result struct {
	Files     []FileResult `json:"files"`
	Failures  []Failure    `json:"failures"`
	Skipped   []Skip       `json:"skipped"`
	Truncated bool         `json:"truncated"` // more failures than Options.MaxFailures
}

// OK reports whether every check that was made passed.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

// WriteText writes a readable account: one line per failure (at most max,
// 0 for all), the skipped checks, and a final verdict line.
func (r *Result) WriteText(w io.Writer, max int) error {
	var b strings.Builder
	for i, f := range r.Failures {
		if max > 0 && i == max {
			fmt.Fprintf(&b, "... and %d more failures\n", len(r.Failures)-max)
			break
		}
		b.WriteString("FAIL ")
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	for _, s := range r.Skipped {
		what := "all records"
		if s.Records > 0 {
			what = fmt.Sprintf("%d records", s.Records)
		}
		fmt.Fprintf(&b, "skipped %s check on %s of %s: %s\n", s.Check, what, s.File, s.Reason)
	}
	records := 0
	for _, f := range r.Files {
		records += f.Records
	}
	switch {
	case r.OK():
		fmt.Fprintf(&b, "ok: %d files, %d records verified\n", len(r.Files), records)
	default:
		more := ""
		if r.Truncated {
			more = " (stopped counting)"
		}
		fmt.Fprintf(&b, "FAILED: %d failures%s in %d files, %d records\n", len(r.Failures), more, len(r.Files), records)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("verify: writing the result: %w", err)
	}
	return nil
}

// Verify checks the outputs at paths (or their manifests). Problems with
// the content are Failures in the result; an output that cannot be read
// as a finished wtalign output (missing, unfinished, truncated, not a
// wtalign output) is a Failure too (check "file"), so every path is
// reported. The error is for a bad reference FASTA or a cancelled ctx.
func Verify(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("verify: no outputs given")
	}
	if opt.MaxFailures <= 0 {
		opt.MaxFailures = 1000
	}
	schema, err := compiled()
	if err != nil {
		return nil, err
	}
	v := &verifier{opt: opt, schema: schema, res: &Result{Failures: []Failure{}, Skipped: []Skip{}, Files: []FileResult{}},
		scorings: map[string]*scoringOrErr{}, files: len(paths)}
	if opt.References != "" {
		if v.refs, err = loadReferences(opt.References); err != nil {
			return nil, err
		}
	}
	// An output and its manifest name one output (out/*.json gives both):
	// each is verified once, in the order first named.
	var unique []string
	seen := map[string]bool{}
	for _, p := range paths {
		out := strings.TrimSuffix(p, ManifestSuffix)
		if !seen[out] {
			seen[out] = true
			unique = append(unique, p)
		}
	}
	paths = unique
	v.files = len(paths)
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return v.res, fmt.Errorf("verify: %w", err)
		}
		if err := v.file(ctx, p); err != nil {
			return v.res, err
		}
		v.progress(p, i+1, len(paths))
	}
	return v.res, nil
}

type verifier struct {
	opt      Options
	schema   *jsonschema.Schema
	refs     map[string][]byte // reference ID -> sequence
	res      *Result
	scorings map[string]*scoringOrErr
	records  int
	files    int // paths given
	// per file
	fr      *FileResult
	out     *Output
	skips   map[[2]string]int // {check, reason} -> records
	queries *querySource
}

func (v *verifier) progress(file string, done, total int) {
	if v.opt.Progress != nil {
		v.opt.Progress(Progress{File: file, FilesDone: done, Files: total, Records: v.records})
	}
}

func (v *verifier) fail(f Failure) {
	if len(v.res.Failures) >= v.opt.MaxFailures {
		v.res.Truncated = true
		return
	}
	if f.File == "" {
		f.File = v.fr.Path
	}
	v.res.Failures = append(v.res.Failures, f)
}

func (v *verifier) skip(check, reason string, records int) {
	v.skips[[2]string{check, reason}] += records
}

// file verifies one output.
func (v *verifier) file(ctx context.Context, path string) error {
	o, err := Open(path)
	v.fr = &FileResult{Path: path, Checked: map[string]int{}}
	v.skips = map[[2]string]int{}
	defer func() {
		v.res.Files = append(v.res.Files, *v.fr)
		keys := make([][2]string, 0, len(v.skips))
		for k := range v.skips {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i][0] != keys[j][0] {
				return keys[i][0] < keys[j][0]
			}
			return keys[i][1] < keys[j][1]
		})
		for _, k := range keys {
			v.res.Skipped = append(v.res.Skipped, Skip{File: v.fr.Path, Check: k[0], Reason: k[1], Records: v.skips[k]})
		}
	}()
	if err != nil {
		v.inputFailure(path, err)
		return nil
	}
	v.out = o
	v.fr.Path, v.fr.Format, v.fr.Manifest = o.Path, string(o.Format), o.ManifestPath
	v.queries = newQuerySource(o)

	st := &fileState{}
	if o.Manifest != nil {
		st.step, st.first = shardLayout(o.Manifest.Shard)
	}
	err = o.Records(func(r *Rec) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		v.records++
		if v.records%1000 == 0 {
			v.progress(path, len(v.res.Files), v.files)
		}
		v.record(st, r)
		return nil
	})
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		v.inputFailure(path, err)
	case err != nil:
		return fmt.Errorf("verify: %w", err)
	}
	v.fr.Records = st.n
	v.manifest(st, ie != nil)
	if v.refs == nil && (o.Format != output.TSV) && st.aligned > 0 {
		v.skip(CheckCalls, "no reference FASTA given (-r): the record holds only the reference's sha256, not its sequence", 0)
		v.skip(CheckSequences, "no reference FASTA given (-r)", 0)
	}
	if o.Format == output.TSV && st.n > 0 {
		v.skip(CheckSchema, "tsv output: no JSON records", 0)
		v.skip(CheckScore, "tsv output carries no aligned strings", 0)
		v.skip(CheckStatistics, "tsv output carries no aligned strings", 0)
		v.skip(CheckCalls, "tsv output carries no aligned strings", 0)
	}
	return nil
}

func (v *verifier) inputFailure(path string, err error) {
	f := Failure{File: path, Check: "file", Field: "file", Message: err.Error()}
	var ie *InputError
	if errors.As(err, &ie) {
		f.Record, f.Line, f.Message = ie.Record, ie.Line, ie.Error()
	}
	v.fail(f)
}

// fileState accumulates what the manifest is checked against.
type fileState struct {
	n            int // records
	aligned      int
	step, first  int // expected ordinal of record i: first + i*step (step 0: infer)
	prevOrdinal  int
	seen         map[int]int // ordinal -> record number (duplicates)
	failed       map[int]string
	skipped      int
	noHit        int
	fallbackUsed int
}

// shardLayout gives the ordinal step and first ordinal of shard "K/N".
func shardLayout(shard string) (step, first int) {
	if shard == "" {
		return 1, 0
	}
	a, b, _ := strings.Cut(shard, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0
	}
	return n, k - 1
}

// record checks one record.
func (v *verifier) record(st *fileState, r *Rec) {
	st.n++
	base := Failure{Record: r.N, Line: r.Line}
	if v.out.Format == output.TSV {
		v.tsvRecord(st, r, base)
		return
	}
	v.fr.Checked[CheckSchema]++
	if field, msg, bad := schemaProblem(v.schema, r.Data); bad {
		f := base
		f.Check, f.Field, f.Message = CheckSchema, field, "does not match the record schema: "+msg
		f.QueryID = quickID(r.Data)
		v.fail(f)
	}
	var rec report.Record
	if err := json.Unmarshal(r.Data, &rec); err != nil {
		f := base
		f.Check, f.Field, f.Message = CheckSchema, "record", "cannot be decoded as a wtalign record: "+err.Error()
		v.fail(f)
		return
	}
	ord := rec.Query.Ordinal
	base.QueryID, base.Ordinal = rec.Query.ID, &ord
	if want := v.out.SchemaVersion; want != "" && rec.SchemaVersion != want {
		f := base
		f.Check, f.Field, f.Stored, f.Recomputed = CheckSchema, "schema_version", rec.SchemaVersion, want
		f.Message = "differs from the json document's schema_version"
		v.fail(f)
	}
	v.order(st, ord, base)
	v.count(st, ord, rec.Status, rec.Error, rec.Engine.FallbackUsed)
	if rec.Alignment != nil && rec.Reference != nil {
		st.aligned++
		v.alignment(&rec, base)
	}
}

func quickID(data []byte) string {
	var h struct {
		Query struct {
			ID string `json:"id"`
		} `json:"query"`
	}
	_ = json.Unmarshal(data, &h)
	return h.Query.ID
}

// count tallies what the manifest's counts describe. Status error and
// empty are failed records (the pipeline lists both as failures).
func (v *verifier) count(st *fileState, ord int, status, reason string, fallback bool) {
	if st.failed == nil {
		st.failed = map[int]string{}
	}
	switch status {
	case "error", "empty":
		st.failed[ord] = reason
	case "skipped":
		st.skipped++
	case "no_hit":
		st.noHit++
	}
	if fallback {
		st.fallbackUsed++
	}
}

// order checks that ordinals follow the run's layout: 0,1,2,... for a
// plain or merged output, K-1, K-1+N, ... for shard K/N. Without a
// manifest the step is taken from the first two records.
func (v *verifier) order(st *fileState, ord int, base Failure) {
	v.fr.Checked[CheckOrder]++
	if st.seen == nil {
		st.seen = map[int]int{}
	}
	defer func() { st.seen[ord] = base.Record; st.prevOrdinal = ord }()
	f := base
	f.Check, f.Field = CheckOrder, "query.ordinal"
	if first, dup := st.seen[ord]; dup {
		f.Stored, f.Recomputed = strconv.Itoa(ord), "a new ordinal"
		f.Message = fmt.Sprintf("duplicated record: ordinal %d is also record %d", ord, first)
		v.fail(f)
		return
	}
	if base.Record == 1 {
		if st.step == 0 && v.out.Manifest == nil { // no manifest: infer on the second record
			st.first = ord
			return
		}
		if st.step == 0 {
			st.step, st.first = 1, 0
		}
		if ord != st.first {
			f.Stored, f.Recomputed = strconv.Itoa(ord), strconv.Itoa(st.first)
			f.Message = missingMsg(st.first, ord, st.step)
			v.fail(f)
		}
		return
	}
	if st.step == 0 {
		st.step = ord - st.prevOrdinal
		if st.step <= 0 {
			st.step = 1
		}
	}
	want := st.prevOrdinal + st.step
	switch {
	case ord == want:
	case ord > want && (ord-want)%st.step == 0:
		f.Stored, f.Recomputed = strconv.Itoa(ord), strconv.Itoa(want)
		f.Message = missingMsg(want, ord, st.step)
		v.fail(f)
	default:
		f.Stored, f.Recomputed = strconv.Itoa(ord), strconv.Itoa(want)
		f.Message = "out of input order"
		v.fail(f)
	}
}

func missingMsg(want, got, step int) string {
	n := (got - want) / step
	if n == 1 {
		return fmt.Sprintf("record with ordinal %d is missing", want)
	}
	return fmt.Sprintf("%d records missing (ordinals %d to %d)", n, want, got-step)
}

// tsvRecord checks what a tsv record holds: order and counts.
func (v *verifier) tsvRecord(st *fileState, r *Rec, base Failure) {
	row := r.Rows[0]
	col := func(name string) string {
		for i, c := range output.TSVColumns {
			if c == name {
				return row[i]
			}
		}
		return ""
	}
	ord := r.Ordinal
	base.QueryID, base.Ordinal = col("query_id"), &ord
	v.order(st, ord, base)
	v.count(st, ord, col("status"), col("error"), col("fallback_used") == "true")
}

// manifest checks the manifest against the file and the records read.
func (v *verifier) manifest(st *fileState, unreadable bool) {
	o := v.out
	mf := func(field, stored, recomputed, msg string) {
		v.fail(Failure{Check: CheckManifest, Field: field, Stored: stored, Recomputed: recomputed, Message: msg})
	}
	if o.ManifestErr != nil {
		mf("manifest", "", "", o.ManifestErr.Error())
		return
	}
	m := o.Manifest
	if m == nil {
		v.skip(CheckManifest, "no manifest "+o.Path+ManifestSuffix, 0)
		return
	}
	v.fr.Checked[CheckManifest] = 1
	if m.Output.Format != string(o.Format) {
		mf("manifest.output.format", m.Output.Format, string(o.Format), "the file's layout")
	}
	size, sum, err := hashFile(o.Path)
	if err != nil {
		mf("manifest.checkpoint.output_sha256", m.Checkpoint.OutputSHA256, "", err.Error())
	} else {
		if size != m.Checkpoint.OutputBytes {
			mf("manifest.checkpoint.output_bytes", strconv.FormatInt(m.Checkpoint.OutputBytes, 10), strconv.FormatInt(size, 10), "the file's size")
		}
		if sum != m.Checkpoint.OutputSHA256 {
			mf("manifest.checkpoint.output_sha256", m.Checkpoint.OutputSHA256, sum, "the file's sha256: the output changed after the run")
		}
	}
	if unreadable {
		return // the counts cannot be compared with a file that was not read to its end
	}
	c := m.Counts
	num := strconv.Itoa
	if c.Done != st.n {
		mf("manifest.counts.done", num(c.Done), num(st.n), "records in the file")
	}
	if c.Total != nil && *c.Total != c.Done {
		mf("manifest.counts.total", num(*c.Total), num(c.Done), "a finished run writes every record")
	}
	if c.Failed != len(st.failed) {
		mf("manifest.counts.failed", num(c.Failed), num(len(st.failed)), "records with status error or empty")
	}
	if c.Skipped != st.skipped {
		mf("manifest.counts.skipped", num(c.Skipped), num(st.skipped), "records with status skipped")
	}
	if c.NoHit != st.noHit {
		mf("manifest.counts.no_hit", num(c.NoHit), num(st.noHit), "records with status no_hit")
	}
	if c.FallbackUsed != st.fallbackUsed {
		mf("manifest.counts.fallback_used", num(c.FallbackUsed), num(st.fallbackUsed), "records with engine.fallback_used")
	}
	listed := map[int]bool{}
	for _, f := range m.Failures {
		listed[f.Ordinal] = true
		if _, ok := st.failed[f.Ordinal]; !ok {
			mf(fmt.Sprintf("manifest.failures[ordinal %d]", f.Ordinal), f.ID, "", "listed as failed, but no failed record has this ordinal")
		}
	}
	var unlisted []int
	for o := range st.failed {
		if !listed[o] {
			unlisted = append(unlisted, o)
		}
	}
	sort.Ints(unlisted)
	for _, o := range unlisted {
		mf("manifest.failures", "", fmt.Sprintf("ordinal %d", o), "a failed record the manifest does not list")
	}
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path) // #nosec G304 -- a file the manifest under verification names, hashed to compare with it
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
