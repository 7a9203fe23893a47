package output

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// errLockHeld is what tryLock returns when another process holds the lock.
var errLockHeld = errors.New("lock held")

// lockRun takes an exclusive lock (flock on Unix, LockFileEx on Windows;
// see tryLock) on path, which stays
// until unlock. The holder's pid and host are written inside so a second
// run can name them. The lock file is removed by its holder on unlock;
// after locking, a run checks that path still names the file it locked
// and otherwise retries, so removal never lets two runs in.
func lockRun(path, manifestPath string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644) // #nosec G302 G304 -- the lock file beside the output the user named; 0644 (umask applies) so others can read who holds it
		if err != nil {
			return nil, fmt.Errorf("output: lock: %w", err)
		}
		if err := tryLock(f); err != nil {
			holder, _ := os.ReadFile(path) // #nosec G304 -- the lock file beside the output the user named, read to name its holder
			f.Close()                      // #nosec G104 -- the lock is not ours: closing the descriptor of a file we never wrote
			if errors.Is(err, errLockHeld) {
				who := strings.TrimSpace(string(holder))
				if who == "" {
					who = "another process"
				}
				return nil, fmt.Errorf("%w: %s is held by %s; wait for it to finish or stop it (manifest %s)", ErrLocked, path, who, manifestPath)
			}
			return nil, fmt.Errorf("output: lock %s: %w", path, err)
		}
		st, err1 := f.Stat()
		cur, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(st, cur) {
			host, _ := os.Hostname()
			info := fmt.Sprintf("pid %d on host %s (since %s)\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
			if err := f.Truncate(0); err == nil {
				_, _ = f.WriteAt([]byte(info), 0)
			}
			return f, nil
		}
		f.Close() // #nosec G104 -- the holder removed it between our open and lock: retry; nothing was written through f
	}
	return nil, fmt.Errorf("output: lock %s: the lock file keeps changing", path)
}
