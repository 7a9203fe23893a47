package catalog

import (
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/variant"
)

// TestSeveralAlleles: a folder with two reference alleles of one gene
// (PointFinder's Campylobacter layout: gyrA for C. jejuni, gyrA_2 for
// C. coli) gives one gene key with two references; each entry goes to the
// allele it is numbered on. Built from the E. coli gene: allele 2 has T at
// 83 (codon ACG), so an entry applied to the wrong allele would fail
// verification.
func TestSeveralAlleles(t *testing.T) {
	gene, err := os.ReadFile(pfDir("escherichia_coli") + "/gyrA.fsa")
	if err != nil {
		t.Fatal(err)
	}
	nt := strings.Join(strings.Split(strings.TrimSpace(string(gene)), "\n")[1:], "")
	if nt[246:249] != "TCG" {
		t.Fatal("codon 83 is not TCG")
	}
	dir := t.TempDir()
	writeFile(t, dir, "genes.txt", "gyrA\ngyrA_2\n")
	writeFile(t, dir, "RNA_genes.txt", "")
	writeFile(t, dir, "gyrA.fsa", ">gyrA_1_X\n"+nt+"\n")
	writeFile(t, dir, "gyrA_2.fsa", ">gyrA_2_1_Y\n"+nt[:246]+"ACG"+nt[249:]+"\n")
	writeFile(t, dir, "phenotypes.txt", pfHeader+pfRow("gyrA_1_X", "AA", "83", "S", "L", "")+pfRow("gyrA_2_1_Y", "AA", "83", "T", "I", ""))
	c := mustLoad(t, dir, LoadOptions{})
	if c.Entries[0].Gene != "gyrA" || c.Entries[0].Allele != "gyrA" || c.Entries[1].Gene != "gyrA" || c.Entries[1].Allele != "gyrA_2" {
		t.Fatalf("%+v", c.Entries)
	}
	wts, _, err := References(dir, code11(t))
	if err != nil {
		t.Fatal(err)
	}
	var refs []Reference
	for _, w := range wts {
		refs = append(refs, NewReference(w.ID, w.Description, w.Gene, w.Protein))
	}
	if len(refs) != 2 || refs[0].Gene != "gyrA" || refs[1].Gene != "gyrA" || refs[1].Allele != "gyrA_2" {
		t.Fatalf("%+v", refs)
	}
	ix, err := Resolve([]*Catalog{c}, refs, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g := ix.Report.Catalogs[0].Genes; len(g) != 1 || !reflect.DeepEqual(g[0].References, []string{refs[0].ID, refs[1].ID}) || g[0].Entries != 2 {
		t.Errorf("genes %+v", g)
	}
	for i, w := range []struct{ ref, alt, name string }{{"S", "L", "gyrA_S83L"}, {"T", "I", "gyrA_T83I"}} {
		if es := ix.Entries(refs[i].ID); len(es) != 1 || es[0].Name != w.name {
			t.Fatalf("%s: entries %+v", refs[i].ID, es)
		}
		muts := []report.Mutation{{Type: report.TypeSubstitution, RefStart: 83, RefEnd: 83, QueryStart: 83, QueryEnd: 83,
			Ref: w.ref, Alt: w.alt, Short: w.ref + "83" + w.alt}}
		a, err := ix.Annotate(refs[i].ID, muts)
		if err != nil || a[0].Verdict != VerdictKnown || a[0].Matches[0].Name != w.name {
			t.Errorf("%s: %+v %v", refs[i].ID, a, err)
		}
	}
	// References that know no alleles (K-12) get both entries, and the
	// T83 one fails verification.
	_, err = Resolve([]*Catalog{c}, k12Refs(t), ResolveOptions{})
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "line 3: gyrA gyrA_T83I: position 83: the catalog has T") {
		t.Errorf("K-12: %v", err)
	}
}

