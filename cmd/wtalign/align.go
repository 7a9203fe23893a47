package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
	"github.com/wtalign/wtalign/report"
)

// alignOptions are the align flags; the YAML config file uses the same
// names as keys.
type alignOptions struct {
	Config string

	Reference        string
	Out              string
	Format           string
	Manifest         string
	Threads          int
	Assign           string
	KeyRegex         string
	MapFile          string
	SitesFile        string
	SkipUnassigned   bool
	MinIdentity      float64
	MinRefCoverage   float64
	MinScore         float64
	Matrix           string
	GapOpen          float64
	GapExtend        float64
	Engine           string
	WaterPath        string
	Fallback         string
	WaterTimeout     time.Duration
	AllowNucleotide  bool
	CompleteProteins bool

	Resume             string
	Force              bool
	CheckpointEvery    int
	CheckpointInterval time.Duration
	Shard              string

	CPUProfile string
	MemProfile string
}

// Default thresholds for a hit; see docs/thresholds in the README.
const (
	defaultMinIdentity    = 25.0
	defaultMinRefCoverage = 50.0
	defaultMinScore       = 100.0
)

func defaultThreads() int {
	if v := os.Getenv("WTALIGN_THREADS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return runtime.NumCPU()
}

func (o *alignOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Config, "config", "", "YAML file with defaults for these flags (same names as keys); flags override it")
	fs.StringVarP(&o.Reference, "reference", "r", "", "FASTA of wild-type reference proteins (required)")
	fs.StringVarP(&o.Out, "out", "o", "-", "output file; - for stdout")
	fs.StringVar(&o.Format, "format", "json", "output format: json, jsonl, tsv")
	fs.StringVar(&o.Manifest, "manifest", "", "checkpoint manifest (default <out>.manifest.json; none for stdout)")
	fs.IntVarP(&o.Threads, "threads", "j", defaultThreads(), "worker threads (env WTALIGN_THREADS; default all CPUs)")
	fs.StringVar(&o.Assign, "assign", "auto", "how queries find their wild type: auto, name, map, best")
	fs.StringVar(&o.KeyRegex, "key-regex", "", "regular expression whose first group extracts a query's gene key from '>ID description' (references keep the default rule)")
	fs.StringVar(&o.MapFile, "map", "", "two-column TSV query_id<TAB>reference_id for --assign map")
	fs.StringVar(&o.SitesFile, "sites", "", "TSV of gene<TAB>position: report each site's state (wild_type, mutant, ambiguous, deleted, not_covered) in every hit on that gene")
	fs.BoolVar(&o.SkipUnassigned, "skip-unassigned", false, "report queries without a reference as skipped instead of failing")
	fs.Float64Var(&o.MinIdentity, "min-identity", defaultMinIdentity, "minimum EMBOSS percent identity (over the alignment length) for a hit")
	fs.Float64Var(&o.MinRefCoverage, "min-ref-coverage", defaultMinRefCoverage, "minimum percent of the reference covered by the alignment for a hit (--assign best only)")
	fs.Float64Var(&o.MinScore, "min-score", defaultMinScore, "minimum water score for a hit")
	fs.StringVar(&o.Matrix, "matrix", "EBLOSUM62", "substitution matrix: a built-in EMBOSS name or a path to an EMBOSS-format file")
	fs.Float64Var(&o.GapOpen, "gapopen", 10, "gap open penalty (water -gapopen)")
	fs.Float64Var(&o.GapExtend, "gapextend", 0.5, "gap extension penalty (water -gapextend)")
	fs.StringVar(&o.Engine, "engine", "native", "alignment engine: native, water (EMBOSS water, must be installed) or auto (water when found)")
	fs.StringVar(&o.WaterPath, "water-path", "", "EMBOSS water executable (default: $WTALIGN_WATER, then water on $PATH)")
	fs.StringVar(&o.Fallback, "fallback", "none", "when a water batch fails (crash, exit code, timeout, bad output): none (fail) or native (align that batch natively; recorded as fallback_used)")
	fs.DurationVar(&o.WaterTimeout, "water-timeout", defaultWaterTimeout, "time limit for one water process")
	fs.BoolVar(&o.AllowNucleotide, "allow-nucleotide", false, "accept queries that look like DNA/RNA (aligned as protein letters)")
	fs.BoolVar(&o.CompleteProteins, "complete-proteins", false, "queries are complete translations (gene-caller .faa): one that ends before the reference end is a premature stop (K141*), not a partial")
	fs.StringVar(&o.Resume, "resume", "auto", "resume an unfinished run from its manifest: auto, true, false")
	fs.BoolVar(&o.Force, "force", false, "discard an unfinished run's checkpoint and start over")
	fs.IntVar(&o.CheckpointEvery, "checkpoint-every", 1000, "write a checkpoint every N records")
	fs.DurationVar(&o.CheckpointInterval, "checkpoint-interval", 10*time.Second, "write a checkpoint at least this often")
	fs.StringVar(&o.Shard, "shard", "", "process only shard K of N (K/N, e.g. 2/8): every N-th record, stable across runs")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a pprof CPU profile to this file")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write a pprof heap profile to this file at the end")
}

