package cputime

import (
	"runtime"
	"testing"
)

// TestThreadCounts: busy work on a locked thread shows as CPU time on
// Linux (0 elsewhere, by definition).
func TestThreadCounts(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := Thread()
	x := uint64(1)
	for i := 0; i < 50_000_000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	used := Thread() - start
	if runtime.GOOS == "linux" && used <= 0 {
		t.Fatalf("no CPU time measured (%v, %d)", used, x)
	}
	if runtime.GOOS != "linux" && used != 0 {
		t.Fatalf("%v outside Linux", used)
	}
}
