//go:build amd64 && !noasm

package aligner

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// expectedKernels lists the kernels this machine must run, found without
// dispatch's code: from the kernel's CPU flags on Linux (cpuid elsewhere),
// with each kernel family's requirements written out again here.
func expectedKernels(t testing.TB) []string {
	t.Helper()
	has := func(flags ...string) bool {
		return cpuid.CPU.Supports(cpuidFeatures(t, flags)...)
	}
	if runtime.GOOS == "linux" {
		b, err := os.ReadFile("/proc/cpuinfo")
		if err != nil {
			t.Fatalf("reading CPU flags: %v", err)
		}
		var flags []string
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
				flags = strings.Fields(v)
				break
			}
		}
		if flags == nil {
			t.Fatal("/proc/cpuinfo has no flags line")
		}
		has = func(want ...string) bool {
			for _, f := range want {
				if !slices.Contains(flags, f) {
					return false
				}
			}
			return true
		}
	}
	want := []string{"generic"}
	if has("avx512f", "avx512bw", "avx512vl") {
		want = append(want, "avx512")
	}
	if has("avx2") {
		want = append(want, "avx2")
	}
	return want
}

// cpuidFeatures maps /proc/cpuinfo flag names to cpuid features.
func cpuidFeatures(t testing.TB, flags []string) []cpuid.FeatureID {
	ids := map[string]cpuid.FeatureID{"avx2": cpuid.AVX2, "avx512f": cpuid.AVX512F, "avx512bw": cpuid.AVX512BW, "avx512vl": cpuid.AVX512VL}
	var out []cpuid.FeatureID
	for _, f := range flags {
		id, ok := ids[f]
		if !ok {
			t.Fatalf("no cpuid feature for %s", f)
		}
		out = append(out, id)
	}
	return out
}
