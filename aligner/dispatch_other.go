//go:build !amd64 || noasm

package aligner

// kernelNames lists the kernels useKernel accepts: without assembly only
// the generic scalar pass.
func kernelNames() []string { return []string{"generic"} }

// useKernel selects a kernel by name (tests and benchmarks).
func useKernel(name string) (restore func(), ok bool) {
	return func() {}, name == "generic"
}

// scoreBatch sets out[i] = scoreEndGeneric(p, qs[i]) for every query
// (scoreOnly makes no difference here).
func scoreBatch(p *Profile, qs [][]uint8, out []End, scoreOnly bool) {
	for i, q := range qs {
		out[i] = scoreEndGeneric(p, q)
	}
}

// scoreMany sets out[r][i] to the score of qs[i] against profiles[r].
func scoreMany(s *Scoring, profiles []*Profile, qs [][]uint8, out [][]int64) {
	scoreManyGeneric(profiles, qs, out)
}

func currentKernel() string { return "generic" }

// alignBatch has no SIMD traceback here: every out[i] stays nil.
func alignBatch(p *Profile, queries [][]byte, qs [][]uint8, out []*Alignment) {}
