package variant

import "fmt"

// Site states, for reporting chosen reference positions (sites of
// interest) the way AMRFinderPlus --mutation_all does: a checked wild-type
// site is kept apart from a site the query does not cover.
const (
	SiteWildType   = "wild_type"
	SiteMutant     = "mutant"
	SiteAmbiguous  = "ambiguous"
	SiteDeleted    = "deleted"
	SiteNotCovered = "not_covered"
)

// Site is the state of one reference position in a Result.
type Site struct {
	RefPos int    `json:"ref_pos"` // 1-based reference position
	Ref    string `json:"ref"`     // reference residue
	// Observed is what the query has there: the reference residue when
	// wild type, the call's Alt when changed ("*" for a stop, the whole
	// replacement for a delins), empty when deleted or not covered.
	Observed string `json:"observed"`
	State    string `json:"state"`
	// Mutation is the Short name of the call covering the site, if any.
	Mutation           string `json:"mutation,omitempty"`
	AfterPrematureStop bool   `json:"after_premature_stop,omitempty"`
}

// Sites reports the state of each 1-based reference position in positions.
// ref must be the reference r was called against. Insertions and
// duplications leave the residues around them wild type; a premature stop
// marks the sites after it.
func (r Result) Sites(ref []byte, positions []int) ([]Site, error) {
	firstStop := 0
	for _, m := range r.Mutations {
		if m.Type == TypeNonsense && (firstStop == 0 || m.RefStart < firstStop) {
			firstStop = m.RefStart
		}
	}
	out := make([]Site, 0, len(positions))
	for _, p := range positions {
		if p < 1 || p > len(ref) {
			return nil, fmt.Errorf("variant: site %d outside the reference (1-%d)", p, len(ref))
		}
		s := Site{RefPos: p, Ref: string(upper(ref[p-1])), State: SiteWildType}
		s.Observed = s.Ref
		s.AfterPrematureStop = firstStop > 0 && p > firstStop
		for _, reg := range r.NotCovered {
			if p >= reg.Start && p <= reg.End {
				s.State, s.Observed = SiteNotCovered, ""
			}
		}
		for _, m := range r.Mutations {
			if p < m.RefStart || p > m.RefEnd {
				continue
			}
			switch m.Type {
			case TypeSubstitution, TypeNonsense, TypeDelins:
				s.State, s.Observed, s.Mutation = SiteMutant, m.Alt, m.Short
			case TypeAmbiguous:
				s.State, s.Observed, s.Mutation = SiteAmbiguous, m.Alt, m.Short
			case TypeDeletion:
				s.State, s.Observed, s.Mutation = SiteDeleted, "", m.Short
			}
		}
		out = append(out, s)
	}
	return out, nil
}
