package catalog

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var labCatalog = filepath.Join("..", "testdata", "catalogs", "lab_catalog.tsv")

// comparable strips what writing and reading a catalog legitimately
// changes: the sources, catalog name and version, the catalog's own
// numbering and reported symbol, and the requirement's original text.
func comparable(es []Entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		e.Sources, e.Catalog, e.Version, e.CatalogPos, e.ReportedName = nil, "", "", 0, ""
		if e.Requires != nil {
			r := *e.Requires
			r.Text = ""
			e.Requires = &r
		}
		out[i] = e
	}
	return out
}

// TestTSVRoundTrip: every PointFinder species and the AMRFinderPlus sample
// written as a wtalign catalog and read back give the same entries.
func TestTSVRoundTrip(t *testing.T) {
	paths := []string{amrSample, labCatalog}
	for sp := range pfSpecies {
		paths = append(paths, pfDir(sp))
	}
	for _, p := range paths {
		c := mustLoad(t, p, LoadOptions{})
		var buf bytes.Buffer
		if err := WriteTSV(&buf, c); err != nil {
			t.Fatal(err)
		}
		out := writeFile(t, t.TempDir(), "catalog.tsv", buf.String())
		if f, err := Detect(out); err != nil || f != FormatTSV {
			t.Fatalf("%s: detected %q %v", p, f, err)
		}
		back := mustLoad(t, out, LoadOptions{})
		if back.Name != c.Name || back.Version != c.Version {
			t.Errorf("%s: name %q version %q", p, back.Name, back.Version)
		}
		if !reflect.DeepEqual(comparable(back.Entries), comparable(c.Entries)) {
			for i := range c.Entries {
				if i < len(back.Entries) && !reflect.DeepEqual(comparable(back.Entries[i:i+1]), comparable(c.Entries[i:i+1])) {
					t.Errorf("%s: entry %d\n%+v\n%+v", p, i, back.Entries[i], c.Entries[i])
					break
				}
			}
			t.Errorf("%s: %d entries back, %d written", p, len(back.Entries), len(c.Entries))
		}
	}
}

// TestLabCatalog: the example in-house list, one row per kind, against the
// K-12 wild types and derived variants.
func TestLabCatalog(t *testing.T) {
	c := mustLoad(t, labCatalog, LoadOptions{})
	if c.Name != "example-lab" || c.Version != "2024-06" || len(c.Entries) != 7 {
		t.Fatalf("%s %s %d", c.Name, c.Version, len(c.Entries))
	}
	checkCounts(t, "lab", c.Report, pfCounts{7, 7, 0, nil})
	kinds := []Kind{}
	for _, e := range c.Entries {
		kinds = append(kinds, e.Kind)
	}
	if want := []Kind{KindSubstitution, KindSubstitution, KindDeletion, KindInsertion, KindLossOfFunction, KindSubstitution, KindSite}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v", kinds)
	}
	refs := k12Refs(t)
	ix, err := Resolve([]*Catalog{c}, refs, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	derived := map[string][]byte{}
	for _, r := range readRecords(t, "derived_edge_cases.faa") {
		id, _, _ := strings.Cut(r.ID, "|")
		derived[id] = r.Seq
	}
	marR, acrR, nfsA, gyrA := refByGene(t, refs, "marR"), refByGene(t, refs, "acrR"), refByGene(t, refs, "nfsA"), refByGene(t, refs, "gyrA")
	cases := []struct {
		name  string
		ref   Reference
		query []byte
		stop  bool
		want  []string
	}{
		// The deletion entry 61-65 matches the call (MarR 66 is V, not K,
		// so there is no 3' shift).
		{"marR deletion", marR, derived["derived_marR_del61-65"], false, []string{"K61_S65del known"}},
		// Inserting VLEST after 100 is the call L97_V101dup: same protein.
		{"acrR duplication", acrR, derived["derived_acrR_ins5_after100"], false, []string{"L97_V101dup known"}},
		{"marR stop-loss", marR, derived["derived_marR_nonstop_readthrough"], true, []string{"*145Qext*13 known"}},
		{"nfsA premature stop", nfsA, withEdits(t, nfsA.Seq, string(nfsA.Seq[99])+"100*"), false, []string{string(nfsA.Seq[99]) + "100* known"}},
		{"gyrA S83L+D87N", gyrA, derived["derived_gyrA_S83L_D87N"], false, []string{"S83L known", "D87N known"}},
		{"gyrA S83X", gyrA, derived["derived_gyrA_S83X"], false, []string{"S83X ambiguous"}},
		{"gyrA D87G", gyrA, withEdits(t, gyrA.Seq, "D87G"), false, []string{"D87G novel_at_known_site"}},
	}
	for _, tc := range cases {
		if tc.query == nil {
			t.Fatalf("%s: no query", tc.name)
		}
		a, err := ix.AnnotateCopy(call(t, tc.ref, tc.query, tc.stop))
		if err != nil {
			t.Fatal(err)
		}
		if v := verdicts(a); !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, v, tc.want)
		}
	}
	// The D87N row requires S83L/W in the same GyrA.
	a, _ := ix.AnnotateCopy(call(t, gyrA, derived["derived_gyrA_S83L_D87N"], false))
	if m := a.Calls[1].Matches[0]; m.Requirement != RequirementMet || !m.Counts {
		t.Errorf("D87N with S83L: %+v", m)
	}
	a, _ = ix.AnnotateCopy(call(t, gyrA, withEdits(t, gyrA.Seq, "D87N"), false))
	if m := a.Calls[0].Matches[0]; m.Requirement != RequirementMissing || m.Missing != "requires gyrA S83L/W" {
		t.Errorf("D87N alone: %+v", m)
	}
	// The S83X site is ambiguous, not wild type or mutant; the AcrB site is
	// reported on AcrB only.
	a, _ = ix.AnnotateCopy(call(t, gyrA, derived["derived_gyrA_S83X"], false))
	if len(a.Sites) != 2 || a.Sites[0].State != SiteAmbiguous || a.Sites[1].State != SiteWildType {
		t.Errorf("S83X sites %+v", a.Sites)
	}
}

func TestTSVHeaderOrderFree(t *testing.T) {
	p := writeFile(t, t.TempDir(), "x.tsv", "#wtalign-catalog 1\nalt\tref\tposition\tgene\nL\tS\t83\tgyrA\n")
	c := mustLoad(t, p, LoadOptions{})
	if e := c.Entries[0]; e.Gene != "gyrA" || e.Pos != 83 || e.Ref != "S" || e.Kind != KindSubstitution || c.Name != "x" {
		t.Errorf("%+v %s", e, c.Name)
	}
}
