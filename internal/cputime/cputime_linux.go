// Package cputime measures the CPU time of the calling OS thread, for the
// kernel benchmarks of aligner and benchmarks: on a shared machine it
// measures the kernel, not the neighbours.
package cputime

import (
	"syscall"
	"time"
)

// Thread is the CPU time (user and system) of the calling OS thread. The
// caller should hold its thread (runtime.LockOSThread) between two readings.
func Thread() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
