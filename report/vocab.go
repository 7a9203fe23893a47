package report

import (
	"fmt"
	"strings"
)

// The record's vocabulary: every status, flag, mutation type and site
// state wtalign writes is defined here and nowhere else. doc.go describes
// the status model with examples.

// Statuses of a record; see the package documentation for what each means
// and which takes precedence.
const (
	StatusWildtype   = "wildtype"
	StatusMutant     = "mutant"
	StatusAmbiguous  = "ambiguous"
	StatusPartial    = "partial"
	StatusTruncated  = "truncated"
	StatusHomolog    = "homolog"
	StatusNoHit      = "no_hit"
	StatusLowQuality = "low_quality"
	StatusError      = "error"
	StatusEmpty      = "empty"
	StatusSkipped    = "skipped"
)

// Statuses lists every status, in the order of the package documentation.
var Statuses = []string{StatusWildtype, StatusMutant, StatusAmbiguous, StatusPartial, StatusTruncated,
	StatusHomolog, StatusNoHit, StatusLowQuality, StatusError, StatusEmpty, StatusSkipped}

// SameGene reports whether a status says the query is the reference's gene
// (its calls are variants of that gene).
func SameGene(status string) bool {
	switch status {
	case StatusWildtype, StatusMutant, StatusAmbiguous, StatusPartial, StatusTruncated:
		return true
	}
	return false
}

// CallStatus is the status of a same-gene hit from what calling found:
// truncated > partial > mutant > ambiguous > wildtype.
func CallStatus(truncated, partial, definiteChange, ambiguousChange bool) string {
	switch {
	case truncated:
		return StatusTruncated
	case partial:
		return StatusPartial
	case definiteChange:
		return StatusMutant
	case ambiguousChange:
		return StatusAmbiguous
	}
	return StatusWildtype
}

// Flags of a record: facts about the query or the alignment that qualify
// its status. The caller of variant.Call adds the query facts
// (lowercase_input, removed_characters, terminal_stop_stripped,
// multiple_copies, tied_references); Call detects the others.
const (
	FlagPartialN             = "partial_N"
	FlagPartialC             = "partial_C"
	FlagInternalStop         = "internal_stop"
	FlagDivergentCTail       = "divergent_C_terminal_tail"
	FlagAmbiguousResidues    = "ambiguous_residues"
	FlagNonstandardResidues  = "nonstandard_residues"
	FlagNTerminalOverhang    = "N_terminal_overhang"
	FlagCTerminalOverhang    = "C_terminal_overhang"
	FlagTerminalStopStripped = "terminal_stop_stripped"
	FlagLowercaseInput       = "lowercase_input"
	FlagRemovedCharacters    = "removed_characters"
	FlagMultipleCopies       = "multiple_copies"
	FlagTiedReferences       = "tied_references" // best mode: several references share the best score (the first is used)
)

// FlagOrder is the order flags are listed in; unknown caller flags follow,
// sorted.
var FlagOrder = []string{
	FlagPartialN, FlagPartialC, FlagInternalStop, FlagDivergentCTail,
	FlagAmbiguousResidues, FlagNonstandardResidues, FlagNTerminalOverhang,
	FlagCTerminalOverhang, FlagTerminalStopStripped, FlagLowercaseInput,
	FlagRemovedCharacters, FlagMultipleCopies, FlagTiedReferences,
}

// Truncation evidence: why a record is truncated.
const (
	// EvidenceStop: the query has a '*' inside or right after the aligned
	// region (K141*), a stop codon read through by the translation.
	EvidenceStop = "premature_stop"
	// EvidenceEndsAtStop: the query is a complete translation (it ended in
	// '*', or --complete-proteins) that ends before the reference does.
	EvidenceEndsAtStop = "ends_at_stop"
	// EvidenceFrameshiftLike: the alignment stops early and the query goes
	// on for a short divergent tail, as after a frameshift, then ends.
	EvidenceFrameshiftLike = "frameshift_like_end"
	// EvidenceFrameshift: CDS input, an indel whose length is not a
	// multiple of 3 shifts the frame (the frameshift call, Y253CfsTer5).
	EvidenceFrameshift = "frameshift"
)

