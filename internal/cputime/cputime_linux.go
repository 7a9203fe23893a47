// Package cputime measures the CPU time of the calling OS thread, for the
// kernel benchmarks of aligner and benchmarks: on a shared machine it
// measures the kernel, not the neighbours.
package cputime

import (
	"syscall"
	"time"
)

// Thread is the CPU time (user and system) of the calling OS thread, 0 if
// it cannot be read. The caller should hold its thread
// (runtime.LockOSThread) between two readings.
func Thread() time.Duration {
	var ru syscall.Rusage
	// Getrusage fails only for an unknown "who" (RUSAGE_THREAD exists since
	// Linux 2.6.26) and then leaves ru zero: Thread reports 0.
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
