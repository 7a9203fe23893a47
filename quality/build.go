package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// geneState gathers one gene's analysed hits across the cohort.
type geneState struct {
	name     string
	refID    string
	refLen   int
	hits     []*hit
	homologs int
	regions  map[Region]bool
	copies   map[string]int // accession -> analysed hits
}

func build(runs []*runState, rules Rules) *Report {
	rep := &Report{SchemaVersion: SchemaVersion, Rules: rules, Runs: []Run{}, Accessions: []Accession{}, Genes: []Gene{},
		Outliers: []Outlier{}, ResourceOutliers: []ResourceOutlier{}, Failures: []Failure{},
		Catalog: Catalog{KnownMutations: []KnownMutation{}}}
	ov := &rep.Overview
	ov.Outputs, ov.Accessions = len(runs), len(runs)
	ov.Status, ov.FailureReasons = map[string]int{}, map[string]int{}
	engines, assign, refs, inputs := map[string]bool{}, map[string]bool{}, map[string]FileRef{}, map[string]bool{}
	elapsed, timedRecords := 0.0, 0 // over the runs with a manifest, unrounded
	genes := map[string]*geneState{}
	for _, rs := range runs {
		ov.Records += rs.Records
		for s, n := range rs.status {
			ov.Status[s] += n
		}
		for e := range rs.engines {
			engines[e] = true
		}
		for a := range rs.assign {
			assign[a] = true
		}
		if rs.Reference != nil {
			refs[rs.Reference.Path+"\x00"+rs.Reference.SHA256] = *rs.Reference
		}
		for _, in := range rs.Inputs {
			inputs[in.Path+"\x00"+in.SHA256] = true
		}
		if rs.params != nil && ov.Parameters.Matrix == "" {
			ov.Parameters = *rs.params
		}
		if rs.manifest != nil {
			var cfg struct {
				MinIdentity      *float64 `json:"min_identity"`
				MinRefCoverage   *float64 `json:"min_ref_coverage"`
				MinScore         *float64 `json:"min_score"`
				CompleteProteins *bool    `json:"complete_proteins"`
			}
			if json.Unmarshal(rs.manifest.Config, &cfg) == nil && ov.Parameters.MinIdentity == nil {
				p := &ov.Parameters
				p.MinIdentity, p.MinRefCoverage, p.MinScore, p.CompleteProteins = cfg.MinIdentity, cfg.MinRefCoverage, cfg.MinScore, cfg.CompleteProteins
			}
			elapsed += rs.elapsed
			timedRecords += rs.Records
		}
		if ov.SchemaVersion == "" {
			ov.SchemaVersion = rs.schema
		}
		for _, f := range rs.failures {
			if f.Status != "skipped" {
				ov.Failed++
			}
			ov.FailureReasons[f.Kind]++
			rep.Failures = append(rep.Failures, f)
		}
		for _, h := range rs.hits {
			g := genes[h.gene]
			if g == nil {
				g = &geneState{name: h.gene, refID: h.refID, refLen: h.refLen, regions: map[Region]bool{}, copies: map[string]int{}}
				genes[h.gene] = g
			}
			if h.homolog {
				g.homologs++
				ov.Homologs++
				continue
			}
			ov.Analysed++
			g.hits = append(g.hits, h)
			g.copies[rs.Accession]++
		}
		for gene, rr := range rs.regions {
			if g := genes[gene]; g != nil {
				for _, r := range rr {
					g.regions[r] = true
				}
			}
		}
	}
	ov.Engines = sortedKeys(engines)
	ov.Parameters.Assign = sortedKeys(assign)
	for _, k := range sortedKeys(refs) {
		ov.References = append(ov.References, refs[k])
	}
	if ov.References == nil {
		ov.References = []FileRef{}
	}
	ov.InputFiles = len(inputs)
	ov.ElapsedSeconds = round2(elapsed)
	if elapsed > 0 {
		ov.RecordsPerSecond = round2(float64(timedRecords) / elapsed)
	}

	// Per gene: distributions, then the outlier rules against them.
	for _, name := range sortedKeys(genes) {
		g := genes[name]
		gene := g.summary()
		for _, h := range g.hits {
			h.reasons = rules.check(h, g, &gene)
		}
		gene.Points = points(g.hits)
		gene.Mutations = mutationFrequencies(g, gene.Accessions)
		rep.Genes = append(rep.Genes, gene)
	}

	// Per accession, outliers, genotypes and the catalog.
	known := map[string]*KnownMutation{}
	for _, rs := range runs {
		acc := Accession{Accession: rs.Accession, Output: rs.Output, Records: rs.Records, Status: rs.status, Genotype: []string{}, Mutations: []string{}}
		genotype, muts := map[string]bool{}, map[string]bool{}
		for s, n := range rs.status {
			switch {
			case s == "wildtype":
				acc.Wildtype += n
			case s == "mutant":
				acc.Mutant += n
			case s == "partial" || s == "truncated":
				acc.Partial += n
			case s == "error" || s == "empty":
				acc.Failed += n
			}
		}
		for _, h := range rs.hits {
			acc.Hits++
			if h.homolog {
				acc.Homologs++
				continue
			}
			if len(h.reasons) > 0 {
				acc.Outliers++
				rep.Outliers = append(rep.Outliers, h.outlier())
			}
			acc.Calls += len(h.calls)
			for _, c := range h.calls {
				if len(h.reasons) == 0 {
					muts[c.name] = true
				}
				switch c.verdict {
				case "known":
					rep.Catalog.Known++
					acc.Known++
					genotype[c.name] = true
					km := known[c.name]
					if km == nil {
						km = &KnownMutation{Name: c.name, Gene: h.gene, Short: c.short, RefStart: c.start, Accessions: []string{}, Drugs: []string{}}
						known[c.name] = km
					}
					if n := len(km.Accessions); n == 0 || km.Accessions[n-1] != rs.Accession {
						km.Accessions = append(km.Accessions, rs.Accession)
					}
					km.Drugs = union(km.Drugs, c.drugs)
				case "novel_at_known_site":
					rep.Catalog.NovelAtKnownSite++
				case "novel":
					rep.Catalog.Novel++
				case "ambiguous":
					rep.Catalog.Ambiguous++
				default:
					rep.Catalog.Unannotated++
				}
			}
		}
		acc.Genotype = append(acc.Genotype, sortedKeys(genotype)...)
		acc.Mutations = append(acc.Mutations, sortedKeys(muts)...)
		rep.Accessions = append(rep.Accessions, acc)
		rep.Runs = append(rep.Runs, rs.Run)
	}
	c := &rep.Catalog
	c.Present = c.Known+c.NovelAtKnownSite+c.Novel+c.Ambiguous > 0
	for _, k := range sortedKeys(known) {
		rep.Catalog.KnownMutations = append(rep.Catalog.KnownMutations, *known[k])
	}
	sort.SliceStable(c.KnownMutations, func(i, j int) bool {
		a, b := c.KnownMutations[i], c.KnownMutations[j]
		if a.Gene != b.Gene {
			return a.Gene < b.Gene
		}
		if a.RefStart != b.RefStart {
			return a.RefStart < b.RefStart
		}
		return a.Name < b.Name
	})
	rep.ResourceOutliers = rules.resources(runs)
	return rep
}

