package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type cancelOptions struct {
	remote remoteOptions
}

func (o *cancelOptions) AddFlags(fs *pflag.FlagSet) { o.remote.AddFlags(fs) }

func newCancelCommand(a *app) *cobra.Command {
	o := &cancelOptions{}
	cmd := &cobra.Command{
		Use:   "cancel [flags] ID...",
		Short: "Cancel jobs on a wtalign server",
		Long: `cancel stops jobs: a queued job is CANCELED at once, a running one is
CANCELING until its run has stopped. It prints each job's id and state. A job
that already ended cannot be canceled (exit 1, the others are still tried).` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign cancel 3n5k2m7q4p6r8s2t",
		Args:    needArgs("at least one job id"),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCancel(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runCancel(ctx context.Context, a *app, o *cancelOptions, ids []string) error {
	c, err := o.remote.client()
	if err != nil {
		return err
	}
	failed := 0
	for _, id := range ids {
		j, err := c.Cancel(ctx, id)
		if err != nil {
			a.log().Error().Str("job", id).Msg(remoteError(err).Error())
			failed++
			continue
		}
		fmt.Fprintf(a.io.Out, "%s\t%s\n", j.ID, j.State)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d job(s) could not be canceled", failed, len(ids))
	}
	return nil
}
