package quality

import (
	"encoding/json"
	"fmt"
	"io"
)

// SchemaVersion is the version of the Report's JSON layout
// (docs/quality.schema.json).
const SchemaVersion = "1"

// Report is the quality report of a cohort. Every list is sorted (see
// each field), so the same outputs always give the same document.
type Report struct {
	SchemaVersion string   `json:"schema_version"`
	Rules         Rules    `json:"rules"`
	Overview      Overview `json:"overview"`
	// Runs: one per output, by accession.
	Runs []Run `json:"runs"`
	// Accessions: one per accession, by name.
	Accessions []Accession `json:"accessions"`
	// Genes: one per gene (reference gene key), by name.
	Genes []Gene `json:"genes"`
	// Outliers: records that look wrong, by accession, then ordinal.
	Outliers []Outlier `json:"outliers"`
	// ResourceOutliers: runs that were unusually slow or memory-hungry.
	ResourceOutliers []ResourceOutlier `json:"resource_outliers"`
	// Failures: records that were not analysed (error, empty, skipped),
	// with their reasons, by accession and ordinal.
	Failures []Failure `json:"failures"`
	// Catalog summarises catalog annotations; Present is false when no
	// record carries any.
	Catalog Catalog `json:"catalog"`
}

// Overview describes the cohort as a whole.
type Overview struct {
	Outputs    int            `json:"outputs"`
	Accessions int            `json:"accessions"`
	Records    int            `json:"records"`
	Status     map[string]int `json:"status"` // records per status
	// Analysed counts records in the per-gene statistics; Homologs the
	// further hits of a gene in a proteome scan (see Rules).
	Analysed   int `json:"analysed"`
	Homologs   int `json:"homologs"`
	Failed     int `json:"failed"`
	InputFiles int `json:"input_files"`
	// Engines lists "name version" of every engine used, sorted.
	Engines    []string   `json:"engines"`
	Parameters Parameters `json:"parameters"`
	// References lists the reference FASTA files (path and sha256) the
	// manifests name, sorted by path.
	References []FileRef `json:"references"`
	// FailureReasons counts failed records by kind of reason.
	FailureReasons map[string]int `json:"failure_reasons"`
	// ElapsedSeconds sums the runs' wall time; RecordsPerSecond is
	// records over that time (runs with a manifest only).
	ElapsedSeconds   float64 `json:"elapsed_seconds"`
	RecordsPerSecond float64 `json:"records_per_second"`
	SchemaVersion    string  `json:"record_schema_version"`
}

// Parameters are the settings that shape the numbers; a cohort must share
// them (Analyze refuses a mix).
type Parameters struct {
	Matrix           string   `json:"matrix"`
	GapOpen          float64  `json:"gap_open"`
	GapExtend        float64  `json:"gap_extend"`
	MinIdentity      *float64 `json:"min_identity"`
	MinRefCoverage   *float64 `json:"min_ref_coverage"`
	MinScore         *float64 `json:"min_score"`
	CompleteProteins *bool    `json:"complete_proteins"`
	// Assign lists the assignment modes the records used (name, map, best).
	Assign []string `json:"assign"`
}

// FileRef is a file named by a manifest.
type FileRef struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Run is one output file and what its manifest says about the run.
type Run struct {
	Accession string    `json:"accession"`
	Output    string    `json:"output"`
	Format    string    `json:"format"`
	Manifest  string    `json:"manifest,omitempty"` // "" when the output has none
	Status    string    `json:"status,omitempty"`   // the manifest's run status
	Shard     string    `json:"shard,omitempty"`
	Merged    bool      `json:"merged"`
	Records   int       `json:"records"`
	Inputs    []FileRef `json:"inputs"`
	Reference *FileRef  `json:"reference,omitempty"`
	Engine    string    `json:"engine"`
	// Cells is the dynamic-programming work of the kept alignments: the
	// sum of query length times reference length over aligned records.
	Cells            int64   `json:"cells"`
	ElapsedSeconds   float64 `json:"elapsed_seconds"`
	RecordsPerSecond float64 `json:"records_per_second"`
	CellsPerSecond   float64 `json:"cells_per_second"`
	// Sessions is 1 for a run done in one go, more when it was resumed.
	Sessions int  `json:"sessions"`
	Resumed  bool `json:"resumed"`
	// SessionResources: the resources of each session the manifest
	// records (peak RSS, CPU time); empty when it records none.
	SessionResources []SessionResources `json:"session_resources"`
	PeakRSSBytes     *int64             `json:"peak_rss_bytes"` // the largest session's
	CPUSeconds       *float64           `json:"cpu_seconds"`    // summed over sessions
}

