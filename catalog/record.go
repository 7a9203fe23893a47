package catalog

import "github.com/wtalign/wtalign/report"

// Record is the match as the output record carries it.
func (m Match) Record() report.CatalogMatch { return m.CatalogMatch }

// Record is the site state as the output record carries it.
func (s SiteState) Record() report.Site {
	site := s.Site
	site.Entries = s.Entries
	return site
}

// Labels are the catalogs (Label: name and version) with entries on
// reference refID, in load order.
func (ix *Index) Labels(refID string) []string {
	r := ix.refs[refID]
	if r == nil {
		return nil
	}
	seen := map[int]bool{}
	var out []string
	for _, it := range r.items {
		if !seen[it.cat] {
			seen[it.cat] = true
			out = append(out, ix.cats[it.cat].Label())
		}
	}
	return out
}

// MatchOf is a match read back from an output record (without its entry:
// what Genotype needs).
func MatchOf(m report.CatalogMatch) Match { return Match{CatalogMatch: m} }
