package report

// SchemaVersion is the version of Record's JSON layout.
const SchemaVersion = "1"

// Record is one query protein: its assignment, alignment and calls.
// Pointers are nil (omitted) when the record has no alignment (no_hit,
// error, empty, skipped).
type Record struct {
	SchemaVersion string      `json:"schema_version"`
	InputFile     string      `json:"input_file"`
	Query         Query       `json:"query"`
	Reference     *Reference  `json:"reference,omitempty"`
	Engine        Engine      `json:"engine"`
	Alignment     *Alignment  `json:"alignment,omitempty"`
	Status        string      `json:"status"`
	StatusReason  string      `json:"status_reason,omitempty"` // why, in words (every status but wildtype, mutant, ambiguous)
	Truncation    *Truncation `json:"truncation,omitempty"`    // truncated only: where and why
	Flags         []string    `json:"flags"`
	CopyIndex     int         `json:"copy_index,omitempty"`
	Mutations     []Mutation  `json:"mutations"`
	Sites         []Site      `json:"sites,omitempty"` // every catalogued (--catalog) and chosen (--sites) position of this reference, with its state
	// CataloguedBy names the catalogs with entries on this reference.
	CataloguedBy []string `json:"catalogued_by,omitempty"`
	// Synonymous lists codon changes that keep the residue (CDS input only).
	Synonymous        []Mutation `json:"synonymous,omitempty"`
	NotCovered        []Region   `json:"not_covered"`
	NTerminalOverhang int        `json:"n_terminal_overhang"`
	CTerminalOverhang int        `json:"c_terminal_overhang"`
	BestHit           *BestHit   `json:"best_hit,omitempty"` // no_hit only: the best reference, below the thresholds
	Error             string     `json:"error,omitempty"`
}

// Query describes the input protein as read (after water's cleaning).
type Query struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	Length      int    `json:"length"`  // residues after removing '-', '.', digits, spaces and one trailing '*'
	Index       int    `json:"index"`   // 1-based record number in its input file
	Ordinal     int    `json:"ordinal"` // 0-based position among all input records of the run
	SHA256      string `json:"sha256"`  // of the cleaned, upper-cased sequence
}

// Reference describes the wild type the query was aligned to.
type Reference struct {
	ID     string `json:"id"`
	Gene   string `json:"gene"`
	Length int    `json:"length"`
	SHA256 string `json:"sha256"` // of the upper-cased sequence
}

// Engine records how the alignment was made.
type Engine struct {
	Name         string  `json:"name"`    // "native" or "water"
	Version      string  `json:"version"` // wtalign version or EMBOSS version
	Matrix       string  `json:"matrix"`
	GapOpen      float64 `json:"gap_open"`
	GapExtend    float64 `json:"gap_extend"`
	Assign       string  `json:"assign"` // name, map or best
	FallbackUsed bool    `json:"fallback_used"`
}

// Alignment carries water's numbers and the aligned strings. Positions are
// 1-based and inclusive; reference positions use reference numbering, query
// positions the cleaned query.
type Alignment struct {
	Score                        float64 `json:"score"`
	Length                       int     `json:"length"`
	Identities                   int     `json:"identities"`
	Similarity                   int     `json:"similarity"`
	Gaps                         int     `json:"gaps"`
	PercentIdentity              float64 `json:"percent_identity"`                // EMBOSS: identities / alignment length
	PercentSimilarity            float64 `json:"percent_similarity"`              // EMBOSS: similarity / alignment length
	PercentGaps                  float64 `json:"percent_gaps"`                    // EMBOSS: gaps / alignment length
	PercentIdentityOverReference float64 `json:"percent_identity_over_reference"` // identities / reference length
	ReferenceStart               int     `json:"reference_start"`
	ReferenceEnd                 int     `json:"reference_end"`
	QueryStart                   int     `json:"query_start"`
	QueryEnd                     int     `json:"query_end"`
	ReferenceCoverage            float64 `json:"reference_coverage"` // % of reference residues inside the aligned region
	QueryCoverage                float64 `json:"query_coverage"`     // % of query residues inside the aligned region
	AlignedReference             string  `json:"aligned_reference"`
	Match                        string  `json:"match"` // water's markup: '|' identity, ':' similar, '.' mismatch, ' ' gap or X
	AlignedQuery                 string  `json:"aligned_query"`
	CIGAR                        string  `json:"cigar"` // M/I/D relative to the reference: I = query residue against a reference gap
}

// BestHit summarises the best alignment of a no_hit query, so thresholds
// can be tuned without rerunning.
type BestHit struct {
	ReferenceID       string  `json:"reference_id"`
	Gene              string  `json:"gene"`
	Score             float64 `json:"score"`
	PercentIdentity   float64 `json:"percent_identity"`
	ReferenceCoverage float64 `json:"reference_coverage"`
}
