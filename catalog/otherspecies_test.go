package catalog

import (
	"fmt"
	"reflect"
	"testing"
)

// speciesIndex resolves a species' PointFinder catalog against the wild
// types translated from its own reference genes.
func speciesIndex(t *testing.T, species string, lenient bool) (*Index, map[string]Reference) {
	t.Helper()
	refs := speciesRefs(t, species)
	ix, err := Resolve([]*Catalog{mustLoad(t, pfDir(species), LoadOptions{})}, refs, ResolveOptions{Lenient: lenient})
	if err != nil {
		t.Fatal(err)
	}
	byGene := map[string]Reference{}
	for _, r := range refs {
		byGene[r.Gene] = r
	}
	return ix, byGene
}

// stopAfter puts a stop at the first residue c at or after position from,
// and returns the query and the edit's name (W191*).
func stopAfter(t *testing.T, seq []byte, c byte, from int) ([]byte, string) {
	t.Helper()
	for p := from; p <= len(seq); p++ {
		if seq[p-1] == c {
			e := fmt.Sprintf("%c%d*", c, p)
			return withEdits(t, seq, e), e
		}
	}
	t.Fatalf("no %c after %d", c, from)
	return nil, ""
}

type speciesCase struct {
	name  string
	gene  string
	query func(Reference) []byte
	want  []string // call and verdict
}

func runSpecies(t *testing.T, ix *Index, refs map[string]Reference, cases []speciesCase) []AnnotatedCopy {
	t.Helper()
	var copies []Copy
	for _, tc := range cases {
		ref, ok := refs[tc.gene]
		if !ok {
			t.Fatalf("%s: no %s wild type", tc.name, tc.gene)
		}
		c := call(t, ref, tc.query(ref), false)
		c.Query = tc.name
		copies = append(copies, c)
	}
	got, err := ix.AnnotateAccession(copies)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		if v := verdicts(got[i]); !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, v, tc.want)
		}
	}
	return got
}

func edits(t *testing.T, e ...string) func(Reference) []byte {
	return func(r Reference) []byte { return withEdits(t, r.Seq, e...) }
}

func genotypeLines(g []ClassCall) []string {
	out := []string{}
	for _, c := range g {
		out = append(out, c.String())
	}
	return out
}

// TestKlebsiellaVariants: single edits of PointFinder's Klebsiella wild
// types. The catalog is resolved leniently: 8 of its rows disagree with its
// own ompK36 and acrR genes (TestPointFinderAgainstOwnReferences).
func TestKlebsiellaVariants(t *testing.T) {
	ix, refs := speciesIndex(t, "klebsiella", true)
	got := runSpecies(t, ix, refs, []speciesCase{
		{"GyrA S83F", "gyrA", edits(t, "S83F"), []string{"S83F known"}},
		{"GyrA S83P", "gyrA", edits(t, "S83P"), []string{"S83P novel_at_known_site"}},
		{"OmpK36 K103*", "ompK36", edits(t, "K103*"), []string{"K103* known"}},
		// SG inserted between codons 130 and 131, as the catalog row
		// "131 ins SG" means; the call names it wherever the 3' rule puts it.
		{"OmpK36 SG insertion", "ompK36", func(r Reference) []byte {
			return []byte(string(r.Seq[:130]) + "SG" + string(r.Seq[130:]))
		}, []string{"P130_E131insSG known"}},
		{"ParC wild type", "parC", func(r Reference) []byte { return r.Seq }, []string{}},
	})
	// PointFinder gives OmpK36 rows drugs ("Carbapenem") but no class.
	want := []string{"Quinolone: gyrA S83F", "Unclassified: ompK36 K103* + ompK36 P130_E131insSG"}
	if g := genotypeLines(Genotype(got)); !reflect.DeepEqual(g, want) {
		t.Errorf("genotype %v", g)
	}
	// The wild-type ParC copy: both catalogued ParC sites checked, wild type.
	if s := got[4].Sites; len(s) != 2 || s[0].State != SiteWildType || s[1].State != SiteWildType || s[0].RefPos != 80 {
		t.Errorf("ParC sites %+v", s)
	}
}

