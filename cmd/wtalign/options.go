package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/pipeline"
)

// Flag groups. Each option of a job is defined once here, bound to its
// pipeline.Spec field under the Spec key as flag name; commands pick the
// groups they take. Help lists flags by group (see groupedUsage).
const (
	groupInput   = "Input and assignment"
	groupHits    = "Hits and calls"
	groupScoring = "Scoring (as EMBOSS water)"
	groupCatalog = "Resistance catalogs"
	groupEngine  = "Engine"
	groupOutput  = "Output, checkpoints and resume"
	groupRun     = "Run"
)

var groupOrder = []string{groupInput, groupHits, groupCatalog, groupScoring, groupEngine, groupOutput, groupRun, ""}

const groupAnnotation = "group"

func setGroup(fs *pflag.FlagSet, group string, names ...string) {
	for _, n := range names {
		_ = fs.SetAnnotation(n, groupAnnotation, []string{group})
	}
}

// addInputFlags: reference, assignment and what queries are accepted.
func addInputFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringVarP(&s.Reference, "reference", "r", s.Reference, "FASTA of wild-type reference proteins (required)")
	fs.StringVarP(&s.InfileList, "infile-list", "X", s.InfileList, "file listing query FASTA paths, one per line (for runs over thousands of files)")
	fs.StringVar(&s.Assign, "assign", s.Assign, "how queries find their wild type: "+orList(pipeline.AssignModes))
	fs.StringVar(&s.KeyRegex, "key-regex", s.KeyRegex, "regular expression whose first group extracts a query's gene key from '>ID description' (references keep the default rule)")
	fs.StringVar(&s.Map, "map", s.Map, "two-column TSV query_id<TAB>reference_id for --assign map")
	fs.BoolVar(&s.SkipUnassigned, "skip-unassigned", s.SkipUnassigned, "report queries without a reference as skipped instead of refusing the run")
	fs.BoolVar(&s.AllowNucleotide, "allow-nucleotide", s.AllowNucleotide, "accept queries that look like DNA/RNA (aligned as protein letters)")
	fs.IntVar(&s.MaxLength, "max-length", s.MaxLength, "longest sequence accepted, in characters; a longer one stops the run (exit 1) naming the record")
	fs.StringVar(&s.InputType, "input-type", s.InputType, "protein, or cds: queries and references are coding sequences (gene-caller .ffn), translated; calls also give codon changes (TCG>TTG), synonymous changes and frameshifts (Y253CfsTer5)")
	fs.IntVar(&s.GeneticCode, "genetic-code", s.GeneticCode, "NCBI genetic code for --input-type cds (11: bacteria and archaea)")
	setGroup(fs, groupInput, "reference", "infile-list", "assign", "key-regex", "map", "skip-unassigned", "allow-nucleotide", "max-length", "input-type", "genetic-code")
}

// addHitFlags: thresholds and what is reported of a hit.
func addHitFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.Float64Var(&s.MinIdentity, "min-identity", s.MinIdentity, "minimum EMBOSS percent identity (over the alignment length) for a hit")
	fs.Float64Var(&s.MinRefCoverage, "min-ref-coverage", s.MinRefCoverage, "minimum percent of the reference covered by the alignment for a hit (--assign best only)")
	fs.Float64Var(&s.MinScore, "min-score", s.MinScore, "minimum water score for a hit")
	fs.Float64Var(&s.SameGeneIdentity, "same-gene-identity", s.SameGeneIdentity, "EMBOSS percent identity from which a hit is the reference's own gene (mutations called); below it: status homolog, no calls")
	fs.BoolVar(&s.CompleteProteins, "complete-proteins", s.CompleteProteins, "queries are complete translations (gene-caller .faa): one that ends before the reference end is a premature stop (K141*), not a partial")
	fs.StringVar(&s.Sites, "sites", s.Sites, "TSV of gene<TAB>position: report each site's state (wild_type, mutant, ambiguous, deleted, not_covered) in every hit on that gene")
	setGroup(fs, groupHits, "min-identity", "min-ref-coverage", "min-score", "same-gene-identity", "complete-proteins", "sites")
}

// addCatalogFlags: resistance catalogs and how their genes find the
// wild types.
func addCatalogFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringArrayVar(&s.Catalogs, "catalog", s.Catalogs, "resistance catalog: a PointFinder species folder or phenotypes.txt, an AMRFinderPlus mutation table, or a wtalign catalog TSV (repeatable)")
	fs.StringVar(&s.CatalogFormat, "catalog-format", s.CatalogFormat, "force the catalog format instead of detecting it: "+orList(catalog.Formats))
	fs.StringVar(&s.CatalogTaxgroup, "catalog-taxgroup", s.CatalogTaxgroup, "AMRFinderPlus taxgroup to use from a table holding several (e.g. Escherichia)")
	fs.StringArrayVar(&s.GeneAliases, "gene-alias", s.GeneAliases, "catalog_gene=reference_gene (e.g. pmrB=basS), or a TSV of such pairs (repeatable); the K-12 aliases PointFinder needs are built in")
	fs.BoolVar(&s.CatalogLenient, "catalog-lenient", s.CatalogLenient, "an entry whose reference residue differs from the wild type is dropped with a warning instead of stopping the run")
	setGroup(fs, groupCatalog, "catalog", "catalog-format", "catalog-taxgroup", "gene-alias", "catalog-lenient")
}

