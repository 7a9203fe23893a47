package catalog

import (
	"errors"
	"reflect"
	"testing"
)

func TestAMRFinderSample(t *testing.T) {
	c := mustLoad(t, amrSample, LoadOptions{})
	if c.Name != "AMRFinderPlus" || c.Subset != "Escherichia" || c.Format != FormatAMRFinder || len(c.Entries) != 11 {
		t.Fatalf("%s %s %s %d entries", c.Name, c.Subset, c.Format, len(c.Entries))
	}
	checkCounts(t, "sample", c.Report, pfCounts{11, 11, 0, nil})
	want := map[string]struct {
		kind Kind
		pos  int
		ref  string
		alts []string
		acc  string
	}{
		"gyrA_S83L":    {KindSubstitution, 83, "S", []string{"L"}, "NP_416734.1"},
		"nfsA_K141Ter": {KindSubstitution, 141, "K", []string{"*"}, "NP_415372.1"},
		"mgrB_Q30Ter":  {KindSubstitution, 30, "Q", []string{"*"}, "NP_416340.1"},
		"pmrB_C84R":    {KindSubstitution, 84, "C", []string{"R"}, "NP_418536.1"},
	}
	for _, e := range c.Entries {
		w, ok := want[e.Name]
		if !ok {
			continue
		}
		if e.Kind != w.kind || e.Pos != w.pos || e.Ref != w.ref || !reflect.DeepEqual(e.Alts, w.alts) || e.Accession != w.acc {
			t.Errorf("%s: %+v", e.Name, e)
		}
	}
	// Every sample entry verifies against K-12 by accession.
	ix, err := Resolve([]*Catalog{c}, k12Refs(t), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range ix.Report.Catalogs[0].Genes {
		if g.By != ByAccession {
			t.Errorf("%s matched by %s", g.Gene, g.By)
		}
	}
}

// TestAMRFinderSymbols: the symbol forms of the AMRFinderPlus table.
func TestAMRFinderSymbols(t *testing.T) {
	cases := []struct {
		symbol string
		pos    int // mutation_position
		want   Entry
		skip   string
	}{
		{"gyrA_S83L", 83, Entry{Gene: "gyrA", Kind: KindSubstitution, Pos: 83, End: 83, Ref: "S", Alts: []string{"L"}}, ""},
		// Literature numbering in the symbol, reference numbering in
		// mutation_position: both kept.
		{"gyrA_T86I", 83, Entry{Gene: "gyrA", Kind: KindSubstitution, Pos: 83, End: 83, Ref: "T", Alts: []string{"I"}, CatalogPos: 86}, ""},
		{"mgrB_Q30Ter", 30, Entry{Gene: "mgrB", Kind: KindSubstitution, Pos: 30, End: 30, Ref: "Q", Alts: []string{"*"}}, ""},
		{"nfsA_K141STOP", 141, Entry{Gene: "nfsA", Kind: KindSubstitution, Pos: 141, End: 141, Ref: "K", Alts: []string{"*"}}, ""},
		{"pmrB_ALNQLV129del", 129, Entry{Gene: "pmrB", Kind: KindDeletion, Pos: 129, End: 134, Ref: "ALNQLV"}, ""},
		{"folP_P64PSFLY", 64, Entry{Gene: "folP", Kind: KindInsertion, Pos: 64, End: 65, Alts: []string{"SFLY"}}, ""},
		{"penA_D346DD", 346, Entry{Gene: "penA", Kind: KindInsertion, Pos: 346, End: 347, Alts: []string{"D"}}, ""},
		{"cirA_Y253CfsTer5", 253, Entry{Gene: "cirA", Kind: KindFrameshift, Pos: 253, End: 253, Ref: "Y"}, ""},
		{"blaTEM-1_R164S", 164, Entry{Gene: "blaTEM-1", Kind: KindSubstitution, Pos: 164, End: 164, Ref: "R", Alts: []string{"S"}}, ""},
		{"mtrR_G-131A", -131, Entry{}, SkipPromoter},
		{"cirA_A169insTer10", 169, Entry{}, SkipUnsupported},
		{"cirA_N184NRHSEWTer", 184, Entry{}, SkipUnsupported},
	}
	for _, tc := range cases {
		e, skip, err := amrEntry(tc.symbol, tc.pos)
		if err != nil || skip != tc.skip || !reflect.DeepEqual(e, tc.want) {
			t.Errorf("%s: %+v %q %v", tc.symbol, e, skip, err)
		}
	}
	for _, bad := range []string{"gyrA", "_S83L", "gyrA_S83", "gyrA_83L", "gyrA_S83S", "gyrA_B83L"} {
		if _, _, err := amrEntry(bad, 83); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestAMRFinderTaxgroups(t *testing.T) {
	dir := t.TempDir()
	head := "#taxgroup\taccession_version\tmutation_position\tstandard_mutation_symbol\treported_mutation_symbol\tclass\tsubclass\tmutated_protein_name\n"
	p := writeFile(t, dir, "AMRProt-mutation.tsv", head+
		"Escherichia\tNP_416734.1\t83\tgyrA_S83L\tgyrA_S83L\tQUINOLONE\tQUINOLONE\tx\n"+
		"Salmonella\tWP_1.1\t83\tgyrA_S83F\tgyrA_S83F\tQUINOLONE\tQUINOLONE\ty\n"+
		"Escherichia\tNP_418536.1\t84\tpmrB_C84R\tpmrB_C84R\tCOLISTIN\tCOLISTIN\tz\n")
	if _, err := Load(p, LoadOptions{}); !errors.Is(err, ErrTaxgroup) {
		t.Errorf("two taxgroups, none chosen: %v", err)
	}
	if _, err := Load(p, LoadOptions{Taxgroup: "Klebsiella"}); !errors.Is(err, ErrTaxgroup) {
		t.Errorf("absent taxgroup: %v", err)
	}
	c := mustLoad(t, p, LoadOptions{Taxgroup: "escherichia"})
	checkCounts(t, "taxgroup", c.Report, pfCounts{2, 2, 0, map[string]int{SkipOtherTaxgroup: 1}})
	if c.Subset != "Escherichia" || len(c.Entries) != 2 {
		t.Errorf("%+v", c)
	}
}