const alignLong = `Align protein FASTA files (plain or compressed; - for stdin) against
wild-type reference proteins and write one JSON record per query protein:
identity, coverage, water statistics, aligned strings and the amino-acid
changes in reference numbering (S83L / p.Ser83Leu, deletions, insertions,
duplications, premature stops, ambiguous residues, extensions).

Assigning queries to wild types (--assign):
  name  the reference whose gene key equals the query's. The key is the
        gene field of IDs like tag|gyrA|accession, or a gene=gyrA /
        [gene=gyrA] tag in the description; --key-regex overrides it.
        Queries whose key has no reference are an error listing the keys
        (or 'skipped' records with --skip-unassigned).
  map   a two-column TSV (--map) of query_id<TAB>reference_id.
  best  align against every reference and keep the best water score; a
        query below any threshold (--min-identity, --min-ref-coverage,
        --min-score) is reported as no_hit with its best hit's numbers.
        This scans a whole proteome for the wild-type genes.
  auto  (default) name when the first query's ID carries a gene key,
        best when it does not.

Default thresholds: 25% identity over at least 50% of the reference with
a score of at least 100. Unrelated proteins give short local alignments
(coverage well under 50%) or chance alignments of short proteins that
score under 100 (on the K-12 proteome all such hits scored 54-90); real paralogs such as GyrA/ParC
(33%) or OmpF/OmpC (60%) pass and are reported with their identity and
coverage, so a wrong-gene hit is visible rather than silently dropped.
Under name/map, coverage is not a threshold (a named fragment is reported
as partial, with its calls and the uncovered reference ranges); a query
below the identity or score threshold is kept with status low_quality and
no mutation calls.

The native engine reproduces EMBOSS water exactly (scores, end cell and gap
placement on ties, Length/Identity/Similarity/Gaps). Output order equals
input order at any -j.`

func newAlignCommand(a *app) *cobra.Command {
	o := &alignOptions{}
	cmd := &cobra.Command{
		Use:     "align -r REFERENCE.faa [flags] QUERY.faa...",
		Short:   "Align proteins to their wild types and call mutations",
		Long:    alignLong + exitStatusHelp,
		Example: "  wtalign align -r wildtypes.faa -o GCF_000005845.2.json GCF_000005845.2_proteins.faa\n  zcat proteins.faa.gz | wtalign align -r wildtypes.faa --format jsonl -",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("align needs at least one query FASTA file (or - for stdin)")
			}
			return nil
		},
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if o.Config != "" {
				if err := applyConfigFile(cmd.Flags(), o.Config); err != nil {
					return usageError{err}
				}
			}
			return o.validate(args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAlign(cmd.Context(), a, o, args, os.Args)
		},
	}
	o.addFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("matrix", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return aligner.BuiltinMatrices(), cobra.ShellCompDirectiveDefault
	})
	_ = cmd.RegisterFlagCompletionFunc("assign", fixedCompletions("auto", "name", "map", "best"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletions("json", "jsonl", "tsv"))
	_ = cmd.RegisterFlagCompletionFunc("engine", fixedCompletions("native", "water", "auto"))
	_ = cmd.RegisterFlagCompletionFunc("fallback", fixedCompletions("none", "native"))
	_ = cmd.RegisterFlagCompletionFunc("resume", fixedCompletions("auto", "true", "false"))
	return cmd
}

