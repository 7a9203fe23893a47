package quality_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wtalign/wtalign/quality"
	"github.com/wtalign/wtalign/verify"
	"github.com/wtalign/wtalign/verify/verifytest"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoOuts []string // variants, then the K-12 proteome scan
)

// demo aligns the demo cohort once, as `make demo` does (verifytest.Demo).
func demo(t *testing.T) []string {
	t.Helper()
	demoOnce.Do(func() {
		var err error
		if demoDir, err = os.MkdirTemp("", "quality-demo-"); err != nil {
			t.Fatal(err)
		}
		demoOuts = verifytest.Demo(t, demoDir)
	})
	if len(demoOuts) != 2 {
		t.Fatal("the demo cohort could not be aligned (see the first test that tried)")
	}
	return demoOuts
}

const k12 = "GCF_000005845.2"

// TestDemoCohort: the demo (the example variants and the K-12 proteome
// scan, with the demo's catalogs) gives no outlier for the 38 K-12 wild
// types, and the GyrA, PmrB (basS) and NfsA calls carry the drug classes
// the catalogs give them.
func TestDemoCohort(t *testing.T) {
	rep := analyze(t, demo(t)...)
	for _, o := range rep.Outliers {
		if o.Accession == k12 {
			t.Errorf("outlier in the K-12 scan: %s %s: %+v", o.QueryID, o.Gene, o.Reasons)
		}
	}
	var acc *quality.Accession
	for i := range rep.Accessions {
		if rep.Accessions[i].Accession == k12 {
			acc = &rep.Accessions[i]
		}
	}
	if acc == nil || acc.Wildtype != 38 || acc.Outliers != 0 || acc.Homologs != 64 || acc.Calls != 0 {
		t.Fatalf("K-12 accession: %+v", acc)
	}

	drugs := map[string][]string{}
	for _, k := range rep.Catalog.KnownMutations {
		drugs[k.Name] = k.Drugs
		if !slices.Equal(k.Accessions, []string{"variants"}) {
			t.Errorf("%s in %v, want only the variants", k.Name, k.Accessions)
		}
	}
	for name, want := range map[string][]string{
		"gyrA_G81D": {"Quinolone"}, "gyrA_D82G": {"Quinolone"}, "gyrA_S83A": {"Quinolone"}, "gyrA_S83L": {"Quinolone"}, "gyrA_D87N": {"Quinolone"},
		"basS_C84R": {"COLISTIN"}, "nfsA_K141*": {"NITROFURAN"},
	} {
		if !slices.Equal(drugs[name], want) {
			t.Errorf("known %s: drug classes %q, want %q", name, drugs[name], want)
		}
	}
	if len(drugs) != 7 {
		t.Errorf("known mutations: %v", drugs)
	}

	// GyrA 83: S83A, S83L and S83X (ambiguous, not "not catalogued"), all
	// in the variants: one accession with changes at the position.
	at83 := map[string]quality.Mutation{}
	for _, g := range rep.Genes {
		for _, m := range g.Mutations {
			if g.Gene == "gyrA" && m.RefStart == 83 {
				at83[m.Short] = m
			}
			if m.Verdict == "known" && !slices.Equal(m.Drugs, drugs[m.Name]) {
				t.Errorf("%s: drug classes %q in the gene, %q in the catalog summary", m.Name, m.Drugs, drugs[m.Name])
			}
		}
	}
	if len(at83) != 3 || at83["S83A"].Verdict != "known" || at83["S83L"].Verdict != "known" || at83["S83X"].Verdict != "ambiguous" {
		t.Errorf("gyrA 83: %+v", at83)
	}
	for _, m := range at83 {
		if m.Accessions != 1 || m.PositionAccessions != 1 {
			t.Errorf("gyrA %s: %d accessions, %d at the position; want 1 and 1", m.Short, m.Accessions, m.PositionAccessions)
		}
	}
	if c := rep.Catalog; c.Ambiguous == 0 || c.Known != 13 {
		t.Errorf("catalog summary: %+v", c)
	}

	// The variants' rate is over the manifest's time, not a rounded one.
	var man struct {
		Timings struct {
			ElapsedSeconds float64 `json:"elapsed_seconds"`
		} `json:"timings"`
	}
	b, err := os.ReadFile(demoOuts[0] + verify.ManifestSuffix)
	if err == nil {
		err = json.Unmarshal(b, &man)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Accession == "variants" {
			if want := math.Round(27/man.Timings.ElapsedSeconds*100) / 100; r.RecordsPerSecond != want {
				t.Errorf("variants: %g records/s, want %g (27 records in %g s)", r.RecordsPerSecond, want, man.Timings.ElapsedSeconds)
			}
		}
	}

	// A real annotated report matches the schema.
	var doc bytes.Buffer
	if err := rep.WriteJSON(&doc); err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile(verifytest.Path(t, "docs/quality.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(&doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("the demo's report does not match docs/quality.schema.json: %v", err)
	}
}

// TestProteomeScan: a proteome scan (--assign best) alone. Every protein
// went to its best reference; the 38 K-12 copies are analysed and the 64
// paralogs (PhoE under OmpF, the response regulators under BasR, ...)
// are homologs, counted but kept out of the genes' statistics.
func TestProteomeScan(t *testing.T) {
	rep := analyze(t, demo(t)[1])
	ov := rep.Overview
	if ov.Records != 4298 || ov.Analysed != 38 || ov.Homologs != 64 || ov.Status["no_hit"] != 4196 || ov.Status["wildtype"] != 38 ||
		!slices.Equal(ov.Parameters.Assign, []string{"best"}) || ov.Failed != 0 {
		t.Errorf("overview: %+v", ov)
	}
	if len(rep.Outliers) != 0 || rep.Catalog.Present || len(rep.Catalog.KnownMutations) != 0 {
		t.Errorf("outliers %+v, catalog %+v", rep.Outliers, rep.Catalog)
	}
	homologs := 0
	for _, g := range rep.Genes {
		homologs += g.Homologs
		points := 0
		for _, p := range g.Points {
			points += p.Records
		}
		if g.Records != 1 || g.Accessions != 1 || points != 1 || len(g.Mutations) != 0 || g.Identity.Median != 100 || g.Coverage.Median != 100 {
			t.Errorf("gene %s: %d records, %d accessions, %d points, %d mutations, identity %g, coverage %g",
				g.Gene, g.Records, g.Accessions, points, len(g.Mutations), g.Identity.Median, g.Coverage.Median)
		}
	}
	if len(rep.Genes) != 38 || homologs != 64 {
		t.Errorf("%d genes with %d homologs, want 38 and 64", len(rep.Genes), homologs)
	}
	r := rep.Runs[0]
	if r.Accession != k12 || r.Records != 4298 || r.Cells <= 0 || r.CellsPerSecond <= 0 || r.RecordsPerSecond <= 0 || r.Sessions != 1 {
		t.Errorf("run: %+v", r)
	}
}
