package catalog

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

// builder collects the entries of one catalog, merging duplicate rows.
type builder struct {
	cat  *Catalog
	keys map[string]int // entry key -> index in cat.Entries
}

func newBuilder(c *Catalog) *builder { return &builder{cat: c, keys: map[string]int{}} }

// entryKey identifies the change an entry catalogues; two rows with equal
// keys are one entry.
func entryKey(e *Entry) string {
	alts := slices.Clone(e.Alts)
	slices.Sort(alts)
	return strings.Join([]string{strings.ToLower(e.Gene), e.Allele, e.Accession, string(e.Kind),
		strconv.Itoa(e.Pos), strconv.Itoa(e.End), e.Ref, strings.Join(alts, ","), e.Requires.key()}, "\x00")
}

// add adds e, or merges it into an earlier entry for the same change: the
// drugs, classes and PMIDs are united, differing texts joined, the sources
// listed, and the duplicate counted.
func (b *builder) add(e Entry) {
	e.Catalog, e.Version = b.cat.Name, b.cat.Version
	if e.Name == "" {
		e.Name = entryName(&e)
	}
	k := entryKey(&e)
	i, dup := b.keys[k]
	if !dup {
		b.keys[k] = len(b.cat.Entries)
		b.cat.Entries = append(b.cat.Entries, e)
		return
	}
	old := &b.cat.Entries[i]
	old.Classes = union(old.Classes, e.Classes)
	old.Drugs = union(old.Drugs, e.Drugs)
	old.PMIDs = union(old.PMIDs, e.PMIDs)
	old.Mechanism = joinText(old.Mechanism, e.Mechanism)
	old.Notes = joinText(old.Notes, e.Notes)
	old.Sources = append(old.Sources, e.Sources...)
	b.cat.Report.Duplicates++
	first := old.Sources[0]
	b.cat.Report.warn(e.Sources[0].File, e.Sources[0].Line, "duplicate of line %d (%s); merged", first.Line, old.Name)
}

func joinText(a, b string) string {
	switch {
	case b == "" || a == b || strings.Contains(a, b):
		return a
	case a == "":
		return b
	}
	return a + " | " + b
}

// finish checks the catalog is not empty and that every requirement names
// a change the catalog has.
func (b *builder) finish(file string) (*Catalog, error) {
	c := b.cat
	c.Report.Entries = len(c.Entries)
	if len(c.Entries) == 0 {
		return nil, errAt(file, 0, ErrEmpty, "no entry: %d line(s), %d row(s) skipped", c.Report.Lines, c.Report.SkippedTotal())
	}
	for i := range c.Entries {
		if err := checkRequirement(c, &c.Entries[i]); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkRequirement: every required change must be in a gene the catalog
// has, so a typo in a gene is an error rather than a combination that can
// never hold. A required change the catalog does not list itself is
// allowed, with a warning: real catalogs have them (PointFinder's
// N. gonorrhoeae ParC rows require GyrA S91P; GyrA's own row lists S91F).
// Its residue is still checked against the reference when resolved.
func checkRequirement(c *Catalog, e *Entry) error {
	if e.Requires == nil {
		return nil
	}
	src := e.Sources[0]
	for _, g := range e.Requires.AnyOf {
		for _, t := range g {
			gene, alts, ins := false, []string{}, false
			for j := range c.Entries {
				o := &c.Entries[j]
				if !strings.EqualFold(o.Gene, t.Gene) {
					continue
				}
				gene = true
				switch {
				case o.Kind == KindSubstitution && o.Pos == t.Pos && o.Ref == t.Ref:
					alts = union(alts, o.Alts)
				case o.Kind == KindInsertion && o.Pos == t.Pos:
					ins = true
				}
			}
			if !gene {
				return errAt(src.File, src.Line, ErrRequirement, "requirement %q names gene %s, which has no entry in the catalog", e.Requires.Text, t.Gene)
			}
			if t.Kind == KindInsertion {
				if !ins {
					c.Report.warn(src.File, src.Line, "requirement names %s, an insertion the catalog does not list itself", t)
				}
				continue
			}
			for _, a := range t.Alts {
				if !slices.Contains(alts, a) {
					c.Report.warn(src.File, src.Line, "requirement names %s %s%d%s, a change the catalog does not list itself", t.Gene, t.Ref, t.Pos, a)
				}
			}
		}
	}
	return nil
}

// readLines reads a whole catalog file (they are small) as lines without
// line ends.
func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- a catalog file the user named (--catalog); reading it is the point
	if err != nil {
		return nil, &Error{File: path, Kind: ErrRead, Msg: err.Error(), Err: err}
	}
	s := string(data)
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil, nil
	}
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	return lines, nil
}
