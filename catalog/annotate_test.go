package catalog

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// ecoliIndex resolves PointFinder E. coli and the AMRFinderPlus-format
// sample against the K-12 wild types with the built-in aliases.
func ecoliIndex(t *testing.T) (*Index, []Reference) {
	t.Helper()
	refs := k12Refs(t)
	pf := mustLoad(t, pfDir("escherichia_coli"), LoadOptions{})
	amr := mustLoad(t, amrSample, LoadOptions{})
	ix, err := Resolve([]*Catalog{pf, amr}, refs, ResolveOptions{Aliases: K12Aliases()})
	if err != nil {
		t.Fatal(err)
	}
	return ix, refs
}

// matchNames lists "catalog:name[requirement]" for a call's matches.
func matchNames(a Annotated) []string {
	out := []string{}
	for _, m := range a.Matches {
		s := m.Catalog + ":" + m.Name
		if m.Requirement != "" {
			s += "[" + m.Requirement + "]"
		}
		out = append(out, s)
	}
	return out
}

// TestRealGyrA: the staramr/ResFinder GyrA test alleles against both
// catalogs. G81D alone matches PointFinder's G81 row without a requirement
// (ciprofloxacin) and the row that needs D82G, which is missing; with D82G
// both G81 rows and both D82 rows hold.
func TestRealGyrA(t *testing.T) {
	ix, refs := ecoliIndex(t)
	gyrA := refByGene(t, refs, "gyrA")
	type want struct {
		calls   []string
		matches map[string][]string
	}
	cases := map[string]want{
		"ecoli_gyrA_D87N": {[]string{"D87N known"}, map[string][]string{"D87N": {
			"PointFinder:gyrA_D87N/G/Y/A/H/V", "PointFinder:gyrA_D87N/G/Y/A/H/V[missing]", "AMRFinderPlus:gyrA_D87N"}}},
		"ecoli_gyrA_S83A": {[]string{"S83A known"}, map[string][]string{"S83A": {
			"PointFinder:gyrA_S83L/W/A/V", "AMRFinderPlus:gyrA_S83A"}}},
		"ecoli_gyrA_G81D": {[]string{"G81D known"}, map[string][]string{"G81D": {
			"PointFinder:gyrA_G81C/D", "PointFinder:gyrA_G81C/D[missing]", "AMRFinderPlus:gyrA_G81D"}}},
		"ecoli_gyrA_G81D_D82G": {[]string{"G81D known", "D82G known"}, map[string][]string{
			"G81D": {"PointFinder:gyrA_G81C/D", "PointFinder:gyrA_G81C/D[met]", "AMRFinderPlus:gyrA_G81D"},
			"D82G": {"PointFinder:gyrA_D82G", "PointFinder:gyrA_D82G[met]"}}},
		"ecoli_gyrA_E7Q_G81D_D82G": {[]string{"E7Q novel", "G81D known", "D82G known"}, nil},
	}
	for _, rec := range readRecords(t, "variant_ecoli_gyrA.faa") {
		id, _, _ := strings.Cut(rec.ID, "|")
		w, ok := cases[id]
		if !ok {
			t.Fatalf("unexpected record %s", rec.ID)
		}
		c := call(t, gyrA, rec.Seq, false)
		c.Query = rec.ID
		got, err := ix.AnnotateCopy(c)
		if err != nil {
			t.Fatal(err)
		}
		if v := verdicts(got); !reflect.DeepEqual(v, w.calls) {
			t.Errorf("%s: %v, want %v", rec.ID, v, w.calls)
		}
		for _, a := range got.Calls {
			if wm, ok := w.matches[a.Mutation.Short]; ok && !reflect.DeepEqual(matchNames(a), wm) {
				t.Errorf("%s %s: matches %v, want %v", rec.ID, a.Mutation.Short, matchNames(a), wm)
			}
		}
	}

	// The missing requirement is spelled out, and G81D alone confers
	// ciprofloxacin resistance only (the row without a requirement).
	c := call(t, gyrA, readRecords(t, "variant_ecoli_gyrA.faa")[2].Seq, false)
	got, _ := ix.AnnotateAccession([]Copy{c})
	pf := got[0].Calls[0].Matches[1]
	if pf.Missing != "requires gyrA D82G" || pf.Counts || pf.Requires != "gyrA_1_CP073768.1_D82G" {
		t.Errorf("%+v", pf)
	}
	gt := Genotype(got)
	if len(gt) != 1 || gt[0].String() != "Quinolone: gyrA G81D" || !reflect.DeepEqual(gt[0].Drugs, []string{"Ciprofloxacin", "QUINOLONE"}) {
		t.Errorf("genotype %+v", gt)
	}
}

