package catalog

import (
	"fmt"
	"github.com/wtalign/wtalign/aligner"
	"slices"
	"strings"

	"github.com/wtalign/wtalign/report"
)

// Verdicts of a call.
const (
	// VerdictKnown: the catalog lists this exact change.
	VerdictKnown = report.VerdictKnown
	// VerdictNovelAtKnownSite: the change touches a catalogued position
	// (or insertion point) but is not the catalogued change.
	VerdictNovelAtKnownSite = report.VerdictNovelAtKnownSite
	// VerdictNovel: the change is nowhere in the catalog.
	VerdictNovel = report.VerdictNovel
	// VerdictAmbiguous: the call is an ambiguity code (S83X): the query is
	// neither known to carry a catalogued change nor to lack it.
	VerdictAmbiguous = report.VerdictAmbiguous
)

// Requirement states of a match.
const (
	RequirementMet     = report.RequirementMet
	RequirementMissing = report.RequirementMissing // checked: the required change is absent
	RequirementUnknown = report.RequirementUnknown // a required position was not checked (not covered, no copy of the gene, or not yet evaluated over the accession)
)

// Match is one catalog entry a call matches: what the output record
// carries (report.CatalogMatch), plus the entry it came from.
type Match struct {
	report.CatalogMatch

	entry *Entry
	cat   int
}

// Annotated is one call with its verdict and matches.
type Annotated struct {
	Mutation report.Mutation `json:"mutation"`
	Verdict  string          `json:"verdict"`
	Matches  []Match         `json:"catalog"`
}

// Copy is one protein copy's calls against one reference: the query ID,
// the reference ID and, from variant.Result, the mutations and the
// reference regions not covered.
type Copy struct {
	Query      string
	Reference  string
	Mutations  []report.Mutation
	NotCovered []report.Region
}

// AnnotatedCopy is a copy with every call annotated and the state of
// every catalogued site of its gene.
type AnnotatedCopy struct {
	Query     string      `json:"query"`
	Reference string      `json:"reference"`
	Gene      string      `json:"gene"`
	Calls     []Annotated `json:"calls"`
	Sites     []SiteState `json:"sites"`
}

// Annotate gives each call of one copy on reference refID its verdict and
// catalog matches, in call order. Requirements are not evaluated (their
// matches carry Requires but no Requirement state): use AnnotateCopy or
// AnnotateAccession for that.
func (ix *Index) Annotate(refID string, muts []report.Mutation) ([]Annotated, error) {
	r := ix.refs[refID]
	if r == nil {
		return nil, fmt.Errorf("catalog: unknown reference %q", refID)
	}
	out := make([]Annotated, len(muts))
	for i, m := range muts {
		verdict, items := ix.match(r, m)
		a := Annotated{Mutation: m, Verdict: verdict, Matches: []Match{}}
		for _, it := range items {
			a.Matches = append(a.Matches, newMatch(it, m))
		}
		out[i] = a
	}
	return out, nil
}

func newMatch(it item, m report.Mutation) Match {
	e := it.e
	mt := Match{CatalogMatch: report.CatalogMatch{Catalog: e.Catalog, Version: e.Version, Gene: e.Gene, Name: e.Name,
		Kind: string(e.Kind), Classes: e.Classes, Drugs: e.Drugs, Mechanism: e.Mechanism, PMIDs: e.PMIDs, Notes: e.Notes,
		Source: e.Sources[0].String()}, entry: e, cat: it.cat}
	if e.Requires != nil {
		mt.Requires = e.Requires.Text
	} else {
		mt.Counts = !m.AfterPrematureStop
	}
	return mt
}

// AnnotateCopy annotates one copy on its own: requirements on the same
// gene are evaluated within the copy; those on other genes stay unknown
// until AnnotateAccession sees the accession's other copies.
func (ix *Index) AnnotateCopy(c Copy) (AnnotatedCopy, error) {
	out, err := ix.AnnotateAccession([]Copy{c})
	if err != nil {
		return AnnotatedCopy{}, err
	}
	return out[0], nil
}

// AnnotateAccession annotates every copy of one genome accession and
// evaluates requirements: a required change in the same gene must be in
// the same protein copy (two copies each carrying one change are not the
// double mutant); a required change in another gene may be in any copy of
// that gene in the accession. Output is in input order.
func (ix *Index) AnnotateAccession(copies []Copy) ([]AnnotatedCopy, error) {
	out := make([]AnnotatedCopy, len(copies))
	for i, c := range copies {
		r := ix.refs[c.Reference]
		if r == nil {
			return nil, fmt.Errorf("catalog: unknown reference %q", c.Reference)
		}
		calls, err := ix.Annotate(c.Reference, c.Mutations)
		if err != nil {
			return nil, err
		}
		sites, err := ix.sites(r, c, calls)
		if err != nil {
			return nil, err
		}
		out[i] = AnnotatedCopy{Query: c.Query, Reference: c.Reference, Gene: r.ref.Gene, Calls: calls, Sites: sites}
	}
	for i := range out {
		for j := range out[i].Calls {
			m := out[i].Calls[j].Mutation
			for k := range out[i].Calls[j].Matches {
				mt := &out[i].Calls[j].Matches[k]
				if mt.entry.Requires == nil {
					continue
				}
				state, missing := ix.requirement(mt, copies, i)
				mt.Requirement, mt.Missing = state, missing
				mt.Counts = state == RequirementMet && !m.AfterPrematureStop
			}
		}
	}
	return out, nil
}

