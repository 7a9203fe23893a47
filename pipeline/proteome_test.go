package pipeline

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// expectedHomologs reads the reviewed list of K-12 proteins that are real
// paralogs or homologs of the wild types: query ID -> wild-type gene.
func expectedHomologs(t *testing.T) map[string]string {
	f, err := os.Open("../testdata/proteomes/k12_expected_homologs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		m[cols[0]] = cols[1]
	}
	return m
}

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
		// The proteome's own paralogs are never variants of the wild types.
		if rec.Status != "homolog" || len(rec.Mutations) != 0 {
			t.Errorf("%s -> %s: status %s with %d calls, want homolog without calls", rec.Query.ID, rec.Reference.Gene, rec.Status, len(rec.Mutations))
		}
	}
	if len(found) != 38 {
		t.Errorf("found %d of 38 wild types: %v", len(found), found)
	}
	for g, n := range found {
		if n != 1 {
			t.Errorf("wild type %s found %d times", g, n)
		}
	}
	// Every other hit is a reviewed paralog or homolog, and each of those
	// is still found (the thresholds neither let noise in nor drop them).
	want := expectedHomologs(t)
	got := map[string]bool{}
	for _, o := range others {
		id, rest, _ := strings.Cut(o, " -> ")
		gene, _, _ := strings.Cut(rest, " ")
		got[id] = true
		if want[id] != gene {
			t.Errorf("unexpected hit %s (not a reviewed homolog of %s)", o, gene)
		}
	}
	for id, gene := range want {
		if !got[id] {
			t.Errorf("homolog %s of %s no longer reported", id, gene)
		}
	}
	t.Logf("%d other hits, all reviewed homologs", len(others))
}