// Truncation says where and why a same-gene query is truncated.
type Truncation struct {
	// Position is the reference position (1-based) where the protein
	// stops: the premature stop (141 for K141*) or the first position after
	// the aligned region for a frameshift-like end.
	Position        int    `json:"position"`
	ReferenceLength int    `json:"reference_length"`
	Evidence        string `json:"evidence"`
	// CallsAfterStop counts the mutations listed after the premature stop
	// (after_premature_stop): read-through of a disrupted gene, not counted
	// as the protein's changes.
	CallsAfterStop int `json:"calls_after_stop"`
}

// String is "truncated at 141/214 (premature_stop)".
func (t *Truncation) String() string {
	return fmt.Sprintf("truncated at %d/%d (%s)", t.Position, t.ReferenceLength, t.Evidence)
}

// Mutation types.
const (
	TypeSubstitution = "substitution"
	TypeDeletion     = "deletion"
	TypeInsertion    = "insertion"
	TypeDelins       = "delins"
	TypeDuplication  = "duplication"
	TypeNonsense     = "nonsense"
	TypeAmbiguous    = "ambiguous"
	TypeExtension    = "extension"
)

// Types of codon-level calls, made only from coding-sequence (CDS) input
// (package variant, CallCodons).
const (
	// TypeFrameshift: an indel whose length is not a multiple of 3 shifts
	// the reading frame; named like Y253CfsTer5 (p.Tyr253CysfsTer5): the
	// first changed residue, its replacement, and the position of the new
	// stop counting that residue as 1 (fsTer? when the query ends first).
	TypeFrameshift = "frameshift"
	// TypeSynonymous: a codon changed without changing its residue,
	// S83= (p.Ser83=).
	TypeSynonymous = "synonymous"
)

// Site states, for reporting chosen reference positions (sites of
// interest) the way AMRFinderPlus --mutation_all does: a checked wild-type
// site is kept apart from a site the query does not cover.
const (
	SiteWildType   = "wild_type"
	SiteMutant     = "mutant"
	SiteAmbiguous  = "ambiguous"
	SiteDeleted    = "deleted"
	SiteNotCovered = "not_covered"
	// With a catalog, a changed catalogued site says whether the change is
	// one the catalog lists there.
	SiteKnownMutant = "known_mutant"
	SiteOtherMutant = "other_mutant"
)

// Mutation is one change in reference numbering (1-based, inclusive).
//
// Ref holds the reference residues at RefStart..RefEnd that were removed or
// replaced and Alt the query residues that replace them:
//   - substitution, nonsense, ambiguous: one residue each (Alt '*' or the
//     ambiguity letter).
//   - deletion: Alt is empty; QueryStart/QueryEnd are the query residues
//     either side of the deletion.
//   - insertion: Ref is empty, RefStart/RefEnd are the two flanking
//     reference residues, QueryStart..QueryEnd the inserted residues.
//   - duplication: RefStart..RefEnd is the duplicated reference range, Ref
//     and Alt are both the duplicated residues, QueryStart..QueryEnd the
//     added copy.
//   - extension: RefStart = RefEnd = reference length + 1 (the stop), Ref is
//     "*", Alt the added residues before the new stop.
//
// Letters are upper case. Indels (deletion, insertion, duplication) also
// carry the position the alignment gave them before 3' shifting (Raw*).
type Mutation struct {
	Type               string `json:"type"`
	RefStart           int    `json:"ref_start"`
	RefEnd             int    `json:"ref_end"`
	QueryStart         int    `json:"query_start"`
	QueryEnd           int    `json:"query_end"`
	Ref                string `json:"ref"`
	Alt                string `json:"alt"`
	Short              string `json:"short"`
	HGVS               string `json:"hgvs_p"`
	Name               string `json:"name,omitempty"`
	AfterPrematureStop bool   `json:"after_premature_stop,omitempty"`
	RawRefStart        int    `json:"raw_ref_start,omitempty"`
	RawRefEnd          int    `json:"raw_ref_end,omitempty"`
	RawQueryStart      int    `json:"raw_query_start,omitempty"`
	RawQueryEnd        int    `json:"raw_query_end,omitempty"`
	RawShort           string `json:"raw_short,omitempty"`
	// Codons, for CDS input only: the reference and query codons of the
	// changed residues and the change in the field's form (TCG>TTG).
	RefCodons   string `json:"ref_codons,omitempty"`
	QueryCodons string `json:"query_codons,omitempty"`
	CodonChange string `json:"codon_change,omitempty"`
	// Verdict and Catalog, with --catalog and a catalogued gene: what the
	// catalogs say of the change (Verdict* constants) and every entry it
	// matches.
	Verdict string         `json:"verdict,omitempty"`
	Catalog []CatalogMatch `json:"catalog,omitempty"`
}

