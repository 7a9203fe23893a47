package catalog

import (
	"slices"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/variant"
)

// Site states: the --sites states of report.Site with "mutant" split by
// what the catalog says about the residue found.
const (
	SiteWildType    = report.SiteWildType
	SiteKnownMutant = report.SiteKnownMutant // a residue or change the catalog lists for this position
	SiteOtherMutant = report.SiteOtherMutant // changed, but not to anything catalogued here
	SiteAmbiguous   = report.SiteAmbiguous
	SiteDeleted     = report.SiteDeleted
	SiteNotCovered  = report.SiteNotCovered
)

// SiteState is the state of one catalogued reference position in one copy:
// report.Site's fields (position, residue, what the query has, the call
// covering it) with the catalog's view of the state, and the names of the
// entries at the position.
type SiteState struct {
	report.Site
	Entries []string `json:"entries"`
}

// Sites gives the state of every catalogued position of reference refID in
// one copy, ascending: every position of a substitution, deletion, delins,
// frameshift or site entry (insertions sit between positions and
// loss-of-function entries cover the whole gene, so they have no site).
// A sites list loaded as a catalog gives the --sites report.
func (ix *Index) Sites(c Copy) ([]SiteState, error) {
	r := ix.refs[c.Reference]
	if r == nil {
		return nil, errAt("", 0, ErrReference, "unknown reference %q", c.Reference)
	}
	calls, err := ix.Annotate(c.Reference, c.Mutations)
	if err != nil {
		return nil, err
	}
	return ix.sites(r, c, calls)
}

func (ix *Index) sites(r *refIndex, c Copy, calls []Annotated) ([]SiteState, error) {
	names := map[int][]string{}
	var positions []int
	for _, it := range r.items {
		e := it.e
		if e.Kind == KindInsertion || e.Kind == KindLossOfFunction {
			continue
		}
		for p := e.Pos; p <= e.End && p <= len(r.ref.Seq); p++ {
			if _, ok := names[p]; !ok {
				positions = append(positions, p)
			}
			if !slices.Contains(names[p], e.Name) {
				names[p] = append(names[p], e.Name)
			}
		}
	}
	slices.Sort(positions)
	res := variant.Result{Mutations: c.Mutations, NotCovered: c.NotCovered}
	base, err := res.Sites(r.ref.Seq, positions)
	if err != nil {
		return nil, err
	}
	// variant.Result.Sites knows no frameshift (CDS input): from the
	// frameshift's first residue on, the query is read in another frame.
	fs := -1
	for i, m := range c.Mutations {
		if m.Type == report.TypeFrameshift && (fs < 0 || m.RefStart < c.Mutations[fs].RefStart) {
			fs = i
		}
	}
	out := make([]SiteState, len(base))
	for i, s := range base {
		out[i] = SiteState{Site: s, Entries: names[s.RefPos]}
		if fs >= 0 && s.RefPos >= c.Mutations[fs].RefStart && s.State != SiteNotCovered && s.State != SiteDeleted {
			m := c.Mutations[fs]
			out[i].State, out[i].Mutation, out[i].Observed = SiteOtherMutant, m.Short, ""
			if s.RefPos == m.RefStart {
				out[i].Observed = m.Alt
				for _, mt := range calls[fs].Matches {
					if mt.entry.Covers(s.RefPos) {
						out[i].State = SiteKnownMutant
					}
				}
			}
			out[i].AfterPrematureStop = s.RefPos > m.RefStart
			continue
		}
		if s.State != report.SiteMutant {
			continue
		}
		out[i].State = SiteOtherMutant
		if k := coveringCall(c.Mutations, s.RefPos); k >= 0 && calls[k].Verdict == VerdictKnown {
			for _, mt := range calls[k].Matches {
				if mt.entry.Covers(s.RefPos) {
					out[i].State = SiteKnownMutant
				}
			}
		}
	}
	return out, nil
}

// coveringCall is the index of the call variant.Result.Sites reports at
// position p (the last substitution, nonsense, delins, ambiguous or
// deletion call covering it), or -1.
func coveringCall(muts []report.Mutation, p int) int {
	k := -1
	for i, m := range muts {
		if p < m.RefStart || p > m.RefEnd {
			continue
		}
		switch m.Type {
		case report.TypeSubstitution, report.TypeNonsense, report.TypeDelins, report.TypeAmbiguous, report.TypeDeletion:
			k = i
		}
	}
	return k
}
