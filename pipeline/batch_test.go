package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// perReference is the batch engine as the pipeline used it before the scan
// pass: ScoreBatch per wild type and AlignBatch, without ScoreMany.
type perReference struct{ n *aligner.Native }

func (e perReference) Name() string { return e.n.Name() }
func (e perReference) Align(p *aligner.Profile, q []byte) (*aligner.Alignment, error) {
	return e.n.Align(p, q)
}
func (e perReference) Score(p *aligner.Profile, q []byte) (int64, error) { return e.n.Score(p, q) }
func (e perReference) ScoreBatch(p *aligner.Profile, qs [][]byte) ([]int64, error) {
	return e.n.ScoreBatch(p, qs)
}
func (e perReference) AlignBatch(p *aligner.Profile, qs [][]byte) ([]*aligner.Alignment, error) {
	return e.n.AlignBatch(p, qs)
}

// pairByPair is the scalar engine alone: Score and Align query by query.
type pairByPair struct{ n *aligner.Native }

func (e pairByPair) Name() string { return e.n.Name() }
func (e pairByPair) Align(p *aligner.Profile, q []byte) (*aligner.Alignment, error) {
	return e.n.Align(p, q)
}
func (e pairByPair) Score(p *aligner.Profile, q []byte) (int64, error) { return e.n.Score(p, q) }

// everyNth writes every nth record of a FASTA file to a temporary file.
func everyNth(t *testing.T, path string, nth int) string {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	k := -1
	sc := bufio.NewScanner(bytes.NewReader(in))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) > 0 && line[0] == '>' {
			k++
		}
		if k%nth == 0 {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	p := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBatchPathsIdentical runs the pipeline over the K-12 proteome and the
// shared Gram-positive and Salmonella homolog files, under --assign best
// and name, with every kernel: the production path (ScoreMany's 8-bit
// scan, work units sized by unitSize) must write the same bytes as the
// path before it (ScoreBatch per wild type, units of 64), and on the
// homolog files and a sample of the proteome as the scalar engine pair by
// pair.
func TestBatchPathsIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-proteome runs")
	}
	homologs := []string{"../testdata/pairs/homolog_grampos_prokka.faa", "../testdata/pairs/homolog_salmonella_pointfinder.faa"}
	sample := everyNth(t, proteome, 25)
	defer aligner.SetKernel(aligner.Kernel())
	for _, k := range aligner.Kernels() {
		if err := aligner.SetKernel(k); err != nil {
			t.Fatal(err)
		}
		for _, mode := range []string{AssignBest, AssignName} {
			inputs := append([]string{proteome}, homologs...)
			if k == "generic" {
				inputs = append([]string{sample}, homologs...)
			}
			for _, in := range inputs {
				job := skipJob(t, mode, in)
				_, got := collect(t, job)
				old := skipJob(t, mode, in)
				old.BatchSize = 64
				old.Engine = perReference{aligner.NewNative()}
				_, want := collect(t, old)
				if !bytes.Equal(got, want) {
					t.Fatalf("kernel %s, %s, %s: output differs from the per-reference batch path", k, mode, filepath.Base(in))
				}
				if in == proteome {
					continue
				}
				scalar := skipJob(t, mode, in)
				scalar.Engine = pairByPair{aligner.NewNative()}
				if _, want := collect(t, scalar); !bytes.Equal(got, want) {
					t.Fatalf("kernel %s, %s, %s: output differs from the scalar engine pair by pair", k, mode, filepath.Base(in))
				}
				t.Logf("kernel %s, %s, %s: %d bytes identical on all paths", k, mode, filepath.Base(in), len(got))
			}
		}
	}
}

// skipJob is newJob with --skip-unassigned and two threads: under name the
// proteome's records carry no gene key.
func skipJob(t *testing.T, mode, in string) *Job {
	t.Helper()
	s := scanSpec(mode, in)
	s.SkipUnassigned = true
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Job
}