func (o *alignOptions) validate(args []string) error {
	if o.Reference == "" {
		return usagef("--reference/-r is required: a FASTA of wild-type proteins")
	}
	switch o.Format {
	case "json", "jsonl", "tsv":
	default:
		return usagef("--format %q: want json, jsonl or tsv", o.Format)
	}
	switch o.Assign {
	case pipeline.AssignAuto, pipeline.AssignName, pipeline.AssignMap, pipeline.AssignBest:
	default:
		return usagef("--assign %q: want auto, name, map or best", o.Assign)
	}
	if o.Assign == pipeline.AssignMap && o.MapFile == "" {
		return usagef("--assign map needs --map FILE")
	}
	if o.Threads < 1 {
		return usagef("--threads %d: want at least 1", o.Threads)
	}
	switch o.Resume {
	case "auto", "true", "false":
	default:
		return usagef("--resume %q: want auto, true or false", o.Resume)
	}
	switch o.Engine {
	case "native", "water", "auto":
	default:
		return usagef("--engine %q: want native, water or auto", o.Engine)
	}
	switch o.Fallback {
	case "none", "native":
	default:
		return usagef("--fallback %q: want none or native", o.Fallback)
	}
	if _, _, err := parseShard(o.Shard); err != nil {
		return err
	}
	stdin := 0
	for _, a := range args {
		if a == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usagef("stdin (-) can be given only once")
	}
	return nil
}

func parseShard(s string) (k, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, usagef("--shard %q: want K/N with 1 <= K <= N, e.g. 2/8", s)
	}
	return k, n, nil
}

// effectiveConfig is what identifies a run's results: everything that can
// change an output byte. Threads, logging and checkpoint cadence are not in it.
type effectiveConfig struct {
	Matrix           string           `json:"matrix"`
	GapOpen          float64          `json:"gap_open"`
	GapExtend        float64          `json:"gap_extend"`
	Assign           string           `json:"assign"`
	KeyRegex         string           `json:"key_regex"`
	SkipUnassigned   bool             `json:"skip_unassigned"`
	MinIdentity      float64          `json:"min_identity"`
	MinRefCoverage   float64          `json:"min_ref_coverage"`
	MinScore         float64          `json:"min_score"`
	Format           string           `json:"format"`
	Engine           string           `json:"engine"`
	AllowNucleotide  bool             `json:"allow_nucleotide"`
	CompleteProteins bool             `json:"complete_proteins"`
	Sites            map[string][]int `json:"sites,omitempty"`
}

