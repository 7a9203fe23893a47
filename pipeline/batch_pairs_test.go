package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
)

// countingBatch is the native batch engine, counting its batch calls so a
// test knows the batch path ran (it has every method the pipeline looks
// for: ScoreMany, ScoreBatch, AlignBatch).
type countingBatch struct {
	*aligner.Native
	scores, aligns atomic.Int64
}

func (e *countingBatch) ScoreBatch(p *aligner.Profile, qs [][]byte) ([]int64, error) {
	e.scores.Add(1)
	return e.Native.ScoreBatch(p, qs)
}

// ScoreMany is the production scan (every query against every wild type in
// one pass, the 8-bit kernels); counted with ScoreBatch as a batch score.
func (e *countingBatch) ScoreMany(ps []*aligner.Profile, qs [][]byte) ([][]int64, error) {
	e.scores.Add(1)
	return e.Native.ScoreMany(ps, qs)
}

func (e *countingBatch) AlignBatch(p *aligner.Profile, qs [][]byte) ([]*aligner.Alignment, error) {
	e.aligns.Add(1)
	return e.Native.AlignBatch(p, qs)
}

// proteomeSubset writes the K-12 proteins that hit a wild type (the wild
// types and their reviewed homologs) and every 50th other protein.
func proteomeSubset(t *testing.T) string {
	t.Helper()
	hom := expectedHomologs(t)
	refs := k12(t)
	seqs := map[string]bool{}
	for _, r := range refs {
		seqs[string(r.Seq)] = true
	}
	recs, err := fasta.ReadAll(proteome, fasta.Options{Role: fasta.Query})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for i, r := range recs {
		if hom[r.ID] != "" || seqs[string(r.Seq)] || i%50 == 0 {
			fmt.Fprintf(&b, ">%s %s\n%s\n", r.ID, r.Description, r.Raw)
			n++
		}
	}
	if n < 150 {
		t.Fatalf("subset of %d proteins", n)
	}
	p := filepath.Join(t.TempDir(), "k12_subset.faa")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBatchEqualsPairByPair: the batch path align takes with the native
// engine (ScoreBatch to rank references, AlignBatch on the chosen one, via
// prealignMulti) gives byte-identical records to aligning every record
// pair by pair, under --assign best (the K-12 proteome's hits and a sample
// of the rest, and the variant files; in short mode the demo variants)
// and --assign name (the variant files), for work units of several sizes.
func TestBatchEqualsPairByPair(t *testing.T) {
	if _, ok := any(pairByPair{}).(aligner.BatchEngine); ok {
		t.Fatal("pairByPair must not be a BatchEngine")
	}
	variantFiles := []string{variants, "../testdata/pairs/variant_ecoli_gyrA.faa", "../testdata/pairs/variant_ecoli_nfsA_stop.faa",
		"../testdata/pairs/variant_ecoli_pmrB_multicopy.faa", "../testdata/pairs/derived_edge_cases.faa",
		"../testdata/pairs/homolog_salmonella_pointfinder.faa", "../testdata/pairs/homolog_grampos_prokka.faa"}
	best := append([]string{proteomeSubset(t)}, variantFiles...)
	if testing.Short() {
		best = variantFiles[:1]
	}
	cases := []struct {
		mode   string
		inputs []string
	}{
		{AssignBest, best},
		{AssignName, variantFiles},
	}
	for _, c := range cases {
		job := skippingJob(t, c.mode, c.inputs)
		job.Engine, job.Threads = pairByPair{aligner.NewNative()}, 2
		res, want := collect(t, job)
		if len(res) < 25 {
			t.Fatalf("%s: %d records", c.mode, len(res))
		}
		for _, bs := range []int{1, 7, 64} {
			eng := &countingBatch{Native: aligner.NewNative()}
			job := skippingJob(t, c.mode, c.inputs)
			job.Engine, job.Threads, job.BatchSize = eng, 2, bs
			_, got := collect(t, job)
			if eng.aligns.Load() == 0 || c.mode == AssignBest && eng.scores.Load() == 0 {
				t.Fatalf("%s batch %d: the batch path did not run (%d ScoreBatch/ScoreMany, %d AlignBatch calls)", c.mode, bs, eng.scores.Load(), eng.aligns.Load())
			}
			if !bytes.Equal(got, want) {
				firstDiff(t, c.mode, bs, got, want)
			}
		}
	}
}

// skippingJob is newJob with --skip-unassigned (the variant files hold
// genes the K-12 references lack).
func skippingJob(t *testing.T, mode string, inputs []string) *Job {
	t.Helper()
	s := DefaultSpec()
	s.Reference, s.Inputs, s.Assign, s.Threads, s.SkipUnassigned = k12Refs, inputs, mode, 1, true
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Job
}

// firstDiff fails with the first record that differs.
func firstDiff(t *testing.T, mode string, bs int, got, want []byte) {
	t.Helper()
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			t.Fatalf("%s batch %d: record %d differs from pair by pair:\nbatch: %s\npairs: %s", mode, bs, i+1, g[i], w[i])
		}
	}
	t.Fatalf("%s batch %d: %d records, pair by pair %d", mode, bs, len(g), len(w))
}
