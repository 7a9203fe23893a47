//go:build !linux

// Package cputime measures the CPU time of the calling OS thread, for the
// kernel benchmarks of aligner and benchmarks.
package cputime

import "time"

// Thread is not measured outside Linux: it is 0, and benchmarks then
// report wall time only.
func Thread() time.Duration { return 0 }
