package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/verify"
)

type verifyOptions struct {
	Reference   string
	JSON        bool
	MaxFailures int
}

func (o *verifyOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Reference, "reference", "r", "", "the reference FASTA the outputs were made with: also check the reference residues and re-derive every call")
	fs.BoolVar(&o.JSON, "json", false, "print the result as JSON (every failure, the checks run and skipped)")
	fs.IntVar(&o.MaxFailures, "max-failures", 1000, "stop collecting failures after this many")
}

const verifyLong = `verify re-checks finished outputs of 'wtalign align' (or 'wtalign merge')
without rerunning the job:

  - every record against the record JSON Schema;
  - each record's aligned strings rescored with its matrix and gap penalties
    equal its score; Length/Identity/Similarity/Gaps, coordinates, coverage
    and percentages recomputed from the aligned strings equal the stored ones;
  - with -r, the reference residues match and the calls re-derived from the
    alignment (mutations, flags, status, truncation, not-covered ranges,
    sites) equal the stored calls;
  - the manifest's counts and checksum match the file; records are in input
    order, none missing or duplicated (shard outputs too).

An unfinished run's output is refused (see 'wtalign status'). Failures name
the file, the record, the field, the stored and the recomputed value.`

func newVerifyCommand(a *app) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:     "verify [-r REFERENCE.faa] OUTPUT...",
		Short:   "Re-check finished outputs: schema, scores, statistics, calls, manifest checksums",
		Long:    verifyLong + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign verify -r wildtypes.faa out/*.json",
		Args:    needArgs("at least one output of 'wtalign align'"),
		RunE:    func(cmd *cobra.Command, args []string) error { return runVerify(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runVerify(ctx context.Context, a *app, o *verifyOptions, paths []string) error {
	if o.MaxFailures < 1 {
		return usagef("--max-failures %d: want at least 1", o.MaxFailures)
	}
	res, err := verify.Verify(ctx, paths, verify.Options{References: o.Reference, MaxFailures: o.MaxFailures})
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return fmt.Errorf("verify %w", ctx.Err())
		}
		return err
	}
	if o.JSON {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(a.io.Out, "%s\n", b); err != nil {
			return err
		}
	} else if err := res.WriteText(a.io.Out, 20); err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("verify: %d failure(s); the first are listed above", len(res.Failures))
	}
	return nil
}
