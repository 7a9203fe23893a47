package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Exit codes, documented in every command's help.
const (
	exitOK            = 0
	exitError         = 1 // bad input, I/O failure, refused resume, lock held, ...
	exitUsage         = 2 // bad flags or arguments
	exitRecordsFailed = 3 // the run finished, but some records failed (see output and manifest)
)

const exitStatusHelp = `

EXIT STATUS
  0    success
  1    error: unreadable or invalid input, output failure, refused resume, lock held
  2    usage error: unknown flag, bad flag value, wrong arguments
  3    finished, but some records failed (each is in the output with its reason)
  130  interrupted by SIGINT (checkpoint written; rerun to resume)
  143  terminated by SIGTERM (checkpoint written; rerun to resume)`

// usageError marks errors caused by how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// recordsFailedError reports a finished run with failed records.
type recordsFailedError struct{ n int }

func (e recordsFailedError) Error() string {
	return fmt.Sprintf("%d record(s) failed; see the output and manifest for reasons", e.n)
}

// exit prints err (if any) once and maps it to an exit code.
func (a *app) exit(err error) int {
	if err == nil {
		return exitOK
	}
	var sig os.Signal
	select {
	case sig = <-a.io.interrupted:
	default:
	}
	if sig != nil && errors.Is(err, errInterrupted) {
		a.log().Warn().Str("signal", sig.String()).Msg("interrupted; checkpoint written, rerun the same command to resume")
		return exitCodeForSignal(sig)
	}
	var rf recordsFailedError
	if errors.As(err, &rf) {
		a.log().Warn().Int("failed", rf.n).Msg(rf.Error())
		return exitRecordsFailed
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(a.io.Err, "wtalign: %v\nRun 'wtalign --help' for usage.\n", err)
		return exitUsage
	}
	a.log().Error().Msg(err.Error())
	return exitError
}

// isCobraUsage recognises the argument errors cobra itself produces.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "required flag", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
