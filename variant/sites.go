package variant

import (
	"fmt"
	"github.com/wtalign/wtalign/aligner"

	"github.com/wtalign/wtalign/report"
)

// Sites reports the state of each 1-based reference position in positions.
// ref must be the reference r was called against. Insertions and
// duplications leave the residues around them wild type; a premature stop
// marks the sites after it.
func (r Result) Sites(ref []byte, positions []int) ([]report.Site, error) {
	firstStop := 0
	for _, m := range r.Mutations {
		if m.Type == report.TypeNonsense && (firstStop == 0 || m.RefStart < firstStop) {
			firstStop = m.RefStart
		}
	}
	out := make([]report.Site, 0, len(positions))
	for _, p := range positions {
		if p < 1 || p > len(ref) {
			return nil, fmt.Errorf("variant: site %d outside the reference (1-%d)", p, len(ref))
		}
		s := report.Site{RefPos: p, Ref: string(aligner.Upper(ref[p-1])), State: report.SiteWildType}
		s.Observed = s.Ref
		s.AfterPrematureStop = firstStop > 0 && p > firstStop
		for _, reg := range r.NotCovered {
			if p >= reg.Start && p <= reg.End {
				s.State, s.Observed = report.SiteNotCovered, ""
			}
		}
		for _, m := range r.Mutations {
			if p < m.RefStart || p > m.RefEnd {
				continue
			}
			switch m.Type {
			case report.TypeSubstitution, report.TypeNonsense, report.TypeDelins:
				s.State, s.Observed, s.Mutation = report.SiteMutant, m.Alt, m.Short
			case report.TypeAmbiguous:
				s.State, s.Observed, s.Mutation = report.SiteAmbiguous, m.Alt, m.Short
			case report.TypeDeletion:
				s.State, s.Observed, s.Mutation = report.SiteDeleted, "", m.Short
			}
		}
		out = append(out, s)
	}
	return out, nil
}
