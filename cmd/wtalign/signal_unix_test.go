//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSignalAfterStopDoesNotKill: a SIGINT that lands after the work is
// done (signalContext's stop has run, os.Exit not yet) must not kill the
// process, which would turn a finished run's exit status into "killed by
// signal". tests/resume's interrupt test met this window when a run ended
// just as the signal was sent. The check runs in a child process, which the
// signal would otherwise kill.
func TestSignalAfterStopDoesNotKill(t *testing.T) {
	if os.Getenv("WTALIGN_SIGNAL_CHILD") == "1" {
		_, stop := signalContext(context.Background(), &streams{Err: io.Discard})
		stop()
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
		time.Sleep(300 * time.Millisecond) // a fatal signal would have arrived by now
		os.Exit(7)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalAfterStopDoesNotKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WTALIGN_SIGNAL_CHILD=1")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("child: %v (exit status %v), want exit 7: the signal after stop killed it", err, cmd.ProcessState)
	}
}