// TestCombinations: PointFinder E. coli's rules. A84P is catalogued but
// needs S83L/W/A/V in the same GyrA; ParC S80I and ParE S458A need a GyrA
// change, which may be in any GyrA copy of the accession.
func TestCombinations(t *testing.T) {
	ix, refs := ecoliIndex(t)
	gyrA, parC, parE := refByGene(t, refs, "gyrA"), refByGene(t, refs, "parC"), refByGene(t, refs, "parE")
	pfState := func(a Annotated) (string, string) {
		for _, m := range a.Matches {
			if m.Catalog == "PointFinder" && m.Requires != "" {
				return m.Requirement, m.Missing
			}
		}
		return "", ""
	}
	// A84P alone: known, requirement missing.
	a84p := call(t, gyrA, withEdits(t, gyrA.Seq, "A84P"), false)
	got, err := ix.AnnotateAccession([]Copy{a84p})
	if err != nil {
		t.Fatal(err)
	}
	if st, miss := pfState(got[0].Calls[0]); got[0].Calls[0].Verdict != VerdictKnown || st != RequirementMissing || miss != "requires gyrA S83L/W/A/V" {
		t.Errorf("A84P alone: %s %s %q", got[0].Calls[0].Verdict, st, miss)
	}
	if len(Genotype(got)) != 0 {
		t.Errorf("A84P alone confers %v", Genotype(got))
	}
	// S83L in another GyrA copy does not satisfy A84P's same-gene rule.
	s83l := call(t, gyrA, withEdits(t, gyrA.Seq, "S83L"), false)
	got, _ = ix.AnnotateAccession([]Copy{a84p, s83l})
	if st, _ := pfState(got[0].Calls[0]); st != RequirementMissing {
		t.Errorf("A84P with S83L in another copy: %s", st)
	}
	// Both in one copy: met.
	both := call(t, gyrA, withEdits(t, gyrA.Seq, "S83L", "A84P"), false)
	got, _ = ix.AnnotateAccession([]Copy{both})
	if st, _ := pfState(got[0].Calls[1]); st != RequirementMet {
		t.Errorf("S83L+A84P: %s", st)
	}
	if g := Genotype(got); len(g) != 1 || g[0].String() != "Quinolone: gyrA S83L + gyrA A84P" || !reflect.DeepEqual(g[0].Drugs, []string{"Ciprofloxacin", "Nalidixic acid", "QUINOLONE"}) {
		t.Errorf("genotype %v", g)
	}

	// ParC S80I alone, in an accession with a wild-type GyrA: missing.
	s80i := call(t, parC, withEdits(t, parC.Seq, "S80I"), false)
	wt := call(t, gyrA, gyrA.Seq, false)
	got, _ = ix.AnnotateAccession([]Copy{s80i, wt})
	if st, miss := pfState(got[0].Calls[0]); st != RequirementMissing || miss != "requires gyrA S83L/W/A/V" {
		t.Errorf("S80I with wild-type GyrA: %s %q", st, miss)
	}
	// ParC S80I without any GyrA record: the requirement is unknown.
	got, _ = ix.AnnotateAccession([]Copy{s80i})
	if st, miss := pfState(got[0].Calls[0]); st != RequirementUnknown || miss != "requires gyrA S83L/W/A/V (not checked)" {
		t.Errorf("S80I without GyrA: %s %q", st, miss)
	}
	// ParC S80I + ParE S458A with GyrA S83L in one accession: all count.
	s458a := call(t, parE, withEdits(t, parE.Seq, "S458A"), false)
	got, _ = ix.AnnotateAccession([]Copy{s80i, s458a, s83l})
	for _, c := range got[:2] {
		if st, _ := pfState(c.Calls[0]); st != RequirementMet {
			t.Errorf("%s %s: %s", c.Gene, c.Calls[0].Mutation.Short, st)
		}
	}
	var lines []string
	for _, g := range Genotype(got) {
		lines = append(lines, g.String())
	}
	// AMRFinderPlus's QUINOLONE and PointFinder's Quinolone are one class.
	want := []string{"Quinolone: gyrA S83L + parC S80I + parE S458A"}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("genotype %q, want %q", lines, want)
	}
	// Copy order does not change the genotype.
	got2, _ := ix.AnnotateAccession([]Copy{s83l, s458a, s80i})
	if !reflect.DeepEqual(Genotype(got2), Genotype(got)) {
		t.Error("genotype depends on copy order")
	}
	// A copy that does not cover GyrA 83 leaves the requirement unknown.
	part := s83l
	part.Mutations = nil
	part.NotCovered = []report.Region{{Start: 1, End: 100}}
	got, _ = ix.AnnotateAccession([]Copy{s80i, part})
	if st, _ := pfState(got[0].Calls[0]); st != RequirementUnknown {
		t.Errorf("S80I with GyrA not covering 83: %s", st)
	}
}