// addScoringFlags: matrix and gap penalties, water's names and defaults.
func addScoringFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringVar(&s.Matrix, "matrix", s.Matrix, "substitution matrix: a built-in EMBOSS name or a path to an EMBOSS-format file")
	fs.Float64Var(&s.GapOpen, "gapopen", s.GapOpen, fmt.Sprintf("gap open penalty (water -gapopen, 0-%g)", aligner.MaxGapOpen))
	fs.Float64Var(&s.GapExtend, "gapextend", s.GapExtend, fmt.Sprintf("gap extension penalty (water -gapextend, 0-%g)", aligner.MaxGapExtend))
	setGroup(fs, groupScoring, "matrix", "gapopen", "gapextend")
}

// addWaterFlags: how EMBOSS water is found and run.
func addWaterFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	addWaterPathFlag(fs, s)
	fs.StringVar(&s.WaterFormat, "water-format", s.WaterFormat, "water output format to read: "+orList(pipeline.WaterFormats))
	fs.Var(&s.WaterTimeout, "water-timeout", "time limit for one water process")
	setGroup(fs, groupEngine, "water-path", "water-format", "water-timeout")
}

// addWaterPathFlag: where EMBOSS water is (also 'wtalign engines').
func addWaterPathFlag(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringVar(&s.WaterPath, "water-path", s.WaterPath, "EMBOSS water executable (default: $"+emboss.EnvWater+", then water on $PATH)")
	setGroup(fs, groupEngine, "water-path")
}

// addEngineFlags: the engine choice (align only; compare runs both).
func addEngineFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringVar(&s.Engine, "engine", s.Engine, "alignment engine: native, water (EMBOSS water, must be installed) or auto (water when found)")
	fs.StringVar(&s.Fallback, "fallback", s.Fallback, "when a water batch fails (crash, exit code, timeout, bad output): none (fail) or native (align that batch natively; recorded as fallback_used)")
	setGroup(fs, groupEngine, "engine", "fallback")
	addWaterFlags(fs, s)
}

// addOutputFlags: output file, format, checkpoints, resume and shards.
func addOutputFlags(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.StringVarP(&s.Out, "out", "o", s.Out, "output file; - for stdout")
	fs.StringVar(&s.Format, "format", s.Format, "output format: "+orList(pipeline.FormatNames()))
	fs.StringVar(&s.Manifest, "manifest", s.Manifest, "checkpoint manifest (default <out>.manifest.json; none for stdout)")
	fs.StringVar(&s.Resume, "resume", s.Resume, "resume an unfinished run from its manifest: "+orList(pipeline.ResumeModes))
	fs.BoolVar(&s.Force, "force", s.Force, "discard an unfinished run's checkpoint and start over")
	fs.IntVar(&s.CheckpointEvery, "checkpoint-every", s.CheckpointEvery, "write a checkpoint every N records")
	fs.Var(&s.CheckpointInterval, "checkpoint-interval", "write a checkpoint at least this often")
	fs.StringVar(&s.Shard, "shard", s.Shard, "process only shard K of N (K/N, e.g. 2/8): every N-th record, stable across runs; combine with 'wtalign merge'")
	setGroup(fs, groupOutput, "out", "format", "manifest", "resume", "force", "checkpoint-every", "checkpoint-interval", "shard")
}

// addThreadsFlag: -j, as seqkit spells it.
func addThreadsFlag(fs *pflag.FlagSet, s *pipeline.Spec) {
	fs.IntVarP(&s.Threads, "threads", "j", s.Threads, "worker threads (env WTALIGN_THREADS; the default is the CPUs this process may use)")
	setGroup(fs, groupRun, "threads")
}

// registerCompletions gives every enumerated flag of cmd its values, from
// the same lists validation uses.
func registerCompletions(cmd *cobra.Command) {
	enums := map[string][]string{
		"assign": pipeline.AssignModes, "format": pipeline.FormatNames(), "engine": pipeline.Engines,
		"fallback": pipeline.Fallbacks, "resume": pipeline.ResumeModes, "water-format": pipeline.WaterFormats,
		"input-type": pipeline.InputTypes, "catalog-format": catalog.Formats,
	}
	for name, vals := range enums {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, fixedCompletions(vals...))
		}
	}
	if cmd.Flags().Lookup("matrix") != nil {
		_ = cmd.RegisterFlagCompletionFunc("matrix", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return aligner.BuiltinMatrices(), cobra.ShellCompDirectiveDefault
		})
	}
}

func fixedCompletions(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

func orList(vals []string) string {
	if len(vals) < 2 {
		return strings.Join(vals, "")
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// groupedUsage lists a command's flags by group, each group a heading, so
// align's two dozen flags read by topic.
func groupedUsage(fs *pflag.FlagSet) string {
	groups := map[string]*pflag.FlagSet{}
	fs.VisitAll(func(f *pflag.Flag) {
		g := ""
		if v := f.Annotations[groupAnnotation]; len(v) > 0 {
			g = v[0]
		}
		if groups[g] == nil {
			groups[g] = pflag.NewFlagSet(g, pflag.ContinueOnError)
			groups[g].SortFlags = fs.SortFlags
		}
		groups[g].AddFlag(f)
	})
	var b strings.Builder
	names := append([]string{}, groupOrder...)
	for g := range groups {
		if !contains(names, g) {
			names = append(names, g)
		}
	}
	sort.SliceStable(names[len(groupOrder):], func(i, j int) bool { return names[len(groupOrder)+i] < names[len(groupOrder)+j] })
	for _, g := range names {
		set := groups[g]
		if set == nil {
			continue
		}
		title := g
		if title == "" {
			title = "Flags"
			if len(groups) > 1 {
				title = "Other flags"
			}
		}
		fmt.Fprintf(&b, "\n%s:\n%s", title, set.FlagUsagesWrapped(100))
	}
	return b.String()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
