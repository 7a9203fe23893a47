package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/gencode"
	"github.com/wtalign/wtalign/output"
)

// Spec is one alignment job: the parameters of `wtalign align`. Every
// field's key (json and yaml tag) is its flag name, so a job can be given
// as flags, as a YAML config file or as JSON (the HTTP service) and is
// validated by one function, Validate, whichever way it came.
type Spec struct {
	Inputs     []string `json:"inputs" yaml:"inputs"`           // query FASTA paths; "-" is stdin
	InfileList string   `json:"infile-list" yaml:"infile-list"` // file of further input paths, one per line
	Reference  string   `json:"reference" yaml:"reference"`

	Out                string   `json:"out" yaml:"out"`
	Format             string   `json:"format" yaml:"format"`
	Manifest           string   `json:"manifest" yaml:"manifest"`
	Resume             string   `json:"resume" yaml:"resume"`
	Force              bool     `json:"force" yaml:"force"`
	CheckpointEvery    int      `json:"checkpoint-every" yaml:"checkpoint-every"`
	CheckpointInterval Duration `json:"checkpoint-interval" yaml:"checkpoint-interval"`
	Shard              string   `json:"shard" yaml:"shard"`
	MetricsFile        string   `json:"metrics-file" yaml:"metrics-file"` // node_exporter textfile (.prom) written at the end

	Assign          string `json:"assign" yaml:"assign"`
	KeyRegex        string `json:"key-regex" yaml:"key-regex"`
	Map             string `json:"map" yaml:"map"`
	Sites           string `json:"sites" yaml:"sites"`
	SkipUnassigned  bool   `json:"skip-unassigned" yaml:"skip-unassigned"`
	AllowNucleotide bool   `json:"allow-nucleotide" yaml:"allow-nucleotide"`
	MaxLength       int    `json:"max-length" yaml:"max-length"`

	InputType   string `json:"input-type" yaml:"input-type"`     // protein, or cds (nucleotide coding sequences, translated)
	GeneticCode int    `json:"genetic-code" yaml:"genetic-code"` // NCBI table for --input-type cds

	Catalogs        []string `json:"catalog" yaml:"catalog"`                   // resistance catalogs (repeatable)
	CatalogFormat   string   `json:"catalog-format" yaml:"catalog-format"`     // "" detects it per catalog
	CatalogTaxgroup string   `json:"catalog-taxgroup" yaml:"catalog-taxgroup"` // AMRFinderPlus taxgroup
	GeneAliases     []string `json:"gene-alias" yaml:"gene-alias"`             // catalog gene = reference gene key, or a TSV of them
	CatalogLenient  bool     `json:"catalog-lenient" yaml:"catalog-lenient"`   // a residue mismatch drops the entry (counted) instead of failing

	MinIdentity      float64 `json:"min-identity" yaml:"min-identity"`
	MinRefCoverage   float64 `json:"min-ref-coverage" yaml:"min-ref-coverage"`
	MinScore         float64 `json:"min-score" yaml:"min-score"`
	SameGeneIdentity float64 `json:"same-gene-identity" yaml:"same-gene-identity"`
	CompleteProteins bool    `json:"complete-proteins" yaml:"complete-proteins"`

	Matrix    string  `json:"matrix" yaml:"matrix"`
	GapOpen   float64 `json:"gapopen" yaml:"gapopen"`
	GapExtend float64 `json:"gapextend" yaml:"gapextend"`

	Engine       string   `json:"engine" yaml:"engine"`
	WaterPath    string   `json:"water-path" yaml:"water-path"`
	WaterFormat  string   `json:"water-format" yaml:"water-format"`
	Fallback     string   `json:"fallback" yaml:"fallback"`
	WaterTimeout Duration `json:"water-timeout" yaml:"water-timeout"`

	Threads int `json:"threads" yaml:"threads"`
}

// Enumerated values, for validation, help and shell completion alike.
var (
	AssignModes  = []string{AssignAuto, AssignName, AssignMap, AssignBest}
	Engines      = []string{EngineNative, EngineWater, EngineAuto}
	Fallbacks    = []string{"none", EngineNative}
	ResumeModes  = []string{"auto", "true", "false"}
	WaterFormats = []string{"markx10", "srspair"}
	InputTypes   = []string{InputProtein, InputCDS}
)

// Input types.
const (
	InputProtein = "protein"
	InputCDS     = "cds" // nucleotide coding sequences: translated, calls also carry codons
)

// FormatNames are the output formats' names.
func FormatNames() []string {
	out := make([]string, len(output.Formats))
	for i, f := range output.Formats {
		out[i] = string(f)
	}
	return out
}

// Engine names.
const (
	EngineNative = "native"
	EngineWater  = "water"
	EngineAuto   = "auto" // water when it is found, native otherwise
)

