package aligner

import (
	"fmt"
	"strings"
)

// Kernels lists the score kernels this machine can run: "generic" (scalar
// Go) first, then the SIMD kernels ("avx512", "avx2") the CPU supports.
// Builds with the noasm tag, and other architectures, have only "generic".
func Kernels() []string { return kernelNames() }

// Kernel returns the name of the kernel the batch score pass uses: the
// fastest one the CPU supports unless WTALIGN_KERNEL names another one at
// start-up or SetKernel changed it.
func Kernel() string { return currentKernel() }

// SetKernel selects the kernel of the batch score pass by name, for
// benchmarks and diagnosis. It must not be called while alignments run.
func SetKernel(name string) error {
	if _, ok := useKernel(name); !ok {
		return fmt.Errorf("aligner: kernel %q not available here (available: %s)", name, strings.Join(kernelNames(), ", "))
	}
	return nil
}