// Term states.
const (
	termMet = iota
	termAbsent
	termUnchecked
)

// requirement evaluates a match's requirement for copy self of copies.
func (ix *Index) requirement(mt *Match, copies []Copy, self int) (string, string) {
	e := mt.entry
	var alts []string
	possible := false // some alternative lacks only unchecked changes
	for _, g := range e.Requires.AnyOf {
		var lacking []string
		absent := false
		for _, t := range g {
			switch ix.term(mt.cat, e, t, copies, self) {
			case termAbsent:
				absent = true
				lacking = append(lacking, t.String())
			case termUnchecked:
				lacking = append(lacking, t.String()+" (not checked)")
			}
		}
		if len(lacking) == 0 {
			return RequirementMet, ""
		}
		possible = possible || !absent
		alts = append(alts, strings.Join(lacking, " + "))
	}
	state := RequirementMissing
	if possible {
		state = RequirementUnknown
	}
	return state, "requires " + strings.Join(alts, " or ")
}

// term evaluates one required change. Scope: the same copy for a change in
// the entry's own gene, any copy of the gene otherwise.
func (ix *Index) term(cat int, e *Entry, t Term, copies []Copy, self int) int {
	var scope []int
	if strings.EqualFold(t.Gene, e.Gene) {
		scope = []int{self}
	} else {
		refs := ix.genes[cat][strings.ToLower(t.Gene)]
		for i, c := range copies {
			if slices.Contains(refs, c.Reference) {
				scope = append(scope, i)
			}
		}
	}
	state := termUnchecked
	for _, i := range scope {
		c := copies[i]
		r := ix.refs[c.Reference]
		for _, m := range c.Mutations {
			if termHolds(t, m, r.ref.Seq) {
				return termMet
			}
		}
		if covered(c, t.Pos) {
			state = termAbsent
		}
	}
	return state
}

// covered reports whether a copy's alignment covers reference position p.
func covered(c Copy, p int) bool {
	for _, reg := range c.NotCovered {
		if p >= reg.Start && p <= reg.End {
			return false
		}
	}
	return true
}

// termHolds reports whether call m is the required change t.
func termHolds(t Term, m report.Mutation, ref []byte) bool {
	if t.Kind == KindInsertion {
		a, ins, ok := insertionOf(m)
		if !ok {
			return false
		}
		lo, hi := junctions(ref, a, ins)
		return t.Pos >= lo && t.Pos <= hi
	}
	r, ok := residueAt(m, t.Pos)
	return ok && slices.Contains(t.Alts, r)
}

// residueAt is the residue call m puts at reference position p, if m
// replaces that residue one for one.
func residueAt(m report.Mutation, p int) (string, bool) {
	switch m.Type {
	case report.TypeSubstitution, report.TypeNonsense:
		if m.RefStart == p {
			return m.Alt, true
		}
	case report.TypeDelins:
		if len(m.Ref) == len(m.Alt) && p >= m.RefStart && p <= m.RefEnd {
			return m.Alt[p-m.RefStart : p-m.RefStart+1], true
		}
	}
	return "", false
}

// insertionOf reads an insertion or duplication call as residues inserted
// after reference position a.
func insertionOf(m report.Mutation) (int, string, bool) {
	switch m.Type {
	case report.TypeInsertion:
		return m.RefStart, m.Alt, true
	case report.TypeDuplication:
		return m.RefEnd, m.Alt, true
	}
	return 0, "", false
}

// junctions is the range of insertion points equivalent to inserting ins
// after position a of ref: rotating the inserted residues through equal
// reference residues moves the insertion without changing the protein.
func junctions(ref []byte, a int, ins string) (int, int) {
	lo, hi := a, a
	s := ins
	for lo > 0 && len(s) > 0 && aligner.Upper(ref[lo-1]) == s[len(s)-1] {
		s = s[len(s)-1:] + s[:len(s)-1]
		lo--
	}
	s = ins
	for hi < len(ref) && len(s) > 0 && aligner.Upper(ref[hi]) == s[0] {
		s = s[1:] + s[:1]
		hi++
	}
	return lo, hi
}

// edit is a change of ref written as: replace ref[start:end] (0-based, end
// exclusive) by alt.
type edit struct {
	start, end int
	alt        string
}