// TestSitesAsCatalog: a --sites list loaded as a catalog gives the states
// variant.Result.Sites gives for the same positions, with mutant split into
// other_mutant (a sites list catalogues no change), on every hit of the
// gene and only there.
func TestSitesAsCatalog(t *testing.T) {
	refs := k12Refs(t)
	p := writeFile(t, t.TempDir(), "sites.tsv", "# QRDR\ngyrA\t83\ngyrA\t87\ngyrA\t81\nmgrB\t1\nmgrB\t2\nGYRA\t83\n")
	if f, err := Detect(p); err != nil || f != FormatSites {
		t.Fatalf("detected %q %v", f, err)
	}
	c := mustLoad(t, p, LoadOptions{})
	checkCounts(t, "sites", c.Report, pfCounts{6, 5, 1, nil})
	ix, err := Resolve([]*Catalog{c}, refs, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	derived := map[string][]byte{}
	for _, r := range readRecords(t, "derived_edge_cases.faa") {
		id, _, _ := strings.Cut(r.ID, "|")
		derived[id] = r.Seq
	}
	for _, q := range []struct {
		gene, id string
		want     []string
	}{
		{"gyrA", "derived_gyrA_S83L_D87N", []string{"81 wild_type G", "83 other_mutant L S83L", "87 other_mutant N D87N"}},
		{"gyrA", "derived_gyrA_S83X", []string{"81 wild_type G", "83 ambiguous X S83X", "87 wild_type D"}},
		{"gyrA", "derived_gyrA_pep5", []string{"81 wild_type G", "83 wild_type S", "87 not_covered "}},
		{"mgrB", "derived_mgrB_Nterm_Met_missing", []string{"1 not_covered ", "2 wild_type K"}},
	} {
		ref := refByGene(t, refs, q.gene)
		cp := call(t, ref, derived[q.id], false)
		states, err := ix.Sites(cp)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		var positions []int
		for _, s := range states {
			got = append(got, strings.TrimSpace(strings.Join([]string{strconv.Itoa(s.RefPos), s.State, s.Observed, s.Mutation}, " ")))
			positions = append(positions, s.RefPos)
			if len(s.Entries) != 1 {
				t.Errorf("%s %d: entries %v", q.id, s.RefPos, s.Entries)
			}
		}
		for i := range q.want {
			q.want[i] = strings.TrimSpace(q.want[i])
		}
		if !reflect.DeepEqual(got, q.want) {
			t.Errorf("%s: %v, want %v", q.id, got, q.want)
		}
		// The same as variant's --sites computation, state for state.
		base, err := (variant.Result{Mutations: cp.Mutations, NotCovered: cp.NotCovered}).Sites(ref.Seq, positions)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range base {
			s := states[i]
			if b.State == report.SiteMutant {
				b.State = SiteOtherMutant
			}
			if !reflect.DeepEqual(b, s.Site) {
				t.Errorf("%s: %+v vs variant %+v", q.id, s.Site, b)
			}
		}
	}
	// Another gene has no sites.
	if s, err := ix.Sites(call(t, refByGene(t, refs, "parC"), refByGene(t, refs, "parC").Seq, false)); err != nil || len(s) != 0 {
		t.Errorf("parC: %v %v", s, err)
	}
}

// TestEcoliResolution: PointFinder E. coli against the K-12 wild types:
// which genes went where and how, and what had no reference.
func TestEcoliResolution(t *testing.T) {
	ix, _ := ecoliIndex(t)
	pf := ix.Report.Catalogs[0]
	var genes []string
	for _, g := range pf.Genes {
		genes = append(genes, g.Gene+" "+g.By+" "+strconv.Itoa(g.Entries)+" "+strings.Join(g.References, ","))
	}
	want := []string{
		"gyrA gene 12 ecoli_k12|gyrA|NP_416734.1",
		"gyrB gene 2 ecoli_k12|gyrB|YP_026241.1",
		"parC gene 7 ecoli_k12|parC|NP_417491.1",
		"parE gene 12 ecoli_k12|parE|NP_417502.1",
		"pmrA alias 2 ecoli_k12|basR|NP_418537.1",
		"pmrB alias 1 ecoli_k12|basS|NP_418536.1",
		"rpoB gene 10 ecoli_k12|rpoB|NP_418414.1",
	}
	if !reflect.DeepEqual(genes, want) || !reflect.DeepEqual(pf.Unmatched, []GeneCount{{"folP", 2}}) || pf.Mismatches != 0 || pf.Catalog != "PointFinder 4.1.0 (escherichia_coli)" {
		t.Errorf("genes %q\nunmatched %v", genes, pf.Unmatched)
	}
	// Of the sample's 11 entries only rpoB S531F is listed by PointFinder
	// with exactly the same alternatives.
	if ix.Report.Shared != 1 {
		t.Errorf("PointFinder and the sample share %d identical entries", ix.Report.Shared)
	}
}

// TestTwoCatalogsSameChange: catalogs are merged into one index, each
// keeping its entries: a change both list is counted as shared and a call
// matches both, each match naming its catalog.
func TestTwoCatalogsSameChange(t *testing.T) {
	a := mustLoad(t, labCatalog, LoadOptions{})
	b := mustLoad(t, labCatalog, LoadOptions{Name: "copy", Version: "1"})
	b.Path += "#copy" // a second catalog, not the same one given twice
	refs := k12Refs(t)
	ix, err := Resolve([]*Catalog{a, b}, refs, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Report.Shared != 7 {
		t.Errorf("shared %d", ix.Report.Shared)
	}
	gyrA := refByGene(t, refs, "gyrA")
	got, _ := ix.AnnotateCopy(call(t, gyrA, withEdits(t, gyrA.Seq, "S83W"), false))
	if m := matchNames(got.Calls[0]); !reflect.DeepEqual(m, []string{"example-lab:gyrA_S83L/W", "copy:gyrA_S83L/W"}) || got.Calls[0].Matches[1].Version != "1" {
		t.Errorf("matches %v", m)
	}
	if g := Genotype([]AnnotatedCopy{got}); len(g) != 1 || g[0].String() != "Quinolone: gyrA S83W" {
		t.Errorf("genotype %v", g)
	}
}

func TestWriteReport(t *testing.T) {
	refs := k12Refs(t)
	pf := mustLoad(t, pfDir("escherichia_coli"), LoadOptions{})
	ix, err := Resolve([]*Catalog{pf}, refs, ResolveOptions{Aliases: K12Aliases()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteReport(&b, ix.Catalogs(), &ix.Report); err != nil {
		t.Fatal(err)
	}
	want := "PointFinder 4.1.0 (escherichia_coli) [pointfinder] " + pf.Report.Files[0] + "\n" +
		"  72 lines: 48 entry rows -> 48 entries (0 duplicates merged); 22 rows skipped (promoter 6, rna_gene 16); 1 header, 1 section, 0 comment, 0 blank lines\n" +
		"  gyrA: 12 entries -> ecoli_k12|gyrA|NP_416734.1 (by gene)\n" +
		"  gyrB: 2 entries -> ecoli_k12|gyrB|YP_026241.1 (by gene)\n" +
		"  parC: 7 entries -> ecoli_k12|parC|NP_417491.1 (by gene)\n" +
		"  parE: 12 entries -> ecoli_k12|parE|NP_417502.1 (by gene)\n" +
		"  pmrA: 2 entries -> ecoli_k12|basR|NP_418537.1 (by alias)\n" +
		"  pmrB: 1 entries -> ecoli_k12|basS|NP_418536.1 (by alias)\n" +
		"  rpoB: 10 entries -> ecoli_k12|rpoB|NP_418414.1 (by gene)\n" +
		"  folP: 2 entries -> no reference\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
