//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// TestCompareInterrupted: SIGINT while compare waits for water ends it
// with exit 130, as its help says, and no report on stdout (it exited 1
// with "compare context canceled"). Water is a fake that never answers.
func TestCompareInterrupted(t *testing.T) {
	if os.Getenv("WTALIGN_COMPARE_CHILD") == "1" {
		os.Exit(run(strings.Fields(os.Getenv("WTALIGN_COMPARE_ARGS")), stdStreams()))
	}
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	q := filepath.Join("..", "..", "testdata", "demo", "variants.faa")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCompareInterrupted$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WTALIGN_COMPARE_CHILD=1",
		"WTALIGN_COMPARE_ARGS=compare --log-format json -r "+ref+" --water-path "+fakeWater(t, "hang")+" "+q)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &syncWriter{w: &errb}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(cmd.Stderr.(*syncWriter).String(), "comparing native and water") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // into the water run
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("compare did not stop on SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitSIGINT || out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, want 130 and nothing\n%s", code, out.String(), cmd.Stderr.(*syncWriter).String())
	}
}

// syncWriter is a bytes.Buffer safe for a writer and a reader goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
