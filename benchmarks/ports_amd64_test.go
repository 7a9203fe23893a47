//go:build amd64 && !noasm

package benchmarks

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// BenchmarkVectorPorts measures how many 16-bit integer vector operations
// the CPU retires per nanosecond (divide by the clock for per cycle): the
// ceiling of the alignment kernels, which are made of such operations.
func BenchmarkVectorPorts(b *testing.B) {
	for _, p := range []struct {
		name   string
		fn     func(int)
		avx512 bool
	}{
		{"zmm_max", probeZmmMax, true},
		{"ymm_max", probeYmmMax, false},
		{"zmm_permw", probeZmmPerm, true},
		{"zmm_max_and_cmp", probeZmmMaxCmp, true},
		{"zmm_and_ymm_max", probeZmmYmmMax, true},
	} {
		b.Run(p.name, func(b *testing.B) {
			if p.avx512 && !cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW) || !cpuid.CPU.Supports(cpuid.AVX2) {
				b.Skip("CPU lacks the instructions")
			}
			const n = 1 << 20
			for b.Loop() {
				p.fn(n)
			}
			b.ReportMetric(float64(n)*8*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "ops/ns")
		})
	}
}
