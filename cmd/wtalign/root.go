package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/wtalign/wtalign/aligner"
	"golang.org/x/term"
)

// streams are the command's I/O; tests replace them with buffers.
type streams struct {
	In          io.Reader
	Out         io.Writer
	Err         io.Writer
	ErrIsTTY    bool // progress bar and human logs only on a terminal
	InIsTTY     bool
	interrupted chan os.Signal // first signal received, for exit code 130/143
}

func stdStreams() *streams {
	return &streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		ErrIsTTY: term.IsTerminal(int(os.Stderr.Fd())),
		InIsTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}
}

// globalOptions are the flags every command has.
type globalOptions struct {
	LogFormat string
	LogLevel  string
	Quiet     bool
	log       zerolog.Logger
}

// app is what every command gets: streams, global options, a logger.
type app struct {
	io   *streams
	glob *globalOptions
}

func (a *app) log() *zerolog.Logger { return &a.glob.log }

// run builds the command tree, executes it and maps the outcome to an exit code.
func run(args []string, s *streams) int {
	ctx, stop := signalContext(context.Background(), s)
	defer stop()
	a := &app{io: s, glob: &globalOptions{LogFormat: "auto", LogLevel: "info"}}
	_ = a.setupLogging()
	root := newRootCommand(a)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	cmd, err := root.ExecuteContextC(ctx)
	return a.exit(cmd, err)
}

func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "wtalign",
		Short: "Align proteins to their wild-type references and call amino-acid changes",
		Long: `wtalign aligns protein sequences against wild-type reference proteins
(e.g. E. coli K-12 GyrA, ParC, AcrB) with local Smith-Waterman alignment that
reproduces EMBOSS water exactly (EBLOSUM62, gap open 10, gap extend 0.5 by
default), and reports identity, coverage and amino-acid changes in reference
numbering (S83L, p.Ser83Leu, deletions, insertions, premature stops).

Data goes to stdout or -o; logs go to stderr (human on a terminal, JSON lines
otherwise).` + exitHelp(exitOK, exitError, exitUsage, exitRecordsFailed, exitDisagree, exitSIGINT, exitSIGTERM),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.setupLogging(); err != nil {
				return err
			}
			return selectKernel()
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.glob.LogFormat, "log-format", "auto", "log format: auto (console on a terminal, JSON otherwise), console, json")
	pf.StringVar(&a.glob.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.BoolVarP(&a.glob.Quiet, "quiet", "q", false, "only log errors and hide the progress bar")
	_ = root.RegisterFlagCompletionFunc("log-format", fixedCompletions("auto", "console", "json"))
	_ = root.RegisterFlagCompletionFunc("log-level", fixedCompletions("debug", "info", "warn", "error"))
	v, c := versionInfo()
	root.Version = v + " (commit " + c + ")"
	root.SetVersionTemplate("wtalign {{.Version}}\n")

	// Every command, in the order help lists them; each lives in its own
	// file with its options struct.
	root.AddCommand(
		newAlignCommand(a),
		newCompareCommand(a),
		newStatusCommand(a),
		newMergeCommand(a),
		newSummarizeCommand(a),
		newReportCommand(a),
		newVerifyCommand(a),
		newCatalogCommand(a),
		newEnginesCommand(a),
		newConfigCommand(a),
		newServeCommand(a),
		newSubmitCommand(a),
		newJobsCommand(a),
		newFetchCommand(a),
		newCancelCommand(a),
		newVersionCommand(a),
	)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cobra.AddTemplateFunc("groupedFlags", groupedUsage)
	root.SetUsageTemplate(usageTemplate)
	return root
}

// signalContext cancels ctx on the first SIGINT/SIGTERM and exits at once on
// the second; the first signal is kept so the exit code can name it. The
// returned stop ends the watching goroutine. The signals stay caught after
// stop: one that lands between the end of the work and os.Exit is ignored,
// where the default action would kill a run that has finished (exit status
// "killed by signal" instead of the run's own).
func signalContext(parent context.Context, s *streams) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	done := make(chan struct{})
	s.interrupted = make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-ch:
			s.interrupted <- sig
			cancel()
		case <-done:
			return
		}
		select {
		case sig2 := <-ch:
			fmt.Fprintf(s.Err, "wtalign: second %v, exiting at once\n", sig2)
			os.Exit(exitCodeForSignal(sig2))
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}

func exitCodeForSignal(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return exitSIGTERM
	}
	return exitSIGINT
}

// usageTemplate is cobra's default with the local flags listed by topic.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}
{{groupedFlags .LocalFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`

// selectKernel applies $WTALIGN_KERNEL (generic, avx2, avx512: force the
// native engine's kernel, for diagnosis and benchmarks); a name this
// machine cannot run is a usage error, never silently ignored.
func selectKernel() error {
	v := os.Getenv("WTALIGN_KERNEL")
	if v == "" {
		return nil
	}
	if err := aligner.SetKernel(v); err != nil {
		return usagef("WTALIGN_KERNEL=%s: %v", v, strings.TrimPrefix(err.Error(), "aligner: "))
	}
	return nil
}
