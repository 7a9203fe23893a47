package aligner

import (
	"testing"
)

// benchPair is E. coli K-12 GyrA (875 aa) against a GyrA variant.
func benchPair(b *testing.B) (*Profile, []byte) {
	b.Helper()
	var ref, query []byte
	for _, r := range readFASTA(b, "ref_ecoli_k12_mg1655.faa") {
		if gene(r.ID) == "gyrA" {
			ref = cleanLikeWater(r.Seq)
		}
	}
	for _, r := range readFASTA(b, "variant_ecoli_gyrA.faa") {
		if r.ID[:len("ecoli_gyrA_E7Q_G81D_D82G|")] == "ecoli_gyrA_E7Q_G81D_D82G|" {
			query = cleanLikeWater(r.Seq)
		}
	}
	if ref == nil || query == nil {
		b.Fatal("GyrA pair not found")
	}
	return NewProfile(mustScoring(b, "EBLOSUM62", 10, 0.5), ref), query
}

// reportCells adds GCUPS and ns/cell for b.N alignments of the pair.
func reportCells(b *testing.B, p *Profile, query []byte) {
	cells := float64(len(p.Codes)) * float64(len(query)) * float64(b.N)
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(cells/ns, "GCUPS")
	b.ReportMetric(ns/cells, "ns/cell")
}

func BenchmarkNative(b *testing.B) {
	p, q := benchPair(b)
	e := NewNative()
	for b.Loop() {
		if _, err := e.Align(p, q); err != nil {
			b.Fatal(err)
		}
	}
	reportCells(b, p, q)
}

func BenchmarkNativeScore(b *testing.B) {
	p, q := benchPair(b)
	e := NewNative()
	for b.Loop() {
		if _, err := e.Score(p, q); err != nil {
			b.Fatal(err)
		}
	}
	reportCells(b, p, q)
}

func BenchmarkScoreEndGeneric(b *testing.B) {
	p, q := benchPair(b)
	codes := p.Scoring.Matrix.Encode(q)
	for b.Loop() {
		scoreEndGeneric(p, codes)
	}
	reportCells(b, p, q)
}

func BenchmarkOracle(b *testing.B) {
	p, q := benchPair(b)
	for b.Loop() {
		if _, err := (Oracle{}).Align(p, q); err != nil {
			b.Fatal(err)
		}
	}
	reportCells(b, p, q)
}
