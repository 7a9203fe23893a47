package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pfCounts is what loading one PointFinder table gives: rows that became
// entries, entries after merging duplicates, and skipped rows by reason.
type pfCounts struct {
	rows, entries, duplicates int
	skipped                   map[string]int
}

// The numbers were measured by loading the files, then checked against the
// files by other means: entry rows equal `awk -F'\t' '!/^#/ && $2=="AA" &&
// $4+0>0'` per phenotypes.txt (5, 25, 48, 2, 97, 653, 27, 25, 104), and every
// line is accounted for (TestPointFinderEveryLineAccounted).
var pfSpecies = map[string]struct {
	file       string
	folder     pfCounts // loading the folder (phenotypes.txt when present)
	overview   pfCounts // loading resistens-overview.txt directly
	mismatches int      // entries that disagree with the folder's own translated wild type
	unmatched  []string // genes with no translatable reference gene in the folder
}{
	"enterococcus_faecalis": {pfPhenotypes, pfCounts{5, 5, 0, nil}, pfCounts{5, 5, 0, nil}, 0, nil},
	"enterococcus_faecium": {pfPhenotypes, pfCounts{25, 25, 0, map[string]int{SkipCommented: 1, SkipNucleotide: 1}},
		pfCounts{25, 25, 0, map[string]int{SkipOldLayoutIndel: 1}}, 0, nil},
	"escherichia_coli": {pfPhenotypes, pfCounts{48, 48, 0, map[string]int{SkipPromoter: 6, SkipRNA: 16}},
		pfCounts{48, 48, 0, map[string]int{SkipPromoter: 6, SkipRNA: 16}}, 0, nil},
	"helicobacter_pylori": {pfPhenotypes, pfCounts{2, 2, 0, nil}, pfCounts{2, 2, 0, nil}, 0, nil},
	"klebsiella": {pfPhenotypes, pfCounts{97, 97, 0, map[string]int{SkipNucleotide: 2}},
		pfCounts{99, 96, 3, map[string]int{SkipCommented: 1, SkipOldLayoutIndel: 10}}, 8, nil},
	"mycobacterium_abscessus": {pfOverview, pfCounts{6, 6, 0, map[string]int{SkipRNA: 7}},
		pfCounts{6, 6, 0, map[string]int{SkipRNA: 7}}, 0, nil},
	"mycobacterium_avium": {pfOverview, pfCounts{13, 13, 0, map[string]int{SkipRNA: 5}},
		pfCounts{13, 13, 0, map[string]int{SkipRNA: 5}}, 0, nil},
	"mycobacterium_tuberculosis": {pfPhenotypes,
		pfCounts{653, 653, 0, map[string]int{SkipCommented: 11, SkipNucleotide: 122, SkipPromoter: 51, SkipRNA: 27}},
		pfCounts{651, 651, 0, map[string]int{SkipCommented: 22, SkipOldLayoutIndel: 122, SkipPromoter: 51, SkipRNA: 27}},
		0, []string{"Rv0678", "embB", "embR", "ethA", "ethR", "rplC", "thyA"}},
	"neisseria_gonorrhoeae": {pfPhenotypes, pfCounts{27, 27, 0, map[string]int{SkipCommented: 2, SkipNucleotide: 2, SkipPromoter: 3, SkipRNA: 9}},
		pfCounts{27, 27, 0, map[string]int{SkipCommented: 2, SkipOldLayoutIndel: 2, SkipPromoter: 3, SkipRNA: 9}}, 0, nil},
	"plasmodium_falciparum": {pfPhenotypes, pfCounts{25, 25, 0, nil}, pfCounts{25, 25, 0, nil}, 4, nil},
	"staphylococcus_aureus": {pfPhenotypes, pfCounts{104, 103, 1, map[string]int{SkipCommented: 2, SkipNucleotide: 2, SkipPromoter: 1, SkipRNA: 2}},
		pfCounts{104, 103, 1, map[string]int{SkipOldLayoutIndel: 2, SkipPromoter: 1, SkipRNA: 2}}, 0, nil},
}

func checkCounts(t *testing.T, what string, r Report, want pfCounts) {
	t.Helper()
	skipped := r.Skipped
	if len(skipped) == 0 {
		skipped = nil
	}
	if r.Rows != want.rows || r.Entries != want.entries || r.Duplicates != want.duplicates || !reflect.DeepEqual(skipped, want.skipped) {
		t.Errorf("%s: rows %d entries %d duplicates %d skipped %v; want %d %d %d %v", what,
			r.Rows, r.Entries, r.Duplicates, skipped, want.rows, want.entries, want.duplicates, want.skipped)
	}
	if sum := r.Rows + r.SkippedTotal() + r.Headers + r.Sections + r.Comments + r.Blank; sum != r.Lines {
		t.Errorf("%s: %d lines, %d accounted for", what, r.Lines, sum)
	}
}

