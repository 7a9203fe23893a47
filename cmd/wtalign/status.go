package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

type statusOptions struct {
	JSON bool
}

func (o *statusOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.JSON, "json", false, "print a JSON array (one object per manifest) for scripts")
}

func newStatusCommand(a *app) *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status [flags] MANIFEST...",
		Short: "Show the state of runs from their manifests: done/total, failures, rate, ETA",
		Long: `status reads the manifests that 'wtalign align' keeps next to its output
(<out>.manifest.json) and prints, per run: status, records done of the total,
failed / no_hit / skipped records, the rate of the current session and the
estimated time left from the last checkpoint.

Status is one of running, complete, complete_with_failures (finished, some
records failed: rerun the same command to retry them), interrupted
(SIGINT/SIGTERM) or failed (an error stopped it; see the error column). A
run shown as "running (stale)" has no live process on this host: it was
killed; rerun the same command to resume it. docs/manifest.md describes
every field; --json prints them for scripts, including each failed record.

The exit status is 1 if any manifest cannot be read (the others are still
shown).` + exitHelp(exitOK, exitError, exitUsage),
		Example: `  wtalign status results/*.manifest.json
  wtalign status --json run.jsonl.manifest.json | jq '.[0].done'`,
		Args: needArgs("at least one manifest (the <out>.manifest.json next to an align output)"),
		RunE: func(cmd *cobra.Command, args []string) error { return runStatus(cmd.Context(), a, o, args) },
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runStatus(ctx context.Context, a *app, o *statusOptions, paths []string) error {
	var runs []manifest.Progress
	var bad []string
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := manifest.Load(p)
		if err != nil {
			if errors.Is(err, manifest.ErrNotManifest) && isAlignOutput(p) {
				err = outputNotManifest(p)
			}
			a.log().Error().Msg(err.Error())
			bad = append(bad, p)
			continue
		}
		runs = append(runs, manifest.ProgressOf(p, m))
	}
	if o.JSON {
		if runs == nil {
			runs = []manifest.Progress{}
		}
		b, err := json.MarshalIndent(runs, "", "  ")
		if err != nil {
			return err
		}
		if _, err := a.io.Out.Write(append(b, '\n')); err != nil {
			return err
		}
	} else if err := printStatus(a, runs); err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d manifest(s) could not be read: %s", len(bad), strings.Join(bad, ", "))
	}
	return nil
}

func printStatus(a *app, runs []manifest.Progress) error {
	tw := tabwriter.NewWriter(a.io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MANIFEST\tSTATUS\tDONE\tFAILED\tNO_HIT\tSKIPPED\tRATE\tETA\tLAST CHECKPOINT")
	for _, s := range runs {
		status := string(s.Status)
		if s.Stale {
			status += " (stale)"
		}
		if s.Shard != "" {
			status += " shard " + s.Shard
		}
		done := fmt.Sprintf("%d/?", s.Done)
		if s.Total != nil {
			done = fmt.Sprintf("%d/%d (%.1f%%)", s.Done, *s.Total, *s.Percent)
		}
		eta := "-"
		switch {
		case s.ETA != nil:
			eta = s.ETA.Local().Format(time.DateTime)
		case s.RemainingSeconds != nil:
			eta = "~" + (time.Duration(*s.RemainingSeconds) * time.Second).String() + " after resume"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.1f/s\t%s\t%s\n", s.Manifest, status, done, s.Failed, s.NoHit, s.Skipped,
			s.RecordsPerSecond, eta, s.LastCheckpointAt.Local().Format(time.DateTime))
		if s.Error != "" {
			fmt.Fprintf(tw, "  error: %s\n", s.Error)
		}
		for i, f := range s.Failures {
			if i == 5 {
				fmt.Fprintf(tw, "  ... %d more failed records (see --json)\n", len(s.Failures)-5)
				break
			}
			fmt.Fprintf(tw, "  failed: %s record %d (%s): %s\n", f.InputFile, f.RecordIndex, f.ID, f.Reason)
		}
	}
	return tw.Flush()
}

// outputNotManifest is the error for an align output given as a manifest.
func outputNotManifest(p string) error {
	man := p + ".manifest.json"
	if _, err := os.Stat(man); err == nil {
		return fmt.Errorf("%s is not a wtalign manifest (did you mean %s?)", p, man)
	}
	return fmt.Errorf("%s is a wtalign output, not a manifest; a run with -o %s keeps its manifest in %s, which does not exist", p, p, man)
}

// isAlignOutput reports whether the file at p starts like an output of
// wtalign align in one of its formats.
func isAlignOutput(p string) bool {
	f, err := os.Open(p) // #nosec G304 -- the path the user gave to wtalign status
	if err != nil {
		return false
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, 1<<16).ReadSlice('\n')
	if err != nil && len(line) == 0 {
		return false
	}
	line = bytes.TrimRight(line, "\r\n")
	switch {
	case bytes.HasPrefix(line, []byte(strings.Join(output.TSVColumns[:2], "\t")+"\t")): // tsv header
		return true
	case bytes.HasPrefix(line, []byte(`{"schema_version":"`)) && bytes.Contains(line, []byte(`"records":[`)): // json
		return true
	}
	var rec report.Record // jsonl: a record per line
	return json.Unmarshal(line, &rec) == nil && rec.SchemaVersion != "" && rec.Query.ID != ""
}
