package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	pointfinderEcoli = "../testdata/catalogs/pointfinder_db/escherichia_coli"
	amrfinderSample  = "../testdata/catalogs/amrfinder_format/AMRProt-mutation.sample.tsv"
)

func catalogSpec() Spec {
	s := scanSpec(AssignName, variants)
	s.Catalogs = []string{pointfinderEcoli, amrfinderSample}
	s.GeneAliases = []string{"pmrB=basS"}
	return s
}

// call finds the named call of the first record whose ID starts with id.
func call(t *testing.T, recs map[string]*report.Record, id, short string) (*report.Record, *report.Mutation) {
	t.Helper()
	for qid, r := range recs {
		if !strings.HasPrefix(qid, id) {
			continue
		}
		for i := range r.Mutations {
			if r.Mutations[i].Short == short {
				return r, &r.Mutations[i]
			}
		}
		t.Fatalf("%s: no call %s in %v", qid, short, r.Mutations)
	}
	t.Fatalf("no record %s", id)
	return nil, nil
}

func matchOf(m *report.Mutation, cat string, requires bool) *report.CatalogMatch {
	for i, c := range m.Catalog {
		if c.Catalog == cat && (c.Requires != "") == requires {
			return &m.Catalog[i]
		}
	}
	return nil
}

// TestCatalogAnnotation: the real E. coli variants against PointFinder's
// E. coli catalog and the AMRFinderPlus-format sample (issue 10's cases).
func TestCatalogAnnotation(t *testing.T) {
	recs := runSpec(t, catalogSpec())
	var jsonl bytes.Buffer
	for _, r := range recs {
		b, err := output.Encode(output.JSONL, r, "test")
		if err != nil {
			t.Fatal(err)
		}
		jsonl.Write(b)
	}
	validateRecords(t, jsonl.Bytes()) // the annotated records match the published schema

	_, d87n := call(t, recs, "ecoli_gyrA_D87N", "D87N")
	pf := matchOf(d87n, "PointFinder", false)
	if d87n.Verdict != report.VerdictKnown || pf == nil || !pf.Counts || len(pf.PMIDs) == 0 || !reflect.DeepEqual(pf.Drugs, []string{"Nalidixic acid"}) {
		t.Errorf("D87N: %s %+v", d87n.Verdict, d87n.Catalog)
	}
	if _, m := call(t, recs, "ecoli_gyrA_S83A", "S83A"); m.Verdict != report.VerdictKnown || matchOf(m, "AMRFinderPlus", false) == nil {
		t.Errorf("S83A: %s %+v", m.Verdict, m.Catalog)
	}
	// G81D alone: its PointFinder combination row needs D82G.
	_, g81d := call(t, recs, "ecoli_gyrA_G81D|", "G81D")
	if c := matchOf(g81d, "PointFinder", true); c == nil || c.Requirement != report.RequirementMissing || c.Counts || !strings.Contains(c.Missing, "D82G") {
		t.Errorf("G81D alone: %+v", g81d.Catalog)
	}
	// G81D + D82G in one copy: the requirement holds.
	for _, short := range []string{"G81D", "D82G"} {
		_, m := call(t, recs, "ecoli_gyrA_G81D_D82G", short)
		if c := matchOf(m, "PointFinder", true); c == nil || c.Requirement != report.RequirementMet || !c.Counts {
			t.Errorf("G81D+D82G %s: %+v", short, m.Catalog)
		}
	}
	// PmrB C84R through the basS alias: known to the AMRFinderPlus sample.
	rec, c84r := call(t, recs, "ecoli_pmrB_C84R", "C84R")
	if c84r.Verdict != report.VerdictKnown || matchOf(c84r, "AMRFinderPlus", false) == nil || !slices.Contains(rec.CataloguedBy, "PointFinder 4.1.0 (escherichia_coli)") {
		t.Errorf("C84R: %s %+v catalogued by %v", c84r.Verdict, c84r.Catalog, rec.CataloguedBy)
	}
	// NfsA K141*: the nonsense entry.
	if _, m := call(t, recs, "ecoli_nfsA_R15C_K141STOP_readthrough", "K141*"); m.Verdict != report.VerdictKnown {
		t.Errorf("K141*: %s %+v", m.Verdict, m.Catalog)
	}
	// The wild-type PmrB copy: every catalogued PmrB site checked and wild type.
	wt := recs["ecoli_pmrB_contig14_copy3|basS|amrfinder_test_dna"]
	if wt == nil || wt.Status != report.StatusWildtype || len(wt.Sites) == 0 {
		t.Fatalf("wild-type PmrB: %+v", wt)
	}
	for _, st := range wt.Sites {
		if st.State != report.SiteWildType || len(st.Entries) == 0 {
			t.Errorf("wild-type PmrB site %+v", st)
		}
	}
	// The mutant copies: site 84 is a known mutant.
	mut := recs["ecoli_pmrB_contig14_copy1|basS|amrfinder_test_dna"]
	for _, st := range mut.Sites {
		if st.RefPos == 84 && st.State != report.SiteKnownMutant {
			t.Errorf("PmrB C84R copy site 84: %+v", st)
		}
	}
}

// TestHAMRonizationOutput: the hAMRonization table of the demo variants
// has exactly the specification's columns, parses with a plain TSV
// reader, and equals the committed golden file.
func TestHAMRonizationOutput(t *testing.T) {
	s := catalogSpec()
	s.Format = string(output.HAMRonization)
	var buf bytes.Buffer
	p, err := Prepare(context.Background(), s, Env{Stdout: &buf, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()))
	r.Comma, r.LazyQuotes = '\t', true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], output.HAMRonizationColumns) || len(output.HAMRonizationColumns) != 36 {
		t.Fatalf("header %v", rows[0])
	}
	byMut := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) != 36 {
			t.Fatalf("row of %d cells: %v", len(row), row)
		}
		if row[6] != "wtalign" || row[8] != "protein_variant_detected" || row[3] == "" || row[5] == "" {
			t.Errorf("mandatory fields: %v", row[:9])
		}
		byMut[row[20]+" "+row[25]] = row
	}
	if row := byMut["ecoli_gyrA_D87N|gyrA|staramr_gyrA-D87N p.Asp87Asn"]; row == nil || !strings.Contains(row[13], "Quinolone") || !strings.Contains(row[26], "known") {
		t.Errorf("D87N row %v", row)
	}
	if row := byMut["ecoli_pmrB_C84R|basS|amrfinder_test_prot p.Cys84Arg"]; row == nil || row[1] != "pmrB" || row[5] != "NP_418536.1" {
		t.Errorf("C84R row %v", row)
	}
	golden := "../testdata/catalogs/demo_variants.hamronization.tsv"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("hAMRonization output differs from %s (rerun with -update after checking the change)", golden)
	}
}