func union(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range append(append([]string{}, a...), b...) {
		set[s] = true
	}
	return sortedKeys(set)
}

// summary computes the gene's distributions.
func (g *geneState) summary() Gene {
	n := len(g.hits)
	id, cov, ratio, calls := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, h := range g.hits {
		id[i], cov[i], ratio[i], calls[i] = h.identity, h.coverage, h.lengthRatio(), float64(len(h.calls))
	}
	copies := make([]float64, 0, len(g.copies))
	for _, c := range g.copies {
		copies = append(copies, float64(c))
	}
	gene := Gene{Gene: g.name, ReferenceID: g.refID, ReferenceLength: g.refLen, Accessions: len(g.copies), Records: n, Homologs: g.homologs,
		Identity: dist(id), Coverage: dist(cov), LengthRatio: dist(ratio), Calls: dist(calls), CopiesMedian: dist(copies).Median,
		Points: []Point{}, Mutations: []Mutation{}, Regions: []Region{}}
	for r := range g.regions {
		gene.Regions = append(gene.Regions, r)
	}
	sort.Slice(gene.Regions, func(i, j int) bool {
		a, b := gene.Regions[i], gene.Regions[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.Name < b.Name
	})
	return gene
}

func fptr(x float64) *float64 { return &x }

// check applies every rule to one analysed hit of gene g.
func (r Rules) check(h *hit, g *geneState, gene *Gene) []Reason {
	var rs []Reason
	add := func(rule string, value, threshold float64, d *Dist, cohort int, format string, args ...any) {
		reason := Reason{Rule: rule, Text: fmt.Sprintf(format, args...), Value: round4(value), Threshold: round4(threshold), Cohort: cohort}
		if d != nil {
			reason.Median, reason.MAD = fptr(d.Median), fptr(d.MAD)
		}
		rs = append(rs, reason)
	}
	cohort := len(g.hits) >= r.MinCohort
	n := len(g.hits)
	if h.status == "low_quality" {
		add("low_quality", h.identity, 0, nil, 0, "below the run's identity or score threshold: aligned but no calls made (%.1f%% identity)", h.identity)
	}
	truncatedByStop := h.status == "truncated" && hasNonsense(h)
	if h.coverage < r.MinCoverage && !truncatedByStop {
		add("low_coverage", h.coverage, r.MinCoverage, nil, 0,
			"covers %.1f%% of the %s reference (%d aa), below %g%%: a fragment (contig edge, partial gene call) or, if the query is a complete protein, a premature stop (align with --complete-proteins)", h.coverage, h.gene, h.refLen, r.MinCoverage)
	}
	if h.identity < r.MinIdentity {
		add("low_identity", h.identity, r.MinIdentity, nil, 0,
			"%.1f%% identity to %s, below %g%%: a homolog, a paralog named as %s, or the wrong reference, not a variant", h.identity, h.refID, r.MinIdentity, h.gene)
	} else if d := gene.Identity; cohort && h.identity < d.Median-r.band(d, r.IdentityDrop) {
		add("identity_below_gene", h.identity, d.Median-r.band(d, r.IdentityDrop), &d, n,
			"%.1f%% identity, %.1f points below the median %.1f%% of %d %s records (MAD %.2f): contamination, misassembly or another species?",
			h.identity, d.Median-h.identity, d.Median, n, h.gene, d.MAD)
	}
	if d := gene.LengthRatio; cohort && math.Abs(h.lengthRatio()-d.Median) > r.band(d, r.LengthRatioDelta) {
		add("length_ratio", h.lengthRatio(), r.band(d, r.LengthRatioDelta), &d, n,
			"query is %d aa, %.2f times the %d-aa reference, where the median of %d %s records is %.2f (MAD %.3f)",
			h.qLen, h.lengthRatio(), h.refLen, n, h.gene, d.Median, d.MAD)
	}
	novel := h.novelCalls()
	if novel > r.MaxNovelCalls {
		add("novel_calls", float64(novel), float64(r.MaxNovelCalls), nil, 0,
			"%d novel calls, more than %d: too many changes for point mutations (homolog or misassembly?)", novel, r.MaxNovelCalls)
	} else if d := gene.Calls; cohort && float64(novel) > d.Median+r.band(d, r.NovelCallsExcess) {
		add("novel_calls_above_gene", float64(novel), d.Median+r.band(d, r.NovelCallsExcess), &d, n,
			"%d novel calls where %d %s records have a median of %g calls (MAD %g)", novel, n, h.gene, d.Median, d.MAD)
	}
	if hasFlag(h, "divergent_C_terminal_tail") && h.tail >= r.MinDivergentTail {
		add("divergent_tail", float64(h.tail), float64(r.MinDivergentTail), nil, 0,
			"the last %d query residues diverge from the reference before it ends: frameshift-like disruption", h.tail)
	}
	if h.ambiguous >= r.MaxAmbiguous {
		add("ambiguous_residues", float64(h.ambiguous), float64(r.MaxAmbiguous), nil, 0,
			"%d ambiguous residues (X, B, Z, J) in the aligned query: low-quality assembly stretch", h.ambiguous)
	}
	if copies := g.copies[h.run.Accession]; len(g.copies) >= r.MinCohort && gene.CopiesMedian <= 1 && copies >= 2 {
		add("copies", float64(copies), 1, nil, len(g.copies),
			"%d copies of %s in this accession, where the median of %d accessions is one copy: duplication, contamination or a mixed sample?", copies, h.gene, len(g.copies))
	}
	return rs
}

func hasFlag(h *hit, f string) bool {
	for _, x := range h.flags {
		if x == f {
			return true
		}
	}
	return false
}

func hasNonsense(h *hit) bool {
	for _, c := range h.calls {
		if c.typ == "nonsense" {
			return true
		}
	}
	return false
}

func (h *hit) outlier() Outlier {
	return Outlier{Accession: h.run.Accession, Output: h.run.Output, Record: h.recN, Ordinal: h.ordinal, QueryID: h.queryID, Gene: h.gene,
		Status: h.status, Identity: h.identity, IdentityOverRef: h.idOverRef, Coverage: h.coverage, QueryLength: h.qLen, ReferenceLength: h.refLen,
		Calls: len(h.calls), NovelCalls: h.novelCalls(), AmbiguousResidues: h.ambiguous, Reasons: h.reasons}
}

// points bins the hits by identity and coverage.
func points(hits []*hit) []Point {
	type key struct{ i, c int }
	bins := map[key]*Point{}
	for _, h := range hits {
		k := key{int(math.Floor(h.identity / BinWidth)), int(math.Floor(h.coverage / BinWidth))}
		p := bins[k]
		if p == nil {
			p = &Point{Identity: round4((float64(k.i) + 0.5) * BinWidth), Coverage: round4((float64(k.c) + 0.5) * BinWidth)}
			if h.identity >= 100 {
				p.Identity = 100
			}
			if h.coverage >= 100 {
				p.Coverage = 100
			}
			bins[k] = p
		}
		p.Records++
		if len(h.reasons) > 0 {
			p.Outliers++
		}
	}
	keys := make([]key, 0, len(bins))
	for k := range bins {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].i != keys[j].i {
			return keys[i].i < keys[j].i
		}
		return keys[i].c < keys[j].c
	})
	out := make([]Point, len(keys))
	for i, k := range keys {
		out[i] = *bins[k]
	}
	return out
}

