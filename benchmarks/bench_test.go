package benchmarks

import (
	"bytes"
	"flag"
	"github.com/wtalign/wtalign/internal/cputime"
	"runtime"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

var benchN = flag.Int("bench.n", 1000, "variants in the kernel benchmarks")

type dataset struct {
	profiles map[string]*aligner.Profile
	byGene   map[string][][]byte
	cells    float64
}

func load(tb testing.TB, n int) *dataset {
	tb.Helper()
	wts, err := ReadFASTA("testdata/wildtypes.faa")
	if err != nil {
		tb.Fatal(err)
	}
	s := scoring(tb)
	vs := Variants(wts, n, 1)
	d := &dataset{profiles: map[string]*aligner.Profile{}, byGene: map[string][][]byte{}, cells: Cells(wts, vs)}
	for _, w := range wts {
		d.profiles[Gene(w.ID)] = aligner.NewProfile(s, w.Seq)
	}
	for _, v := range vs {
		d.byGene[Gene(v.ID)] = append(d.byGene[Gene(v.ID)], v.Seq)
	}
	return d
}

func scoring(tb testing.TB) *aligner.Scoring {
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// eachKernel runs f as a sub-benchmark per kernel and reports GCUPS.
func eachKernel(b *testing.B, cells float64, f func(b *testing.B)) {
	defer aligner.SetKernel(aligner.Kernel())
	for _, k := range aligner.Kernels() {
		b.Run(k, func(b *testing.B) {
			if err := aligner.SetKernel(k); err != nil {
				b.Fatal(err)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := cputime.Thread()
			for b.Loop() {
				f(b)
			}
			b.ReportMetric(cells*float64(b.N)/b.Elapsed().Seconds()/1e9, "GCUPS")
			// CPU time of this thread: the kernel's speed even when other
			// processes share the machine.
			b.ReportMetric(cells*float64(b.N)/(cputime.Thread()-cpu0).Seconds()/1e9, "cpuGCUPS")
		})
	}
}

// BenchmarkScoreBatch is the score pass alone (water's score and end
// cell), one thread, on -bench.n variants of GyrA, ParC and AcrB.
func BenchmarkScoreBatch(b *testing.B) {
	d := load(b, *benchN)
	n := aligner.NewNative()
	eachKernel(b, d.cells, func(b *testing.B) {
		for g, qs := range d.byGene {
			if _, err := n.ScoreBatch(d.profiles[g], qs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAlignBatch adds water's traceback to every query.
func BenchmarkAlignBatch(b *testing.B) {
	d := load(b, min(*benchN, 300))
	n := aligner.NewNative()
	eachKernel(b, d.cells, func(b *testing.B) {
		for g, qs := range d.byGene {
			if _, err := n.AlignBatch(d.profiles[g], qs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// proteome loads the K-12 proteome (4,298 proteins) and the 38 K-12 wild
// types, and the cells of scoring every protein against every wild type.
func proteome(b *testing.B) ([]*aligner.Profile, [][]byte, float64) {
	refs, err := ReadFASTA("../testdata/pairs/ref_ecoli_k12_mg1655.faa")
	if err != nil {
		b.Fatal(err)
	}
	prot, err := ReadFASTA("../testdata/proteomes/GCF_000005845.2_proteins.faa")
	if err != nil {
		b.Fatal(err)
	}
	s := scoring(b)
	var qs [][]byte
	var qlen float64
	for _, p := range prot {
		seq := bytes.TrimRight(p.Seq, "*")
		if len(seq) > 0 {
			qs = append(qs, seq)
			qlen += float64(len(seq))
		}
	}
	var cells float64
	profiles := make([]*aligner.Profile, len(refs))
	for i, r := range refs {
		profiles[i] = aligner.NewProfile(s, r.Seq)
		cells += float64(len(r.Seq)) * qlen
	}
	return profiles, qs, cells
}

// BenchmarkProteomeScan scores the whole K-12 proteome against each of
// the 38 K-12 wild types with ScoreBatch (16-bit lanes), one wild type at
// a time.
func BenchmarkProteomeScan(b *testing.B) {
	profiles, qs, cells := proteome(b)
	n := aligner.NewNative()
	eachKernel(b, cells, func(b *testing.B) {
		if aligner.Kernel() == "generic" && !testing.Short() {
			b.Skip("generic takes minutes per iteration; run with -short to include it")
		}
		for _, p := range profiles {
			if _, err := n.ScoreBatch(p, qs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkProteomeScanMany is the same scan through ScoreMany (8-bit
// lanes, one query profile for all wild types), in work units of -scan.unit
// proteins as the pipeline hands them over.
func BenchmarkProteomeScanMany(b *testing.B) {
	profiles, qs, cells := proteome(b)
	n := aligner.NewNative()
	eachKernel(b, cells, func(b *testing.B) {
		if aligner.Kernel() == "generic" && !testing.Short() {
			b.Skip("generic takes minutes per iteration; run with -short to include it")
		}
		for lo := 0; lo < len(qs); lo += *scanUnit {
			if _, err := n.ScoreMany(profiles, qs[lo:min(lo+*scanUnit, len(qs))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var scanUnit = flag.Int("scan.unit", 512, "proteins per ScoreMany call in BenchmarkProteomeScanMany")
