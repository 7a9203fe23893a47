package quality

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/report"
	"github.com/wtalign/wtalign/verify"
)

// Options configure Analyze.
type Options struct {
	// AccessionMode and AccessionPattern name each output's accession as
	// `wtalign summarize` does (cohort.NewAccessionRule: "filename" with
	// a pattern, or "stem"). Both empty: the file name's
	// {accession}_alignments.json[l], else the name up to its first '.'.
	AccessionMode    string
	AccessionPattern string
	// Rules are the outlier thresholds; the zero value means DefaultRules.
	Rules *Rules
	// Progress, when set, is called after each output is read.
	Progress func(Progress)
	// Manifests are manifests kept away from their outputs (workflows
	// publish them elsewhere, under other names). Each goes to the output
	// whose sha256 its final checkpoint records; an output with a manifest
	// beside it (<out>.manifest.json) keeps that one. A manifest that
	// matches no output is an error.
	Manifests []string
}

// Progress reports how far Analyze got.
type Progress struct {
	Output  string
	Done    int // outputs read
	Total   int
	Records int // records read so far
}

// isHomologStatus: the pipeline's status for a hit that is another gene
// of the family (report.StatusHomolog).
func isHomologStatus(s string) bool { return s == report.StatusHomolog }

// hit is what the analysis keeps of one aligned record.
type hit struct {
	run       *runState
	recN      int
	ordinal   int
	queryID   string
	gene      string
	refID     string
	refLen    int
	status    string
	flags     []string
	identity  float64 // EMBOSS percent identity
	idOverRef float64
	coverage  float64
	qLen      int
	tail      int // unaligned query residues after the alignment
	ambiguous int
	assign    string
	calls     []call
	homolog   bool
	reasons   []Reason
}

type call struct {
	short, name, hgvs, typ string
	start, end             int
	verdict                string
	drugs                  []string
	novel                  bool
}

func (h *hit) lengthRatio() float64 { return float64(h.qLen) / float64(max(h.refLen, 1)) }

func (h *hit) novelCalls() int {
	n := 0
	for _, c := range h.calls {
		if c.novel {
			n++
		}
	}
	return n
}

type runState struct {
	Run
	status   map[string]int
	hits     []*hit
	failures []Failure
	refSHA   map[string]string // gene -> reference sha256 in this output
	regions  map[string][]Region
	engines  map[string]bool
	assign   map[string]bool
	params   *Parameters
	schema   string
	firstAt  string // where params were first seen
	manifest *manifest.Manifest
	elapsed  float64 // the manifest's wall time, unrounded: rates divide by it
}

// Analyze reads the outputs at paths (files, their manifests, or
// directories of outputs) and computes the report.
func Analyze(ctx context.Context, paths []string, opt Options) (*Report, error) {
	rules := DefaultRules
	if opt.Rules != nil {
		rules = *opt.Rules
	}
	namer, err := newNamer(opt.AccessionMode, opt.AccessionPattern)
	if err != nil {
		return nil, err
	}
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	loose, err := loadManifests(opt.Manifests)
	if err != nil {
		return nil, err
	}
	var runs []*runState
	byAcc := map[string]*runState{}
	records := 0
	for i, p := range files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("quality: %w", err)
		}
		rs, err := readRun(ctx, p, namer, loose)
		if err != nil {
			return nil, err
		}
		if prev := byAcc[rs.Accession]; prev != nil {
			msg := fmt.Sprintf("accession %q comes from both %s and %s", rs.Accession, prev.Output, rs.Output)
			if prev.Shard != "" || rs.Shard != "" {
				msg += ": they are shards of one run, merge them first (wtalign merge)"
			}
			return nil, fmt.Errorf("quality: %s", msg)
		}
		byAcc[rs.Accession] = rs
		runs = append(runs, rs)
		records += rs.Records
		if opt.Progress != nil {
			opt.Progress(Progress{Output: p, Done: i + 1, Total: len(files), Records: records})
		}
	}
	for _, lm := range loose {
		if !lm.used {
			return nil, fmt.Errorf("quality: manifest %s: its output (sha256 %s, written as %s) is not among the outputs given", lm.path, lm.m.Checkpoint.OutputSHA256, lm.m.Output.Path)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Accession < runs[j].Accession })
	if err := consistent(runs); err != nil {
		return nil, err
	}
	return build(runs, rules), nil
}

