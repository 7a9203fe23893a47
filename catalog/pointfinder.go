package catalog

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// PointFinder file names, in the order ResFinder prefers them.
const (
	pfPhenotypes = "phenotypes.txt"
	pfOverview   = "resistens-overview.txt"
)

// pfFolder is what a PointFinder species folder says about its genes.
type pfFolder struct {
	genes   []string        // genes.txt, in file order
	rna     map[string]bool // RNA_genes.txt, normalised names
	alleles map[string]int  // gene key -> number of genes.txt names with that key
}

// pfNorm makes the two spellings of a gene ID comparable: genes.txt and
// phenotypes.txt write katG-promoter-size-107bp, resistens-overview.txt
// katG_promoter_size_107bp.
func pfNorm(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }

var (
	promoterRe = regexp.MustCompile(`(?i)^(.+?)_promoter(?:_size_\d+bp)?$`)
	alleleRe   = regexp.MustCompile(`^(.+)_\d+$`)
)

// pfKey is the gene key of a genes.txt name: without the promoter suffix
// (katG-promoter-size-107bp holds katG) and without an allele number
// (gyrA_2 is a second gyrA).
func pfKey(name string, fromGenes bool) string {
	n := strings.ReplaceAll(name, "-", "_")
	if m := promoterRe.FindStringSubmatch(n); m != nil {
		return name[:len(m[1])]
	}
	if fromGenes {
		if m := alleleRe.FindStringSubmatch(name); m != nil {
			return m[1]
		}
	}
	return name
}

func readPFFolder(dir string) (*pfFolder, error) {
	f := &pfFolder{rna: map[string]bool{}, alleles: map[string]int{}}
	read := func(name string) ([]string, error) {
		lines, err := readLines(filepath.Join(dir, name))
		if err != nil {
			if os.IsNotExist(err.(*Error).Err) {
				return nil, nil
			}
			return nil, err
		}
		var out []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out, nil
	}
	var err error
	if f.genes, err = read("genes.txt"); err != nil {
		return nil, err
	}
	rna, err := read("RNA_genes.txt")
	if err != nil {
		return nil, err
	}
	for _, g := range rna {
		f.rna[pfNorm(g)] = true
	}
	for _, g := range f.genes {
		f.alleles[pfKey(g, true)]++
	}
	return f, nil
}

// gene maps a row's gene ID (gyrA_1_CP073768.1, katG_promoter_size_107bp)
// to its genes.txt name, gene key and allele (set only when the folder has
// several references for the key).
func (f *pfFolder) gene(id string) (name, key, allele string) {
	nid := pfNorm(id)
	for _, g := range f.genes {
		ng := pfNorm(g)
		if (nid == ng || strings.HasPrefix(nid, ng+"_")) && len(g) > len(name) {
			name = g
		}
	}
	if name == "" {
		name, _, _ = strings.Cut(id, "_")
		return name, pfKey(name, false), ""
	}
	key = pfKey(name, true)
	if f.alleles[key] > 1 {
		allele = name
	}
	return name, key, allele
}

// pfVersion reads VERSION from the species folder or the database root
// above it.
func pfVersion(dir string) string {
	dir = filepath.Clean(dir) // "species/" is the species folder too
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if b, err := os.ReadFile(filepath.Join(d, "VERSION")); err == nil { // #nosec G304 -- VERSION in the PointFinder database directory the user named
			if v := strings.TrimSpace(string(b)); v != "" && !strings.ContainsAny(v, "\n\t") {
				return v
			}
		}
	}
	return ""
}

// pfLayout is one of the two table layouts.
type pfLayout struct {
	name                  string
	minCols, maxCols      int
	pos, refNuc, ref, alt int // column indexes
	class                 int // -1: the layout has no class column
	drugs, pmid, mech     int
	notes, req            int
	typ                   int // TypeGene column, -1 if absent
}