// Defaults.
const (
	DefaultMinIdentity    = 25.0
	DefaultMinRefCoverage = 50.0
	DefaultMinScore       = 100.0
	// DefaultSameGeneIdentity: variants of one gene across E. coli and its
	// close relatives are >= 90% identical (Salmonella GyrA 91.5%, ParC
	// 95.1% to K-12), while the closest paralogs in the K-12 proteome are
	// <= 78% (AcrF/AcrB 77.6%, OmpN/OmpC 66.8%) and Gram-positive orthologs
	// about 50%.
	DefaultSameGeneIdentity = 80.0
	DefaultWaterTimeout     = 10 * time.Minute
	// DefaultMaxLength bounds one sequence (residues). The engine's memory
	// is linear in the query length (checkpointed traceback), so the limit
	// is about sane input, not about memory: no protein comes near it.
	DefaultMaxLength = 1_000_000
)

// DefaultSpec is a Spec with every documented default. Threads is 0:
// callers fill in their CPU budget (DefaultThreads for the CLI).
func DefaultSpec() Spec {
	return Spec{
		Out: "-", Format: string(output.JSON), Resume: "auto",
		CheckpointEvery: output.DefaultCheckpointEvery, CheckpointInterval: Duration(output.DefaultCheckpointInterval),
		Assign:      AssignAuto,
		MinIdentity: DefaultMinIdentity, MinRefCoverage: DefaultMinRefCoverage, MinScore: DefaultMinScore,
		SameGeneIdentity: DefaultSameGeneIdentity,
		MaxLength:        DefaultMaxLength, InputType: InputProtein, GeneticCode: gencode.Default,
		Matrix: "EBLOSUM62", GapOpen: 10, GapExtend: 0.5,
		Engine: EngineNative, WaterFormat: "markx10", Fallback: "none", WaterTimeout: Duration(DefaultWaterTimeout),
	}
}

// FieldError is a Spec field with a value that cannot be used. Key is the
// field's flag/config/JSON name, so each front end can point at it in its
// own terms (--threads, "config line 4: threads", a JSON field).
type FieldError struct {
	Key   string
	Value string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Key, e.Msg)
	}
	return fmt.Sprintf("%s %s: %s", e.Key, e.Value, e.Msg)
}

// ErrSpec is wrapped by every error that says the job specification is
// unusable (as opposed to its files being unreadable or invalid).
var ErrSpec = errors.New("invalid job specification")

func (e *FieldError) Unwrap() error { return ErrSpec }

func fieldErr(key string, value any, format string, args ...any) error {
	v := ""
	switch x := value.(type) {
	case nil:
	case string:
		v = strconv.Quote(x)
	default:
		v = fmt.Sprint(x)
	}
	return &FieldError{Key: key, Value: v, Msg: fmt.Sprintf(format, args...)}
}

func oneOf(key, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return fieldErr(key, v, "want %s", orList(allowed))
}

