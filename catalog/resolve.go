package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Reference is one wild-type protein that catalog entries are matched to.
// It is a plain value so that this package needs nothing of the run
// (pipeline) that reads the references.
type Reference struct {
	ID        string // FASTA ID
	Gene      string // gene key
	Accession string // protein accession.version, "" if unknown
	Allele    string // the catalog allele it was made from (allele= in its description), "" if none
	Seq       []byte // the protein, no terminal '*'
}

var alleleTag = regexp.MustCompile(`(?:^|\s)allele=(\S+)`)

// NewReference builds a Reference from a wild type's FASTA ID, description,
// gene key and sequence. The accession is the last field of a pipe ID with
// three or more fields (ecoli_k12|gyrA|NP_416734.1), else the ID itself;
// the allele comes from an allele= tag (written by References).
func NewReference(id, desc, gene string, seq []byte) Reference {
	r := Reference{ID: id, Gene: gene, Accession: id, Seq: seq}
	if f := strings.Split(id, "|"); len(f) >= 3 {
		r.Accession = f[len(f)-1]
	}
	if m := alleleTag.FindStringSubmatch(desc); m != nil {
		r.Allele = m[1]
	}
	return r
}

// accessionMatches compares accession.version values; an entry accession
// without a version matches any version.
func accessionMatches(ref Reference, acc string) bool {
	if acc == "" {
		return false
	}
	for _, cand := range append([]string{ref.Accession}, strings.Split(ref.ID, "|")...) {
		if cand == acc || (!strings.Contains(acc, ".") && strings.Split(cand, ".")[0] == acc) {
			return true
		}
	}
	return false
}

// ResolveOptions control Resolve.
type ResolveOptions struct {
	Aliases []Alias
	// Lenient turns a reference residue mismatch or a position outside the
	// reference into a counted warning; the entry is then not applied to
	// that reference.
	Lenient bool
}

// How a catalog gene was matched to references.
const (
	ByAccession = "accession"
	ByGene      = "gene"
	ByAlias     = "alias"
)

// GeneResolution says which references one catalog gene went to, and how.
type GeneResolution struct {
	Gene       string   `json:"gene"`
	By         string   `json:"by"` // ByAccession, ByGene or ByAlias
	References []string `json:"references"`
	Entries    int      `json:"entries"`
}

// GeneCount is a gene and how many entries it has.
type GeneCount struct {
	Gene    string `json:"gene"`
	Entries int    `json:"entries"`
}

// CatalogResolution is what Resolve did with one catalog.
type CatalogResolution struct {
	Catalog    string           `json:"catalog"` // Label()
	Entries    int              `json:"entries"`
	Genes      []GeneResolution `json:"genes"`
	Unmatched  []GeneCount      `json:"unmatched"`  // genes with no reference: their entries annotate nothing
	Mismatches int              `json:"mismatches"` // entries dropped for a reference under Lenient
	Warnings   []Warning        `json:"warnings"`
}

// ResolveReport lists, per catalog, how its genes were matched.
type ResolveReport struct {
	Catalogs []CatalogResolution `json:"catalogs"`
	// Shared counts changes catalogued identically in more than one of the
	// catalogs; each keeps its own entry, so matches name every catalog.
	Shared int `json:"shared"`
}

// item is an entry applied to one reference.
type item struct {
	e   *Entry
	cat int // index of its catalog in Index.cats
	ord int // load order over all catalogs, for stable output
}

type refIndex struct {
	ref   Reference
	items []item // by position, then load order
}

// Index holds catalogs resolved against a set of references: which entries
// apply to each reference, verified against its sequence.
type Index struct {
	cats   []*Catalog
	refs   map[string]*refIndex
	order  []string              // reference IDs, input order
	genes  []map[string][]string // per catalog: lower-case gene -> reference IDs
	Report ResolveReport
}