// looseManifest is an Options.Manifests entry.
type looseManifest struct {
	path string
	m    *manifest.Manifest
	used bool
}

// loadManifests reads Options.Manifests; each must be a finished run's.
func loadManifests(paths []string) ([]*looseManifest, error) {
	var out []*looseManifest
	for _, p := range paths {
		m, err := manifest.Load(p)
		if err != nil {
			return nil, fmt.Errorf("quality: %w", err)
		}
		if !m.Status.Finished() {
			return nil, fmt.Errorf("quality: manifest %s: the run is %s, not finished (wtalign status %s)", p, m.Status, p)
		}
		out = append(out, &looseManifest{path: p, m: m})
	}
	return out, nil
}

// readRun reads one output and its manifest: the one beside it, else the
// loose manifest that records the output's sha256.
func readRun(ctx context.Context, path string, namer accessionNamer, loose []*looseManifest) (*runState, error) {
	o, err := verify.Open(path)
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	if o.ManifestErr != nil {
		return nil, fmt.Errorf("quality: %s: %w", o.Path, o.ManifestErr)
	}
	if o.Manifest == nil && len(loose) > 0 {
		f, err := manifest.HashFile(o.Path)
		if err != nil {
			return nil, fmt.Errorf("quality: %w", err)
		}
		for _, lm := range loose {
			if lm.m.Checkpoint.OutputSHA256 == f.SHA256 {
				if lm.used {
					return nil, fmt.Errorf("quality: manifest %s matches two outputs (the second is %s)", lm.path, o.Path)
				}
				o.Manifest, o.ManifestPath, lm.used = lm.m, lm.path, true
				break
			}
		}
	}
	if err := refuseTSV(o); err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	acc, err := namer.name(o.Path)
	if err != nil {
		return nil, err
	}
	rs := &runState{Run: Run{Accession: acc, Output: o.Path, Format: string(o.Format), Inputs: []FileRef{}, SessionResources: []SessionResources{}},
		status: map[string]int{}, refSHA: map[string]string{}, regions: map[string][]Region{}, engines: map[string]bool{}, assign: map[string]bool{},
		schema: o.SchemaVersion}
	if m := o.Manifest; m != nil {
		rs.manifest = m
		rs.readManifest(o.ManifestPath, m)
	}
	err = o.Records(func(r *verify.Rec) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := decode(r)
		if err != nil {
			return err
		}
		return rs.add(r, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	rs.markHomologs()
	rs.Engine = strings.Join(sortedKeys(rs.engines), ", ")
	if rs.elapsed > 0 { // the manifest's time, not the rounded one shown
		rs.RecordsPerSecond = round2(float64(rs.Records) / rs.elapsed)
		rs.CellsPerSecond = math.Round(float64(rs.Cells) / rs.elapsed)
	}
	return rs, nil
}

func (rs *runState) readManifest(path string, m *manifest.Manifest) {
	rs.Manifest, rs.Status, rs.Shard, rs.Merged = path, string(m.Status), m.Shard, len(m.MergedFrom) > 0
	for _, f := range m.Inputs {
		rs.Inputs = append(rs.Inputs, FileRef(f))
	}
	ref := FileRef(m.Reference)
	rs.Reference = &ref
	rs.elapsed = m.Timings.ElapsedSeconds
	rs.ElapsedSeconds = round2(rs.elapsed)
	rs.Sessions = m.Sessions
	rs.Resumed = m.Sessions > 1
	// Resources: every object of the manifest holding peak_rss_bytes or
	// cpu_seconds is one session's (docs/report.md).
	data, err := os.ReadFile(path) // #nosec G304 -- the manifest of an output the user named, read for its sessions' resources
	if err != nil {
		return
	}
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return
	}
	walkResources(doc, func(s SessionResources) { rs.SessionResources = append(rs.SessionResources, s) })
	for _, s := range rs.SessionResources {
		if s.PeakRSSBytes != nil && (rs.PeakRSSBytes == nil || *s.PeakRSSBytes > *rs.PeakRSSBytes) {
			v := *s.PeakRSSBytes
			rs.PeakRSSBytes = &v
		}
		if s.CPUSeconds != nil {
			v := *s.CPUSeconds
			if rs.CPUSeconds != nil {
				v += *rs.CPUSeconds
			}
			rs.CPUSeconds = &v
		}
	}
	if n := len(rs.SessionResources); n > rs.Sessions {
		rs.Sessions = n
	}
}

func walkResources(v any, fn func(SessionResources)) {
	switch x := v.(type) {
	case map[string]any:
		rss, rok := x["peak_rss_bytes"].(float64)
		cpu, cok := x["cpu_seconds"].(float64)
		if rok || cok {
			var s SessionResources
			if rok {
				b := int64(rss)
				s.PeakRSSBytes = &b
			}
			if cok {
				s.CPUSeconds = &cpu
			}
			fn(s)
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkResources(x[k], fn)
		}
	case []any:
		for _, e := range x {
			walkResources(e, fn)
		}
	}
}

var ambiguousLetters = [256]bool{'X': true, 'x': true, 'B': true, 'b': true, 'Z': true, 'z': true, 'J': true, 'j': true}

// add takes one record into the run.
func (rs *runState) add(r *verify.Rec, rec *record) error {
	status := *rec.Status
	rs.Records++
	rs.status[status]++
	if rs.schema == "" {
		rs.schema = rec.SchemaVersion
	}
	if rec.SchemaVersion != rs.schema {
		return r.Errorf(ErrMixedCohort, "mixed schema versions: record schema_version %s, but earlier records of this output have %s", rec.SchemaVersion, rs.schema)
	}
	if rec.Engine.Name != "" {
		rs.engines[strings.TrimSpace(rec.Engine.Name+" "+rec.Engine.Version)] = true
	}
	if rec.Engine.Assign != "" {
		rs.assign[rec.Engine.Assign] = true
	}
	if rec.Engine.Matrix != "" {
		p := Parameters{Matrix: rec.Engine.Matrix, GapOpen: rec.Engine.GapOpen, GapExtend: rec.Engine.GapExtend}
		if rs.params == nil {
			rs.params, rs.firstAt = &p, fmt.Sprintf("record %d", r.N)
		} else if p.Matrix != rs.params.Matrix || p.GapOpen != rs.params.GapOpen || p.GapExtend != rs.params.GapExtend {
			return r.Errorf(ErrMixedCohort, "mixed parameters: matrix %s %g/%g, but %s has %s %g/%g", p.Matrix, p.GapOpen, p.GapExtend, rs.firstAt, rs.params.Matrix, rs.params.GapOpen, rs.params.GapExtend)
		}
	}
	ord := *rec.Query.Ordinal
	switch status {
	case "error", "empty", "skipped":
		rs.failures = append(rs.failures, Failure{Accession: rs.Accession, Output: rs.Output, Record: r.N, Ordinal: ord,
			QueryID: *rec.Query.ID, InputFile: rec.InputFile, Index: rec.Query.Index, Status: status, Kind: failureKind(status, rec.Error), Reason: rec.Error})
		return nil
	}
	if rec.Reference == nil || rec.Alignment == nil {
		return nil // no_hit
	}
	ref := rec.Reference
	gene := ref.Gene
	if gene == "" {
		gene = ref.ID
	}
	if prev, ok := rs.refSHA[gene]; ok && prev != ref.SHA256 {
		return r.Errorf(ErrMixedCohort, "mixed references: gene %s has two references in one output (sha256 %.12s and %.12s)", gene, prev, ref.SHA256)
	}
	rs.refSHA[gene] = ref.SHA256
	rs.regions[gene] = append(rs.regions[gene], rec.regions()...)
	a := rec.Alignment
	h := &hit{run: rs, recN: r.N, ordinal: ord, queryID: *rec.Query.ID, gene: gene, refID: ref.ID, refLen: ref.Length,
		status: status, flags: rec.Flags, identity: a.PercentIdentity, idOverRef: a.PercentIdentityOverReference,
		coverage: a.ReferenceCoverage, qLen: rec.Query.Length, tail: max(rec.Query.Length-a.QueryEnd, 0),
		assign: rec.Engine.Assign, homolog: isHomologStatus(status)}
	for i := 0; i < len(a.AlignedQuery); i++ {
		if ambiguousLetters[a.AlignedQuery[i]] {
			h.ambiguous++
		}
	}
	rs.Cells += int64(rec.Query.Length) * int64(ref.Length)
	for i := range rec.Mutations {
		m := &rec.Mutations[i]
		if m.AfterPrematureStop {
			continue // calls after a premature stop are not counted
		}
		v, drugs := annotation(m)
		name := m.Name
		if name == "" {
			name = gene + "_" + m.Short
		}
		h.calls = append(h.calls, call{short: m.Short, name: name, hgvs: m.HGVS, typ: m.Type, start: m.RefStart, end: m.RefEnd,
			verdict: v, drugs: drugs, novel: m.Type != report.TypeAmbiguous && v != report.VerdictKnown})
	}
	rs.hits = append(rs.hits, h)
	return nil
}

// failureKind classifies a failed record's reason.
func failureKind(status, reason string) string {
	switch {
	case status == "skipped":
		return "unassigned"
	case status == "empty" || strings.Contains(reason, "empty sequence"):
		return "empty"
	case strings.Contains(reason, "invalid letter"):
		return "invalid_letters"
	case strings.Contains(reason, "nucleotide"):
		return "nucleotide"
	case strings.Contains(reason, "empty ID"):
		return "empty_id"
	case strings.Contains(reason, "engine"):
		return "engine"
	}
	return "other"
}

// markHomologs: the pipeline marks hits that are another gene of the
// family as homolog. In a proteome scan (assign best) those are the
// genome's paralogs (PhoE under OmpF), expected and kept out of the gene's
// statistics. Under name and map a query was named as the gene, so a
// homolog there is exactly what the report must show (a paralog labelled
// as the gene, a wrong reference): it stays in the analysis, where the
// identity rules flag it.
func (rs *runState) markHomologs() {
	for _, h := range rs.hits {
		h.homolog = h.homolog && h.assign == "best"
		if isHomologStatus(h.status) {
			h.calls = nil // a homolog's differences are not mutations
		}
	}
}

// settings are what a cohort must share.
func (rs *runState) settings() map[string]string {
	s := map[string]string{}
	if rs.params != nil {
		s["matrix"] = rs.params.Matrix
		s["gap_open"] = strconv.FormatFloat(rs.params.GapOpen, 'g', -1, 64)
		s["gap_extend"] = strconv.FormatFloat(rs.params.GapExtend, 'g', -1, 64)
	}
	if rs.schema != "" {
		s["record schema_version"] = rs.schema
	}
	if m := rs.manifest; m != nil {
		s["reference (sha256)"] = m.Reference.SHA256
		var cfg map[string]any
		_ = json.Unmarshal(m.Config, &cfg)
		for _, k := range []string{"min_identity", "min_ref_coverage", "min_score", "complete_proteins"} {
			if v, ok := cfg[k]; ok {
				b, _ := json.Marshal(v)
				s[k] = string(b)
			}
		}
	}
	return s
}

// consistent refuses a cohort whose outputs differ in reference,
// parameters or schema version: identity, coverage and calls are only
// comparable under one setting (docs/report.md).
func consistent(runs []*runState) error {
	var base *runState
	var baseSet map[string]string
	geneRef := map[string]*runState{}
	for _, rs := range runs {
		set := rs.settings()
		if base == nil {
			if set["matrix"] != "" || set["reference (sha256)"] != "" {
				base, baseSet = rs, set
			}
		} else {
			var diffs []string
			keys := make([]string, 0, len(set))
			for k := range set {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if b, ok := baseSet[k]; ok && b != set[k] {
					diffs = append(diffs, fmt.Sprintf("%s: %s in %s, %s in %s", k, b, base.Output, set[k], rs.Output))
				}
			}
			if len(diffs) > 0 {
				return fmt.Errorf("quality: %w: %s; report each group of outputs separately", ErrMixedCohort, strings.Join(diffs, "; "))
			}
		}
		for _, g := range sortedKeys(rs.refSHA) {
			if prev := geneRef[g]; prev != nil && prev.refSHA[g] != rs.refSHA[g] {
				return fmt.Errorf("quality: %w: gene %s was aligned to different references in %s (sha256 %.12s) and %s (sha256 %.12s); report each group of outputs separately",
					ErrMixedCohort, g, prev.Output, prev.refSHA[g], rs.Output, rs.refSHA[g])
			}
			geneRef[g] = rs
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
