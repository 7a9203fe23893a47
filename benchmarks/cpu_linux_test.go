package benchmarks

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling OS thread: on a shared machine
// it measures the kernel, not the neighbours.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
