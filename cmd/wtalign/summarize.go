package main

import (
	"bytes"
	"context"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/cohort"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
)

type summarizeOptions struct {
	Out            string
	JSONOut        string
	GenotypeOut    string
	MatrixOut      string
	spec           pipeline.Spec // its reference and catalog flags
	Reference      string
	AccessionFrom  string
	AccessionRegex string
}

func (o *summarizeOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Out, "out", "o", "-", "cohort table (TSV) to write; - for stdout")
	f.StringVar(&o.JSONOut, "json-out", "", "also write a JSON overview (per-accession counts and disrupted/absent genes, per-gene mutation frequencies) to this file")
	f.StringVarP(&o.Reference, "reference", "r", "", "the runs' reference FASTA: every wild-type gene then gets a row per accession, absent or not_analysed when no record has it")
	f.StringVar(&o.GenotypeOut, "genotype-out", "", "also write the per-accession resistance genotype (drug class, drugs, supporting calls) as TSV")
	f.StringVar(&o.MatrixOut, "matrix-out", "", "also write the accession x known-mutation matrix (1/0) as TSV")
	addCatalogFlags(f, &o.spec)
	f.StringVar(&o.AccessionFrom, "accession-from", cohort.FromFilename,
		"where the accession comes from: filename ({accession}_alignments.json), stem (file name up to the first '.'), input (each record's input file, e.g. {accession}_proteins.fasta)")
	f.StringVar(&o.AccessionRegex, "accession-regex", "",
		"regular expression with one capture group (or (?P<accession>...)) matched against the file name (filename mode) or the input file name (input mode)")
}

func newSummarizeCommand(a *app) *cobra.Command {
	o := &summarizeOptions{spec: pipeline.DefaultSpec()}
	cmd := &cobra.Command{
		Use:   "summarize [flags] ALIGNMENTS.json...",
		Short: "Combine per-accession alignment outputs into one cohort table and a JSON summary",
		Long: `summarize reads the outputs of 'wtalign align' (json, jsonl or tsv), one
per genome accession, and writes a cohort table with one row per aligned
record:

  accession gene query_id status gene_state identity coverage mutations truncated_at sites

identity is the percent identity over the reference length, coverage the
percent of the reference inside the alignment, mutations the comma-separated
short forms in reference numbering (e.g. S83L,D87N; calls after a premature
stop are read-through and left out), sites the --sites states.

gene_state says what the row means for the wild-type gene: present, partial
(a fragment, no evidence of a stop), disrupted (truncated: a premature stop or
a frameshift-like end), homolog (a paralog aligned to it, not the gene
itself). With -r, every gene of the reference file also gets a row in every
accession that has no record of it: absent when the genome was scanned
(--assign best), not_analysed when queries were named (--assign name/map) and
none named it. Records without a reference (no_hit, error, empty) have no row
but are counted in the JSON overview (--json-out), which also lists, per gene,
how many accessions carry each change.

With the catalogs the runs used (--catalog, -r, --gene-alias, as given to
align), each accession's resistance genotype is computed over all of its
copies, so a combination rule that needs a change in another gene (a ParC
change counted only with a GyrA change) is decided per genome: the overview
lists it per accession ("Quinolone: gyrA S83L + parC S80I"), --genotype-out
writes it as a table and --matrix-out the accession x known-mutation matrix.
Without --catalog the genotype comes from the records' own annotations,
where such cross-gene requirements stay unknown.

By default the accession is taken from the file name {accession}_alignments.json,
as the Snakemake workflow and the Nextflow module name their outputs. Rows are
sorted by accession, gene and input order, so the table does not depend on the
order of the arguments. Outputs are written to a temporary file and renamed,
so a workflow engine never sees a half-written table.` + exitHelp(exitOK, exitError, exitUsage),
		Example: `  wtalign summarize -o cohort_mutations.tsv --json-out cohort_overview.json results/alignments/*_alignments.json
  wtalign summarize --accession-from input run.jsonl`,
		Args: needArgs("at least one alignment output of 'wtalign align'"),
		PreRunE: func(*cobra.Command, []string) error {
			if _, err := cohort.NewAccessionRule(o.AccessionFrom, o.AccessionRegex); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runSummarize(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("accession-from", fixedCompletions(cohort.FromFilename, cohort.FromStem, cohort.FromInput))
	return cmd
}

func runSummarize(ctx context.Context, a *app, o *summarizeOptions, files []string) error {
	c, err := o.newCohort(files)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.AddFile(f); err != nil {
			return err
		}
	}
	// The overview first: a catalog that cannot be applied stops the command
	// before any file is written.
	overview, err := c.Overview()
	if err != nil {
		return err
	}
	var table bytes.Buffer
	if err := c.WriteTSV(&table); err != nil {
		return err
	}
	for _, extra := range []struct {
		path  string
		write func(io.Writer) error
	}{{o.JSONOut, c.WriteJSON}, {o.GenotypeOut, c.WriteGenotypeTSV}, {o.MatrixOut, c.WriteMatrixTSV}} {
		if extra.path == "" {
			continue
		}
		var b bytes.Buffer
		if err := extra.write(&b); err != nil {
			return err
		}
		if err := manifest.WriteFileAtomic(extra.path, b.Bytes()); err != nil {
			return err
		}
	}
	if o.Out == "-" || o.Out == "" {
		_, err := io.Copy(a.io.Out, &table)
		return err
	}
	if err := manifest.WriteFileAtomic(o.Out, table.Bytes()); err != nil {
		return err
	}
	a.log().Info().Int("accessions", len(overview.Accessions)).Int("rows", len(c.Rows())).Str("out", o.Out).Msg("cohort table written")
	return nil
}

// newCohort checks the options before any work (the accession rule, no
// output path that is a file the command reads) and makes the cohort,
// with the reference's genes and the catalogs when given.
func (o *summarizeOptions) newCohort(files []string) (*cohort.Cohort, error) {
	rule, err := cohort.NewAccessionRule(o.AccessionFrom, o.AccessionRegex)
	if err != nil {
		return nil, usageError{err}
	}
	reads := append(readPaths("run output", files...), readPaths("reference", o.Reference)...)
	reads = append(append(reads, readPaths("catalog", o.spec.Catalogs...)...), readPaths("gene alias file", catalog.AliasFiles(o.spec.GeneAliases)...)...)
	if err := output.CheckClobber(reads, []output.Path{{Path: o.Out, Role: "cohort table"}, {Path: o.JSONOut, Role: "JSON overview"},
		{Path: o.GenotypeOut, Role: "genotype table"}, {Path: o.MatrixOut, Role: "mutation matrix"}}); err != nil {
		return nil, err
	}
	c := cohort.New(rule)
	if o.Reference != "" {
		refs, err := fasta.ReadAll(o.Reference, fasta.Options{Role: fasta.Reference})
		if err != nil {
			return nil, err
		}
		var genes []string
		for _, r := range refs {
			g := fasta.GeneKey(r.ID, r.Description, nil)
			if g == "" {
				g = r.ID
			}
			genes = append(genes, g)
		}
		c.SetGenes(genes)
	}
	if len(o.spec.Catalogs) > 0 {
		if o.Reference == "" {
			return nil, usagef("--catalog needs -r/--reference: the runs' wild types, to match the catalogs to")
		}
		s := o.spec
		s.Reference = o.Reference
		_, ix, err := pipeline.CheckCatalogs(s)
		if err != nil {
			return nil, (&specSource{}).explain(err)
		}
		c.SetCatalog(ix)
	}
	return c, nil
}
