package catalog

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// amrColumns is the documented layout of AMRFinderPlus's
// AMRProt-mutation.tsv.
var amrColumns = []string{"#taxgroup", "accession_version", "mutation_position", "standard_mutation_symbol",
	"reported_mutation_symbol", "class", "subclass", "mutated_protein_name"}

// Mutation symbols after the gene: S83L, Q30Ter / K141STOP, ALNQLV129del,
// P64PSFLY (P64 followed by inserted SFLY), Y253CfsTer5, G-131A.
var (
	amrSub      = regexp.MustCompile(`^([A-Z])(\d+)([A-Z])$`)
	amrStop     = regexp.MustCompile(`^([A-Z])(\d+)(?:Ter|TER|STOP|Stop|\*)$`)
	amrDel      = regexp.MustCompile(`^([A-Z]+)(\d+)(?:del|DEL)$`)
	amrIns      = regexp.MustCompile(`^([A-Z])(\d+)([A-Z]{2,})$`)
	amrFS       = regexp.MustCompile(`^([A-Z])(\d+)[A-Z]?fs(?:Ter|\*)(?:\d+|\?)?$`)
	amrPromoter = regexp.MustCompile(`^[A-Za-z]+-\d+`)
)

func loadAMRFinder(path string, opt LoadOptions) (*Catalog, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Name: "AMRFinderPlus", Format: FormatAMRFinder, Path: path}
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(path), "version.txt")); err == nil {
		c.Version = strings.TrimSpace(string(b))
	}
	if opt.Name != "" {
		c.Name = opt.Name
	}
	if opt.Version != "" {
		c.Version = opt.Version
	}
	c.Report.Files = []string{path}
	c.Report.Lines = len(lines)

	// First pass: the header and the taxgroups present.
	header := false
	var groups []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "#") {
			if strings.HasPrefix(strings.ToLower(t), "#taxgroup") {
				cols := fields(l)
				for j, want := range amrColumns {
					if j >= len(cols) || !strings.EqualFold(cols[j], want) {
						return nil, errAt(path, i+1, ErrColumns, "header column %d should be %s", j+1, want)
					}
				}
				header = true
			}
			continue
		}
		if !header {
			return nil, errAt(path, i+1, ErrColumns, "data before the #taxgroup header line")
		}
		g, _, _ := strings.Cut(l, "\t")
		if g = strings.TrimSpace(g); !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	if !header {
		return nil, errAt(path, 0, ErrFormat, "no #taxgroup header line: not an AMRFinderPlus mutation table")
	}
	want := opt.Taxgroup
	switch {
	case len(groups) == 0:
		// no data row: the empty-catalog error below says so
	case want == "" && len(groups) > 1:
		return nil, errAt(path, 0, ErrTaxgroup, "holds several taxgroups (%s); choose one", strings.Join(groups, ", "))
	case want == "" && len(groups) == 1:
		want = groups[0]
	default:
		i := slices.IndexFunc(groups, func(g string) bool { return strings.EqualFold(g, want) })
		if i < 0 {
			return nil, errAt(path, 0, ErrTaxgroup, "has no taxgroup %q (it has: %s)", want, strings.Join(groups, ", "))
		}
		want = groups[i]
	}
	c.Subset = want

	b := newBuilder(c)
	for i, l := range lines {
		n := i + 1
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			c.Report.Blank++
			continue
		case strings.HasPrefix(strings.ToLower(t), "#taxgroup"):
			c.Report.Headers++
			continue
		case strings.HasPrefix(t, "#"):
			c.Report.Comments++
			continue
		}
		raw := strings.Split(l, "\t")
		if len(raw) != len(amrColumns) {
			return nil, errAt(path, n, ErrColumns, "%d tab-separated columns; the AMRFinderPlus layout has %d", len(raw), len(amrColumns))
		}
		cols := make([]string, len(raw))
		for j := range raw {
			cols[j] = cleanCell(raw[j])
		}
		if !strings.EqualFold(cols[0], want) {
			c.Report.skip(SkipOtherTaxgroup)
			continue
		}
		pos, ok := position(cols[2])
		if !ok {
			return nil, errAt(path, n, ErrPosition, "mutation_position %q is not a number", cols[2])
		}
		e, reason, err := amrEntry(cols[3], pos)
		if err != nil {
			return nil, errAt(path, n, ErrSymbol, "%s", err.Error())
		}
		if reason != "" {
			c.Report.skip(reason)
			if reason == SkipUnsupported {
				c.Report.warn(path, n, "symbol %s is of a kind wtalign does not match; skipped", cols[3])
			}
			continue
		}
		if pos < 1 {
			return nil, errAt(path, n, ErrPosition, "mutation_position %d: positions are 1-based", pos)
		}
		e.Accession = cols[1]
		e.Name = cols[3]
		if cols[4] != cols[3] {
			e.ReportedName = cols[4]
		}
		// Lists are comma-separated in every catalog model field; the
		// subclass can name several drugs with '/'.
		e.Classes = splitList(cols[5], ",")
		e.Drugs = splitList(cols[6], "/,")
		e.Notes = cols[7]
		e.Sources = []Source{{path, n}}
		c.Report.Rows++
		b.add(e)
	}
	return b.finish(path)
}

