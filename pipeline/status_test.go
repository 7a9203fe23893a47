package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/report"
)

const disrupted = "../testdata/status/derived_disrupted.faa"

// runSpec runs s through Prepare and returns the records by query ID.
func runSpec(t *testing.T, s Spec) map[string]*report.Record {
	t.Helper()
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*report.Record{}
	if _, err := p.Records(context.Background(), func(r Result) error { out[r.Record.Query.ID] = r.Record; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func scanSpec(mode string, inputs ...string) Spec {
	s := DefaultSpec()
	s.Reference, s.Inputs, s.Assign, s.Threads = k12Refs, inputs, mode, 2
	return s
}

// TestStatusDisruptedUnderBest: a truncated or frameshifted wild type is
// kept as truncated under --assign best even with low coverage, with the
// position and the evidence, instead of vanishing as no_hit; without
// evidence of a stop it is partial, never truncated.
func TestStatusDisruptedUnderBest(t *testing.T) {
	recs := runSpec(t, scanSpec(AssignBest, disrupted))
	want := []struct {
		id, status, evidence string
		pos                  int
	}{
		{"derived_cirA_G254stop_readthrough", report.StatusTruncated, report.EvidenceStop, 254},
		{"derived_cirA_truncated_at_254", report.StatusPartial, "", 0}, // no '*', not known to be complete
		{"derived_ompF_fs61", report.StatusTruncated, report.EvidenceFrameshiftLike, 61},
		// 60 of 150 residues aligned: too little of itself to be read as a
		// disrupted OmpF rather than another protein sharing a segment.
		{"derived_ompF_fs61_longtail", report.StatusNoHit, "", 0},
	}
	for _, w := range want {
		r := recs[w.id]
		if r == nil {
			t.Fatalf("no record %s", w.id)
		}
		if r.Status != w.status {
			t.Errorf("%s: status %s (%s), want %s", w.id, r.Status, r.StatusReason, w.status)
			continue
		}
		switch {
		case w.evidence == "" && r.Truncation != nil:
			t.Errorf("%s: truncation %+v on a %s record", w.id, r.Truncation, r.Status)
		case w.evidence != "" && (r.Truncation == nil || r.Truncation.Evidence != w.evidence || r.Truncation.Position != w.pos):
			t.Errorf("%s: truncation %+v, want %s at %d", w.id, r.Truncation, w.evidence, w.pos)
		}
		if r.StatusReason == "" {
			t.Errorf("%s: no status_reason", w.id)
		}
	}
	rt := recs["derived_cirA_G254stop_readthrough"]
	if !strings.Contains(rt.StatusReason, "G254*") || rt.Truncation.CallsAfterStop != 0 {
		t.Errorf("read-through: reason %q, truncation %+v", rt.StatusReason, rt.Truncation)
	}

	// A gene caller's protein ends at its stop: with --complete-proteins the
	// same CirA fragment is a premature stop at 254.
	s := scanSpec(AssignBest, disrupted)
	s.CompleteProteins = true
	r := runSpec(t, s)["derived_cirA_truncated_at_254"]
	if r.Status != report.StatusTruncated || r.Truncation.Evidence != report.EvidenceEndsAtStop || r.Truncation.Position != 254 || r.Truncation.ReferenceLength != 663 {
		t.Errorf("--complete-proteins: %s %+v", r.Status, r.Truncation)
	}
}

// TestStatusCallsAfterStop: calls past a premature stop are marked and
// counted apart (GyrA read through a stop at 40, then S83L and D87N).
func TestStatusCallsAfterStop(t *testing.T) {
	s := scanSpec(AssignName, disrupted)
	s.SkipUnassigned = true
	r := runSpec(t, s)["derived_gyrA_G40stop_S83L_D87N_readthrough|gyrA|derived"]
	if r == nil || r.Status != report.StatusTruncated || r.Truncation == nil || r.Truncation.Position != 40 {
		t.Fatalf("read-through GyrA: %+v", r)
	}
	after := 0
	for _, m := range r.Mutations {
		if m.AfterPrematureStop {
			after++
		}
	}
	if after != 2 || after != r.Truncation.CallsAfterStop || !strings.Contains(r.StatusReason, "not counted") {
		t.Errorf("%d calls after the stop, truncation says %d; reason %q", after, r.Truncation.CallsAfterStop, r.StatusReason)
	}
}

// TestStatusHomologs: paralogs and distant orthologs are homolog, with no
// calls, under best (AcrD/AcrF for AcrB, OmpN for OmpC) and under name (a
// Gram-positive GyrA named gyrA, K-12 ParC relabelled as gyrA).
func TestStatusHomologs(t *testing.T) {
	dir := t.TempDir()
	recs, err := fasta.ReadAll(proteome, fasta.Options{Role: fasta.Query})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range recs {
		for _, g := range []string{"acrD ", "acrF ", "ompN ", "acrB "} {
			if strings.HasPrefix(r.Description, g) {
				b.WriteString(">" + r.ID + " " + r.Description + "\n" + string(r.Seq) + "\n")
			}
		}
	}
	scan := filepath.Join(dir, "paralogs.faa")
	if err := os.WriteFile(scan, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	got := runSpec(t, scanSpec(AssignBest, scan))
	for id, r := range got {
		want := report.StatusHomolog
		if strings.HasPrefix(r.Query.Description, "acrB ") {
			want = report.StatusWildtype
		}
		if r.Status != want || (want == report.StatusHomolog && (len(r.Mutations) != 0 || !strings.Contains(r.StatusReason, "same-gene threshold"))) {
			t.Errorf("%s (%s): %s with %d calls, want %s; %s", id, r.Query.Description[:4], r.Status, len(r.Mutations), want, r.StatusReason)
		}
	}
	if len(got) != 4 {
		t.Fatalf("%d records", len(got))
	}

	var parC string
	refs, err := fasta.ReadAll(k12Refs, fasta.Options{Role: fasta.Reference})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if strings.Contains(r.ID, "|parC|") {
			parC = string(r.Seq)
		}
	}
	named := filepath.Join(dir, "named.faa")
	if err := os.WriteFile(named, []byte(">mislabelled|gyrA|x K-12 ParC under the gyrA key\n"+parC+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runSpec(t, scanSpec(AssignName, named))["mislabelled|gyrA|x"]
	if r.Status != report.StatusHomolog || !strings.Contains(r.StatusReason, "assigned to gyrA by name") {
		t.Errorf("ParC named gyrA: %s %q", r.Status, r.StatusReason)
	}
	s := scanSpec(AssignName, "../testdata/pairs/homolog_grampos_prokka.faa", "../testdata/pairs/homolog_salmonella_pointfinder.faa", "../testdata/pairs/ref_ecoli_pointfinder.faa")
	s.SkipUnassigned = true
	for id, r := range runSpec(t, s) {
		gram := strings.HasPrefix(id, "staphylococcus|") || strings.HasPrefix(id, "enterococcus|")
		switch {
		case r.Status == report.StatusSkipped, r.Status == report.StatusError:
		case gram && r.Status != report.StatusHomolog:
			t.Errorf("%s: %s at %.1f%%, want homolog", id, r.Status, r.Alignment.PercentIdentity)
		case !gram && !report.SameGene(r.Status):
			t.Errorf("%s: %s, want a same-gene status (Salmonella and E. coli variants)", id, r.Status)
		}
	}
}