// TestPointFinderEverySpecies loads every species folder of the shipped
// database, and every resistens-overview.txt on its own.
func TestPointFinderEverySpecies(t *testing.T) {
	dirs, err := os.ReadDir(pfRoot)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		want, ok := pfSpecies[d.Name()]
		if !ok {
			t.Errorf("species %s has no expected counts", d.Name())
			continue
		}
		c := mustLoad(t, pfDir(d.Name()), LoadOptions{})
		if got := filepath.Base(c.Report.Files[0]); got != want.file {
			t.Errorf("%s read %s, want %s", d.Name(), got, want.file)
		}
		if c.Name != "PointFinder" || c.Version != "4.1.0" || c.Subset != d.Name() || c.Format != FormatPointFinder {
			t.Errorf("%s: %s %q %s %s", d.Name(), c.Name, c.Version, c.Subset, c.Format)
		}
		checkCounts(t, d.Name(), c.Report, want.folder)
		o := mustLoad(t, filepath.Join(pfDir(d.Name()), pfOverview), LoadOptions{})
		checkCounts(t, d.Name()+" "+pfOverview, o.Report, want.overview)
	}
	if n != 11 || len(pfSpecies) != 11 {
		t.Errorf("%d species folders, %d expected", n, len(pfSpecies))
	}
}

// TestPointFinderAgainstOwnReferences resolves each species against the
// wild types translated from its own reference genes: every entry is
// verified, and the disagreements are the catalog's own (Klebsiella
// ompK36/acrR, P. falciparum MDR/PIP: see the warnings).
func TestPointFinderAgainstOwnReferences(t *testing.T) {
	for sp, want := range pfSpecies {
		c := mustLoad(t, pfDir(sp), LoadOptions{})
		refs := speciesRefs(t, sp)
		strict, err := Resolve([]*Catalog{c}, refs, ResolveOptions{})
		if (err != nil) != (want.mismatches > 0) {
			t.Errorf("%s strict: %v", sp, err)
		}
		if err != nil && !strings.Contains(err.Error(), "the catalog has") {
			t.Errorf("%s: %v", sp, err)
		}
		if strict != nil && len(strict.Report.Catalogs[0].Warnings) != 0 {
			t.Errorf("%s: warnings %v", sp, strict.Report.Catalogs[0].Warnings)
		}
		ix, err := Resolve([]*Catalog{c}, refs, ResolveOptions{Lenient: true})
		if err != nil {
			t.Fatal(err)
		}
		res := ix.Report.Catalogs[0]
		var unmatched []string
		for _, u := range res.Unmatched {
			unmatched = append(unmatched, u.Gene)
		}
		if res.Mismatches != want.mismatches || !reflect.DeepEqual(unmatched, want.unmatched) {
			t.Errorf("%s: %d mismatches, unmatched %v; want %d, %v", sp, res.Mismatches, unmatched, want.mismatches, want.unmatched)
		}
	}
}

