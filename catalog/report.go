package catalog

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteReport writes the load report of cats and, when res is not nil,
// how they were resolved, as text for people (wtalign catalog check). The
// order is the catalogs' and, within one, sorted; the output is the same
// for the same inputs.
func WriteReport(w io.Writer, cats []*Catalog, res *ResolveReport) error {
	bw := bufio.NewWriter(w)
	for i, c := range cats {
		r := c.Report
		fmt.Fprintf(bw, "%s [%s] %s\n", c.Label(), c.Format, strings.Join(r.Files, ", "))
		var skipped []string
		for _, k := range r.SkipReasons() {
			skipped = append(skipped, fmt.Sprintf("%s %d", k, r.Skipped[k]))
		}
		sk := "none"
		if len(skipped) > 0 {
			sk = strings.Join(skipped, ", ")
		}
		fmt.Fprintf(bw, "  %d lines: %d entry rows -> %d entries (%d duplicates merged); %d rows skipped (%s); %d header, %d section, %d comment, %d blank lines\n",
			r.Lines, r.Rows, r.Entries, r.Duplicates, r.SkippedTotal(), sk, r.Headers, r.Sections, r.Comments, r.Blank)
		for _, wn := range r.Warnings {
			fmt.Fprintf(bw, "  warning: %s\n", wn)
		}
		if res == nil || i >= len(res.Catalogs) {
			continue
		}
		cr := res.Catalogs[i]
		for _, g := range cr.Genes {
			fmt.Fprintf(bw, "  %s: %d entries -> %s (by %s)\n", g.Gene, g.Entries, strings.Join(g.References, ", "), g.By)
		}
		for _, u := range cr.Unmatched {
			fmt.Fprintf(bw, "  %s: %d entries -> no reference\n", u.Gene, u.Entries)
		}
		if cr.Mismatches > 0 {
			fmt.Fprintf(bw, "  %d entries not applied to a reference (lenient), see the warnings\n", cr.Mismatches)
		}
		for _, wn := range cr.Warnings {
			fmt.Fprintf(bw, "  warning: %s\n", wn)
		}
	}
	if res != nil && res.Shared > 0 {
		fmt.Fprintf(bw, "%d changes are listed identically by more than one catalog (each keeps its entry)\n", res.Shared)
	}
	return bw.Flush()
}
