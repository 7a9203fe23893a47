package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
)

type mergeOptions struct {
	Out      string
	Manifest string
}

func (o *mergeOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Out, "out", "o", "", "merged output (required); - for stdout (then no manifest)")
	f.StringVar(&o.Manifest, "manifest", "", "merged manifest (default <out>.manifest.json)")
}

func newMergeCommand(a *app) *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge -o OUT [--manifest M] SHARD_OUTPUT...",
		Short: "Combine the outputs of 'align --shard K/N' runs into the unsharded output",
		Long: `merge combines the outputs of 'wtalign align --shard 1/N' ... '--shard N/N'
into exactly the output (byte for byte) that one unsharded run writes, plus a
manifest for it. Shard K/N holds the input records whose 0-based ordinal o
(counted across all input files, in order) has o mod N = K-1, so every record
is in exactly one shard, whatever the machine.

Each shard's manifest is read from <shard output>.manifest.json. merge
refuses, writing nothing, unless: every shard is finished (complete, or
complete_with_failures, which carries over), each output still matches its
manifest's size and sha256, the shards cover 1/N..N/N exactly once (a
missing or duplicated shard is named), and all come from the same run
(inputs, reference, configuration, engine, format and wtalign build; the
differences are listed). Shards may be given in any order.

Like align, merge writes <out>.partial and renames it when done. It exits 3
if some shards' records failed.` + exitHelp(exitOK, exitError, exitUsage, exitRecordsFailed),
		Example: `  wtalign merge -o all.jsonl shard*.jsonl`,
		Args:    needArgs("the shard outputs to merge (e.g. shard*.jsonl)"),
		PreRunE: func(*cobra.Command, []string) error {
			if o.Out == "" {
				return usagef("merge needs -o/--out: the merged output file (- for stdout)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.Context(), a, o, args, cmd.Root().Name())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runMerge(ctx context.Context, a *app, o *mergeOptions, shards []string, prog string) error {
	argv := append([]string{prog, "merge", "-o", o.Out}, shards...)
	if o.Manifest != "" {
		argv = append([]string{prog, "merge", "-o", o.Out, "--manifest", o.Manifest}, shards...)
	}
	m, err := output.Merge(ctx, output.MergeOptions{Out: o.Out, Stdout: a.io.Out, Manifest: o.Manifest, Shards: shards, CommandLine: argv})
	if err != nil {
		return err
	}
	if m != nil && m.Counts.Failed > 0 {
		return &pipeline.RecordsFailedError{N: m.Counts.Failed}
	}
	if m != nil {
		a.log().Info().Int("shards", len(shards)).Int("records", m.Counts.Done).Str("out", o.Out).Msg("merged")
	}
	return nil
}
