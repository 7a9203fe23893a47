package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/cohort"
	"github.com/wtalign/wtalign/metrics"
	"github.com/wtalign/wtalign/pipeline"
)

// alignOptions are align's flags: the job specification plus what only
// the command line has (config file, profiles).
type alignOptions struct {
	spec       pipeline.Spec
	cfg        specSource
	CPUProfile string
	MemProfile string
}

func newAlignOptions() *alignOptions {
	s := pipeline.DefaultSpec()
	s.Threads = pipeline.DefaultThreads()
	return &alignOptions{spec: s}
}

// AddFlags binds every align flag: the job's option groups, then the
// command line's own.
func (o *alignOptions) AddFlags(fs *pflag.FlagSet) {
	addInputFlags(fs, &o.spec)
	addHitFlags(fs, &o.spec)
	addCatalogFlags(fs, &o.spec)
	addScoringFlags(fs, &o.spec)
	addEngineFlags(fs, &o.spec)
	addOutputFlags(fs, &o.spec)
	addThreadsFlag(fs, &o.spec)
	o.cfg.addFlag(fs)
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a pprof CPU profile to this file")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write a pprof heap profile to this file at the end")
	setGroup(fs, groupRun, "cpuprofile", "memprofile")
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
score under 100 (on the K-12 proteome all such hits scored 54-90); real
paralogs such as GyrA/ParC (33%) or OmpF/OmpC (60%) pass and are reported
with their identity and coverage, so a wrong-gene hit is visible rather
than silently dropped. Under name/map, coverage is not a threshold (a
named fragment is reported as partial, with its calls and the uncovered
reference ranges); a query below the identity or score threshold is kept
with status low_quality and no mutation calls.

Resistance catalogs (--catalog, repeatable: a PointFinder species folder, an
AMRFinderPlus mutation table or a wtalign catalog TSV; docs/catalog.md): every
call on a catalogued gene gets a verdict, with the catalog entries it matches
(drug classes, drugs, mechanism, PMIDs, notes):
  known                the catalog lists this exact change
  novel_at_known_site  another change at a catalogued position
  novel                nowhere in the catalog
  ambiguous            an ambiguity code (S83X): neither shown nor ruled out
and the record lists every catalogued site with its state (wild_type,
known_mutant, other_mutant, ambiguous, deleted, not_covered), so "checked and
wild type" is never confused with "not covered". A combination rule (PointFinder
G81D needing D82G) counts only when its requirement holds in the same protein
copy; one on another gene (ParC needing a GyrA change) is decided per genome
by 'wtalign summarize --catalog', which sees all copies. Catalog genes find
the wild types by accession, gene key or --gene-alias (pmrB=basS; the K-12
aliases are built in), and every entry's reference residue is checked against
the wild type first. Annotation is only as good as the catalog: a known
change is what the catalog says, not a clinical interpretation.

The native engine reproduces EMBOSS water exactly (scores, end cell and gap
placement on ties, Length/Identity/Similarity/Gaps). Output order equals
input order at any -j.

