package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/gencode"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// Env is what a run needs from its caller besides the Spec.
type Env struct {
	Stdout      io.Writer      // where Out "-" writes (default os.Stdout)
	Progress    func(Progress) // after each work unit, on the calling goroutine; may be nil
	Notify      func(Note)     // things worth telling the user; may be nil
	ToolVersion string
	ToolCommit  string
	CommandLine []string
	// Protected are further files the run reads (a config file): no output,
	// manifest or lock path may be one of them.
	Protected []string
	// InputNames, when set, are the names records show as input_file for
	// input paths (the service runs uploads from its job directories).
	InputNames map[string]string
	// StrictWater fails a record when water's printed Length, Identity,
	// Similarity or Gaps differ from those of its aligned strings (which
	// the record reports): wtalign compare checks water itself this way.
	StrictWater bool
}

func (e *Env) notify(warn bool, msg string, kv ...any) {
	if e.Notify == nil {
		return
	}
	n := Note{Warn: warn, Msg: msg}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Attrs = append(n.Attrs, Attr{Key: kv[i].(string), Value: kv[i+1]})
	}
	e.Notify(n)
}

// Note is a message for the user from inside a run (the library does not
// log; the caller decides how to show it).
type Note struct {
	Warn  bool
	Msg   string
	Attrs []Attr
}

// Attr is one key/value of a Note.
type Attr struct {
	Key   string
	Value any
}

// Progress is reported after each work unit.
type Progress struct {
	Done  int   // records of this run written so far, resumed ones included
	Total int   // records the run will write; -1 when unknown (stdin)
	Cells int64 // dynamic-programming cells aligned in this session so far
}

// ErrInterrupted is returned when the context was cancelled during a run
// with a manifest: the checkpoint is written and the same Spec resumes.
var ErrInterrupted = errors.New("interrupted; checkpoint written, rerun the same command to resume")

// RecordsFailedError says the run finished but N records failed; each is
// in the output with its reason and listed in the manifest.
type RecordsFailedError struct{ N int }

func (e *RecordsFailedError) Error() string {
	return fmt.Sprintf("%d record(s) failed; see the output and manifest for reasons", e.N)
}

// Outcome describes a run Execute ended: finished, or interrupted or
// failed after its output was opened. Then Counts are the records written
// so far (to the partial output, which a resume continues) and Records is
// 0: no output is in place.
type Outcome struct {
	Out, Manifest string
	Format        string
	Records       int // records in the output, resumed ones included
	Resumed       int // records taken from an earlier session's checkpoint
	Counts        manifest.Counts
	Engine        report.Engine
	Kernel        string // the native SIMD kernel, "" for water
	References    int
	Elapsed       time.Duration // this session
	Cells         int64         // dynamic-programming cells aligned in this session
	// AlreadyComplete says the same run had finished before and its output
	// is intact: nothing was done.
	AlreadyComplete bool
}