// SessionResources are one session's resources, as the manifest records them.
type SessionResources struct {
	PeakRSSBytes *int64   `json:"peak_rss_bytes"`
	CPUSeconds   *float64 `json:"cpu_seconds"`
}

// Accession counts one accession's records.
type Accession struct {
	Accession string         `json:"accession"`
	Output    string         `json:"output"`
	Records   int            `json:"records"`
	Status    map[string]int `json:"status"`
	// Hits are records aligned to a reference (wild type, mutant,
	// ambiguous, partial, truncated, low quality, homologs).
	Hits     int `json:"hits"`
	Wildtype int `json:"wildtype"`
	Mutant   int `json:"mutant"`
	Partial  int `json:"partial"`  // partial and truncated
	Homologs int `json:"homologs"` // not the gene's own copy (see Rules)
	Failed   int `json:"failed"`   // error and empty
	Outliers int `json:"outliers"` // records listed in Report.Outliers
	Calls    int `json:"calls"`    // calls of analysed records, after a premature stop excluded
	Known    int `json:"known"`    // of which a catalog knows
	// Genotype lists the accession's known calls (gene_change), sorted;
	// empty without catalog annotations.
	Genotype []string `json:"genotype"`
	// Mutations lists every call (gene_change) of the accession's
	// analysed records that are not outliers, sorted.
	Mutations []string `json:"mutations"`
}

// Dist summarises a distribution. MAD is the median absolute deviation,
// unscaled.
type Dist struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
	MAD    float64 `json:"mad"`
}

// Gene is one reference gene across the cohort.
type Gene struct {
	Gene            string `json:"gene"`
	ReferenceID     string `json:"reference_id"`
	ReferenceLength int    `json:"reference_length"`
	Accessions      int    `json:"accessions"` // with an analysed record of the gene
	Records         int    `json:"records"`    // analysed records (copies included)
	Homologs        int    `json:"homologs"`
	// Distributions over the analysed records: EMBOSS identity (over the
	// aligned columns), reference coverage, query length / reference
	// length, calls per record.
	Identity    Dist `json:"identity"`
	Coverage    Dist `json:"coverage"`
	LengthRatio Dist `json:"length_ratio"`
	Calls       Dist `json:"calls"`
	// CopiesMedian is the median number of analysed records per accession
	// that has the gene.
	CopiesMedian float64 `json:"copies_median"`
	// Points bins the analysed records by identity and coverage (bins of
	// BinWidth percentage points; the values are bin centres), by
	// identity then coverage.
	Points []Point `json:"points"`
	// Mutations: how often each change is seen in the analysed records
	// that are not outliers, by reference position, then name.
	Mutations []Mutation `json:"mutations"`
	// Regions are catalogued regions of the reference (e.g. the QRDR), by
	// start.
	Regions []Region `json:"regions"`
}

// BinWidth is the width, in percentage points, of the identity and
// coverage bins of Gene.Points.
const BinWidth = 0.25

// Point is one identity x coverage bin.
type Point struct {
	Identity float64 `json:"identity"`
	Coverage float64 `json:"coverage"`
	Records  int     `json:"records"`
	Outliers int     `json:"outliers"` // of which are outliers
}

