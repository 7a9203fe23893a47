package report

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"testing"
)

// TestSameGene: exactly the five statuses of a same-gene hit are SameGene;
// homolog, the below-threshold statuses, the statuses without an alignment
// and unknown words are not.
func TestSameGene(t *testing.T) {
	want := map[string]bool{
		StatusWildtype: true, StatusMutant: true, StatusAmbiguous: true,
		StatusPartial: true, StatusTruncated: true,
	}
	for _, s := range Statuses {
		if got := SameGene(s); got != want[s] {
			t.Errorf("SameGene(%q) = %v, want %v", s, got, want[s])
		}
	}
	for _, s := range []string{"", "Wildtype", "MUTANT", "wild_type", "known_mutant"} {
		if SameGene(s) {
			t.Errorf("SameGene(%q) = true for a word that is not a status", s)
		}
	}
}

// TestCallStatusPrecedence: every combination of the four findings gives
// the status of the documented precedence truncated > partial > mutant >
// ambiguous > wildtype, and every result is a SameGene status.
func TestCallStatusPrecedence(t *testing.T) {
	for i := 0; i < 16; i++ {
		tr, pa, de, am := i&8 != 0, i&4 != 0, i&2 != 0, i&1 != 0
		var want string
		switch {
		case tr:
			want = StatusTruncated
		case pa:
			want = StatusPartial
		case de:
			want = StatusMutant
		case am:
			want = StatusAmbiguous
		default:
			want = StatusWildtype
		}
		got := CallStatus(tr, pa, de, am)
		if got != want {
			t.Errorf("CallStatus(truncated=%v, partial=%v, definite=%v, ambiguous=%v) = %q, want %q", tr, pa, de, am, got, want)
		}
		if !SameGene(got) {
			t.Errorf("CallStatus gave %q, not a same-gene status", got)
		}
	}
	// The two cases a reader checks first, spelled out.
	if got := CallStatus(false, false, false, false); got != "wildtype" {
		t.Errorf("no finding: %q, want wildtype", got)
	}
	if got := CallStatus(true, true, true, true); got != "truncated" {
		t.Errorf("every finding: %q, want truncated", got)
	}
}

func TestTruncationString(t *testing.T) {
	cases := []struct {
		tr   Truncation
		want string
	}{
		{Truncation{Position: 141, ReferenceLength: 214, Evidence: EvidenceStop}, "truncated at 141/214 (premature_stop)"},
		{Truncation{Position: 61, ReferenceLength: 362, Evidence: EvidenceFrameshiftLike, CallsAfterStop: 4}, "truncated at 61/362 (frameshift_like_end)"},
		{Truncation{Position: 254, ReferenceLength: 663, Evidence: EvidenceEndsAtStop}, "truncated at 254/663 (ends_at_stop)"},
	}
	for _, c := range cases {
		if got := c.tr.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.tr, got, c.want)
		}
	}
}

// TestFlagOrder: FlagOrder lists every flag constant once.
func TestFlagOrder(t *testing.T) {
	all := []string{
		FlagPartialN, FlagPartialC, FlagInternalStop, FlagDivergentCTail,
		FlagAmbiguousResidues, FlagNonstandardResidues, FlagNTerminalOverhang,
		FlagCTerminalOverhang, FlagTerminalStopStripped, FlagLowercaseInput,
		FlagRemovedCharacters, FlagMultipleCopies, FlagTiedReferences,
	}
	seen := map[string]bool{}
	for _, f := range FlagOrder {
		if seen[f] {
			t.Errorf("flag %q listed twice in FlagOrder", f)
		}
		seen[f] = true
	}
	for _, f := range all {
		if !seen[f] {
			t.Errorf("flag %q missing from FlagOrder", f)
		}
	}
	if len(FlagOrder) != len(all) {
		t.Errorf("FlagOrder has %d flags, the constants %d", len(FlagOrder), len(all))
	}
}

// TestVocabularyMatchesSchema: the enums of docs/record.schema.json are
// exactly this package's vocabulary (statuses in documented order).
func TestVocabularyMatchesSchema(t *testing.T) {
	b, err := os.ReadFile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Status     struct{ Enum []string } `json:"status"`
			Truncation struct {
				Properties struct {
					Evidence struct{ Enum []string } `json:"evidence"`
				} `json:"properties"`
			} `json:"truncation"`
			Sites struct {
				Items struct {
					Properties struct {
						State struct{ Enum []string } `json:"state"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"sites"`
		} `json:"properties"`
		Defs struct {
			Mutation struct {
				Properties struct {
					Type    struct{ Enum []string } `json:"type"`
					Verdict struct{ Enum []string } `json:"verdict"`
				} `json:"properties"`
			} `json:"mutation"`
			CatalogMatch struct {
				Properties struct {
					Requirement struct{ Enum []string } `json:"requirement"`
				} `json:"properties"`
			} `json:"catalog_match"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Properties.Status.Enum, Statuses) {
		t.Errorf("schema statuses %v, Statuses %v", s.Properties.Status.Enum, Statuses)
	}
	sameSet := func(what string, schema []string, ours ...string) {
		t.Helper()
		a, b := append([]string(nil), schema...), append([]string(nil), ours...)
		sort.Strings(a)
		sort.Strings(b)
		if len(a) == 0 || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: schema %v, package %v", what, a, b)
		}
	}
	sameSet("truncation evidence", s.Properties.Truncation.Properties.Evidence.Enum,
		EvidenceStop, EvidenceEndsAtStop, EvidenceFrameshiftLike, EvidenceFrameshift)
	sameSet("site states", s.Properties.Sites.Items.Properties.State.Enum,
		SiteWildType, SiteMutant, SiteAmbiguous, SiteDeleted, SiteNotCovered, SiteKnownMutant, SiteOtherMutant)
	sameSet("mutation types", s.Defs.Mutation.Properties.Type.Enum,
		TypeSubstitution, TypeDeletion, TypeInsertion, TypeDelins, TypeDuplication, TypeNonsense,
		TypeAmbiguous, TypeExtension, TypeFrameshift, TypeSynonymous)
	sameSet("verdicts", s.Defs.Mutation.Properties.Verdict.Enum,
		VerdictKnown, VerdictNovelAtKnownSite, VerdictNovel, VerdictAmbiguous)
	sameSet("requirements", s.Defs.CatalogMatch.Properties.Requirement.Enum,
		RequirementMet, RequirementMissing, RequirementUnknown)
}

// TestCatalogLabel: ParseCatalogLabel takes apart what CatalogLabel
// writes, with and without version and subset (a missing version once
// came back as the subset in hAMRonization's database version column).
func TestCatalogLabel(t *testing.T) {
	for _, c := range [][4]string{
		{"PointFinder", "4.1.0", "escherichia_coli", "PointFinder 4.1.0 (escherichia_coli)"},
		{"AMRFinderPlus", "", "Escherichia", "AMRFinderPlus (Escherichia)"},
		{"in_house", "2026-01 rc1", "", "in_house 2026-01 rc1"},
		{"sites", "", "", "sites"},
		{"x", "v(2)", "", "x v(2)"},
	} {
		l := CatalogLabel(c[0], c[1], c[2])
		if l != c[3] {
			t.Errorf("CatalogLabel%v = %q", c[:3], l)
		}
		if n, v, s := ParseCatalogLabel(l); n != c[0] || v != c[1] || s != c[2] {
			t.Errorf("ParseCatalogLabel(%q) = %q, %q, %q", l, n, v, s)
		}
	}
}
