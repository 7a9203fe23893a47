package output

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLockRun holds for every platform's tryLock/unlock (flock on Unix,
// LockFileEx on Windows): a second lock of the same path is refused while
// the first is held, whatever handle asks; the refused run can read who
// holds it; unlock removes the file and frees the name for the next run.
func TestLockRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json.lock")
	f, err := lockRun(path, "out.json.manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	for range 2 {
		_, err = lockRun(path, "out.json.manifest.json")
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())+" on host "+host) ||
			!strings.Contains(err.Error(), "out.json.manifest.json") {
			t.Fatalf("second lock: %v, want ErrLocked naming pid %d on %s and the manifest", err, os.Getpid(), host)
		}
	}
	// Another handle of the held file cannot take it either.
	g, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tryLock(g); !errors.Is(err, errLockHeld) {
		t.Fatalf("tryLock on a held file: %v, want errLockHeld", err)
	}
	g.Close()
	unlock(f)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after unlock: %v", err)
	}
	f, err = lockRun(path, "out.json.manifest.json")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock(f)
	unlock(nil) // no lock taken: nothing to do
}
