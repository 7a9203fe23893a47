package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/pipeline"
)

type fetchOptions struct {
	remote   remoteOptions
	Out      string
	Format   string
	Manifest bool
}

func (o *fetchOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "-", "file to write; - for stdout")
	fs.StringVar(&o.Format, "format", "", "results format: json, jsonl or tsv (default: the job's; converted from json/jsonl)")
	fs.BoolVar(&o.Manifest, "manifest", false, "fetch the job's checkpoint manifest instead of its results")
	o.remote.AddFlags(fs)
}

func newFetchCommand(a *app) *cobra.Command {
	o := &fetchOptions{}
	cmd := &cobra.Command{
		Use:   "fetch [flags] ID",
		Short: "Download a job's results (or manifest) from a wtalign server",
		Long: `fetch downloads the results of a finished job, checking them against the
sha256 the server sends as ETag. A file given with -o appears only once
complete. --format converts json or jsonl results on the server into another
format, with the bytes align writes in that format.` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign fetch -o sample.json 3n5k2m7q4p6r8s2t\n  wtalign fetch --format tsv 3n5k2m7q4p6r8s2t > sample.tsv",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runFetch(cmd.Context(), a, o, args[0]) },
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletions(pipeline.FormatNames()...))
	return cmd
}

func runFetch(ctx context.Context, a *app, o *fetchOptions, id string) error {
	c, err := o.remote.client()
	if err != nil {
		return err
	}
	if o.Manifest {
		b, err := c.Manifest(ctx, id)
		if err != nil {
			return remoteError(err)
		}
		if o.Out == "-" {
			_, err = a.io.Out.Write(b)
			return err
		}
		if err := manifest.WriteFileAtomic(o.Out, b); err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		return nil
	}
	return fetchTo(ctx, a, c, id, o.Format, o.Out)
}