var (
	// phenotypes.txt: #Gene_accession TypeGene Mutation ID Codon_pos Ref_nuc
	// Ref_codon Res_codon Class Phenotype PMID Mechanism Notes Required
	// "% abundance"; real rows stop after PMID at the earliest.
	layoutPhenotypes = pfLayout{name: pfPhenotypes, minCols: 10, maxCols: 14, typ: 1, pos: 3, refNuc: 4, ref: 5, alt: 6,
		class: 7, drugs: 8, pmid: 9, mech: 10, notes: 11, req: 12}
	// resistens-overview.txt: #Gene_ID Gene_name Codon_pos Ref_nuc Ref_codon
	// Res_codon Resistance PMID Mechanism Notes Required_mut.
	layoutOverview = pfLayout{name: pfOverview, minCols: 8, maxCols: 11, typ: -1, pos: 2, refNuc: 3, ref: 4, alt: 5,
		class: -1, drugs: 6, pmid: 7, mech: 8, notes: 9, req: 10}
)

func loadPointFinder(path string, opt LoadOptions) (*Catalog, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Kind: ErrRead, Msg: err.Error(), Err: err}
	}
	dir, file := path, ""
	if fi.IsDir() {
		for _, name := range []string{pfPhenotypes, pfOverview} {
			if st, err := os.Stat(filepath.Join(dir, name)); err == nil && !st.IsDir() {
				file = filepath.Join(dir, name)
				break
			}
		}
		if file == "" {
			return nil, errAt(path, 0, ErrMissing, "folder has neither %s nor %s: not a PointFinder species folder", pfPhenotypes, pfOverview)
		}
	} else {
		dir, file = filepath.Dir(path), path
	}
	folder, err := readPFFolder(dir)
	if err != nil {
		return nil, err
	}
	lines, err := readLines(file)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Name: "PointFinder", Version: pfVersion(dir), Subset: filepath.Base(dir), Format: FormatPointFinder, Path: path}
	if opt.Name != "" {
		c.Name = opt.Name
	}
	if opt.Version != "" {
		c.Version = opt.Version
	}
	c.Report.Files = []string{file}
	c.Report.Lines = len(lines)
	layout, err := pfDetectLayout(file, lines)
	if err != nil {
		return nil, err
	}
	p := &pfParser{file: file, folder: folder, layout: layout, b: newBuilder(c)}
	for i, line := range lines {
		if err := p.line(i+1, line); err != nil {
			return nil, err
		}
	}
	return p.b.finish(file)
}

// pfDetectLayout tells the layouts apart by the header, and by the file
// name when the header is missing.
func pfDetectLayout(file string, lines []string) (pfLayout, error) {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		first := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.SplitN(l, "\t", 2)[0], "#")))
		switch first {
		case "gene_accession":
			return layoutPhenotypes, nil
		case "gene_id":
			return layoutOverview, nil
		}
		break
	}
	switch filepath.Base(file) {
	case pfPhenotypes:
		return layoutPhenotypes, nil
	case pfOverview:
		return layoutOverview, nil
	}
	return pfLayout{}, errAt(file, 1, ErrFormat, "not a PointFinder table: the first line is not the #Gene_accession (phenotypes.txt) or #Gene_ID (resistens-overview.txt) header")
}

type pfParser struct {
	file         string
	folder       *pfFolder
	layout       pfLayout
	b            *builder
	indel, stops bool // inside the "# Indels" / "# Stop codons" sections
}

func (p *pfParser) report() *Report { return &p.b.cat.Report }