func entryByName(t *testing.T, c *Catalog, name string) []Entry {
	t.Helper()
	var out []Entry
	for _, e := range c.Entries {
		if e.Name == name {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no entry %s", c.Label(), name)
	}
	return out
}

// TestPointFinderRows: what particular real rows become.
func TestPointFinderRows(t *testing.T) {
	ec := mustLoad(t, pfDir("escherichia_coli"), LoadOptions{})
	// The two G81 rows: one without a requirement, one needing D82G.
	g81 := entryByName(t, ec, "gyrA_G81C/D")
	if len(g81) != 2 || g81[0].Requires != nil || g81[1].Requires == nil ||
		!reflect.DeepEqual(g81[1].Requires.AnyOf, [][]Term{{{Gene: "gyrA", Kind: KindSubstitution, Pos: 82, Ref: "D", Alts: []string{"G"}}}}) ||
		!reflect.DeepEqual(g81[0].Drugs, []string{"Ciprofloxacin"}) || !reflect.DeepEqual(g81[1].Drugs, []string{"Nalidixic acid", "Ciprofloxacin"}) {
		t.Errorf("G81 rows: %+v", g81)
	}
	a84 := entryByName(t, ec, "gyrA_A84P/V")[0]
	if a84.Requires.key() != "gyrA_S83L.W.A.V" || a84.Sources[0].Line != 9 || !reflect.DeepEqual(a84.PMIDs, []string{"11451702", "7840592"}) ||
		a84.Classes[0] != "Quinolone" || a84.Mechanism != "Target modification" {
		t.Errorf("A84: %+v", a84)
	}
	// pmrA S39I and R81S require each other (comma: both).
	s39 := entryByName(t, ec, "pmrA_S39I")[0]
	if len(s39.Requires.AnyOf) != 1 || len(s39.Requires.AnyOf[0]) != 2 {
		t.Errorf("pmrA S39I: %+v", s39.Requires)
	}
	// ParC A108 has phenotype Unknown and no class: no drugs.
	if a108 := entryByName(t, ec, "parC_A108V/T")[0]; len(a108.Drugs) != 0 || len(a108.Classes) != 0 {
		t.Errorf("parC A108: %+v", a108)
	}

	kp := mustLoad(t, pfDir("klebsiella"), LoadOptions{})
	// Stop-loss: "195 TGA * K".
	if e := entryByName(t, kp, "ramR_*195K")[0]; e.Ref != "*" || e.Pos != 195 {
		t.Errorf("ramR stop-loss: %+v", e)
	}
	// Insertion rows are numbered by the codon after them.
	ins := entryByName(t, kp, "ompK36_130_131insSG")[0]
	if ins.Kind != KindInsertion || ins.Pos != 130 || ins.End != 131 || ins.CatalogPos != 131 {
		t.Errorf("ompK36 insertion: %+v", ins)
	}
	// Nonsense rows: alternative *.
	if e := entryByName(t, kp, "ompK36_K103*")[0]; !reflect.DeepEqual(e.Alts, []string{"*"}) {
		t.Errorf("%+v", e)
	}

	tb := mustLoad(t, pfDir("mycobacterium_tuberculosis"), LoadOptions{})
	// The stop-codon section: a premature stop anywhere in the gene.
	var lof []string
	for _, e := range tb.Entries {
		if e.Kind == KindLossOfFunction {
			lof = append(lof, e.Gene+" line "+fmt.Sprint(e.Sources[0].Line))
		}
	}
	if want := []string{"katG line 708", "ethA line 709", "pncA line 710", "gidB line 711"}; !reflect.DeepEqual(lof, want) {
		t.Errorf("loss of function %v, want %v", lof, want)
	}
	// Promoter-named genes carry the coding gene's key.
	if e := entryByName(t, tb, "katG_S315R/I/N/T/G/L")[0]; e.Gene != "katG" || e.Pos != 315 {
		t.Errorf("%+v", e)
	}

	ng := mustLoad(t, pfDir("neisseria_gonorrhoeae"), LoadOptions{})
	// ParC E91 lost a cell: its requirement sits in Notes and is read back.
	e91 := entryByName(t, ng, "parC_E91G/Q/K")[0]
	if e91.Requires == nil || e91.Requires.key() != "gyrA_D95N.G,gyrA_S91P" || e91.Mechanism != "" ||
		!strings.HasPrefix(e91.Notes, "High-level resistance") {
		t.Errorf("parC E91: %+v", e91)
	}
	if !slices.ContainsFunc(ng.Report.Warnings, func(w Warning) bool { return w.Line == 19 && strings.Contains(w.Msg, "one cell short") }) {
		t.Errorf("no warning for the shifted row: %v", ng.Report.Warnings)
	}

	sa := mustLoad(t, pfDir("staphylococcus_aureus"), LoadOptions{})
	// The insertion requirement rpoB_1_AP020316.1_ins475.
	n474 := entryByName(t, sa, "rpoB_N474K")[0]
	if !reflect.DeepEqual(n474.Requires.AnyOf, [][]Term{{{Gene: "rpoB", Kind: KindInsertion, Pos: 474}}}) {
		t.Errorf("rpoB N474K requirement: %+v", n474.Requires)
	}
	// Two P404 rows differing only in the reference codon are one entry.
	p404 := entryByName(t, sa, "fusA_P404L/Q")
	if len(p404) != 1 || len(p404[0].Sources) != 2 || p404[0].Sources[1].Line != 17 {
		t.Errorf("fusA P404: %+v", p404)
	}

	av := mustLoad(t, pfDir("mycobacterium_avium"), LoadOptions{})
	if len(av.Report.Warnings) != 2 || !strings.Contains(av.Report.Warnings[0].Msg, "spaces instead of tabs") {
		t.Errorf("M. avium warnings %v", av.Report.Warnings)
	}
}
