package cohort

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Ways to name the accession an alignment output belongs to.
const (
	FromFilename = "filename" // {accession}_alignments.json (or --accession-regex on the file name)
	FromStem     = "stem"     // the file name up to its first '.'
	FromInput    = "input"    // the records' input_file, e.g. results/proteins/{accession}_proteins.fasta
)

// DefaultFilenamePattern matches the workflows' output names.
const DefaultFilenamePattern = `^(.+)_alignments\.(?:jsonl?|tsv)$`

// inputSuffixes are stripped from an input file's name in FromInput mode.
var inputSuffixes = []string{".gz", ".fasta", ".faa", ".fa", ".fas", ".pep", "_proteins", "_protein"}

// AccessionRule derives an accession from a file name or a record.
type AccessionRule struct {
	mode string
	re   *regexp.Regexp
}

// NewAccessionRule builds a rule. pattern is a regular expression with one
// capture group (or a group named "accession") matched against the base name
// of the file (filename mode) or of the records' input file (input mode);
// empty means the default for the mode.
func NewAccessionRule(mode, pattern string) (AccessionRule, error) {
	switch mode {
	case "", FromFilename:
		mode = FromFilename
		if pattern == "" {
			pattern = DefaultFilenamePattern
		}
	case FromStem:
		if pattern != "" {
			return AccessionRule{}, fmt.Errorf("cohort: an accession pattern needs mode %q or %q, not %q", FromFilename, FromInput, mode)
		}
	case FromInput:
	default:
		return AccessionRule{}, fmt.Errorf("cohort: unknown accession mode %q (want %s, %s or %s)", mode, FromFilename, FromStem, FromInput)
	}
	r := AccessionRule{mode: mode}
	if pattern != "" {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return AccessionRule{}, fmt.Errorf("cohort: accession pattern: %w", err)
		}
		if re.NumSubexp() != 1 && re.SubexpIndex("accession") < 0 {
			return AccessionRule{}, fmt.Errorf("cohort: accession pattern %q needs exactly one capture group or a group named accession", pattern)
		}
		r.re = re
	}
	return r, nil
}

// Mode is the rule's mode.
func (r AccessionRule) Mode() string { return r.mode }

// FromPath names the accession of the output file path (filename and stem
// modes).
func (r AccessionRule) FromPath(path string) (string, error) {
	base := filepath.Base(path)
	switch r.mode {
	case FromStem:
		acc, _, _ := strings.Cut(base, ".")
		if acc == "" {
			return "", fmt.Errorf("cohort: %s: cannot take an accession from the file name", path)
		}
		return acc, nil
	case FromFilename:
		acc, ok := r.match(base)
		if !ok {
			return "", fmt.Errorf("cohort: %s: file name does not match %q; name outputs {accession}_alignments.json or choose another --accession-from", path, r.re.String())
		}
		return acc, nil
	}
	return "", fmt.Errorf("cohort: accession mode %q takes the accession from the records, not the path", r.mode)
}

// FromInputFile names the accession from a record's input_file (input mode).
func (r AccessionRule) FromInputFile(inputFile string) (string, error) {
	base := filepath.Base(inputFile)
	if r.re != nil {
		acc, ok := r.match(base)
		if !ok {
			return "", fmt.Errorf("cohort: input file %s does not match %q", inputFile, r.re.String())
		}
		return acc, nil
	}
	acc := base
	for changed := true; changed; {
		changed = false
		for _, s := range inputSuffixes {
			if t := strings.TrimSuffix(acc, s); t != acc && t != "" {
				acc, changed = t, true
			}
		}
	}
	if inputFile == "" || inputFile == "-" || acc == "" {
		return "", fmt.Errorf("cohort: record has no input file name to take an accession from (%q)", inputFile)
	}
	return acc, nil
}

func (r AccessionRule) match(base string) (string, bool) {
	m := r.re.FindStringSubmatch(base)
	if m == nil {
		return "", false
	}
	i := 1
	if j := r.re.SubexpIndex("accession"); j > 0 {
		i = j
	}
	return m[i], m[i] != ""
}
