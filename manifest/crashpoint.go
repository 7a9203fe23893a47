package manifest

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// CrashpointEnv names the test-only environment variable that makes the
// process kill itself (SIGKILL; TerminateProcess on Windows) at a named
// point, to prove that a crash anywhere can be resumed:
// WTALIGN_TEST_CRASHPOINT=NAME[:N] fires at the N-th time (default 1) the
// process reaches point NAME. Points: manifest-temp-written and
// manifest-renamed (in WriteFileAtomic: a manifest's Save, summarize's
// outputs), and those of package output (checkpoint-synced,
// record-written, before-final-rename, after-final-rename). Never set it
// outside tests.
const CrashpointEnv = "WTALIGN_TEST_CRASHPOINT"

var crash struct {
	once sync.Once
	mu   sync.Mutex
	name string
	left int
}

// Crashpoint kills the process if CrashpointEnv selects this point and hit.
func Crashpoint(name string) {
	crash.once.Do(func() {
		spec := os.Getenv(CrashpointEnv)
		if spec == "" {
			return
		}
		crash.name, crash.left = spec, 1
		if i := strings.LastIndexByte(spec, ':'); i >= 0 {
			if n, err := strconv.Atoi(spec[i+1:]); err == nil && n > 0 {
				crash.name, crash.left = spec[:i], n
			}
		}
	})
	if crash.name == "" || crash.name != name {
		return
	}
	crash.mu.Lock()
	crash.left--
	fire := crash.left == 0
	crash.mu.Unlock()
	if fire {
		// Kill is SIGKILL on Unix and TerminateProcess on Windows: no
		// deferred function, flush or signal handler runs.
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			_ = p.Kill()
		}
		select {} // wait for the kill to land
	}
}