func TestEnterococcusFaeciumVariants(t *testing.T) {
	ix, refs := speciesIndex(t, "enterococcus_faecium", false)
	got := runSpecies(t, ix, refs, []speciesCase{
		{"GyrA S83I", "gyrA", edits(t, "S83I"), []string{"S83I known"}},
		{"GyrA E87Q", "gyrA", edits(t, "E87Q"), []string{"E87Q novel_at_known_site"}},
		{"Pbp5 M485T", "pbp5", edits(t, "M485T"), []string{"M485T known"}},
		// Pbp5 300 (R) is not catalogued.
		{"Pbp5 R300W", "pbp5", edits(t, "R300W"), []string{"R300W novel"}},
	})
	want := []string{"Beta-lactam: pbp5 M485T", "Quinolone: gyrA S83I"}
	if g := genotypeLines(Genotype(got)); !reflect.DeepEqual(g, want) {
		t.Errorf("genotype %v", g)
	}
}

// TestStaphylococcusAureusVariants: S. aureus's combination rules across
// GyrA and GrlA (ParC).
func TestStaphylococcusAureusVariants(t *testing.T) {
	ix, refs := speciesIndex(t, "staphylococcus_aureus", false)
	got := runSpecies(t, ix, refs, []speciesCase{
		{"GyrA S84L", "gyrA", edits(t, "S84L"), []string{"S84L known"}},
		{"GrlA S80F Y83N", "grlA", edits(t, "S80F", "Y83N"), []string{"S80F known", "Y83N known"}},
		{"RpoB H481N", "rpoB", edits(t, "H481N"), []string{"H481N known"}},
	})
	// GrlA Y83N needs GyrA S84L and GrlA S80F: here both, in two copies.
	y83n := got[1].Calls[1].Matches[0]
	if y83n.Requirement != RequirementMet || !y83n.Counts {
		t.Errorf("Y83N: %+v", y83n)
	}
	want := []string{"Quinolone: grlA S80F + grlA Y83N + gyrA S84L", "Rifamycin: rpoB H481N"}
	if g := genotypeLines(Genotype(got)); !reflect.DeepEqual(g, want) {
		t.Errorf("genotype %v", g)
	}
	// Without GyrA S84L, Y83N does not count and says what is missing.
	got = runSpecies(t, ix, refs, []speciesCase{
		{"GyrA wild type", "gyrA", func(r Reference) []byte { return r.Seq }, []string{}},
		{"GrlA S80F Y83N", "grlA", edits(t, "S80F", "Y83N"), []string{"S80F known", "Y83N known"}},
	})
	if m := got[1].Calls[1].Matches[0]; m.Requirement != RequirementMissing || m.Missing != "requires gyrA S84L" {
		t.Errorf("Y83N without S84L: %+v", m)
	}
	if g := genotypeLines(Genotype(got)); !reflect.DeepEqual(g, []string{"Quinolone: grlA S80F"}) {
		t.Errorf("genotype %v", g)
	}
}

// TestTuberculosisVariants: M. tuberculosis wild types, including katG,
// whose gene PointFinder ships after its 107-base promoter, and the
// stop-codon section's loss-of-function entries.
func TestTuberculosisVariants(t *testing.T) {
	ix, refs := speciesIndex(t, "mycobacterium_tuberculosis", false)
	var stopName string
	got := runSpecies(t, ix, refs, []speciesCase{
		{"KatG S315T", "katG", edits(t, "S315T"), []string{"S315T known"}},
		{"RpoB S450L", "rpoB", edits(t, "S450L"), []string{"S450L known"}},
		{"GyrA D94G", "gyrA", edits(t, "D94G"), []string{"D94G known"}},
		{"PncA H57D", "pncA", edits(t, "H57D"), []string{"H57D known"}},
	})
	want := []string{"Isonicotinic acid hydrazide: katG S315T", "Quinolone: gyrA D94G", "Rifamycin: rpoB S450L",
		"Synthetic derivative of nicotinamide: pncA H57D"}
	if g := genotypeLines(Genotype(got)); !reflect.DeepEqual(g, want) {
		t.Errorf("genotype %v", g)
	}
	// A premature stop anywhere in katG: the gene-wide loss-of-function
	// entry, and no site of its own.
	q, stopName := stopAfter(t, refs["katG"].Seq, 'W', 400)
	c := call(t, refs["katG"], q, false)
	a, err := ix.AnnotateCopy(c)
	if err != nil {
		t.Fatal(err)
	}
	if v := verdicts(a); len(v) != 1 || v[0] != stopName+" known" || Kind(a.Calls[0].Matches[0].Kind) != KindLossOfFunction {
		t.Errorf("%s: %v %+v", stopName, v, a.Calls[0].Matches)
	}
}