func (p *pfParser) line(n int, line string) error {
	r := p.report()
	t := strings.TrimSpace(line)
	switch {
	case t == "":
		r.Blank++
		return nil
	case strings.HasPrefix(t, "#"):
		p.comment(t)
		return nil
	}
	cols := fields(line)
	l := p.layout
	if len(cols) < l.minCols {
		return p.short(n, line, len(cols))
	}
	if len(cols) > l.maxCols {
		return errAt(p.file, n, ErrColumns, "%d columns; %s has at most %d", len(cols), l.name, l.maxCols)
	}
	pos, ok := position(cols[l.pos])
	if !ok {
		return errAt(p.file, n, ErrPosition, "position %q is not a number", cols[l.pos])
	}
	name, key, allele := p.folder.gene(cols[0])
	if !geneWord(cols[0]) || !geneWord(key) {
		return errAt(p.file, n, ErrColumns, "gene ID %q is not one word starting with a gene name", cols[0])
	}
	rna := p.folder.rna[pfNorm(name)]
	protein := true
	if l.typ >= 0 {
		switch cols[l.typ] {
		case "AA":
		case "NUC":
			protein = false
		default:
			return errAt(p.file, n, ErrColumns, "TypeGene %q is neither AA nor NUC", cols[l.typ])
		}
	} else if len(cols[l.refNuc]) == 1 && strings.IndexByte("ACGTacgt", cols[l.refNuc][0]) >= 0 {
		// The old layout has no type column: a single reference base is
		// a nucleotide row (a codon has three).
		protein = false
	}
	switch {
	case rna:
		r.skip(SkipRNA)
		return nil
	case pos < 0:
		r.skip(SkipPromoter)
		return nil
	case !protein:
		r.skip(SkipNucleotide)
		return nil
	case pos == 0:
		return errAt(p.file, n, ErrPosition, "position 0: positions are 1-based codon numbers")
	case p.indel && l.typ < 0:
		r.skip(SkipOldLayoutIndel)
		return nil
	}
	e := Entry{Gene: key, Allele: allele, Sources: []Source{{p.file, n}}}
	cell := func(i int) string {
		if i >= 0 && i < len(cols) {
			return cols[i]
		}
		return ""
	}
	// "Beta-lactam, Macrolide, Tetracycline": several classes.
	e.Classes = splitList(cell(l.class), ",")
	for _, d := range splitList(cell(l.drugs), ",") {
		// ResFinder reads "Unknown" as no known phenotype.
		if !strings.EqualFold(d, "unknown") {
			e.Drugs = append(e.Drugs, d)
		}
	}
	e.PMIDs = splitList(cell(l.pmid), ",;")
	e.Mechanism = cell(l.mech)
	e.Notes = cell(l.notes)
	geneKey := func(id string) string { _, k, _ := p.folder.gene(id); return k }
	req := cell(l.req)
	if req == "" && l.req == len(cols) {
		// A row one cell short whose last cell is a requirement has lost a
		// cell before it (N. gonorrhoeae ParC E91: no empty Mechanism
		// cell, so the note sits in Mechanism and the requirement in
		// Notes). Read it shifted back, and say so.
		if rq, msg := parseRequirement(e.Notes, geneKey); msg == "" && rq != nil && p.knownGenes(rq) {
			req, e.Notes, e.Mechanism = e.Notes, e.Mechanism, ""
			r.warn(p.file, n, "row is one cell short and its last cell is a requirement; read as Notes %q, requirement %q", e.Notes, req)
		}
	}
	if req != "" {
		rq, msg := parseRequirement(req, geneKey)
		if msg != "" {
			return errAt(p.file, n, ErrRequirement, "%s", msg)
		}
		e.Requires = rq
	}
	ref, alt := cols[l.ref], cols[l.alt]
	var out []Entry
	switch {
	case p.stops:
		// A row in the stop-codon section means a premature stop anywhere
		// in the gene confers the phenotype (ResFinder's known_stop_codon);
		// its position and residue (1, N) are placeholders.
		e.Kind = KindLossOfFunction
		out = append(out, e)
	case strings.EqualFold(ref, "ins"):
		// ResFinder numbers an insertion by the codon after it
		// (ceil(first inserted base / 3)): "131 ins SG" is SG between
		// codons 130 and 131.
		if pos < 2 {
			return errAt(p.file, n, ErrPosition, "insertion at codon %d: there is no codon before it", pos)
		}
		e.Kind, e.Pos, e.End, e.CatalogPos = KindInsertion, pos-1, pos, pos
		for _, a := range splitList(alt, ",") {
			s, ok := residues(a)
			if !ok {
				return errAt(p.file, n, ErrResidue, "inserted residues %q are not amino-acid letters", a)
			}
			e.Alts = append(e.Alts, s)
		}
		if len(e.Alts) == 0 {
			return errAt(p.file, n, ErrResidue, "insertion without inserted residues")
		}
		out = append(out, e)
	case strings.EqualFold(alt, "del") || strings.EqualFold(ref, "del"):
		dels := []string{ref}
		if strings.EqualFold(ref, "del") {
			dels = splitList(alt, ",")
		}
		for _, d := range dels {
			s, ok := residues(d)
			if !ok {
				return errAt(p.file, n, ErrResidue, "deleted residues %q are not amino-acid letters", d)
			}
			x := e
			x.Kind, x.Pos, x.End, x.Ref = KindDeletion, pos, pos+len(s)-1, s
			out = append(out, x)
		}
	default:
		// A reference "*" is the stop codon: Klebsiella ramR "195 TGA * K"
		// is a stop-loss, the protein read on past codon 194.
		s, ok := alternative(ref)
		if !ok {
			return errAt(p.file, n, ErrResidue, "reference residue %q is not one amino-acid letter or *", ref)
		}
		e.Kind, e.Pos, e.End, e.Ref = KindSubstitution, pos, pos, s
		for _, a := range splitList(alt, ",") {
			x, ok := alternative(a)
			if !ok {
				return errAt(p.file, n, ErrResidue, "alternative %q is not an amino-acid letter or *", a)
			}
			e.Alts = append(e.Alts, x)
		}
		if len(e.Alts) == 0 {
			return errAt(p.file, n, ErrResidue, "no alternative residue")
		}
		out = append(out, e)
	}
	r.Rows++
	for _, x := range out {
		p.b.add(x)
	}
	return nil
}

