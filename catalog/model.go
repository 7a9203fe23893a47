package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/report"
)

// Kind says what change an entry catalogues.
type Kind string

// Kinds of entries. Positions are reference positions, 1-based.
const (
	// KindSubstitution: the residue at Pos replaced by one of Alts (single
	// letters; "*" is a premature stop, i.e. a nonsense entry).
	KindSubstitution Kind = "substitution"
	// KindDeletion: residues Pos..End (Ref) deleted.
	KindDeletion Kind = "deletion"
	// KindInsertion: one of Alts inserted between Pos and Pos+1.
	KindInsertion Kind = "insertion"
	// KindDelins: residues Pos..End (Ref) replaced by one of Alts.
	KindDelins Kind = "delins"
	// KindFrameshift: a frameshift whose first changed codon is Pos (CDS
	// input only; protein input cannot show one).
	KindFrameshift Kind = "frameshift"
	// KindLossOfFunction: any premature stop or frameshift anywhere in the
	// gene (Pos is 0).
	KindLossOfFunction Kind = "loss_of_function"
	// KindSite: a position to report, with no change catalogued (the
	// --sites list is a catalog of such entries).
	KindSite Kind = "site"
)

var kinds = []Kind{KindSubstitution, KindDeletion, KindInsertion, KindDelins, KindFrameshift, KindLossOfFunction, KindSite}

// Catalog formats.
const (
	FormatPointFinder = "pointfinder" // PointFinder species folder, phenotypes.txt or resistens-overview.txt
	FormatAMRFinder   = "amrfinder"   // AMRFinderPlus AMRProt-mutation.tsv layout
	FormatTSV         = "wtalign"     // wtalign's own TSV (docs/catalog.md)
	FormatSites       = "sites"       // gene<TAB>position lines (the --sites file)
)

// Formats lists the format names Load accepts.
var Formats = []string{FormatPointFinder, FormatAMRFinder, FormatTSV, FormatSites}

// Source is where an entry was read: file and 1-based line.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (s Source) String() string { return fmt.Sprintf("%s line %d", s.File, s.Line) }

// Entry is one catalogued change (or site) in one gene, in the numbering of
// that gene's wild-type reference.
type Entry struct {
	Gene string `json:"gene"` // gene key as the catalog names it (gyrA, pmrB, katG)
	// Accession is the protein accession.version the catalog numbers the
	// entry on (AMRFinderPlus accession_version), "" if it names none.
	Accession string `json:"accession,omitempty"`
	// Allele names the catalog's own reference sequence when it has several
	// for the gene (PointFinder gyrA and gyrA_2); "" otherwise.
	Allele string `json:"allele,omitempty"`
	Kind   Kind   `json:"kind"`
	Pos    int    `json:"pos"`           // first reference position; insertion: the residue before it; 0 for loss_of_function
	End    int    `json:"end"`           // last reference position (Pos for one residue, Pos+1 for an insertion)
	Ref    string `json:"ref,omitempty"` // reference residues at Pos..End as the catalog gives them; "" when it gives none
	// Alts are the accepted alternatives: residues for a substitution ("*"
	// a stop), inserted residues for an insertion, replacements for a delins.
	Alts []string `json:"alts,omitempty"`
	// CatalogPos is the number the catalog writes when it differs from Pos:
	// PointFinder numbers an insertion by the codon after it, AMRFinderPlus
	// symbols can use literature numbering.
	CatalogPos   int          `json:"catalog_pos,omitempty"`
	Name         string       `json:"name"`                    // the catalog's name for the change, or one built like gyrA_S83L/W/A/V
	ReportedName string       `json:"reported_name,omitempty"` // AMRFinderPlus reported_mutation_symbol
	Classes      []string     `json:"drug_classes,omitempty"`
	Drugs        []string     `json:"drugs,omitempty"` // drugs or phenotype as the catalog writes them
	Mechanism    string       `json:"mechanism,omitempty"`
	PMIDs        []string     `json:"pmids,omitempty"`
	Notes        string       `json:"notes,omitempty"`
	Requires     *Requirement `json:"requires,omitempty"`
	Catalog      string       `json:"catalog"`
	Version      string       `json:"catalog_version"`
	Sources      []Source     `json:"sources"` // more than one when duplicate rows were merged
}

// Covers reports whether reference position p lies in the entry's span.
// An insertion covers no residue, loss_of_function none in particular.
func (e *Entry) Covers(p int) bool {
	switch e.Kind {
	case KindInsertion, KindLossOfFunction:
		return false
	}
	return p >= e.Pos && p <= e.End
}

// Requirement is a combination an entry needs to confer its phenotype:
// any one of AnyOf, each a list of terms that must all hold (PointFinder's
// grammar: ';' separates the alternatives, ',' the terms).
type Requirement struct {
	Text  string   `json:"text"` // as the catalog writes it
	AnyOf [][]Term `json:"any_of"`
}

// Term is one required change: a substitution at Pos of Gene to any of
// Alts, or (Kind insertion) any insertion between Pos and Pos+1.
type Term struct {
	Gene string   `json:"gene"`
	Kind Kind     `json:"kind"` // KindSubstitution or KindInsertion
	Pos  int      `json:"pos"`
	Ref  string   `json:"ref,omitempty"`
	Alts []string `json:"alts,omitempty"`
}