// TestRealPmrBAndNfsA: PmrB C84R is known through the AMRFinderPlus sample
// (matched by accession to K-12 BasS) and novel for PointFinder, whose pmrB
// (K-12 basS through the alias) lists only V161G. The wild-type copy has
// every catalogued PmrB site wild type. NfsA K141* matches the sample's
// nonsense entry nfsA_K141Ter.
func TestRealPmrBAndNfsA(t *testing.T) {
	ix, refs := ecoliIndex(t)
	basS, nfsA := refByGene(t, refs, "basS"), refByGene(t, refs, "nfsA")
	var copies []Copy
	for _, rec := range readRecords(t, "variant_ecoli_pmrB_multicopy.faa") {
		c := call(t, basS, rec.Seq, false)
		c.Query, _, _ = strings.Cut(rec.ID, "|")
		copies = append(copies, c)
	}
	got, err := ix.AnnotateAccession(copies)
	if err != nil {
		t.Fatal(err)
	}
	wantSites := map[string][]string{
		"ecoli_pmrB_C84R":           {"84 known_mutant R", "161 wild_type V"},
		"ecoli_pmrB_contig14_copy1": {"84 known_mutant R", "161 wild_type V"},
		"ecoli_pmrB_contig14_copy2": {"84 known_mutant R", "161 wild_type V"},
		"ecoli_pmrB_contig14_copy3": {"84 wild_type C", "161 wild_type V"},
	}
	for _, c := range got {
		var sites []string
		for _, s := range c.Sites {
			sites = append(sites, fmt.Sprintf("%d %s %s", s.RefPos, s.State, s.Observed))
		}
		if !reflect.DeepEqual(sites, wantSites[c.Query]) {
			t.Errorf("%s sites %v, want %v", c.Query, sites, wantSites[c.Query])
		}
		if c.Query == "ecoli_pmrB_contig14_copy3" {
			if len(c.Calls) != 0 {
				t.Errorf("wild-type copy has calls %v", verdicts(c))
			}
			continue
		}
		if v := verdicts(c); !reflect.DeepEqual(v, []string{"C84R known"}) {
			t.Errorf("%s: %v", c.Query, v)
		}
		if m := matchNames(c.Calls[0]); !reflect.DeepEqual(m, []string{"AMRFinderPlus:pmrB_C84R"}) {
			t.Errorf("%s matches %v", c.Query, m)
		}
	}
	gt := Genotype(got)
	if len(gt) != 1 || gt[0].String() != "COLISTIN: pmrB C84R" {
		t.Errorf("genotype %v", gt)
	}

	// PointFinder alone: C84 is not catalogued, so C84R is novel; the gene
	// still goes to basS through the alias, so V161 is checked.
	pf := mustLoad(t, pfDir("escherichia_coli"), LoadOptions{})
	only, err := Resolve([]*Catalog{pf}, refs, ResolveOptions{Aliases: K12Aliases()})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := only.AnnotateCopy(copies[0])
	if v := verdicts(a); !reflect.DeepEqual(v, []string{"C84R novel"}) || len(a.Sites) != 1 || a.Sites[0].State != SiteWildType {
		t.Errorf("PointFinder only: %v %+v", v, a.Sites)
	}
	// PointFinder V161 changed to something else: novel at a known site,
	// site other_mutant; to G: known.
	for _, tc := range []struct{ edit, verdict, state string }{{"V161A", VerdictNovelAtKnownSite, SiteOtherMutant}, {"V161G", VerdictKnown, SiteKnownMutant}} {
		a, _ := only.AnnotateCopy(call(t, basS, withEdits(t, basS.Seq, tc.edit), false))
		if a.Calls[0].Verdict != tc.verdict || a.Sites[0].State != tc.state {
			t.Errorf("%s: %s %s", tc.edit, a.Calls[0].Verdict, a.Sites[0].State)
		}
	}

	// NfsA K141*: the gene-caller protein ends at its stop.
	for _, rec := range readRecords(t, "variant_ecoli_nfsA_stop.faa") {
		c := call(t, nfsA, rec.Seq, !strings.Contains(rec.ID, "readthrough"))
		a, err := ix.AnnotateCopy(c)
		if err != nil {
			t.Fatal(err)
		}
		if v := verdicts(a); !reflect.DeepEqual(v, []string{"R15C novel", "C45Y novel", "K141* known"}) {
			t.Errorf("%s: %v", rec.ID, v)
		}
		if m := matchNames(a.Calls[2]); !reflect.DeepEqual(m, []string{"AMRFinderPlus:nfsA_K141Ter"}) {
			t.Errorf("%s: %v", rec.ID, m)
		}
		if len(a.Sites) != 1 || a.Sites[0].State != SiteKnownMutant || a.Sites[0].Observed != "*" {
			t.Errorf("%s sites %+v", rec.ID, a.Sites)
		}
	}
}

