package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/gencode"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
)

const catalogLong = `Work with resistance-mutation catalogs (docs/catalog.md):

  references  translate a PointFinder species folder's protein-coding
              reference genes into the protein wild types to align against
  check       load catalogs and show what they hold, and, with -r, how their
              genes match the wild types and that every catalogued reference
              residue agrees with them

Annotation is only as good as the catalog: a "known" verdict means the
catalog lists the change, with the drugs and evidence it gives; it is not a
clinical interpretation.`

func newCatalogCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Resistance catalogs: translate PointFinder wild types, check catalogs against references",
		Long:  catalogLong,
		Args:  noArgs,
	}
	cmd.AddCommand(newCatalogReferencesCommand(a), newCatalogCheckCommand(a))
	return cmd
}

type catalogReferencesOptions struct {
	Out         string
	GeneticCode int
	CDS         bool
}

func (o *catalogReferencesOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "-", "FASTA to write; - for stdout")
	fs.IntVar(&o.GeneticCode, "genetic-code", gencode.Default, "NCBI genetic code to translate with")
	fs.BoolVar(&o.CDS, "cds", false, "write the coding sequences instead of the proteins (references for --input-type cds)")
}

func newCatalogReferencesCommand(a *app) *cobra.Command {
	o := &catalogReferencesOptions{}
	cmd := &cobra.Command{
		Use:   "references POINTFINDER_SPECIES_DIR",
		Short: "Translate a PointFinder species folder's reference genes to protein wild types",
		Long: `references reads genes.txt of a PointFinder species folder, leaves out the RNA
genes (RNA_genes.txt) and promoter-only files, and translates each gene's
.fsa with the genetic code (11 by default). Each wild type's ID is
<species>|<gene key>|<record>, so its gene key is the one the catalog's
entries use. A gene whose length is not a multiple of 3, or that has an
internal stop, is an error naming it; the genes left out are logged.` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign catalog references pointfinder_db/escherichia_coli -o ecoli_wildtypes.faa",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%s needs one PointFinder species folder", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatalogReferences(cmd.Context(), a, o, args[0])
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runCatalogReferences(_ context.Context, a *app, o *catalogReferencesOptions, dir string) error {
	code, err := gencode.Lookup(o.GeneticCode)
	if err != nil {
		return usagef("--genetic-code %d: %v", o.GeneticCode, strings.TrimPrefix(err.Error(), "gencode: "))
	}
	if err := output.CheckClobber(readPaths("catalog", dir), []output.Path{{Path: o.Out, Role: "output"}}); err != nil {
		return err
	}
	wts, rep, err := catalog.References(dir, code)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, w := range wts {
		seq := w.Protein
		if o.CDS {
			seq = w.CDS
		}
		fmt.Fprintf(&b, ">%s %s\n", w.ID, w.Description)
		for i := 0; i < len(seq); i += 60 {
			b.Write(seq[i:min(i+60, len(seq))])
			b.WriteByte('\n')
		}
	}
	for _, s := range rep.Skipped {
		a.log().Info().Str("gene", s.Gene).Str("reason", s.Reason).Msg("not translated")
	}
	for _, w := range rep.Warnings {
		a.log().Warn().Msg(w.String())
	}
	if o.Out == "-" {
		_, err := a.io.Out.Write([]byte(b.String()))
		return err
	}
	if err := manifest.WriteFileAtomic(o.Out, []byte(b.String())); err != nil {
		return fmt.Errorf("catalog references: %w", err)
	}
	a.log().Info().Int("wild_types", len(wts)).Int("skipped", len(rep.Skipped)).Str("out", o.Out).Msg("wild types written")
	return nil
}

type catalogCheckOptions struct {
	spec pipeline.Spec
}

func (o *catalogCheckOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.spec.Reference, "reference", "r", "", "wild-type FASTA: also match every catalog gene to a reference and verify every entry's reference residue")
	addCatalogFlags(fs, &o.spec)
	fs.StringVar(&o.spec.InputType, "input-type", o.spec.InputType, "protein, or cds (the reference is coding sequences)")
	fs.IntVar(&o.spec.GeneticCode, "genetic-code", o.spec.GeneticCode, "NCBI genetic code for --input-type cds")
}

func newCatalogCheckCommand(a *app) *cobra.Command {
	o := &catalogCheckOptions{spec: pipeline.DefaultSpec()}
	cmd := &cobra.Command{
		Use:   "check [-r WILDTYPES.faa] [--gene-alias A=B] CATALOG...",
		Short: "Load catalogs and print the load report (and, with -r, the match to each wild type)",
		Long: `check loads each catalog (a PointFinder species folder or table, an
AMRFinderPlus mutation table, a wtalign catalog TSV) and prints the load
report: every line accounted for (entry rows, duplicates merged, rows
skipped by reason: nucleotide, rRNA and promoter rows, which protein input
cannot see; headers, sections, comments). With -r it also matches every
catalog gene to the wild types (by accession, gene key or alias) and
verifies each entry's reference residue against them, as align does; a
mismatch is an error naming the file and line (--catalog-lenient drops such
entries with a warning).` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign catalog check -r ref_ecoli_k12_mg1655.faa --gene-alias pmrB=basS pointfinder_db/escherichia_coli",
		Args:    needArgs("at least one catalog"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatalogCheck(cmd.Context(), a, o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.Flags().MarkHidden("catalog") // the catalogs are the arguments
	registerCompletions(cmd)
	return cmd
}

func runCatalogCheck(_ context.Context, a *app, o *catalogCheckOptions, paths []string) error {
	s := o.spec
	s.Catalogs = append(append([]string{}, s.Catalogs...), paths...)
	cats, ix, err := pipeline.CheckCatalogs(s)
	if err != nil {
		return (&specSource{}).explain(err)
	}
	var res *catalog.ResolveReport
	if ix != nil {
		res = &ix.Report
	}
	w := bufio.NewWriter(a.io.Out)
	if err := catalog.WriteReport(w, cats, res); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	unexplained := 0
	for _, c := range cats {
		r := c.Report
		if n := r.Lines - r.Rows - r.SkippedTotal() - r.Headers - r.Sections - r.Comments - r.Blank; n != 0 {
			unexplained += n
			a.log().Error().Str("catalog", c.Label()).Int("lines", n).Msg("lines the load report does not account for")
		}
	}
	if unexplained > 0 {
		return fmt.Errorf("catalog check: %d lines not accounted for", unexplained)
	}
	return nil
}
