package emboss

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// FuzzParseOutput: whatever water (or a wrapper standing in for it)
// prints, parsing it and checking its blocks against sequences never
// panics, and every parse failure is a *parseError, which the engine
// reports with the batch (and may fall back on) instead of crashing.
func FuzzParseOutput(f *testing.F) {
	for _, glob := range []string{filepath.Join(testdata, "fixtures", "*.markx10"), filepath.Join(testdata, "fixtures", "*.srspair"),
		"../testdata/water/ecoli_k12_gyrA__ecoli_gyrA_D87N_gyrA.srspair", "../testdata/water/*tie*.srspair"} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			f.Fatalf("no seeds for %s (%v)", glob, err)
		}
		for i, p := range files {
			if i == 4 {
				break
			}
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, filepath.Ext(p) == ".markx10")
			f.Add(b[:len(b)*2/3], filepath.Ext(p) == ".markx10") // water killed mid-write
		}
	}
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		f.Fatal(err)
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, markx10 bool) {
		format := FormatSrspair
		if markx10 {
			format = FormatMarkx10
		}
		blocks, err := parseOutput(bytes.NewReader(data), format)
		if err != nil {
			var pe *parseError
			if !errors.As(err, &pe) || blocks != nil {
				t.Fatalf("error %T %v with %d blocks, want a *parseError and none", err, err, len(blocks))
			}
			return
		}
		for i, b := range blocks {
			if i == 16 {
				break // the checks are per block; a long file adds nothing but memory
			}
			// The sequences the block claims, so that result gets past the
			// names and lengths and checks spans, residues and score.
			ref, query := claimed(b.alRef, b.refStart, b.refLen), claimed(b.alQuery, b.qStart, b.qLen)
			r, err := b.result(ref, query, b.name1, b.name2, sc)
			if err == nil && (r.Alignment == nil || len(r.Alignment.AlignedRef) != b.length) {
				t.Fatalf("result %+v for a block of length %d", r, b.length)
			}
		}
	})
}

// claimed is a sequence in which aligned (without gaps) starts at the
// 1-based start, padded to n residues when n is known; sizes are capped
// so that a printed coordinate cannot make the fuzzer allocate gigabytes.
func claimed(aligned []byte, start, n int) []byte {
	const limit = 1 << 13
	if start < 1 || start > limit || n > limit {
		return bytes.ReplaceAll(aligned, []byte{aligner.Gap}, nil)
	}
	s := append(bytes.Repeat([]byte{'A'}, start-1), bytes.ReplaceAll(aligned, []byte{aligner.Gap}, nil)...)
	for len(s) < n {
		s = append(s, 'A')
	}
	return s
}
