//go:build !linux

package benchmarks

import "time"

// threadCPU is not measured outside Linux; benchmarks then report wall
// time only (cpuGCUPS is +Inf).
func threadCPU() time.Duration { return 0 }