// String is the term as people write it: gyrA S83L/W/A/V, rpoB 474_475ins.
func (t Term) String() string {
	if t.Kind == KindInsertion {
		return t.Gene + " " + strconv.Itoa(t.Pos) + "_" + strconv.Itoa(t.Pos+1) + "ins"
	}
	return t.Gene + " " + t.Ref + strconv.Itoa(t.Pos) + strings.Join(t.Alts, "/")
}

// notation is the term in the catalog grammar with a plain gene key:
// gyrA_S83L.W.A.V, rpoB_ins475 (PointFinder numbers an insertion by the
// codon after it).
func (t Term) notation() string {
	if t.Kind == KindInsertion {
		return t.Gene + "_ins" + strconv.Itoa(t.Pos+1)
	}
	return t.Gene + "_" + t.Ref + strconv.Itoa(t.Pos) + strings.Join(t.Alts, ".")
}

// key is the requirement written with gene keys and sorted terms, used to
// tell duplicate entries apart and to write it back.
func (r *Requirement) key() string {
	if r == nil {
		return ""
	}
	groups := make([]string, 0, len(r.AnyOf))
	for _, g := range r.AnyOf {
		ts := make([]string, 0, len(g))
		for _, t := range g {
			ts = append(ts, t.notation())
		}
		slices.Sort(ts)
		groups = append(groups, strings.Join(ts, ","))
	}
	slices.Sort(groups)
	return strings.Join(groups, ";")
}

// String writes the requirement in the catalog grammar with plain gene
// keys, in the catalog's order: gyrA_S83L.W.A.V,parC_S80I;...
func (r *Requirement) String() string {
	groups := make([]string, 0, len(r.AnyOf))
	for _, g := range r.AnyOf {
		ts := make([]string, 0, len(g))
		for _, t := range g {
			ts = append(ts, t.notation())
		}
		groups = append(groups, strings.Join(ts, ","))
	}
	return strings.Join(groups, ";")
}

// Catalog is one loaded catalog file or folder.
type Catalog struct {
	Name    string  `json:"name"`             // PointFinder, AMRFinderPlus, or the file's own name
	Version string  `json:"version"`          // "" when the catalog states none
	Subset  string  `json:"subset,omitempty"` // PointFinder species folder, AMRFinderPlus taxgroup
	Format  string  `json:"format"`
	Path    string  `json:"path"`
	Entries []Entry `json:"entries"`
	Report  Report  `json:"report"`
}

// Label names the catalog for people: PointFinder 4.1.0 (escherichia_coli).
func (c *Catalog) Label() string { return report.CatalogLabel(c.Name, c.Version, c.Subset) }

// Reasons a catalog row is skipped rather than turned into an entry.
const (
	SkipNucleotide     = "nucleotide"         // a nucleotide change in a coding gene (PointFinder NUC row): invisible in protein
	SkipRNA            = "rna_gene"           // a change in an rRNA gene (RNA_genes.txt)
	SkipPromoter       = "promoter"           // a promoter change (negative position)
	SkipCommented      = "commented_out"      // a data row the curators commented out with '#'
	SkipOtherTaxgroup  = "other_taxgroup"     // AMRFinderPlus row of a taxgroup not selected
	SkipOldLayoutIndel = "old_layout_indel"   // resistens-overview.txt indel row: its position may be a codon or a nucleotide
	SkipUnsupported    = "unsupported_symbol" // AMRFinderPlus symbol of a kind wtalign cannot match (e.g. insertion ending in a stop)
)

// Warning is something the loader or resolver noticed and accepted.
type Warning struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Msg  string `json:"msg"`
}

func (w Warning) String() string {
	switch {
	case w.File != "" && w.Line > 0:
		return fmt.Sprintf("%s line %d: %s", w.File, w.Line, w.Msg)
	case w.File != "":
		return w.File + ": " + w.Msg
	}
	return w.Msg
}

// Report accounts for every line a loader read: each is an entry row, a
// skipped row (by reason), a header, a section line, a comment or blank.
type Report struct {
	Files    []string `json:"files"`
	Lines    int      `json:"lines"`
	Rows     int      `json:"rows"`    // data rows that became entries
	Entries  int      `json:"entries"` // entries after merging duplicates
	Headers  int      `json:"headers"`
	Sections int      `json:"sections"` // section lines (# Indels, # Stop codons, ...)
	Comments int      `json:"comments"`
	Blank    int      `json:"blank"`
	// Skipped counts skipped rows by reason (Skip* constants).
	Skipped    map[string]int `json:"skipped"`
	Duplicates int            `json:"duplicates"` // rows merged into an earlier identical entry
	Warnings   []Warning      `json:"warnings"`
}

// SkippedTotal is the number of skipped rows.
func (r *Report) SkippedTotal() int {
	n := 0
	for _, v := range r.Skipped {
		n += v
	}
	return n
}

// SkipReasons lists the skip reasons present, sorted.
func (r *Report) SkipReasons() []string {
	out := make([]string, 0, len(r.Skipped))
	for k := range r.Skipped {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (r *Report) skip(reason string) {
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	r.Skipped[reason]++
}

func (r *Report) warn(file string, line int, format string, a ...any) {
	r.Warnings = append(r.Warnings, Warning{File: file, Line: line, Msg: fmt.Sprintf(format, a...)})
}
