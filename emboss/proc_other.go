//go:build !unix

package emboss

import (
	"os/exec"
	"time"
)

func setProcessGroup(cmd *exec.Cmd) { cmd.WaitDelay = 5 * time.Second }

func signalOf(err *exec.ExitError) string { return "" }