func runAlign(ctx context.Context, a *app, o *alignOptions, inputs []string, argv []string) (err error) {
	log := a.log()
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("cpuprofile: %w", err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if o.MemProfile != "" {
		defer func() {
			f, ferr := os.Create(o.MemProfile)
			if ferr == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}()
	}

	m, err := aligner.LoadMatrix(o.Matrix)
	if err != nil {
		return usageError{err}
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: o.GapOpen, GapExtend: o.GapExtend})
	if err != nil {
		return usageError{err}
	}
	var keyRe *regexp.Regexp
	if o.KeyRegex != "" {
		keyRe, err = regexp.Compile(o.KeyRegex)
		if err != nil {
			return usagef("--key-regex: %v", err)
		}
		if keyRe.NumSubexp() < 1 {
			return usagef("--key-regex %q needs a capture group for the key", o.KeyRegex)
		}
	}
	refs, err := pipeline.LoadReferences(o.Reference, sc, nil) // --key-regex is for query headers
	if err != nil {
		return err
	}
	mode := o.Assign
	if mode == pipeline.AssignAuto {
		if mode, err = pipeline.PeekMode(inputs, keyRe); err != nil {
			return err
		}
	}
	asg, err := pipeline.NewAssigner(mode, refs, keyRe, o.MapFile)
	if err != nil {
		return err
	}
	var sites map[string][]int
	if o.SitesFile != "" {
		if sites, err = pipeline.ReadSites(o.SitesFile, refs); err != nil {
			return err
		}
	}
	pre, err := asg.Prescan(inputs)
	if err != nil {
		return err
	}
	if len(pre.Missing) > 0 && !o.SkipUnassigned {
		what := "gene keys"
		if mode == pipeline.AssignMap {
			what = "query IDs missing from the map"
		}
		return fmt.Errorf("no reference for %d %s: %s (add the wild types to %s, or use --skip-unassigned or --assign best)",
			len(pre.Missing), what, strings.Join(quoteAll(pre.Missing), ", "), o.Reference)
	}
	v, commit := versionInfo()
	ec, err := chooseEngine(ctx, o, log, v)
	if err != nil {
		return err
	}
	eng := ec.engine
	info := report.Engine{Name: ec.name, Version: ec.version, Matrix: m.Name, GapOpen: o.GapOpen, GapExtend: o.GapExtend}
	shardK, shardN, _ := parseShard(o.Shard)

	cfg := effectiveConfig{
		Matrix: m.Name, GapOpen: o.GapOpen, GapExtend: o.GapExtend, Assign: mode, KeyRegex: o.KeyRegex,
		SkipUnassigned: o.SkipUnassigned, MinIdentity: o.MinIdentity, MinRefCoverage: o.MinRefCoverage,
		MinScore: o.MinScore, Format: o.Format, Engine: eng.Name(), AllowNucleotide: o.AllowNucleotide,
		CompleteProteins: o.CompleteProteins, Sites: sites,
	}
	w, err := output.Open(output.Options{
		Out: o.Out, Stdout: a.io.Out, Manifest: o.Manifest, Format: output.Format(o.Format),
		Resume: o.Resume, Force: o.Force,
		CheckpointEvery: o.CheckpointEvery, CheckpointInterval: o.CheckpointInterval,
		CommandLine: argv, ToolVersion: v, ToolCommit: commit,
		Identity: output.Identity{
			Inputs: inputs, Reference: o.Reference, MapFile: o.MapFile, Config: cfg,
			Engine: ec.name, EngineVersion: ec.version, Shard: o.Shard,
		},
	})
	if errors.Is(err, output.ErrComplete) {
		log.Info().Str("out", o.Out).Msg("already complete with the same inputs and settings; nothing to do (--force reruns)")
		return nil
	}
	if err != nil {
		return err
	}
	done := w.Done()
	if pre.Records >= 0 {
		w.SetTotal(shardSize(pre.Records, shardK, shardN))
	}
	if done > 0 {
		log.Info().Int("records_done", done).Msg("resuming from checkpoint")
	}
	job := &pipeline.Job{
		Inputs: inputs, Assigner: asg, Engine: eng, EngineInfo: info, Scoring: sc,
		Thresholds:     pipeline.Thresholds{MinIdentity: o.MinIdentity, MinRefCoverage: o.MinRefCoverage, MinScore: o.MinScore},
		SkipUnassigned: o.SkipUnassigned, AllowNucleotide: o.AllowNucleotide, CompleteProteins: o.CompleteProteins,
		Encode:  func(r *report.Record) ([]byte, error) { return output.Encode(output.Format(o.Format), r) },
		Threads: o.Threads, BatchSize: ec.batchSize, Skip: done, Shard: shardK, Shards: shardN, Copies: pre.Copies, Sites: sites,
	}
	log.Info().Str("engine", eng.Name()).Str("assign", mode).Int("references", len(refs)).
		Int("threads", o.Threads).Strs("inputs", inputs).Str("out", o.Out).Msg("aligning")

	todo := -1
	if pre.Records >= 0 {
		todo = shardSize(pre.Records, shardK, shardN) - done
	}
	if todo <= 0 {
		todo = -1 // progressbar cannot count to zero
	}
	bar := newProgress(a, "aligning", todo)
	start := time.Now()
	st, runErr := pipeline.Run(ctx, job, func(r pipeline.Result) error {
		return w.WriteEncoded(r.Ordinal, r.Record, r.Encoded, output.Outcome{Failed: r.Failed, Reason: r.Reason, NoHit: r.NoHit, Skipped: r.Skipped, FallbackUsed: r.FallbackUsed})
	}, func(s pipeline.Stats) { bar.set(s.Emitted) })
	bar.finish()

	switch {
	case runErr != nil && ctx.Err() != nil && errors.Is(runErr, context.Canceled):
		if err := w.Interrupt(); err != nil {
			return fmt.Errorf("writing checkpoint after interrupt: %w", err)
		}
		return errInterrupted
	case runErr != nil:
		if err := w.Abort(runErr); err != nil {
			log.Error().Err(err).Msg("could not record the failure in the manifest")
		}
		return runErr
	}
	w.SetTotal(done + st.Emitted)
	if err := w.Finish(); err != nil {
		return err
	}
	el := time.Since(start)
	c := w.Counts()
	log.Info().Int("records", done+st.Emitted).Int("aligned_now", st.Emitted).Int("resumed", done).
		Int("failed", c.Failed).Int("no_hit", c.NoHit).Int("skipped", c.Skipped).
		Dur("elapsed", el).Float64("records_per_s", float64(st.Emitted)/el.Seconds()).Msg("done")
	if c.Failed > 0 {
		return recordsFailedError{c.Failed}
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// shardSize is how many of total records shard k of n holds (all when n is 0).
func shardSize(total, k, n int) int {
	if n == 0 {
		return total
	}
	if total < k {
		return 0
	}
	return (total-k)/n + 1
}
