package catalog

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// tsvMagic starts every wtalign catalog file; the number is the layout
// version (docs/catalog.md).
const tsvMagic = "#wtalign-catalog"

// tsvColumns are the columns of the wtalign catalog TSV, in the order
// WriteTSV writes them. gene and position are required in the header.
var tsvColumns = []string{"gene", "accession", "allele", "kind", "position", "ref", "alt",
	"drug_class", "drugs", "mechanism", "pmids", "notes", "requires", "name"}

func loadTSV(path string, opt LoadOptions) (*Catalog, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Name: baseName(path), Format: FormatTSV, Path: path}
	c.Report.Files = []string{path}
	c.Report.Lines = len(lines)
	b := newBuilder(c)
	var col map[string]int // header column -> index
	magic := false
	for i, l := range lines {
		n := i + 1
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			c.Report.Blank++
			continue
		case !magic:
			if f := strings.Fields(t); len(f) != 2 || strings.ToLower(f[0]) != tsvMagic || f[1] != "1" {
				return nil, errAt(path, n, ErrFormat, "the first line must be \"%s 1\"", tsvMagic)
			}
			magic = true
			c.Report.Headers++
			continue
		case strings.HasPrefix(t, "#"):
			key, val, ok := strings.Cut(strings.TrimSpace(t[1:]), ":")
			switch k := strings.ToLower(strings.TrimSpace(key)); {
			case ok && k == "name":
				c.Name = strings.TrimSpace(val)
			case ok && k == "version":
				c.Version = strings.TrimSpace(val)
			}
			c.Report.Comments++
			continue
		case col == nil:
			col = map[string]int{}
			for j, h := range fields(l) {
				h = strings.ToLower(h)
				if !slices.Contains(tsvColumns, h) {
					return nil, errAt(path, n, ErrColumns, "unknown column %q (columns: %s)", h, strings.Join(tsvColumns, ", "))
				}
				if _, dup := col[h]; dup {
					return nil, errAt(path, n, ErrColumns, "column %q twice", h)
				}
				col[h] = j
			}
			for _, req := range []string{"gene", "position"} {
				if _, ok := col[req]; !ok {
					return nil, errAt(path, n, ErrColumns, "header lacks the %q column", req)
				}
			}
			c.Report.Headers++
			continue
		}
		cols := fields(l)
		if len(cols) > len(col) {
			return nil, errAt(path, n, ErrColumns, "%d columns; the header has %d", len(cols), len(col))
		}
		get := func(name string) string {
			if j, ok := col[name]; ok && j < len(cols) {
				return cols[j]
			}
			return ""
		}
		e, err := tsvEntry(get)
		if err != nil {
			return nil, errAt(path, n, err.kind, "%s", err.msg)
		}
		e.Sources = []Source{{path, n}}
		c.Report.Rows++
		b.add(e)
	}
	if !magic {
		return nil, errAt(path, 0, ErrEmpty, "empty catalog file")
	}
	if opt.Name != "" {
		c.Name = opt.Name
	}
	if opt.Version != "" {
		c.Version = opt.Version
	}
	for i := range c.Entries {
		c.Entries[i].Catalog, c.Entries[i].Version = c.Name, c.Version
	}
	return b.finish(path)
}

type rowError struct {
	kind ErrKind
	msg  string
}

func rowErr(kind ErrKind, format string, a ...any) *rowError {
	return &rowError{kind, fmt.Sprintf(format, a...)}
}

