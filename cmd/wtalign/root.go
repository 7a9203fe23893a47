package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
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
	err := root.ExecuteContext(ctx)
	return a.exit(err)
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
otherwise).` + exitStatusHelp,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.setupLogging() },
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.glob.LogFormat, "log-format", "auto", "log format: auto (console on a terminal, JSON otherwise), console, json")
	pf.StringVar(&a.glob.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.BoolVarP(&a.glob.Quiet, "quiet", "q", false, "only log errors and hide the progress bar")
	_ = root.RegisterFlagCompletionFunc("log-format", fixedCompletions("auto", "console", "json"))
	_ = root.RegisterFlagCompletionFunc("log-level", fixedCompletions("debug", "info", "warn", "error"))

	root.AddCommand(
		newAlignCommand(a),
		newConfigCommand(a),
		newVersionCommand(a),
	)
	root.AddCommand(extraCommands(a)...)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	return root
}

func fixedCompletions(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

// signalContext cancels ctx on the first SIGINT/SIGTERM and exits at once on
// the second; the first signal is kept so the exit code can name it.
func signalContext(parent context.Context, s *streams) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	s.interrupted = make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig, ok := <-ch
		if !ok {
			return
		}
		s.interrupted <- sig
		cancel()
		if sig2, ok := <-ch; ok {
			fmt.Fprintf(s.Err, "wtalign: second %v, exiting at once\n", sig2)
			os.Exit(exitCodeForSignal(sig2))
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

func exitCodeForSignal(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return 143
	}
	return 130
}

var errInterrupted = errors.New("interrupted")
