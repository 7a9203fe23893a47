package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/api"
)

type jobsOptions struct {
	remote remoteOptions
	States []string
	JSON   bool
}

func (o *jobsOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.States, "state", nil, "only jobs in these states (QUEUED, RUNNING, COMPLETE, EXECUTOR_ERROR, ...; repeat or comma-separate)")
	fs.BoolVar(&o.JSON, "json", false, "print the jobs as JSON (the API's documents) for scripts")
	o.remote.AddFlags(fs)
}

func newJobsCommand(a *app) *cobra.Command {
	o := &jobsOptions{}
	cmd := &cobra.Command{
		Use:   "jobs [flags] [ID...]",
		Short: "List your jobs on a wtalign server, or show some in detail",
		Long: `jobs lists the token's jobs on the server, newest first: state, records
done of the total, counts by status, rate and ETA of running jobs. With job
ids it shows those jobs in detail (errors, failed records, notifications).` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign jobs --state RUNNING,QUEUED\n  wtalign jobs --json 3n5k2m7q4p6r8s2t | jq .progress",
		RunE:    func(cmd *cobra.Command, args []string) error { return runJobs(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	var states []string
	for _, s := range api.States {
		states = append(states, string(s))
	}
	_ = cmd.RegisterFlagCompletionFunc("state", fixedCompletions(states...))
	return cmd
}

func runJobs(ctx context.Context, a *app, o *jobsOptions, ids []string) error {
	var states []api.State
	for _, s := range o.States {
		st := api.State(strings.ToUpper(s))
		if !st.Valid() {
			return usagef("--state %q: want one of %v", s, api.States)
		}
		states = append(states, st)
	}
	c, err := o.remote.client()
	if err != nil {
		return err
	}
	var jobs []api.Job
	if len(ids) > 0 {
		for _, id := range ids {
			j, err := c.Job(ctx, id)
			if err != nil {
				return remoteError(err)
			}
			jobs = append(jobs, *j)
		}
	} else if jobs, err = c.AllJobs(ctx, states...); err != nil {
		return remoteError(err)
	}
	if o.JSON {
		if jobs == nil {
			jobs = []api.Job{}
		}
		b, err := json.MarshalIndent(jobs, "", "  ")
		if err != nil {
			return err
		}
		_, err = a.io.Out.Write(append(b, '\n'))
		return err
	}
	if len(ids) > 0 {
		return printJobDetails(a, jobs)
	}
	tw := tabwriter.NewWriter(a.io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tDONE\tSTATUSES\tRATE\tCREATED\tLABEL")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.ID, j.State, doneText(j), statusList(j.Counts.Statuses),
			rateText(j), j.CreatedAt.Local().Format(time.DateTime), j.Label)
	}
	return tw.Flush()
}

func doneText(j api.Job) string {
	if j.Progress.Total == nil {
		return fmt.Sprintf("%d/?", j.Progress.Done)
	}
	return fmt.Sprintf("%d/%d", j.Progress.Done, *j.Progress.Total)
}

func rateText(j api.Job) string {
	if j.State.Final() || j.Progress.RecordsPerSecond == 0 {
		return "-"
	}
	s := fmt.Sprintf("%.1f/s", j.Progress.RecordsPerSecond)
	if j.Progress.ETA != nil {
		s += " ETA " + j.Progress.ETA.Local().Format(time.TimeOnly)
	}
	return s
}

func printJobDetails(a *app, jobs []api.Job) error {
	tw := tabwriter.NewWriter(a.io.Out, 0, 0, 2, ' ', 0)
	for i, j := range jobs {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
		row("id", j.ID)
		if j.Label != "" {
			row("label", j.Label)
		}
		row("state", string(j.State))
		row("owner", j.Owner+" (submitted by "+j.SubmittedBy+")")
		row("created", j.CreatedAt.Local().Format(time.DateTime))
		if j.EndedAt != nil {
			row("ended", j.EndedAt.Local().Format(time.DateTime))
		}
		names := make([]string, len(j.Inputs))
		for k, f := range j.Inputs {
			names[k] = f.Name
		}
		row("inputs", strings.Join(names, ", "))
		row("reference", j.Reference)
		row("threads", fmt.Sprint(j.Threads))
		row("done", doneText(j))
		row("statuses", statusList(j.Counts.Statuses))
		row("rate", rateText(j))
		if j.Results != nil {
			row("results", fmt.Sprintf("%s, %d bytes, sha256 %s", j.Results.Format, j.Results.Bytes, j.Results.SHA256))
		}
		for _, e := range j.Errors {
			row("error", e)
		}
		sort.Slice(j.Failures, func(x, y int) bool { return j.Failures[x].RecordIndex < j.Failures[y].RecordIndex })
		for k, f := range j.Failures {
			if k == 5 {
				row("", fmt.Sprintf("... %d more failed records (--json)", len(j.Failures)-5))
				break
			}
			row("failed", fmt.Sprintf("%s record %d (%s): %s", f.InputFile, f.RecordIndex, f.ID, f.Reason))
		}
		if n := j.Notify; n != nil {
			row("notify", fmt.Sprintf("%s (%s): %s after %d attempt(s)", n.URL, n.Format, n.State, len(n.Deliveries)))
		}
	}
	return tw.Flush()
}