// TestFrameshiftCall: a frameshift call from CDS input (variant.CallCodons)
// matches a frameshift entry at its position and loss-of-function entries,
// and the sites from it on are not wild type.
func TestFrameshiftCall(t *testing.T) {
	refs := k12Refs(t)
	cirA, gyrA := refByGene(t, refs, "cirA"), refByGene(t, refs, "gyrA")
	// AMRFinderPlus's cirA_Y253CfsTer5 is in another numbering: K-12 CirA
	// 253 is not Y, so the entry takes K-12's residue.
	r253 := string(cirA.Seq[252])
	p := writeFile(t, t.TempDir(), "c.tsv", "#wtalign-catalog 1\ngene\tposition\tref\tkind\tdrugs\n"+
		"cirA\t253\t"+r253+"\tframeshift\tCefiderocol\ngyrA\t83\tS\tsite\t\ngyrA\t87\tD\tsite\t\ngyrA\t254\tT\tsite\t\n")
	ix, err := Resolve([]*Catalog{mustLoad(t, p, LoadOptions{})}, refs, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs := func(ref Reference, pos int, alt string) Copy {
		r := string(ref.Seq[pos-1])
		return Copy{Reference: ref.ID, Mutations: []report.Mutation{{Type: report.TypeFrameshift, RefStart: pos, RefEnd: pos,
			QueryStart: pos, QueryEnd: pos, Ref: r, Alt: alt, Short: r + strconv.Itoa(pos) + alt + "fsTer5"}}}
	}
	a, _ := ix.AnnotateCopy(fs(cirA, 253, "C"))
	if v := verdicts(a); !reflect.DeepEqual(v, []string{r253 + "253CfsTer5 known"}) || a.Sites[0].State != SiteKnownMutant {
		t.Errorf("%v %+v", v, a.Sites)
	}
	a, _ = ix.AnnotateCopy(fs(cirA, 250, "W"))
	if v := verdicts(a); len(v) != 1 || !strings.HasSuffix(v[0], " novel") {
		t.Errorf("frameshift elsewhere: %v", v)
	}
	a, _ = ix.AnnotateCopy(fs(gyrA, 85, "Q"))
	var states []string
	for _, s := range a.Sites {
		states = append(states, fmt.Sprintf("%d %s %v", s.RefPos, s.State, s.AfterPrematureStop))
	}
	if want := []string{"83 wild_type false", "87 other_mutant true", "254 other_mutant true"}; !reflect.DeepEqual(states, want) {
		t.Errorf("sites after a frameshift %v", states)
	}
}