// mutationFrequencies counts each change over the gene's analysed hits
// that are not outliers: the differences of a homolog or a misassembly
// are not mutations to count.
func mutationFrequencies(g *geneState, accessions int) []Mutation {
	type agg struct {
		m    Mutation
		accs map[string]bool
	}
	by := map[string]*agg{}
	atPos := map[int]map[string]bool{} // ref_start -> accessions with any change there
	for _, h := range g.hits {
		if len(h.reasons) > 0 {
			continue
		}
		for _, c := range h.calls {
			if atPos[c.start] == nil {
				atPos[c.start] = map[string]bool{}
			}
			atPos[c.start][h.run.Accession] = true
			a := by[c.short]
			if a == nil {
				a = &agg{m: Mutation{Short: c.short, Name: c.name, HGVS: c.hgvs, Type: c.typ, RefStart: c.start, RefEnd: c.end, Verdict: c.verdict, Drugs: []string{}}, accs: map[string]bool{}}
				by[c.short] = a
			}
			a.m.Records++
			a.accs[h.run.Accession] = true
			a.m.Drugs = union(a.m.Drugs, c.drugs)
			if a.m.Verdict == "" {
				a.m.Verdict = c.verdict
			}
		}
	}
	out := make([]Mutation, 0, len(by))
	for _, a := range by {
		a.m.Accessions = len(a.accs)
		a.m.PositionAccessions = len(atPos[a.m.RefStart])
		if accessions > 0 {
			a.m.Frequency = round4(float64(a.m.Accessions) / float64(accessions))
		}
		out = append(out, a.m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RefStart != out[j].RefStart {
			return out[i].RefStart < out[j].RefStart
		}
		return out[i].Short < out[j].Short
	})
	return out
}

