//go:build !unix

package manifest

// Usage is not measured on this platform: the session log records zeros.
func Usage() (cpuSeconds float64, peakRSS int64) { return 0, 0 }
