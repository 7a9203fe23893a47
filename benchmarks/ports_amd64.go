//go:build amd64 && !noasm

package benchmarks

// Throughput probes (ports_amd64.s) for BenchmarkVectorPorts: each runs n
// loop iterations of 8 independent vector instructions.

func probeZmmMax(n int)    // VPMAXSW zmm
func probeYmmMax(n int)    // VPMAXSW ymm
func probeZmmPerm(n int)   // VPERMW zmm
func probeZmmMaxCmp(n int) // VPMAXSW zmm and VPCMPGTW zmm -> mask, alternating
func probeZmmYmmMax(n int) // VPMAXSW zmm and ymm, alternating
