package aligner

import (
	"fmt"
	"slices"
	"strings"
)

// Kernels lists the score kernels this machine can run: "generic" (scalar
// Go) first, then the SIMD kernels ("avx512", "avx2") the CPU supports.
// Builds with the noasm tag, and other architectures, have only "generic".
func Kernels() []string { return kernelNames() }

// Kernel returns the name of the kernel the batch passes use: the fastest
// one the CPU supports unless SetKernel changed it.
func Kernel() string { return currentKernel() }

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
