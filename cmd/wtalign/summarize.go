package main

import (
	"bytes"
	"context"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/summary"
)

type summarizeOptions struct {
	Out            string
	JSON           string
	AccessionFrom  string
	AccessionRegex string
}

func (o *summarizeOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Out, "out", "o", "-", "cohort table (TSV) to write; - for stdout")
	f.StringVar(&o.JSON, "json", "", "also write a JSON summary (per-accession counts, per-gene mutation frequencies) to this file")
	f.StringVar(&o.AccessionFrom, "accession-from", summary.FromFilename,
		"where the accession comes from: filename ({accession}_alignments.json), stem (file name up to the first '.'), input (each record's input file, e.g. {accession}_proteins.fasta)")
	f.StringVar(&o.AccessionRegex, "accession-regex", "",
		"regular expression with one capture group (or (?P<accession>...)) matched against the file name (filename mode) or the input file name (input mode)")
}

func newSummarizeCommand(a *app) *cobra.Command {
	o := &summarizeOptions{}
	cmd := &cobra.Command{
		Use:   "summarize [flags] ALIGNMENTS.json...",
		Short: "Combine per-accession alignment outputs into one cohort table and a JSON summary",
		Long: `summarize reads the outputs of 'wtalign align' (json, json array or jsonl),
one per genome accession, and writes a cohort table with one row per aligned
record:

  accession  gene  query_id  status  identity  coverage  mutations

identity is the percent identity over the reference length, coverage the
percent of the reference inside the alignment, mutations the comma-separated
short forms in reference numbering (e.g. S83L,D87N). Records without a
reference (no_hit, error, empty) have no row but are counted in the JSON
summary, which also lists, per gene, how many accessions carry each change.

By default the accession is taken from the file name {accession}_alignments.json,
as the Snakemake workflow and the Nextflow module name their outputs. Rows are
sorted by accession, gene and input order, so the table does not depend on the
order of the arguments. Outputs are written to a temporary file and renamed,
so a workflow engine never sees a half-written table.` + exitHelp(exitOK, exitError, exitUsage),
		Example: `  wtalign summarize -o cohort_mutations.tsv --json cohort_summary.json results/alignments/*_alignments.json
  wtalign summarize --accession-from input run.jsonl`,
		Args: needArgs("at least one alignment output of 'wtalign align'"),
		PreRunE: func(*cobra.Command, []string) error {
			if _, err := summary.NewAccessionRule(o.AccessionFrom, o.AccessionRegex); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runSummarize(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("accession-from", fixedCompletions(summary.FromFilename, summary.FromStem, summary.FromInput))
	return cmd
}

func runSummarize(ctx context.Context, a *app, o *summarizeOptions, files []string) error {
	rule, err := summary.NewAccessionRule(o.AccessionFrom, o.AccessionRegex)
	if err != nil {
		return usageError{err}
	}
	c := summary.New(rule)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.AddFile(f); err != nil {
			return err
		}
	}
	var table bytes.Buffer
	if err := c.WriteTSV(&table); err != nil {
		return err
	}
	if o.JSON != "" {
		var js bytes.Buffer
		if err := c.WriteJSON(&js); err != nil {
			return err
		}
		if err := manifest.WriteFileAtomic(o.JSON, js.Bytes()); err != nil {
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
	s := c.Summary()
	a.log().Info().Int("accessions", len(s.Accessions)).Int("rows", len(c.Rows())).Str("out", o.Out).Msg("cohort table written")
	return nil
}