// Resolve matches the entries of cats to refs: by accession (an entry that
// names one and a reference that has it), else by gene key, else by alias.
// An entry tied to an allele goes only to references made from that allele
// when there are any. Every entry is verified against each reference it
// goes to: positions inside the reference and the catalog's reference
// residues equal to the reference's (a mismatch is an error naming the
// catalog file and line, unless opt.Lenient). Requirements are verified
// the same way. Genes with no reference are listed in the report, except
// in a sites list, where they are an error.
func Resolve(cats []*Catalog, refs []Reference, opt ResolveOptions) (*Index, error) {
	ix := &Index{cats: cats, refs: map[string]*refIndex{}}
	for _, r := range refs {
		if r.ID == "" || len(r.Seq) == 0 {
			return nil, &Error{Kind: ErrReference, Msg: fmt.Sprintf("reference %q has no ID or no sequence", r.ID)}
		}
		if _, dup := ix.refs[r.ID]; dup {
			return nil, &Error{Kind: ErrReference, Msg: fmt.Sprintf("two references with ID %q", r.ID)}
		}
		ix.refs[r.ID] = &refIndex{ref: r}
		ix.order = append(ix.order, r.ID)
	}
	seen := map[string]bool{}
	for _, c := range cats {
		k := c.Format + "\x00" + c.Path + "\x00" + c.Subset
		if seen[k] {
			return nil, errAt(c.Path, 0, ErrDuplicate, "catalog %s given twice", c.Label())
		}
		seen[k] = true
	}
	for _, a := range opt.Aliases {
		if !a.Required {
			continue
		}
		found := false
		for _, r := range refs {
			found = found || strings.EqualFold(r.Gene, a.Reference) || strings.EqualFold(r.Gene, a.Catalog)
		}
		if !found {
			return nil, &Error{Kind: ErrAlias, Msg: fmt.Sprintf("%s: no reference has gene key %s or %s", a.Source, a.Reference, a.Catalog)}
		}
	}

	ord := 0
	keys := map[string]int{} // change key -> catalogs that have it
	for ci, c := range cats {
		res := CatalogResolution{Catalog: c.Label(), Entries: len(c.Entries), Genes: []GeneResolution{}, Unmatched: []GeneCount{}, Warnings: []Warning{}}
		genes := map[string][]string{}
		byGene := map[string]*GeneResolution{}
		unmatched := map[string]int{}
		for i := range c.Entries {
			e := &c.Entries[i]
			keys[changeKey(e)] |= 1 << min(ci, 62)
			targets, by := ix.targets(e, opt.Aliases)
			if len(targets) == 0 {
				if c.Format == FormatSites {
					s := e.Sources[0]
					return nil, errAt(s.File, s.Line, ErrReference, "gene %q is not a reference gene key", e.Gene)
				}
				unmatched[e.Gene]++
				continue
			}
			gk := strings.ToLower(e.Gene) + "\x00" + by
			gr := byGene[gk]
			if gr == nil {
				gr = &GeneResolution{Gene: e.Gene, By: by}
				byGene[gk] = gr
			}
			gr.Entries++
			for _, t := range targets {
				if !slices.Contains(gr.References, t.ref.ID) {
					gr.References = append(gr.References, t.ref.ID)
				}
				lg := strings.ToLower(e.Gene)
				if !slices.Contains(genes[lg], t.ref.ID) {
					genes[lg] = append(genes[lg], t.ref.ID)
				}
				if err := verify(e, t.ref); err != nil {
					if !opt.Lenient {
						return nil, err
					}
					res.Mismatches++
					res.Warnings = append(res.Warnings, Warning{File: err.File, Line: err.Line, Msg: err.Msg + "; entry not applied to this reference"})
					continue
				}
				t.items = append(t.items, item{e: e, cat: ci, ord: ord})
				ord++
			}
		}
		ix.genes = append(ix.genes, genes)
		for _, gr := range byGene {
			res.Genes = append(res.Genes, *gr)
		}
		sort.Slice(res.Genes, func(i, j int) bool {
			a, b := res.Genes[i], res.Genes[j]
			return strings.ToLower(a.Gene) < strings.ToLower(b.Gene) || (strings.EqualFold(a.Gene, b.Gene) && a.By < b.By)
		})
		for g, n := range unmatched {
			res.Unmatched = append(res.Unmatched, GeneCount{g, n})
		}
		sort.Slice(res.Unmatched, func(i, j int) bool { return res.Unmatched[i].Gene < res.Unmatched[j].Gene })
		ix.Report.Catalogs = append(ix.Report.Catalogs, res)
	}
	for _, set := range keys {
		if set&(set-1) != 0 {
			ix.Report.Shared++
		}
	}
	// Requirements: each term's residue must be the reference's, in every
	// reference its gene went to.
	for ci, c := range cats {
		for i := range c.Entries {
			e := &c.Entries[i]
			if e.Requires == nil {
				continue
			}
			for _, g := range e.Requires.AnyOf {
				for _, t := range g {
					for _, id := range ix.genes[ci][strings.ToLower(t.Gene)] {
						if err := verifyTerm(e, t, ix.refs[id].ref); err != nil {
							if !opt.Lenient {
								return nil, err
							}
							ix.Report.Catalogs[ci].Mismatches++
							ix.Report.Catalogs[ci].Warnings = append(ix.Report.Catalogs[ci].Warnings, Warning{File: err.File, Line: err.Line, Msg: err.Msg})
						}
					}
				}
			}
		}
	}
	for _, r := range ix.refs {
		sort.SliceStable(r.items, func(i, j int) bool {
			a, b := r.items[i], r.items[j]
			if a.e.Pos != b.e.Pos {
				return a.e.Pos < b.e.Pos
			}
			return a.ord < b.ord
		})
	}
	return ix, nil
}

