//go:build unix

package manifest

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// processAlive reports false only when no process pid exists on this host.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}

// SyncDir fsyncs a directory so a rename in it is durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir) // #nosec G304 -- opens the directory of a file this run just wrote, only to fsync it
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