// DefaultThreads is the CLI's default worker count: $WTALIGN_THREADS when
// it is a positive number, else GOMAXPROCS (which honours container CPU
// quotas, unlike NumCPU).
func DefaultThreads() int {
	if v := os.Getenv("WTALIGN_THREADS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return runtime.GOMAXPROCS(0)
}

// Execute runs spec to the end: validates it, refuses paths that would
// overwrite what it reads, prepares references and engine, opens (or
// resumes) the checkpointed output and aligns every record. Errors:
// a *FieldError (ErrSpec) for an unusable spec, ErrInterrupted after a
// cancellation with the checkpoint written, *RecordsFailedError when the
// run finished with failed records, anything else for bad input files and
// I/O failures.
func Execute(ctx context.Context, spec Spec, env Env) (*Outcome, error) {
	plan, err := Prepare(ctx, spec, env)
	if err != nil {
		return nil, err
	}
	return plan.Execute(ctx)
}

// Execute writes the plan's output; see the package function Execute.
func (p *Plan) Execute(ctx context.Context) (*Outcome, error) {
	s, env := &p.Spec, &p.env
	stdout := env.Stdout
	if stdout == nil {
		stdout = os.Stdout
	}
	out := s.Out
	if out != "-" && isStream(out) {
		f, err := os.OpenFile(out, os.O_WRONLY, 0) // #nosec G304 -- the -o device or pipe the user named (isStream), opened for writing without creating anything
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		defer f.Close()
		stdout, out = f, "-"
	}
	w, err := output.Open(output.Options{
		Out: out, Stdout: stdout, Manifest: s.Manifest, Format: output.Format(s.Format),
		Resume: s.Resume, Force: s.Force,
		CheckpointEvery: s.CheckpointEvery, CheckpointInterval: time.Duration(s.CheckpointInterval),
		CommandLine: env.CommandLine, ToolVersion: env.ToolVersion, ToolCommit: env.ToolCommit,
		Identity: output.Identity{
			Inputs: s.Inputs, Reference: s.Reference, MapFile: s.Map, Config: p.identityConfig(),
			Engine: p.Job.EngineInfo.Name, EngineVersion: p.Job.EngineInfo.Version, Shard: s.Shard,
		},
	})
	res := &Outcome{Out: s.Out, Format: s.Format, Engine: p.Job.EngineInfo, Kernel: p.kernel, References: len(p.Refs)}
	if errors.Is(err, output.ErrComplete) {
		res.AlreadyComplete = true
		if m, lerr := manifest.Load(p.manifestPath()); lerr == nil {
			res.Counts, res.Manifest, res.Records = m.Counts, p.manifestPath(), m.Counts.Done
		}
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	if out != "-" {
		res.Manifest = w.ManifestPath()
	}
	done := w.Done()
	total := -1
	if p.Prescan.Records >= 0 {
		total = shardSize(p.Prescan.Records, p.Job.Shard, p.Job.Shards)
		w.SetTotal(total)
	}
	if done > 0 {
		env.notify(false, "resuming from checkpoint", "records_done", done)
	}
	p.Job.Skip = done
	start := time.Now()
	st, runErr := Run(ctx, p.Job, func(r Result) error {
		return w.WriteEncoded(r.Ordinal, r.Record, r.Encoded, output.Outcome{
			Failed: r.Failed, Reason: r.Reason, NoHit: r.NoHit, Skipped: r.Skipped, FallbackUsed: r.FallbackUsed,
		})
	}, func(st Stats) {
		if env.Progress != nil {
			env.Progress(Progress{Done: done + st.Emitted, Total: total, Cells: st.Cells})
		}
	})
	res.Elapsed = time.Since(start)
	res.Resumed = done
	res.Cells = st.Cells
	switch {
	case runErr != nil && ctx.Err() != nil && errors.Is(runErr, context.Canceled):
		if out == "-" {
			return res, fmt.Errorf("interrupted while writing to stdout: %w", ctx.Err())
		}
		err := w.Interrupt()
		res.Counts = w.Counts()
		if err != nil {
			return res, fmt.Errorf("writing checkpoint after interrupt: %w", err)
		}
		return res, ErrInterrupted
	case runErr != nil:
		err := w.Abort(runErr)
		res.Counts = w.Counts()
		if err != nil {
			return res, fmt.Errorf("%w (and recording the failure in the manifest failed: %v)", runErr, err)
		}
		return res, runErr
	}
	w.SetTotal(done + st.Emitted)
	if err := w.Finish(); err != nil {
		return res, err
	}
	res.Counts = w.Counts()
	res.Records = done + st.Emitted
	if res.Counts.Failed > 0 {
		return res, &RecordsFailedError{N: res.Counts.Failed}
	}
	return res, nil
}

// Plan is a Spec made ready to run: files read and checked, references
// prepared, assignment decided, engine chosen. Prepare makes it; Execute
// writes the checkpointed output, Records streams records to a function.
type Plan struct {
	Spec    Spec
	Job     *Job
	Refs    []*Ref
	Matrix  *aligner.Matrix
	Prescan *Prescan
	env     Env
	kernel  string
	water   *emboss.Water
	cats    *catalogs
}

// Water is the EMBOSS water the plan runs (nil for the native engine).
func (p *Plan) Water() *emboss.Water { return p.water }

// checked is spec with its --infile-list read, validated, and with every
// path it writes checked against the files it reads.
func checked(spec Spec, env Env) (Spec, error) {
	s := spec
	if s.InfileList != "" {
		more, err := readInfileList(s.InfileList)
		if err != nil {
			return s, err
		}
		s.Inputs = append(append([]string{}, s.Inputs...), more...)
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	if err := s.checkPaths(env.Protected); err != nil {
		return s, err
	}
	return s, nil
}

// MetricsWritable reports whether spec's metrics file may be written after
// Prepare failed: spec validates and none of the paths it writes is a file
// the run reads (so a failure before any work can still be reported to the
// monitoring without risking a user's file).
func MetricsWritable(spec Spec, env Env) bool {
	if spec.MetricsFile == "" {
		return false
	}
	_, err := checked(spec, env)
	return err == nil
}

// Prepare validates spec and does everything a run needs before its first
// record: refuses output paths that are inputs, loads the matrix,
// references, map and sites, pre-reads the query headers (so missing gene
// keys are refused before any output) and chooses the engine.
func Prepare(ctx context.Context, spec Spec, env Env) (*Plan, error) {
	s, err := checked(spec, env)
	if err != nil {
		return nil, err
	}
	m, err := aligner.LoadMatrix(s.Matrix)
	if err != nil {
		return nil, &FieldError{Key: "matrix", Value: strconv.Quote(s.Matrix), Msg: strings.TrimPrefix(err.Error(), "aligner: ")}
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: s.GapOpen, GapExtend: s.GapExtend})
	if err != nil {
		return nil, &FieldError{Key: "gapopen", Value: fmt.Sprintf("%g/%g", s.GapOpen, s.GapExtend), Msg: strings.TrimPrefix(err.Error(), "aligner: ")}
	}
	keyRe, _ := s.keyRegex() // validated
	var code *gencode.Code
	if s.InputType == InputCDS {
		code, _ = gencode.Lookup(s.GeneticCode) // validated
	}
	refs, err := LoadReferences(s.Reference, sc, nil, code) // --key-regex is for query headers
	if err != nil {
		return nil, err
	}
	mode := s.Assign
	if mode == AssignAuto {
		if mode, err = PeekMode(s.Inputs, keyRe); err != nil {
			return nil, err
		}
	}
	asg, err := NewAssigner(mode, refs, keyRe, s.Map)
	if err != nil {
		return nil, err
	}
	cats, err := s.loadCatalogs(refs)
	if err != nil {
		return nil, err
	}
	if cats != nil {
		cats.notes(&env)
	}
	pre, err := asg.Prescan(s.Inputs)
	if err != nil {
		return nil, err
	}
	if len(pre.Missing) > 0 && !s.SkipUnassigned {
		return nil, missingError(pre, mode, s.Reference)
	}
	p := &Plan{Spec: s, Refs: refs, Matrix: m, Prescan: pre, env: env, cats: cats}
	eng, info, batch, err := p.chooseEngine(ctx)
	if err != nil {
		return nil, err
	}
	info.Matrix, info.GapOpen, info.GapExtend = m.Name, s.GapOpen, s.GapExtend
	if info.Name == EngineNative {
		p.kernel = aligner.Kernel()
	}
	k, n, _ := ParseShard(s.Shard)
	format := output.Format(s.Format)
	p.Job = &Job{
		Inputs: s.Inputs, Assigner: asg, Engine: eng, EngineInfo: info, Scoring: sc,
		Thresholds: Thresholds{MinIdentity: s.MinIdentity, MinRefCoverage: s.MinRefCoverage, MinScore: s.MinScore,
			SameGeneIdentity: s.SameGeneIdentity},
		SkipUnassigned: s.SkipUnassigned, AllowNucleotide: s.AllowNucleotide, CompleteProteins: s.CompleteProteins,
		MaxLength: s.MaxLength,
		Encode: func(dst []byte, r *report.Record) ([]byte, error) {
			return output.AppendEncoded(dst, format, r, env.ToolVersion)
		},
		Threads: s.Threads, BatchSize: batch, Shard: k, Shards: n, Copies: pre.Copies, InputNames: env.InputNames,
	}
	if cats != nil {
		p.Job.Catalog = cats.index
	}
	p.Job.Code = code
	return p, nil
}

// Records runs the plan without an output file, giving every result to
// emit in input order (wtalign compare; tests).
func (p *Plan) Records(ctx context.Context, emit func(Result) error) (Stats, error) {
	return Run(ctx, p.Job, emit, nil)
}

// Mode is the assignment mode the run uses (auto resolved).
func (p *Plan) Mode() string { return p.Job.Assigner.Mode }

// Kernel is the native SIMD kernel the run uses ("" for water).
func (p *Plan) Kernel() string { return p.kernel }

func (p *Plan) manifestPath() string {
	if p.Spec.Manifest != "" {
		return p.Spec.Manifest
	}
	return p.Spec.Out + ".manifest.json"
}

func missingError(pre *Prescan, mode, reference string) error {
	what := "gene keys"
	if mode == AssignMap {
		what = "query IDs missing from the map"
	}
	var b strings.Builder
	for i, k := range pre.Missing {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 10 {
			fmt.Fprintf(&b, "... (%d more)", len(pre.Missing)-10)
			break
		}
		b.WriteString(k.String())
	}
	return fmt.Errorf("no reference for %d %s: %s (add the wild types to %s, or use --skip-unassigned or --assign best)",
		len(pre.Missing), what, b.String(), reference)
}

// chooseEngine resolves --engine: native, water (must be installed) or
// auto (water when it is found, native otherwise; a Note says which).
func (p *Plan) chooseEngine(ctx context.Context) (aligner.Engine, report.Engine, int, error) {
	s, env := &p.Spec, &p.env
	native := report.Engine{Name: EngineNative, Version: env.ToolVersion}
	if s.Engine == EngineNative {
		return aligner.NewNative(), native, 0, nil
	}
	w, err := emboss.DetectContext(ctx, s.WaterPath)
	if err != nil {
		if s.Engine == EngineAuto {
			env.notify(false, "--engine auto: EMBOSS water not available, using the native engine", "engine", "native", "reason", err.Error())
			return aligner.NewNative(), native, 0, nil
		}
		return nil, report.Engine{}, 0, fmt.Errorf("--engine water: %w (install EMBOSS: scripts/install-emboss.sh, or use --engine native)", err)
	}
	opts := emboss.Options{Timeout: time.Duration(s.WaterTimeout), Jobs: 1, Format: emboss.Format(s.WaterFormat)}
	if s.Fallback == EngineNative {
		opts.Fallback = aligner.NewNative()
	}
	if s.Engine == EngineAuto {
		env.notify(false, "--engine auto: using EMBOSS water", "engine", "water", "path", w.Path, "version", w.Version, "found_via", w.Source)
	}
	p.water = w
	e := &emboss.Engine{Water: w, Opts: opts, CheckStats: env.StrictWater, OnFallback: func(err error, n int) {
		env.notify(true, "water batch failed; aligned it with the native engine (fallback_used)", "queries", n, "error", err.Error())
	}}
	return e, report.Engine{Name: EngineWater, Version: w.Version}, waterBatch, nil
}

// waterBatch is the work unit of water runs: queries per water process
// and reference, large enough to amortise process start-up.
const waterBatch = 64

// identityConfig is what identifies a run's results: everything that can
// change an output byte. Threads, logging and checkpoint cadence are not in it.
func (p *Plan) identityConfig() any {
	s := &p.Spec
	cfg := struct {
		Matrix           string   `json:"matrix"`
		GapOpen          float64  `json:"gap_open"`
		GapExtend        float64  `json:"gap_extend"`
		Assign           string   `json:"assign"`
		KeyRegex         string   `json:"key_regex"`
		SkipUnassigned   bool     `json:"skip_unassigned"`
		MinIdentity      float64  `json:"min_identity"`
		MinRefCoverage   float64  `json:"min_ref_coverage"`
		MinScore         float64  `json:"min_score"`
		SameGeneIdentity float64  `json:"same_gene_identity"`
		Format           string   `json:"format"`
		Engine           string   `json:"engine"`
		AllowNucleotide  bool     `json:"allow_nucleotide"`
		CompleteProteins bool     `json:"complete_proteins"`
		MaxLength        int      `json:"max_length"`
		InputType        string   `json:"input_type"`
		GeneticCode      int      `json:"genetic_code,omitempty"`
		Catalogs         []string `json:"catalogs,omitempty"` // label and content sha256 of each (--sites included)
	}{
		Matrix: p.Matrix.Name, GapOpen: s.GapOpen, GapExtend: s.GapExtend, Assign: p.Mode(), KeyRegex: s.KeyRegex,
		SkipUnassigned: s.SkipUnassigned, MinIdentity: s.MinIdentity, MinRefCoverage: s.MinRefCoverage,
		MinScore: s.MinScore, SameGeneIdentity: s.SameGeneIdentity, Format: s.Format, Engine: p.Job.Engine.Name(), AllowNucleotide: s.AllowNucleotide,
		CompleteProteins: s.CompleteProteins, MaxLength: s.MaxLength, InputType: s.InputType, Catalogs: p.catDigest(),
	}
	if s.InputType == InputCDS {
		cfg.GeneticCode = s.GeneticCode
	}
	return cfg
}

func (p *Plan) catDigest() []string {
	if p.cats == nil {
		return nil
	}
	return p.cats.digest
}

// Catalogs are the loaded catalogs (nil without --catalog or --sites).
func (p *Plan) Catalogs() []*catalog.Catalog {
	if p.cats == nil {
		return nil
	}
	return p.cats.cats
}

// CatalogIndex is the catalogs resolved against the references.
func (p *Plan) CatalogIndex() *catalog.Index {
	if p.cats == nil {
		return nil
	}
	return p.cats.index
}

// shardSize is how many of total records shard k of n holds.
func shardSize(total, k, n int) int {
	if n <= 1 {
		return total
	}
	if total < k {
		return 0
	}
	return (total-k)/n + 1
}