// changeKey is what makes two entries of different catalogs the same
// change (their drugs and notes may differ).
func changeKey(e *Entry) string {
	alts := slices.Clone(e.Alts)
	slices.Sort(alts)
	return strings.Join([]string{strings.ToLower(e.Gene), string(e.Kind), fmt.Sprint(e.Pos, "-", e.End), e.Ref, strings.Join(alts, ","), e.Requires.key()}, "\x00")
}

// targets finds the references an entry goes to.
func (ix *Index) targets(e *Entry, aliases []Alias) ([]*refIndex, string) {
	pick := func(ok func(Reference) bool) []*refIndex {
		var out []*refIndex
		for _, id := range ix.order {
			if r := ix.refs[id]; ok(r.ref) {
				out = append(out, r)
			}
		}
		return out
	}
	by := ByAccession
	out := pick(func(r Reference) bool { return accessionMatches(r, e.Accession) })
	if len(out) == 0 {
		by = ByGene
		out = pick(func(r Reference) bool { return strings.EqualFold(r.Gene, e.Gene) })
	}
	if len(out) == 0 {
		by = ByAlias
		al := aliasesOf(aliases, e.Gene)
		out = pick(func(r Reference) bool { return slices.Contains(al, strings.ToLower(r.Gene)) })
	}
	if e.Allele != "" {
		var same []*refIndex
		for _, r := range out {
			if strings.EqualFold(r.ref.Allele, e.Allele) {
				same = append(same, r)
			}
		}
		if len(same) > 0 {
			out = same
		}
	}
	return out, by
}

// verify checks an entry against one reference sequence.
func verify(e *Entry, r Reference) *Error {
	s := e.Sources[0]
	n := len(r.Seq)
	fail := func(kind ErrKind, format string, a ...any) *Error {
		return errAt(s.File, s.Line, kind, "%s %s: %s", e.Gene, e.Name, fmt.Sprintf(format, a...))
	}
	switch {
	case e.Kind == KindLossOfFunction:
		return nil
	case e.Ref == "*":
		// A stop-loss entry sits on the stop codon, one past the protein.
		if e.Pos != n+1 {
			return fail(ErrMismatch, "position %d: the catalog has the stop codon there, reference %s ends at %d (its stop is %d)", e.Pos, r.ID, n, n+1)
		}
		return nil
	case e.Pos < 1 || e.End > n:
		return fail(ErrPosition, "position %d-%d is beyond the end of reference %s (%d aa)", e.Pos, e.End, r.ID, n)
	}
	ref := e.Ref
	if ref == "" {
		return nil
	}
	got := strings.ToUpper(string(r.Seq[e.Pos-1 : e.Pos-1+len(ref)]))
	if got != ref && !startResidue(e.Pos, ref, got) {
		return fail(ErrMismatch, "position %d: the catalog has %s, reference %s has %s", e.Pos, ref, r.ID, got)
	}
	return nil
}

// startResidue accepts a catalog that writes residue 1 as its codon's
// literal amino acid where the reference reads the alternative start
// codon as Met: PointFinder's M. tuberculosis katG starts with GTG and the
// catalog lists V1A.
func startResidue(pos int, catalog, ref string) bool {
	return pos == 1 && ref != "" && ref[0] == 'M' && strings.ContainsRune("VLI", rune(catalog[0])) && catalog[1:] == ref[1:]
}

func verifyTerm(e *Entry, t Term, r Reference) *Error {
	s := e.Sources[0]
	if t.Kind == KindInsertion {
		if t.Pos < 1 || t.Pos+1 > len(r.Seq) {
			return errAt(s.File, s.Line, ErrPosition, "requirement %s: position beyond the end of reference %s (%d aa)", t, r.ID, len(r.Seq))
		}
		return nil
	}
	if t.Pos > len(r.Seq) {
		return errAt(s.File, s.Line, ErrPosition, "requirement %s: position %d is beyond the end of reference %s (%d aa)", t, t.Pos, r.ID, len(r.Seq))
	}
	if got := strings.ToUpper(string(r.Seq[t.Pos-1])); got != t.Ref {
		return errAt(s.File, s.Line, ErrMismatch, "requirement %s: position %d: the catalog has %s, reference %s has %s", t, t.Pos, t.Ref, r.ID, got)
	}
	return nil
}

// Catalogued reports whether any entry applies to reference id.
func (ix *Index) Catalogued(id string) bool {
	r := ix.refs[id]
	return r != nil && len(r.items) > 0
}

// Entries lists the entries that apply to reference id, by position.
func (ix *Index) Entries(id string) []*Entry {
	r := ix.refs[id]
	if r == nil {
		return nil
	}
	out := make([]*Entry, len(r.items))
	for i, it := range r.items {
		out[i] = it.e
	}
	return out
}

// Catalogs are the catalogs the index was built from, in load order.
func (ix *Index) Catalogs() []*Catalog { return ix.cats }