// Verdicts of a call against the catalogs.
const (
	VerdictKnown            = "known"               // the catalog lists this exact change
	VerdictNovelAtKnownSite = "novel_at_known_site" // another change at a catalogued position
	VerdictNovel            = "novel"               // nowhere in the catalog
	VerdictAmbiguous        = "ambiguous"           // an ambiguity code (S83X): neither shown nor ruled out
)

// Requirement states of a catalog match with required co-mutations.
const (
	RequirementMet     = "met"
	RequirementMissing = "missing" // checked: the required change is absent
	RequirementUnknown = "unknown" // not decidable from this protein copy alone (another gene: see the genome's genotype)
)

// CatalogMatch is one catalog entry a call matches.
type CatalogMatch struct {
	Catalog   string   `json:"catalog"`
	Version   string   `json:"catalog_version,omitempty"`
	Gene      string   `json:"gene"` // the catalog's gene name (pmrB where the reference is basS)
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Classes   []string `json:"drug_classes,omitempty"`
	Drugs     []string `json:"drugs,omitempty"`
	Mechanism string   `json:"mechanism,omitempty"`
	PMIDs     []string `json:"pmids,omitempty"`
	Notes     string   `json:"notes,omitempty"`
	Source    string   `json:"source"` // catalog file and line
	// Requires is the requirement as the catalog writes it; Requirement
	// its state and Missing what is lacking ("requires gyrA S83L/W/A/V").
	Requires    string `json:"requires,omitempty"`
	Requirement string `json:"requirement,omitempty"`
	Missing     string `json:"missing,omitempty"`
	// Counts: the match counts toward resistance (its requirement, if any,
	// is met, and the call is not after a premature stop).
	Counts bool `json:"counts"`
}

// Region is a reference range, 1-based inclusive.
type Region struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Site is the state of one reference position in a Result.
type Site struct {
	RefPos int    `json:"ref_pos"` // 1-based reference position
	Ref    string `json:"ref"`     // reference residue
	// Observed is what the query has there: the reference residue when
	// wild type, the call's Alt when changed ("*" for a stop, the whole
	// replacement for a delins), empty when deleted or not covered.
	Observed string `json:"observed"`
	State    string `json:"state"`
	// Mutation is the Short name of the call covering the site, if any.
	Mutation           string `json:"mutation,omitempty"`
	AfterPrematureStop bool   `json:"after_premature_stop,omitempty"`
	// Entries names the catalog entries at this position (catalog sites).
	Entries []string `json:"entries,omitempty"`
}

// CatalogLabel names a catalog for people and in Record.CataloguedBy:
// "PointFinder 4.1.0 (escherichia_coli)", "AMRFinderPlus (Escherichia)",
// "in_house". The name holds no space (catalog names are one word), so
// ParseCatalogLabel can take the label apart again.
func CatalogLabel(name, version, subset string) string {
	s := name
	if version != "" {
		s += " " + version
	}
	if subset != "" {
		s += " (" + subset + ")"
	}
	return s
}

// ParseCatalogLabel is the inverse of CatalogLabel: the first word is the
// name, a last part in parentheses the subset, what lies between the
// version.
func ParseCatalogLabel(label string) (name, version, subset string) {
	name, rest, _ := strings.Cut(label, " ")
	if strings.HasSuffix(rest, ")") {
		if i := strings.LastIndex(rest, "("); i >= 0 && (i == 0 || rest[i-1] == ' ') {
			rest, subset = strings.TrimSuffix(rest[:i], " "), rest[i+1:len(rest)-1]
		}
	}
	return name, rest, subset
}
