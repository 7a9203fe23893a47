//go:build unix

package emboss

import (
	"os/exec"
	"syscall"
	"time"
)

// setProcessGroup starts cmd in its own process group and makes context
// cancellation kill the whole group, so helpers a wrapper script started
// (e.g. a sleep) die with it and cannot hold the output pipes open.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
}

// signalOf returns the name of the signal that killed the process, if any.
func signalOf(err *exec.ExitError) string {
	if ws, ok := err.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal().String()
	}
	return ""
}
