package catalog

import (
	"regexp"
	"strings"
)

// loadSites reads a sites-of-interest list, the --sites file: lines of
// gene<TAB>position (1-based, reference numbering), '#' comments. Each line
// becomes a site entry: a position to report, with no change catalogued.
// The reference residue comes from the reference when the catalog is
// resolved.
// residuePosition is a position written with its residue (S83, Ser83).
var residuePosition = regexp.MustCompile(`^(?:[A-Za-z]|[A-Z][a-z]{2})(\d+)$`)

func loadSites(path string, opt LoadOptions) (*Catalog, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Name: "sites", Format: FormatSites, Path: path}
	if opt.Name != "" {
		c.Name = opt.Name
	}
	c.Version = opt.Version
	c.Report.Files = []string{path}
	c.Report.Lines = len(lines)
	b := newBuilder(c)
	for i, l := range lines {
		n := i + 1
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			c.Report.Blank++
			continue
		case strings.HasPrefix(t, "#"):
			c.Report.Comments++
			continue
		}
		cols := fields(l)
		if len(cols) != 2 {
			return nil, errAt(path, n, ErrColumns, "want gene<TAB>position, got %d column(s)", len(cols))
		}
		if !geneWord(cols[0]) {
			return nil, errAt(path, n, ErrColumns, "gene %q: a gene key is one word", cols[0])
		}
		pos, ok := position(cols[1])
		if !ok || pos < 1 {
			if m := residuePosition.FindStringSubmatch(cols[1]); m != nil {
				return nil, errAt(path, n, ErrPosition, "position %q: give the reference position as a number only (%s), the residue is read from the wild type", cols[1], m[1])
			}
			return nil, errAt(path, n, ErrPosition, "position %q is not a 1-based number", cols[1])
		}
		c.Report.Rows++
		b.add(Entry{Gene: cols[0], Kind: KindSite, Pos: pos, End: pos, Sources: []Source{{path, n}}})
	}
	return b.finish(path)
}
