package emboss

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
)

const testdata = "../testdata/emboss"

// readFA reads a FASTA file of the tests: IDs and sequences as written.
func readFA(t *testing.T, path string) (ids []string, seqs [][]byte) {
	t.Helper()
	recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Query, AllowNucleotide: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		ids, seqs = append(ids, r.ID), append(seqs, r.Raw)
	}
	return ids, seqs
}

func scoring(t *testing.T) *aligner.Scoring {
	t.Helper()
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		t.Fatal(err)
	}
	s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixtureSet returns the profile and queries of fixtures/<set>.*.fa.
func fixtureSet(t *testing.T, set string) (*aligner.Profile, [][]byte) {
	t.Helper()
	_, refs := readFA(t, filepath.Join(testdata, "fixtures", set+".ref.fa"))
	_, qs := readFA(t, filepath.Join(testdata, "fixtures", set+".queries.fa"))
	return aligner.NewProfile(scoring(t), refs[0]), qs
}

// sameAlignment reports how got differs from want ("" if identical).
func sameAlignment(got, want *aligner.Alignment) string {
	var d []string
	if got.Score != want.Score {
		d = append(d, "score")
	}
	if got.RefStart != want.RefStart || got.RefEnd != want.RefEnd || got.QueryStart != want.QueryStart || got.QueryEnd != want.QueryEnd {
		d = append(d, "coordinates")
	}
	if !bytes.Equal(got.AlignedRef, want.AlignedRef) || !bytes.Equal(got.AlignedQuery, want.AlignedQuery) {
		d = append(d, "aligned strings")
	}
	return strings.Join(d, ", ")
}

// oracleResults aligns qs with the oracle, the independent truth.
func oracleResults(t *testing.T, p *aligner.Profile, qs [][]byte) []Result {
	t.Helper()
	return engineResults(t, aligner.Oracle{}, p, qs)
}

func engineResults(t *testing.T, e aligner.Engine, p *aligner.Profile, qs [][]byte) []Result {
	t.Helper()
	out := make([]Result, len(qs))
	for i, q := range qs {
		al, err := e.Align(p, q)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = Result{Alignment: al, Stats: p.Scoring.Stats(al)}
	}
	return out
}

func checkResults(t *testing.T, label string, got, want []Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d results, want %d", label, len(got), len(want))
	}
	for i := range want {
		if d := sameAlignment(got[i].Alignment, want[i].Alignment); d != "" {
			t.Errorf("%s: query %d: %s differ:\ngot  %s\nwant %s", label, i+1, d, describe(got[i].Alignment), describe(want[i].Alignment))
		}
		if got[i].Stats != want[i].Stats {
			t.Errorf("%s: query %d: stats %+v, want %+v", label, i+1, got[i].Stats, want[i].Stats)
		}
	}
}

// emptyDir fails the test if dir holds anything (leftover temp files).
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in %s: %s", dir, e.Name())
	}
}

func describe(a *aligner.Alignment) string {
	return fmt.Sprintf("score %d ref %d..%d query %d..%d\n  %s\n  %s", a.Score, a.RefStart, a.RefEnd, a.QueryStart, a.QueryEnd, a.AlignedRef, a.AlignedQuery)
}
