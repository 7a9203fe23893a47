package aligner

import (
	"github.com/wtalign/wtalign/internal/cputime"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// BenchmarkKernel measures the score pass of each kernel on a wild type
// and 256 variants of it (about 97% identity, indels), in GCUPS.
func BenchmarkKernel(b *testing.B) {
	s := mustScoring(b, "EBLOSUM62", 10, 0.5)
	var ref []byte
	for _, r := range readFASTA(b, "ref_ecoli_k12_mg1655.faa") {
		if gene(r.ID) == "gyrA" {
			ref = r.Seq
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if n := os.Getenv("KBENCH_LEN"); n != "" {
		l, _ := strconv.Atoi(n)
		ref = ref[:l]
	}
	p := NewProfile(s, ref)
	qs := make([][]uint8, 256)
	var cells float64
	for i := range qs {
		qs[i] = s.Matrix.Encode(mutate(rng, ref, 1+rng.IntN(30), aminoAcids))
		cells += float64(len(ref) * len(qs[i]))
	}
	out := make([]End, len(qs))
	for _, k := range kernelNames() {
		b.Run(k, func(b *testing.B) {
			restore, _ := useKernel(k)
			defer restore()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := cputime.Thread()
			for b.Loop() {
				scoreBatch(p, qs, out, false)
			}
			b.ReportMetric(cells*float64(b.N)/b.Elapsed().Seconds()/1e9, "GCUPS")
			b.ReportMetric(cells*float64(b.N)/(cputime.Thread()-cpu0).Seconds()/1e9, "cpuGCUPS")
		})
	}
}
