package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
)

// Exit codes. Each command's help lists the ones it can return.
const (
	exitOK            = 0
	exitError         = 1 // bad input, I/O failure, refused resume, lock held, ...
	exitUsage         = 2 // bad flags or arguments
	exitRecordsFailed = 3 // the run finished, but some records failed (see output and manifest)
	exitDisagree      = 4 // compare: the engines disagree on some pair
	exitSIGINT        = 130
	exitSIGTERM       = 143
)

var exitText = map[int]string{
	exitOK:            "success",
	exitError:         "error: unreadable or invalid input, output failure, refused resume, lock held",
	exitUsage:         "usage error: unknown flag, bad flag value or config key, wrong arguments, an output path that is an input",
	exitRecordsFailed: "finished, but some records failed (each is in the output with its reason)",
	exitDisagree:      "the native engine and EMBOSS water disagree on at least one pair",
	exitSIGINT:        "interrupted by SIGINT (checkpoint written; rerun to resume)",
	exitSIGTERM:       "terminated by SIGTERM (checkpoint written; rerun to resume)",
}

// exitHelp is the EXIT STATUS section of a command's help, listing only
// the codes that command can return.
func exitHelp(codes ...int) string { return exitHelpText(nil, codes...) }

// exitHelpText is exitHelp with the texts of some codes replaced, for a
// command whose code means something more precise (compare writes no
// checkpoint to resume from).
func exitHelpText(texts map[int]string, codes ...int) string {
	var b strings.Builder
	b.WriteString("\n\nEXIT STATUS")
	for _, c := range codes {
		t, ok := texts[c]
		if !ok {
			t = exitText[c]
		}
		fmt.Fprintf(&b, "\n  %-4d %s", c, t)
	}
	return b.String()
}

// usageError marks errors caused by how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// disagreeError is compare's verdict when the engines differ.
type disagreeError struct{ n, of int }

func (e disagreeError) Error() string {
	return fmt.Sprintf("compare: %d of %d records disagree between native and water", e.n, e.of)
}

var errInterrupted = pipeline.ErrInterrupted

func isRecordsFailed(err error) bool {
	var rf *pipeline.RecordsFailedError
	return errors.As(err, &rf)
}

// codeOf is the exit code err gives, without reporting it (the metrics
// file records it before exit prints).
func (a *app) codeOf(err error) int {
	var rf *pipeline.RecordsFailedError
	var de disagreeError
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInterrupted):
		select {
		case sig := <-a.io.interrupted:
			a.io.interrupted <- sig // exit reads it again
			return exitCodeForSignal(sig)
		default:
			return exitSIGINT
		}
	case errors.As(err, &rf):
		return exitRecordsFailed
	case errors.As(err, &de):
		return exitDisagree
	case errors.As(err, &ue) || errors.Is(err, pipeline.ErrSpec) || errors.Is(err, output.ErrClobber) || isCobraUsage(err):
		return exitUsage
	}
	return exitError
}

// exit prints err (if any) once and maps it to an exit code. cmd is the
// command that ran (for the usage hint), nil if parsing failed early.
func (a *app) exit(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	var sig os.Signal
	select {
	case sig = <-a.io.interrupted:
	default:
	}
	if sig != nil && errors.Is(err, errInterrupted) {
		a.log().Warn().Str("signal", sig.String()).Msg(errInterrupted.Error())
		return exitCodeForSignal(sig)
	}
	var rf *pipeline.RecordsFailedError
	if errors.As(err, &rf) {
		a.log().Warn().Int("failed", rf.N).Msg(rf.Error())
		return exitRecordsFailed
	}
	var de disagreeError
	if errors.As(err, &de) {
		a.log().Error().Msg(de.Error())
		return exitDisagree
	}
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, pipeline.ErrSpec) || errors.Is(err, output.ErrClobber) || isCobraUsage(err) {
		path := "wtalign"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(a.io.Err, "wtalign: %v\nRun '%s --help' for usage.\n", err, path)
		return exitUsage
	}
	a.log().Error().Msg(err.Error())
	return exitError
}

// isCobraUsage recognises the argument errors cobra itself produces.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "required flag", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// noArgs refuses positional arguments with a message naming the command.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// needArgs requires at least one argument, saying what it should be.
func needArgs(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}
