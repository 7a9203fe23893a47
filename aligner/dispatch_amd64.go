//go:build amd64 && !noasm

package aligner

import "github.com/klauspost/cpuid/v2"

// simdKernels lists the kernel families this CPU can run, fastest first.
func simdKernels() []*simdKernel {
	var ks []*simdKernel
	for _, k := range []*simdKernel{kernelAVX512, kernelAVX2} {
		if cpuid.CPU.Supports(kernelNeeds[k.name]...) {
			ks = append(ks, k)
		}
	}
	return ks
}

// batchKernel is the kernel family of scoreBatch, picked once: the fastest
// one the CPU runs (nil means the generic scalar pass). SetKernel and the
// tests' useKernel switch it.
var batchKernel = defaultKernel()

func defaultKernel() *simdKernel {
	if ks := simdKernels(); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// kernelNames lists the kernels useKernel accepts on this machine.
func kernelNames() []string {
	names := []string{"generic"}
	for _, k := range simdKernels() {
		names = append(names, k.name)
	}
	return names
}

// useKernel selects a kernel by name for scoreBatch (tests and
// benchmarks); it returns a function restoring the previous choice, and
// false when this machine cannot run the kernel.
func useKernel(name string) (restore func(), ok bool) {
	old := batchKernel
	restore = func() { batchKernel = old }
	if name == "generic" {
		batchKernel = nil
		return restore, true
	}
	for _, k := range simdKernels() {
		if k.name == name {
			batchKernel = k
			return restore, true
		}
	}
	return restore, false
}

// scoreBatch sets out[i] = scoreEndGeneric(p, qs[i]) for every query,
// with the selected SIMD kernel. With scoreOnly, only out[i].Score is
// guaranteed (the kernels then skip tracking the best cell).
func scoreBatch(p *Profile, qs [][]uint8, out []End, scoreOnly bool) {
	if k := batchKernel; k != nil {
		scoreBatchSIMD(k, p, qs, out, scoreOnly)
		return
	}
	for i, q := range qs {
		out[i] = scoreEndGeneric(p, q)
	}
}

// scoreMany sets out[r][i] to the score of qs[i] against profiles[r], all
// prepared with scoring s: with SIMD, 8-bit lanes and one query profile
// per batch for all references.
func scoreMany(s *Scoring, profiles []*Profile, qs [][]uint8, out [][]int64) {
	if k := batchKernel; k != nil {
		scoreManySIMD(k, s, profiles, qs, out)
		return
	}
	scoreManyGeneric(profiles, qs, out)
}

func currentKernel() string {
	if k := batchKernel; k != nil {
		return k.name
	}
	return "generic"
}

// alignBatch aligns the queries the selected kernel can trace back in SIMD
// (out[i] stays nil for the others).
func alignBatch(p *Profile, queries [][]byte, qs [][]uint8, out []*Alignment) {
	if k := batchKernel; k != nil {
		alignBatchSIMD(k, p, queries, qs, out)
	}
}