func (e edit) apply(ref []byte) string {
	if e.start < 0 || e.end > len(ref) || e.start > e.end {
		return ""
	}
	return strings.ToUpper(string(ref[:e.start])) + e.alt + strings.ToUpper(string(ref[e.end:]))
}

// callEdit is the edit an indel call makes.
func callEdit(m report.Mutation) (edit, bool) {
	switch m.Type {
	case report.TypeDeletion:
		return edit{m.RefStart - 1, m.RefEnd, ""}, true
	case report.TypeInsertion:
		return edit{m.RefStart, m.RefStart, m.Alt}, true
	case report.TypeDuplication:
		return edit{m.RefEnd, m.RefEnd, m.Alt}, true
	case report.TypeDelins:
		return edit{m.RefStart - 1, m.RefEnd, m.Alt}, true
	}
	return edit{}, false
}

// entryEdits are the edits an indel entry accepts.
func entryEdits(e *Entry) []edit {
	switch e.Kind {
	case KindDeletion:
		return []edit{{e.Pos - 1, e.End, ""}}
	case KindInsertion:
		var out []edit
		for _, a := range e.Alts {
			out = append(out, edit{e.Pos, e.Pos, a})
		}
		return out
	case KindDelins:
		var out []edit
		for _, a := range e.Alts {
			out = append(out, edit{e.Pos - 1, e.End, a})
		}
		return out
	}
	return nil
}

// match finds the entries call m matches on reference r and its verdict.
func (ix *Index) match(r *refIndex, m report.Mutation) (string, []item) {
	var known []item
	site := false
	touches := func(lo, hi int) {
		for _, it := range r.items {
			for p := lo; p <= hi && !site; p++ {
				site = it.e.Covers(p)
			}
		}
	}
	switch m.Type {
	case report.TypeAmbiguous:
		return VerdictAmbiguous, nil
	case report.TypeSubstitution, report.TypeNonsense:
		p := m.RefStart
		for _, it := range r.items {
			e := it.e
			switch {
			case e.Kind == KindSubstitution && e.Pos == p && slices.Contains(e.Alts, m.Alt):
				known = append(known, it)
			case e.Kind == KindLossOfFunction && m.Type == report.TypeNonsense:
				known = append(known, it)
			}
		}
		touches(p, p)
	case report.TypeExtension:
		for _, it := range r.items {
			e := it.e
			if e.Kind == KindSubstitution && e.Ref == "*" && e.Pos == m.RefStart && len(m.Alt) > 0 && slices.Contains(e.Alts, m.Alt[:1]) {
				known = append(known, it)
			}
		}
		touches(m.RefStart, m.RefStart)
	case report.TypeFrameshift:
		for _, it := range r.items {
			e := it.e
			if (e.Kind == KindFrameshift && e.Pos == m.RefStart) || e.Kind == KindLossOfFunction {
				known = append(known, it)
			}
		}
		touches(m.RefStart, m.RefStart)
	case report.TypeDeletion, report.TypeInsertion, report.TypeDuplication, report.TypeDelins:
		ce, _ := callEdit(m)
		want := ce.apply(r.ref.Seq)
		for _, it := range r.items {
			for _, ee := range entryEdits(it.e) {
				if ee.apply(r.ref.Seq) == want {
					known = append(known, it)
					break
				}
			}
		}
		if m.Type == report.TypeDelins && len(known) == 0 && len(m.Ref) == len(m.Alt) {
			known = ix.delinsAsSubstitutions(r, m)
		}
		if a, ins, ok := insertionOf(m); ok {
			lo, hi := junctions(r.ref.Seq, a, ins)
			for _, it := range r.items {
				site = site || (it.e.Kind == KindInsertion && it.e.Pos >= lo && it.e.Pos <= hi)
			}
		}
		if m.Type != report.TypeInsertion {
			touches(m.RefStart, m.RefEnd)
		}
	default:
		touches(m.RefStart, m.RefEnd)
	}
	switch {
	case len(known) > 0:
		return VerdictKnown, known
	case site:
		return VerdictNovelAtKnownSite, nil
	}
	return VerdictNovel, nil
}

// delinsAsSubstitutions matches a same-length delins residue by residue:
// it is known when every residue it changes is a catalogued substitution.
func (ix *Index) delinsAsSubstitutions(r *refIndex, m report.Mutation) []item {
	var out []item
	for i := range m.Ref {
		if m.Ref[i] == m.Alt[i] {
			continue
		}
		p, alt := m.RefStart+i, m.Alt[i:i+1]
		found := false
		for _, it := range r.items {
			if it.e.Kind == KindSubstitution && it.e.Pos == p && slices.Contains(it.e.Alts, alt) {
				out, found = append(out, it), true
			}
		}
		if !found {
			return nil
		}
	}
	return out
}