// Mutation is one change of a gene and its frequency in the cohort.
type Mutation struct {
	Short      string  `json:"short"`
	Name       string  `json:"name"` // gene_short
	HGVS       string  `json:"hgvs_p"`
	Type       string  `json:"type"`
	RefStart   int     `json:"ref_start"`
	RefEnd     int     `json:"ref_end"`
	Accessions int     `json:"accessions"`
	Records    int     `json:"records"`
	Frequency  float64 `json:"frequency"` // accessions / the gene's accessions
	// PositionAccessions counts the accessions with any change at
	// RefStart, this one or another (S83L and S83A in one accession count
	// once): the height of the position's lollipop stem.
	PositionAccessions int `json:"position_accessions"`
	// Verdict is the catalogs' (report.Verdict*): known,
	// novel_at_known_site, novel, ambiguous (an ambiguity code such as
	// S83X, neither shown nor ruled out), or "" without a catalog.
	Verdict string `json:"verdict"`
	// Drugs are the drug classes of the catalog matches that count toward
	// resistance (as the tsv output's drug_classes), over the records.
	Drugs []string `json:"drug_classes"`
}

// Region is a catalogued region of a reference.
type Region struct {
	Name  string `json:"name"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Outlier is a record that looks wrong, with every rule it breaks.
type Outlier struct {
	Accession         string   `json:"accession"`
	Output            string   `json:"output"`
	Record            int      `json:"record"` // 1-based record number in the output
	Ordinal           int      `json:"ordinal"`
	QueryID           string   `json:"query_id"`
	Gene              string   `json:"gene"`
	Status            string   `json:"status"`
	Identity          float64  `json:"identity"`
	IdentityOverRef   float64  `json:"identity_over_reference"`
	Coverage          float64  `json:"coverage"`
	QueryLength       int      `json:"query_length"`
	ReferenceLength   int      `json:"reference_length"`
	Calls             int      `json:"calls"`
	NovelCalls        int      `json:"novel_calls"`
	AmbiguousResidues int      `json:"ambiguous_residues"`
	Reasons           []Reason `json:"reasons"`
}

// Reason is one broken rule: its name, a sentence, and the numbers.
type Reason struct {
	Rule      string   `json:"rule"`
	Text      string   `json:"text"`
	Value     float64  `json:"value"`
	Threshold float64  `json:"threshold"`
	Median    *float64 `json:"median,omitempty"` // the gene's median, for cohort rules
	MAD       *float64 `json:"mad,omitempty"`
	Cohort    int      `json:"cohort,omitempty"` // records (or accessions) the median is over
}

// ResourceOutlier is a run that was unusually slow or used unusually
// much memory, compared with the cohort's runs.
type ResourceOutlier struct {
	Accession string  `json:"accession"`
	Output    string  `json:"output"`
	Rule      string  `json:"rule"`
	Text      string  `json:"text"`
	Value     float64 `json:"value"`
	Median    float64 `json:"median"`
}

// Failure is a record that was not analysed.
type Failure struct {
	Accession string `json:"accession"`
	Output    string `json:"output"`
	Record    int    `json:"record"`
	Ordinal   int    `json:"ordinal"`
	QueryID   string `json:"query_id"`
	InputFile string `json:"input_file"`
	Index     int    `json:"index"` // 1-based record in its input file
	Status    string `json:"status"`
	// Kind: invalid_letters, nucleotide, empty, empty_id, unassigned,
	// engine or other.
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// Catalog summarises the catalog annotations of the analysed records.
type Catalog struct {
	Present          bool `json:"present"`
	Known            int  `json:"known"`
	NovelAtKnownSite int  `json:"novel_at_known_site"`
	Novel            int  `json:"novel"`
	Ambiguous        int  `json:"ambiguous"` // ambiguity codes at catalogued genes (S83X)
	Unannotated      int  `json:"unannotated"`
	// KnownMutations: each known change and how many accessions carry
	// it, by gene then position.
	KnownMutations []KnownMutation `json:"known_mutations"`
}

// KnownMutation is one catalogued change seen in the cohort.
type KnownMutation struct {
	Name       string   `json:"name"`
	Gene       string   `json:"gene"`
	Short      string   `json:"short"`
	RefStart   int      `json:"ref_start"`
	Accessions []string `json:"accessions"`
	Drugs      []string `json:"drug_classes"`
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("quality: writing JSON: %w", err)
	}
	return nil
}
