package quality

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wtalign/wtalign/cohort"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
	"github.com/wtalign/wtalign/verify"
)

// ErrNoOutputs: a directory (or the whole list) holds no wtalign output.
var ErrNoOutputs = errors.New("no wtalign outputs")

// ErrMixedCohort: the outputs were made with different references,
// parameters or record schema versions, so their numbers cannot be
// compared in one report.
var ErrMixedCohort = errors.New("outputs of different runs cannot share one report")

// expand turns the paths (files, manifests or directories) into output
// files, sorted and without duplicates. A directory contributes every
// *.json / *.jsonl file that has a manifest beside it and every
// *_alignments.json[l]; a directory with none is an error, and so is one
// that holds only the partial output of an unfinished run.
func expand(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			add(strings.TrimSuffix(p, verify.ManifestSuffix))
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("quality: %s: %w", p, err)
		}
		n := 0
		var partials []string
		for _, e := range ents {
			name := e.Name()
			full := filepath.Join(p, name)
			switch {
			case e.IsDir():
			case strings.HasSuffix(name, ".partial"):
				partials = append(partials, full)
			case strings.HasSuffix(name, verify.ManifestSuffix):
			case strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".jsonl"):
				_, merr := os.Stat(full + verify.ManifestSuffix)
				if merr == nil || strings.HasSuffix(name, "_alignments.json") || strings.HasSuffix(name, "_alignments.jsonl") {
					add(full)
					n++
				}
			}
		}
		for _, part := range partials {
			if out := strings.TrimSuffix(part, ".partial"); !seen[out] {
				if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
					add(part) // Open explains the unfinished run
					n++
				}
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("quality: %s: %w: no *_alignments.json[l] and no output with a %s beside it", p, ErrNoOutputs, verify.ManifestSuffix)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("quality: %w given", ErrNoOutputs)
	}
	sort.Strings(out)
	return out, nil
}

// accessionNamer names the accession of each output.
type accessionNamer struct {
	rule     cohort.AccessionRule
	fallback bool // default rule: the file-name pattern, else the stem
}

func newNamer(mode, pattern string) (accessionNamer, error) {
	rule, err := cohort.NewAccessionRule(mode, pattern)
	if err != nil {
		return accessionNamer{}, fmt.Errorf("quality: %w", err)
	}
	if rule.Mode() == cohort.FromInput {
		return accessionNamer{}, fmt.Errorf("quality: accession mode %q is not supported: a report has one accession per output; use %q or %q", cohort.FromInput, cohort.FromFilename, cohort.FromStem)
	}
	return accessionNamer{rule: rule, fallback: mode == "" && pattern == ""}, nil
}

func (n accessionNamer) name(path string) (string, error) {
	acc, err := n.rule.FromPath(path)
	if err != nil && n.fallback {
		stem, _ := cohort.NewAccessionRule(cohort.FromStem, "")
		acc, err = stem.FromPath(path)
	}
	if err != nil {
		return "", fmt.Errorf("quality: %w", err)
	}
	return acc, nil
}

// record is the part of a wtalign record the report reads. Mutations
// are the record's own type (report.Mutation: the verdict and the list of
// catalog matches of package report); the record-level catalog and regions
// fields are decoded loosely (any), see regions.
type record struct {
	SchemaVersion string `json:"schema_version"`
	InputFile     string `json:"input_file"`
	Query         struct {
		ID      *string `json:"id"`
		Length  int     `json:"length"`
		Index   int     `json:"index"`
		Ordinal *int    `json:"ordinal"`
	} `json:"query"`
	Reference *struct {
		ID     string `json:"id"`
		Gene   string `json:"gene"`
		Length int    `json:"length"`
		SHA256 string `json:"sha256"`
	} `json:"reference"`
	Engine struct {
		Name      string  `json:"name"`
		Version   string  `json:"version"`
		Matrix    string  `json:"matrix"`
		GapOpen   float64 `json:"gap_open"`
		GapExtend float64 `json:"gap_extend"`
		Assign    string  `json:"assign"`
	} `json:"engine"`
	Alignment *struct {
		PercentIdentity              float64 `json:"percent_identity"`
		PercentIdentityOverReference float64 `json:"percent_identity_over_reference"`
		ReferenceCoverage            float64 `json:"reference_coverage"`
		QueryEnd                     int     `json:"query_end"`
		AlignedQuery                 string  `json:"aligned_query"`
	} `json:"alignment"`
	Status    *string           `json:"status"`
	Flags     []string          `json:"flags"`
	CopyIndex int               `json:"copy_index"`
	Mutations []report.Mutation `json:"mutations"`
	Error     string            `json:"error"`
	Catalog   any               `json:"catalog"`
	Regions   any               `json:"regions"`
}

// annotation is what the catalogs say of a call, as align --catalog
// writes it: the verdict (report.Verdict*; any other value is
// unannotated) and the drug classes of the matches that count toward
// resistance, as the tsv output lists them (output.MatchClasses: a match
// whose required co-mutation is missing names no class).
func annotation(m *report.Mutation) (verdict string, drugs []string) {
	switch m.Verdict {
	case report.VerdictKnown, report.VerdictNovelAtKnownSite, report.VerdictNovel, report.VerdictAmbiguous:
		verdict = m.Verdict
	}
	drugs, _ = output.MatchClasses(m.Catalog)
	return verdict, drugs
}

// regions reads catalogued regions of the record's reference: a
// "regions" list on the record or in its "catalog" object, each with
// name, start and end. report.Record has neither field: no wtalign stage
// writes regions, so they come only from a lab's own post-processing.
func (r *record) regions() []Region {
	lists := []any{r.Regions}
	if c, ok := r.Catalog.(map[string]any); ok {
		lists = append(lists, c["regions"])
	}
	var out []Region
	for _, l := range lists {
		items, _ := l.([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			s, sok := m["start"].(float64)
			e, eok := m["end"].(float64)
			if name := str(m["name"]); name != "" && sok && eok && s >= 1 && e >= s {
				out = append(out, Region{Name: name, Start: int(s), End: int(e)})
			}
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// decode reads one record, refusing JSON that is not a wtalign record.
func decode(r *verify.Rec) (*record, error) {
	rec := new(record)
	if err := json.Unmarshal(r.Data, rec); err != nil {
		return nil, r.Errorf(verify.ErrNotOutput, "not a wtalign record: %v", err)
	}
	if rec.Status == nil || rec.Query.ID == nil || rec.Query.Ordinal == nil || rec.SchemaVersion == "" {
		return nil, r.Errorf(verify.ErrNotOutput, "not a wtalign record (no schema_version, status, query.id or query.ordinal)")
	}
	return rec, nil
}

// refuseTSV: the report needs the JSON records.
func refuseTSV(o *verify.Output) error {
	if o.Format == output.TSV {
		return &verify.InputError{File: o.Path, Line: 1, Msg: "a tsv output holds one row per mutation without the aligned query; the report reads json or jsonl outputs (align with --format json or jsonl)"}
	}
	return nil
}