type symbolError string

func (s symbolError) Error() string { return string(s) }

// amrEntry parses a standard_mutation_symbol. The entry is numbered by
// mutation_position (the position in the reference protein); the symbol's
// own number, which can be literature numbering, is kept in CatalogPos
// when it differs. It returns a skip reason for promoter and unsupported
// symbols.
func amrEntry(symbol string, pos int) (Entry, string, error) {
	i := strings.LastIndexByte(symbol, '_')
	if i <= 0 || i == len(symbol)-1 {
		return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + " is not <gene>_<change>")
	}
	e := Entry{Gene: symbol[:i]}
	if !geneWord(e.Gene) {
		return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + ": gene " + strconv.Quote(e.Gene) + " is not one word")
	}
	ch := symbol[i+1:]
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	setPos := func(symPos int) {
		e.Pos = pos
		if symPos != pos {
			e.CatalogPos = symPos
		}
	}
	switch {
	case amrPromoter.MatchString(ch):
		return Entry{}, SkipPromoter, nil
	case amrSub.MatchString(ch):
		m := amrSub.FindStringSubmatch(ch)
		if m[1] == m[3] {
			return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + " changes nothing")
		}
		if !isResidue(m[1][0]) || !isResidue(m[3][0]) {
			return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + " has a letter that is no amino acid")
		}
		e.Kind, e.Ref, e.Alts = KindSubstitution, m[1], []string{m[3]}
		setPos(num(m[2]))
		e.End = e.Pos
	case amrStop.MatchString(ch):
		m := amrStop.FindStringSubmatch(ch)
		e.Kind, e.Ref, e.Alts = KindSubstitution, m[1], []string{"*"}
		setPos(num(m[2]))
		e.End = e.Pos
	case amrDel.MatchString(ch):
		m := amrDel.FindStringSubmatch(ch)
		if _, ok := residues(m[1]); !ok {
			return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + " deletes letters that are no amino acids")
		}
		e.Kind, e.Ref = KindDeletion, m[1]
		setPos(num(m[2]))
		e.End = e.Pos + len(m[1]) - 1
	case amrFS.MatchString(ch):
		m := amrFS.FindStringSubmatch(ch)
		e.Kind, e.Ref = KindFrameshift, m[1]
		setPos(num(m[2]))
		e.End = e.Pos
	case amrIns.MatchString(ch):
		m := amrIns.FindStringSubmatch(ch)
		if _, ok := residues(m[1] + m[3]); !ok {
			return Entry{}, "", symbolError("symbol " + strconv.Quote(symbol) + " has a letter that is no amino acid")
		}
		setPos(num(m[2]))
		if m[3][0] == m[1][0] {
			// P64PSFLY: P64 stays and SFLY follows it.
			e.Kind, e.Alts, e.End = KindInsertion, []string{m[3][1:]}, e.Pos+1
		} else {
			e.Kind, e.Ref, e.Alts, e.End = KindDelins, m[1], []string{m[3]}, e.Pos
		}
	case strings.Contains(ch, "Ter") || strings.Contains(ch, "ins") || strings.Contains(ch, "STOP"):
		// cirA_A169insTer10, cirA_N184NRHSEWTer: disruptions whose exact
		// protein change wtalign's calls do not express.
		return Entry{}, SkipUnsupported, nil
	default:
		return Entry{}, "", symbolError("cannot read the change " + strconv.Quote(ch) + " of symbol " + strconv.Quote(symbol))
	}
	return e, "", nil
}