// comment handles a '#' line: it switches sections the way ResFinder does
// (a line mentioning indels starts the indel section for good; one
// mentioning stop codons starts the stop-codon section, which any other
// '#' line ends) and is counted as a header, a section line, a commented
// out data row or a comment.
func (p *pfParser) comment(t string) {
	r := p.report()
	low := strings.ToLower(t)
	cells := fields(strings.TrimPrefix(t, "#"))
	switch {
	case strings.Contains(low, "indel"):
		p.indel = true
	case strings.Contains(low, "stop codon"):
		p.stops = true
	default:
		p.stops = false
	}
	first := ""
	if len(cells) > 0 {
		// N. gonorrhoeae repeats the header with spaces for tabs.
		if f := strings.Fields(cells[0]); len(f) > 0 {
			first = strings.ToLower(f[0])
		}
	}
	switch {
	case first == "gene_accession" || first == "gene_id":
		r.Headers++
	case strings.Contains(low, "indel") || strings.Contains(low, "stop codon"):
		r.Sections++
	case len(cells) > p.layout.pos && len(cells) >= p.layout.minCols-2 && isNumber(cells[p.layout.pos]):
		r.skip(SkipCommented)
	default:
		r.Comments++
	}
}

// knownGenes reports whether every gene a requirement names is in
// genes.txt, so that free text is never mistaken for a requirement.
func (p *pfParser) knownGenes(rq *Requirement) bool {
	for _, g := range rq.AnyOf {
		for _, t := range g {
			found := false
			for _, name := range p.folder.genes {
				found = found || pfKey(name, true) == t.Gene
			}
			if !found {
				return false
			}
		}
	}
	return true
}

func isNumber(s string) bool { _, ok := position(s); return ok }

// short handles a row with too few tab-separated columns. Some real rows
// are written with spaces instead of tabs (M. avium rrl); when such a row
// is one we would skip anyway (an rRNA gene or a promoter), it is skipped
// with a warning; otherwise it is an error.
func (p *pfParser) short(n int, line string, got int) error {
	l := p.layout
	f := strings.Fields(line)
	if got <= 1 && len(f) > l.pos {
		name, _, _ := p.folder.gene(f[0])
		pos, ok := position(f[l.pos])
		switch {
		case p.folder.rna[pfNorm(name)]:
			p.report().skip(SkipRNA)
			p.report().warn(p.file, n, "row written with spaces instead of tabs; skipped as an rRNA gene row (%s)", name)
			return nil
		case ok && pos < 0:
			p.report().skip(SkipPromoter)
			p.report().warn(p.file, n, "row written with spaces instead of tabs; skipped as a promoter row")
			return nil
		}
		return errAt(p.file, n, ErrColumns, "row is written with spaces, not tabs (%d tab-separated column(s); %s needs at least %d)", got, l.name, l.minCols)
	}
	return errAt(p.file, n, ErrColumns, "%d tab-separated column(s); %s needs at least %d", got, l.name, l.minCols)
}
