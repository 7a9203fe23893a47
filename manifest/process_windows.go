//go:build windows

package manifest

import (
	"errors"

	"golang.org/x/sys/windows"
)

// processAlive reports false only when no process pid exists on this host
// or it has exited. A process we may not open (another user's) is alive.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		return false // no such process
	}
	if err != nil {
		return true
	}
	defer windows.CloseHandle(h)
	// The handle of an exited process is signalled; a live one times out.
	ev, err := windows.WaitForSingleObject(h, 0)
	return err != nil || ev == uint32(windows.WAIT_TIMEOUT)
}

// SyncDir does nothing on Windows: a directory handle cannot be flushed
// (FlushFileBuffers needs write access to a file), and NTFS journals the
// rename itself.
func SyncDir(string) error { return nil }
