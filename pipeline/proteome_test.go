package pipeline

import (
	"strings"
	"testing"
)

// The acceptance scan: every K-12 wild type is found in the K-12 proteome
// as wildtype at 100% identity and full coverage, and every other hit is
// a homolog or paralog shown with its identity and coverage.
func TestProteomeScanFindsEveryWildType(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-proteome scan")
	}
	job := newJob(t, AssignBest, proteome)
	job.Threads = 2
	res, _ := collect(t, job)
	if len(res) != 4298 {
		t.Fatalf("%d records, want 4298", len(res))
	}
	found := map[string]int{}
	var others []string
	for _, r := range res {
		rec := r.Record
		if rec.Status == "no_hit" {
			continue
		}
		a := rec.Alignment
		if rec.Status == "wildtype" && a.PercentIdentityOverReference == 100 && a.ReferenceCoverage == 100 && a.QueryCoverage == 100 {
			found[rec.Reference.Gene]++
			continue
		}
		others = append(others, rec.Query.ID+" -> "+rec.Reference.Gene+" "+rec.Status)
	}
	if len(found) != 38 {
		t.Errorf("found %d of 38 wild types: %v", len(found), found)
	}
	for g, n := range found {
		if n != 1 {
			t.Errorf("wild type %s found %d times", g, n)
		}
	}
	t.Logf("%d other hits:\n%s", len(others), strings.Join(others, "\n"))
}
