package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/cohort"
	"github.com/wtalign/wtalign/htmlreport"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/quality"
)

type reportOptions struct {
	Out            string
	JSONOut        string
	MultiQC        string
	Manifests      []string
	AccessionFrom  string
	AccessionRegex string
	Title          string
}

func (o *reportOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "the HTML report to write (one self-contained file, no network needed to view it)")
	fs.StringVar(&o.JSONOut, "json-out", "", "also write the quality analysis as JSON (docs/quality.schema.json)")
	fs.StringVar(&o.MultiQC, "multiqc", "", "also write MultiQC custom-content files (*_mqc.tsv, *_mqc.json) into this directory")
	fs.StringArrayVar(&o.Manifests, "manifest", nil, "a run's manifest kept away from its output (as workflows publish them); matched to the output by the sha256 it records (repeatable)")
	fs.StringVar(&o.AccessionFrom, "accession-from", cohort.FromFilename, "how each output names its accession: filename ({accession}_alignments.json) or stem (up to the first '.')")
	fs.StringVar(&o.AccessionRegex, "accession-regex", "", "regular expression with one capture group matched against the output's file name")
	fs.StringVar(&o.Title, "title", "", "title of the HTML report")
}

const reportLong = `report reads finished outputs of 'wtalign align' (one per genome
accession, json or jsonl, with their manifests; or directories of them) and
writes a quality report: one self-contained HTML file with the run overview,
a status chart, identity-vs-coverage per gene with outliers labelled, the
mutation positions along each reference, an accession x known-mutation
heatmap and sortable tables of outliers, failures and calls; optionally the
same analysis as JSON and MultiQC custom-content files.

Outliers are found by the rules in docs/report.md: per gene across the cohort
(median and MAD, at least 5 records), and absolute ones (low coverage or
identity, many novel calls, a divergent C-terminal tail, many ambiguous
residues, several copies where one is expected). Each has its reason and the
numbers behind it. Homologs found in a proteome scan are expected and are
not outliers; a homolog that was named as the gene is.

Outputs made with different references or parameters are refused (one report
is one cohort). Files are written to a temporary name and renamed.`

func newReportCommand(a *app) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:     "report -o REPORT.html [--multiqc DIR] OUTPUT...",
		Short:   "Quality report of a cohort: outliers, calls and plots as one HTML file, JSON and MultiQC",
		Long:    reportLong + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign report -o report.html --multiqc mqc/ results/alignments/",
		Args:    needArgs("the outputs (or directories of outputs) of 'wtalign align'"),
		PreRunE: func(*cobra.Command, []string) error {
			if o.Out == "" && o.JSONOut == "" && o.MultiQC == "" {
				return usagef("report needs -o REPORT.html, --json-out FILE or --multiqc DIR")
			}
			if o.AccessionFrom == cohort.FromInput {
				return usagef("--accession-from %s: a report has one accession per output; use %s or %s", cohort.FromInput, cohort.FromFilename, cohort.FromStem)
			}
			if _, err := cohort.NewAccessionRule(o.AccessionFrom, o.AccessionRegex); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("accession-from", fixedCompletions(cohort.FromFilename, cohort.FromStem))
	return cmd
}

func runReport(ctx context.Context, a *app, o *reportOptions, paths []string) error {
	writes := []output.Path{{Path: o.Out, Role: "report"}, {Path: o.JSONOut, Role: "JSON analysis"}}
	if o.MultiQC != "" {
		for _, n := range []string{quality.MultiQCGeneralStats, quality.MultiQCStatus, quality.MultiQCCalls} {
			writes = append(writes, output.Path{Path: filepath.Join(o.MultiQC, n), Role: "MultiQC file"})
		}
	}
	if err := output.CheckClobber(append(readPaths("run output", paths...), readPaths("manifest", o.Manifests...)...), writes); err != nil {
		return err
	}
	var bar *progress
	rep, err := quality.Analyze(ctx, paths, quality.Options{
		AccessionMode: o.AccessionFrom, AccessionPattern: o.AccessionRegex, Manifests: o.Manifests,
		Progress: func(p quality.Progress) {
			if bar == nil {
				bar = newProgress(a, "reading outputs", p.Total)
			}
			bar.set(p.Done)
		},
	})
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return err
	}
	v, _ := versionInfo()
	if o.JSONOut != "" {
		var b bytes.Buffer
		if err := rep.WriteJSON(&b); err != nil {
			return err
		}
		if err := manifest.WriteFileAtomic(o.JSONOut, b.Bytes()); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if o.MultiQC != "" {
		if _, err := quality.WriteMultiQC(o.MultiQC, rep); err != nil {
			return err
		}
	}
	if o.Out != "" {
		if err := htmlreport.WriteFile(o.Out, rep, htmlreport.Options{Title: o.Title, ToolVersion: v}); err != nil {
			return err
		}
	}
	a.log().Info().Int("accessions", len(rep.Accessions)).Int("outliers", len(rep.Outliers)).Str("out", o.Out).Msg("report written")
	if o.Out != "" && !a.glob.Quiet {
		fmt.Fprintf(a.io.Err, "wtalign: report written to %s\n", o.Out)
	}
	return nil
}
