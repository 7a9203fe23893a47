package aligner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Kernels lists the score kernels this machine can run: "generic" (scalar
// Go) first, then the SIMD kernels ("avx512", "avx2") the CPU supports.
// Builds with the noasm tag, and other architectures, have only "generic".
func Kernels() []string { return kernelNames() }

// Kernel returns the name of the kernel the batch passes use: the fastest
// one the CPU supports unless SetKernel changed it.
func Kernel() string { return currentKernel() }

// kernelNeeds are the CPU features each SIMD kernel needs; dispatch
// (dispatch_amd64.go) offers a kernel exactly when the CPU has all of its.
// The AVX-512 kernels also use 256-bit EVEX forms (AVX512VL) for the
// traceback flags.
var kernelNeeds = map[string][]cpuid.FeatureID{
	"avx512": {cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL},
	"avx2":   {cpuid.AVX2},
}

// CPUFeatures reports the instruction sets the SIMD kernels need and
// whether this CPU has each (as cpuid sees it: noasm builds see none).
// Whether a kernel runs is Kernels(): avx512 needs AVX512F, AVX512BW and
// AVX512VL together.
func CPUFeatures() map[string]bool {
	out := map[string]bool{}
	for _, fs := range kernelNeeds {
		for _, f := range fs {
			out[f.String()] = cpuid.CPU.Supports(f)
		}
	}
	return out
}

// KernelSupported reports whether this build can run the named kernel on
// this CPU, by the same rule dispatch uses: "avx512" needs AVX512F,
// AVX512BW and AVX512VL, "avx2" needs AVX2, "generic" runs everywhere.
// Unknown names, and the SIMD kernels in noasm or non-amd64 builds, are
// not supported.
func KernelSupported(name string) bool { return slices.Contains(kernelNames(), name) }

// SetKernel selects the kernel of the batch passes by name (one of
// Kernels()), for benchmarks and diagnosis; the package never reads the
// environment, so a command that offers a variable such as WTALIGN_KERNEL
// passes its value here. It must not be called while alignments run.
func SetKernel(name string) error {
	if _, ok := useKernel(name); !ok {
		return fmt.Errorf("aligner: kernel %q not available here (available: %s)", name, strings.Join(kernelNames(), ", "))
	}
	return nil
}