func orList(vals []string) string {
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// Validate checks every field that can be checked without reading a file
// and returns the first problem as a *FieldError.
func (s *Spec) Validate() error {
	if s.Reference == "" {
		return fieldErr("reference", nil, "required: a FASTA of wild-type reference proteins")
	}
	if len(s.Inputs) == 0 && s.InfileList == "" {
		return fieldErr("inputs", nil, "at least one query FASTA file (or - for stdin) is needed")
	}
	stdin := 0
	seen := map[string]bool{}
	for _, in := range s.Inputs {
		if in == "" {
			return fieldErr("inputs", in, "empty file name")
		}
		if in == "-" {
			stdin++
			continue
		}
		if seen[in] {
			return fieldErr("inputs", in, "given twice; each input file is one genome and is read once")
		}
		seen[in] = true
	}
	if stdin > 1 {
		return fieldErr("inputs", "-", "stdin can be given only once")
	}
	if s.Out == "" {
		return fieldErr("out", nil, "empty output path (use - for stdout)")
	}
	if err := oneOf("format", s.Format, FormatNames()); err != nil {
		return err
	}
	if err := oneOf("resume", s.Resume, ResumeModes); err != nil {
		return err
	}
	if s.Force && s.Resume == "true" {
		return fieldErr("force", nil, "--force (start over) and --resume=true (must resume) contradict each other")
	}
	if s.CheckpointEvery < 1 {
		return fieldErr("checkpoint-every", s.CheckpointEvery, "want at least 1 record")
	}
	if s.CheckpointInterval <= 0 {
		return fieldErr("checkpoint-interval", s.CheckpointInterval.String(), "want a positive duration, e.g. 10s")
	}
	if _, _, err := ParseShard(s.Shard); err != nil {
		return err
	}
	if s.MetricsFile != "" && !strings.HasSuffix(s.MetricsFile, ".prom") {
		return fieldErr("metrics-file", s.MetricsFile, "the name must end in .prom (node_exporter's textfile collector reads only those)")
	}
	if err := oneOf("assign", s.Assign, AssignModes); err != nil {
		return err
	}
	if s.Assign == AssignMap && s.Map == "" {
		return fieldErr("map", nil, "--assign map needs a map file (query_id<TAB>reference_id)")
	}
	if s.Map != "" && s.Assign != AssignMap {
		return fieldErr("map", s.Map, "a map file is used only with --assign map")
	}
	if _, err := s.keyRegex(); err != nil {
		return err
	}
	if err := oneOf("input-type", s.InputType, InputTypes); err != nil {
		return err
	}
	if _, err := gencode.Lookup(s.GeneticCode); err != nil {
		return fieldErr("genetic-code", s.GeneticCode, "%s", strings.TrimPrefix(err.Error(), "gencode: "))
	}
	if s.CatalogFormat != "" {
		if err := oneOf("catalog-format", s.CatalogFormat, catalog.Formats); err != nil {
			return err
		}
	}
	for _, c := range s.Catalogs {
		if c == "" {
			return fieldErr("catalog", c, "empty path")
		}
	}
	if s.Format == string(output.HAMRonization) && len(s.Catalogs) == 0 {
		return fieldErr("format", s.Format, "hAMRonization rows are the calls on catalogued genes: give a --catalog")
	}
	if len(s.Catalogs) == 0 && (s.CatalogFormat != "" || s.CatalogTaxgroup != "" || s.CatalogLenient) {
		return fieldErr("catalog", nil, "--catalog-format, --catalog-taxgroup and --catalog-lenient need a --catalog")
	}
	if s.MaxLength < 1 {
		return fieldErr("max-length", s.MaxLength, "want at least 1 residue")
	}
	for _, p := range []struct {
		key string
		v   float64
	}{{"min-identity", s.MinIdentity}, {"min-ref-coverage", s.MinRefCoverage}, {"same-gene-identity", s.SameGeneIdentity}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 100 {
			return fieldErr(p.key, p.v, "want a percentage from 0 to 100")
		}
	}
	if math.IsNaN(s.MinScore) || math.IsInf(s.MinScore, 0) || s.MinScore < 0 {
		return fieldErr("min-score", s.MinScore, "want a water score of 0 or more")
	}
	if s.Matrix == "" {
		return fieldErr("matrix", nil, "empty: give a built-in EMBOSS matrix name (EBLOSUM62) or a matrix file")
	}
	if err := aligner.CheckPenalties(s.GapOpen, s.GapExtend); err != nil {
		key, v := "gapopen", s.GapOpen
		if errors.Is(err, aligner.ErrGapExtend) {
			key, v = "gapextend", s.GapExtend
		}
		return fieldErr(key, v, "%s", strings.TrimPrefix(err.Error(), "aligner: "))
	}
	if err := oneOf("engine", s.Engine, Engines); err != nil {
		return err
	}
	if err := oneOf("water-format", s.WaterFormat, WaterFormats); err != nil {
		return err
	}
	if err := oneOf("fallback", s.Fallback, Fallbacks); err != nil {
		return err
	}
	if s.WaterTimeout <= 0 {
		return fieldErr("water-timeout", s.WaterTimeout.String(), "want a positive duration, e.g. 10m")
	}
	if s.Threads < 1 {
		return fieldErr("threads", s.Threads, "want at least 1")
	}
	return nil
}

func (s *Spec) keyRegex() (*regexp.Regexp, error) {
	if s.KeyRegex == "" {
		return nil, nil
	}
	re, err := regexp.Compile(s.KeyRegex)
	if err != nil {
		return nil, fieldErr("key-regex", s.KeyRegex, "%v", err)
	}
	if re.NumSubexp() < 1 {
		return nil, fieldErr("key-regex", s.KeyRegex, "needs a capture group for the gene key, e.g. 'gene=(\\w+)'")
	}
	return re, nil
}

// ParseShard reads "K/N" (1 <= K <= N); "" means no sharding (1, 1: the
// one shard that is the whole input).
func ParseShard(s string) (k, n int, err error) {
	k, n, err = output.ParseShard(s)
	if err != nil {
		return 0, 0, fieldErr("shard", s, "want K/N with 1 <= K <= N, e.g. 2/8")
	}
	return k, n, nil
}

// Duration is a time.Duration written as Go duration text ("10s", "5m")
// in JSON and YAML.
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes the duration as text.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads Go duration text.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s or 10m, got %q", b)
	}
	*d = Duration(v)
	return nil
}

// Set reads Go duration text (so a Duration can be a command-line flag).
func (d *Duration) Set(s string) error { return d.UnmarshalText([]byte(s)) }

// Type names the value kind for flag help.
func (d *Duration) Type() string { return "duration" }

// DecodeJSON reads a Spec from JSON over the defaults in base: unknown
// keys and values of the wrong type are *FieldError naming the key.
func DecodeJSON(data []byte, base Spec) (Spec, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		msg := "want a JSON object of parameter names to values"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			msg += ", not " + te.Value // array, number, string...: no Go type names
		} else {
			msg += ": " + err.Error()
		}
		return base, &FieldError{Key: "parameters", Msg: msg}
	}
	s := base
	fields := specFields(&s)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			return base, &FieldError{Key: k, Msg: "unknown parameter (names are the flag names of 'wtalign align')"}
		}
		if err := json.Unmarshal(raw[k], f); err != nil {
			return base, &FieldError{Key: k, Msg: "wrong type: " + err.Error()}
		}
	}
	return s, nil
}
