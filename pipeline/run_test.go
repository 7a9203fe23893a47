package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/wtalign/wtalign/report"
)

const (
	k12Refs  = "../testdata/demo/ref_ecoli_k12_mg1655.faa"
	variants = "../testdata/demo/variants.faa"
	proteome = "../testdata/proteomes/GCF_000005845.2_proteins.faa"
)

// newJob builds a job the way align does (Prepare from a Spec with the
// documented defaults) over the K-12 wild types.
func newJob(t testing.TB, mode string, inputs ...string) *Job {
	t.Helper()
	s := DefaultSpec()
	s.Reference, s.Inputs, s.Assign, s.Threads = k12Refs, inputs, mode, 1
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Job
}

func collect(t testing.TB, job *Job) ([]Result, []byte) {
	t.Helper()
	var out []Result
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	_, err := Run(context.Background(), job, func(r Result) error {
		out = append(out, r)
		return enc.Encode(r.Record)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out, buf.Bytes()
}

func TestRunDeterministicAcrossThreads(t *testing.T) {
	var first []byte
	for _, th := range []int{1, 2, 4, 7} {
		job := newJob(t, AssignName, variants)
		job.Threads, job.BatchSize = th, 3
		res, b := collect(t, job)
		if len(res) != 27 {
			t.Fatalf("threads %d: %d records, want 27", th, len(res))
		}
		for i, r := range res {
			if r.Ordinal != i {
				t.Fatalf("threads %d: record %d has ordinal %d", th, i, r.Ordinal)
			}
		}
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("threads %d: output differs from threads 1", th)
		}
	}
}

func TestRunCallsOnRealVariants(t *testing.T) {
	job := newJob(t, AssignName, variants)
	job.Threads = 2
	res, _ := collect(t, job)
	byID := map[string]*report.Record{}
	for _, r := range res {
		byID[r.Record.Query.ID] = r.Record
	}
	want := map[string][]string{
		"ecoli_gyrA_D87N|gyrA|staramr_gyrA-D87N":               {"D87N"},
		"ecoli_gyrA_G81D_D82G|gyrA|resfinder_test_isolate_09b": {"G81D", "D82G"},
		"derived_gyrA_S83L_D87N|gyrA|E.":                       {"S83L", "D87N"},
	}
	for prefix, muts := range want {
		var rec *report.Record
		for id, r := range byID {
			if len(id) >= len(prefix) && id[:len(prefix)] == prefix || id == prefix {
				rec = r
			}
		}
		if rec == nil {
			// IDs end at the first blank; match on the ID part of the prefix.
			for id, r := range byID {
				if bytes.HasPrefix([]byte(prefix), []byte(id)) {
					rec = r
				}
			}
		}
		if rec == nil {
			t.Errorf("no record for %s", prefix)
			continue
		}
		var got []string
		for _, m := range rec.Mutations {
			got = append(got, m.Short)
		}
		if len(got) != len(muts) {
			t.Errorf("%s: mutations %v, want %v", rec.Query.ID, got, muts)
			continue
		}
		for i := range muts {
			if got[i] != muts[i] {
				t.Errorf("%s: mutations %v, want %v", rec.Query.ID, got, muts)
			}
		}
		if rec.Status != "mutant" || rec.Reference.Gene != "gyrA" {
			t.Errorf("%s: status %s gene %s", rec.Query.ID, rec.Status, rec.Reference.Gene)
		}
	}
}