Settings can also come from --config FILE (YAML, keys are the flag names);
flags on the command line win.`

func newAlignCommand(a *app) *cobra.Command {
	o := newAlignOptions()
	cmd := &cobra.Command{
		Use:   "align -r REFERENCE.faa [flags] QUERY.faa...",
		Short: "Align proteins to their wild types and call mutations",
		Long:  alignLong + exitHelp(exitOK, exitError, exitUsage, exitRecordsFailed, exitSIGINT, exitSIGTERM),
		Example: "  wtalign align -r wildtypes.faa -o GCF_000005845.2.json GCF_000005845.2_proteins.faa\n" +
			"  zcat proteins.faa.gz | wtalign align -r wildtypes.faa --format jsonl -\n" +
			"  wtalign align -r wildtypes.faa -X genomes.txt --format tsv -o cohort.tsv",
		PreRunE: func(cmd *cobra.Command, args []string) error {
			o.spec.Inputs = args
			return o.cfg.apply(cmd.Flags(), &o.spec)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAlign(cmd.Context(), a, o, os.Args)
		},
	}
	o.AddFlags(cmd.Flags())
	registerCompletions(cmd)
	return cmd
}

func runAlign(ctx context.Context, a *app, o *alignOptions, argv []string) (err error) {
	log := a.log()
	stop, err := startProfiles(o.CPUProfile, o.MemProfile)
	if err != nil {
		return err
	}
	defer func() {
		if perr := stop(); perr != nil && err == nil {
			err = perr
		}
	}()
	v, commit := versionInfo()
	var bar *progress
	env := pipeline.Env{
		Stdout: a.io.Out, ToolVersion: v, ToolCommit: commit, CommandLine: argv,
		Protected: o.cfg.files(),
		Notify:    func(n pipeline.Note) { logNote(log, n) },
		Progress: func(p pipeline.Progress) {
			if bar == nil {
				bar = newProgress(a, "aligning", p.Total)
			}
			bar.set(p.Done)
		},
	}
	prepStart := time.Now()
	plan, err := pipeline.Prepare(ctx, o.spec, env)
	if err != nil {
		err = o.cfg.explain(err)
		// A run that fails before any work is still a failed run to the
		// monitoring, when its metrics file is safe to write.
		if pipeline.MetricsWritable(o.spec, env) {
			if merr := writeRunMetrics(a, o.spec, nil, err, prepStart); merr != nil {
				log.Error().Err(merr).Msg("could not write the metrics file")
			}
		}
		return err
	}
	s := plan.Spec
	log.Info().Str("engine", plan.Job.EngineInfo.Name).Str("kernel", plan.Kernel()).Str("assign", plan.Mode()).
		Int("references", len(plan.Refs)).Int("threads", s.Threads).Int("inputs", len(s.Inputs)).Str("out", s.Out).Msg("aligning")
	start := time.Now()
	res, runErr := plan.Execute(ctx)
	if bar != nil {
		bar.finish()
	}
	if s.MetricsFile != "" {
		if err := writeRunMetrics(a, s, res, runErr, start); err != nil {
			log.Error().Err(err).Msg("could not write the metrics file")
			if runErr == nil {
				runErr = err
			}
		}
	}
	if res != nil && res.AlreadyComplete {
		log.Info().Str("out", s.Out).Msg("already complete with the same inputs and settings; nothing to do (--force reruns)")
		return nil
	}
	if res != nil && (runErr == nil || isRecordsFailed(runErr)) {
		a.finalLine(res)
	}
	return runErr
}

// writeRunMetrics writes --metrics-file for node_exporter: the run's
// outcome and exit code, records by status, cells, timing; the last-success
// timestamp moves only when the output was finished.
func writeRunMetrics(a *app, s pipeline.Spec, res *pipeline.Outcome, runErr error, start time.Time) error {
	r := metrics.Run{Output: s.Out, Accession: accessionOf(s.Out), Start: start, End: time.Now(), ExitCode: a.codeOf(runErr)}
	switch {
	case runErr == nil:
		r.Outcome = metrics.Success
	case isRecordsFailed(runErr):
		r.Outcome = metrics.FailedRecords
	case errors.Is(runErr, pipeline.ErrInterrupted):
		r.Outcome = metrics.Interrupted
	default:
		r.Outcome = metrics.Failed
	}
	if res != nil {
		r.Records = map[string]int64{}
		for st, n := range res.Counts.Statuses {
			r.Records[st] = int64(n)
		}
		r.FailedRecords, r.ResumedRecords, r.AlignedCells = int64(res.Counts.Failed), int64(res.Resumed), res.Cells
	}
	return metrics.WriteFile(s.MetricsFile, r)
}

// accessionOf names the accession of an output as the workflows name
// outputs ({accession}_alignments.json), else the file name up to its
// first '.'.
func accessionOf(out string) string {
	rule, _ := cohort.NewAccessionRule(cohort.FromFilename, "")
	if acc, err := rule.FromPath(out); err == nil {
		return acc
	}
	base, _, _ := strings.Cut(filepath.Base(out), ".")
	return base
}

// finalLine is the run's last stderr line: a structured "done" entry for
// machines, then, off a terminal, one plain sentence for the person who
// reads the CI log.
func (a *app) finalLine(res *pipeline.Outcome) {
	log := a.log()
	secs := res.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(res.Records-res.Resumed) / secs
	}
	out := res.Out
	if out == "-" {
		out = "stdout"
	}
	log.Info().Int("records", res.Records).Int("resumed", res.Resumed).Interface("statuses", res.Counts.Statuses).
		Int("failed", res.Counts.Failed).Str("out", out).Float64("elapsed_s", roundTo(secs, 3)).
		Float64("records_per_s", roundTo(rate, 1)).Msg("done")
	if a.io.ErrIsTTY || a.glob.Quiet {
		return
	}
	fmt.Fprintf(a.io.Err, "wtalign: %d records -> %s (%s) in %.1f s\n", res.Records, out, statusList(res.Counts.Statuses), secs)
}

func statusList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "no records"
	}
	return strings.Join(parts, ", ")
}

func roundTo(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func logNote(log *zerolog.Logger, n pipeline.Note) {
	ev := log.Info()
	if n.Warn {
		ev = log.Warn()
	}
	for _, at := range n.Attrs {
		ev = ev.Interface(at.Key, at.Value)
	}
	ev.Msg(n.Msg)
}

// startProfiles starts the CPU profile and returns the function that ends
// it and writes the heap profile; a profile that cannot be written is an
// error, not silently dropped.
func startProfiles(cpu, mem string) (stop func() error, err error) {
	var cpuFile *os.File
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err != nil { // #nosec G304 -- the --cpuprofile path the user named
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			cpuFile.Close() // #nosec G104 -- error path: the StartCPUProfile error is the one reported
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	if mem != "" {
		f, err := os.Create(mem) // #nosec G304 -- the --memprofile path the user named (created now, so a bad path fails before the run)
		if err != nil {
			if cpuFile != nil {
				pprof.StopCPUProfile()
				cpuFile.Close() // #nosec G104 -- error path: the --memprofile error is the one reported
			}
			return nil, fmt.Errorf("--memprofile: %w", err)
		}
		if err := f.Close(); err != nil {
			if cpuFile != nil {
				pprof.StopCPUProfile()
				cpuFile.Close() // #nosec G104 -- error path: the --memprofile error is the one reported
			}
			return nil, fmt.Errorf("--memprofile: %w", err)
		}
	}
	return func() error {
		var first error
		if cpuFile != nil {
			pprof.StopCPUProfile()
			if err := cpuFile.Close(); err != nil {
				first = fmt.Errorf("--cpuprofile: %w", err)
			}
		}
		if mem != "" {
			f, err := os.Create(mem) // #nosec G304 -- the --memprofile path the user named
			if err == nil {
				runtime.GC()
				err = pprof.WriteHeapProfile(f)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil && first == nil {
				first = fmt.Errorf("--memprofile: %w", err)
			}
		}
		return first
	}, nil
}
