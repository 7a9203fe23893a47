//go:build windows

package output

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffset is the byte LockFileEx locks. Windows locks are mandatory, so
// the lock is far past the end of the file: the holder's pid and host at
// its start stay readable to the run that is refused.
const lockOffset = 1 << 62

// tryLock takes an exclusive lock on f without waiting: errLockHeld when
// another handle holds it. The lock ends when f is closed.
func tryLock(f *os.File) error {
	ol := windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLockHeld
	}
	return err
}

// unlock releases the lock, then removes the lock file. A file cannot be
// removed on Windows while it is open (Go opens files without
// FILE_SHARE_DELETE), so the order is the reverse of Unix's: when another
// run has opened the file in between, the removal fails and its lock
// stands.
func unlock(f *os.File) {
	if f == nil {
		return
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
}

// diskFull reports whether err says the disk is full.
func diskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