// tsvEntry reads one row of the wtalign layout (see docs/catalog.md).
func tsvEntry(get func(string) string) (Entry, *rowError) {
	e := Entry{Gene: get("gene"), Accession: get("accession"), Allele: get("allele"), Name: get("name"),
		Mechanism: get("mechanism"), Notes: get("notes")}
	if !geneWord(e.Gene) {
		return e, rowErr(ErrColumns, "gene %q: a gene key is one word", e.Gene)
	}
	e.Classes = splitList(get("drug_class"), ",")
	e.Drugs = splitList(get("drugs"), ",")
	e.PMIDs = splitList(get("pmids"), ",;")
	kind := Kind(strings.ToLower(get("kind")))
	alt := get("alt")
	if kind == "" {
		kind = KindSite
		if alt != "" {
			kind = KindSubstitution
		}
	}
	if !slices.Contains(kinds, kind) {
		return e, rowErr(ErrColumns, "kind %q is not one of %v", kind, kinds)
	}
	e.Kind = kind
	posText := get("position")
	pos, ok := position(posText)
	switch {
	case kind == KindLossOfFunction && (posText == "" || posText == "0"):
		pos = 0
	case kind == KindLossOfFunction:
		return e, rowErr(ErrPosition, "loss_of_function is gene-wide: leave position empty")
	case !ok:
		return e, rowErr(ErrPosition, "position %q is not a number", posText)
	case pos < 1:
		return e, rowErr(ErrPosition, "position %d: positions are 1-based", pos)
	}
	e.Pos, e.End = pos, pos
	ref := get("ref")
	switch {
	case ref == "*" && kind == KindSubstitution:
		// the stop codon: a stop-loss, numbered one past the protein
	case ref != "":
		r, ok := residues(ref)
		if !ok {
			return e, rowErr(ErrResidue, "reference %q is not amino-acid letters", ref)
		}
		ref = r
	}
	alts := splitList(alt, ",")
	needRef := func(one bool) *rowError {
		switch {
		case ref == "":
			return rowErr(ErrResidue, "%s needs the reference residue(s) in ref", kind)
		case one && len(ref) != 1:
			return rowErr(ErrResidue, "%s: ref %q must be one residue", kind, ref)
		}
		return nil
	}
	noAlt := func() *rowError {
		if len(alts) > 0 {
			return rowErr(ErrResidue, "%s takes no alt (got %q)", kind, alt)
		}
		return nil
	}
	switch kind {
	case KindSubstitution:
		if err := needRef(true); err != nil {
			return e, err
		}
		for _, a := range alts {
			x, ok := alternative(a)
			if !ok {
				return e, rowErr(ErrResidue, "alternative %q is not an amino-acid letter or *", a)
			}
			e.Alts = append(e.Alts, x)
		}
		if len(e.Alts) == 0 {
			return e, rowErr(ErrResidue, "substitution needs alt")
		}
	case KindDeletion:
		if err := needRef(false); err != nil {
			return e, err
		}
		if err := noAlt(); err != nil {
			return e, err
		}
		e.End = pos + len(ref) - 1
	case KindInsertion, KindDelins:
		if kind == KindDelins {
			if err := needRef(false); err != nil {
				return e, err
			}
			e.End = pos + len(ref) - 1
		} else {
			if ref != "" && len(ref) != 1 {
				return e, rowErr(ErrResidue, "insertion: ref is the one residue before the insertion, got %q", ref)
			}
			e.End = pos + 1
		}
		for _, a := range alts {
			x, ok := residues(a)
			if !ok {
				return e, rowErr(ErrResidue, "%s residues %q are not amino-acid letters", kind, a)
			}
			e.Alts = append(e.Alts, x)
		}
		if len(e.Alts) == 0 {
			return e, rowErr(ErrResidue, "%s needs alt", kind)
		}
	case KindFrameshift, KindSite:
		if ref != "" && len(ref) != 1 {
			return e, rowErr(ErrResidue, "%s: ref %q must be one residue", kind, ref)
		}
		if err := noAlt(); err != nil {
			return e, err
		}
	case KindLossOfFunction:
		if ref != "" {
			return e, rowErr(ErrResidue, "loss_of_function takes no ref")
		}
		if err := noAlt(); err != nil {
			return e, err
		}
		e.End = 0
	}
	e.Ref = ref
	if req := get("requires"); req != "" {
		rq, msg := parseRequirement(req, func(g string) string { return g })
		if msg != "" {
			return e, rowErr(ErrRequirement, "%s", msg)
		}
		e.Requires = rq
	}
	return e, nil
}

// WriteTSV writes c in the wtalign catalog layout, entries in their order.
// Loading the output again gives the same entries (with new sources).
func WriteTSV(w io.Writer, c *Catalog) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s 1\n", tsvMagic)
	fmt.Fprintf(bw, "# name: %s\n# version: %s\n", oneLine(c.Name), oneLine(c.Version))
	fmt.Fprintln(bw, strings.Join(tsvColumns, "\t"))
	for i := range c.Entries {
		e := &c.Entries[i]
		pos := ""
		if e.Kind != KindLossOfFunction {
			pos = strconv.Itoa(e.Pos)
		}
		req := ""
		if e.Requires != nil {
			req = e.Requires.String()
		}
		row := []string{e.Gene, e.Accession, e.Allele, string(e.Kind), pos, e.Ref, strings.Join(e.Alts, ","),
			strings.Join(e.Classes, ","), strings.Join(e.Drugs, ","), e.Mechanism, strings.Join(e.PMIDs, ","),
			e.Notes, req, e.Name}
		for j := range row {
			row[j] = oneLine(row[j])
		}
		fmt.Fprintln(bw, strings.Join(row, "\t"))
	}
	return bw.Flush()
}

// oneLine keeps a value inside its TSV cell.
func oneLine(s string) string { return cleanCell(s) }