// resources flags runs much slower or hungrier than the cohort's median.
func (r Rules) resources(runs []*runState) []ResourceOutlier {
	out := []ResourceOutlier{}
	var rates, rss []float64
	for _, rs := range runs {
		if rs.RecordsPerSecond > 0 && rs.elapsed >= r.MinRunSeconds {
			rates = append(rates, rs.RecordsPerSecond)
		}
		if rs.PeakRSSBytes != nil {
			rss = append(rss, float64(*rs.PeakRSSBytes))
		}
	}
	if len(rates) >= r.MinCohort {
		med := dist(rates).Median
		for _, rs := range runs {
			if rs.RecordsPerSecond > 0 && rs.elapsed >= r.MinRunSeconds && rs.RecordsPerSecond*r.SlowFactor < med {
				out = append(out, ResourceOutlier{Accession: rs.Accession, Output: rs.Output, Rule: "slow", Value: rs.RecordsPerSecond, Median: med,
					Text: fmt.Sprintf("%.3g records/s, under 1/%g of the median %.3g records/s of %d runs of at least %gs", rs.RecordsPerSecond, r.SlowFactor, med, len(rates), r.MinRunSeconds)})
			}
		}
	}
	if len(rss) >= r.MinCohort {
		med := dist(rss).Median
		for _, rs := range runs {
			if rs.PeakRSSBytes != nil && float64(*rs.PeakRSSBytes) > med*r.MemoryFactor {
				out = append(out, ResourceOutlier{Accession: rs.Accession, Output: rs.Output, Rule: "memory", Value: float64(*rs.PeakRSSBytes), Median: med,
					Text: fmt.Sprintf("peak RSS %s, over %g times the median %s of %d runs", bytesText(float64(*rs.PeakRSSBytes)), r.MemoryFactor, bytesText(med), len(rss))})
			}
		}
	}
	return out
}

func bytesText(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", b), "0"), ".") + " " + units[i]
}
