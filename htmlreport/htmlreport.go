// Package htmlreport renders a quality.Report as one self-contained HTML
// page: inline CSS, inline SVG drawn here in Go, and a few lines of inline
// JavaScript that only make the tables sortable (the page reads the same
// without it). Nothing is fetched when the page is viewed, so it opens
// from a file share on an HPC node. Large cohorts are aggregated (binned
// scatter points, genotype groups in the heatmap) and long tables are cut
// at Options.MaxRows with a note, so 1,000 accessions stay a small page.
//
// The package never logs, never exits and reads no flags; errors are
// prefixed "htmlreport: ".
package htmlreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/quality"
	"github.com/wtalign/wtalign/report"
)

// Options configure the page.
type Options struct {
	Title       string // default "wtalign quality report"
	ToolVersion string // shown in the footer when set
	// MaxRows cuts each table after this many rows (0: 500); the JSON
	// report (quality.Report.WriteJSON) has them all.
	MaxRows int
	// MaxAccessionRows is how many accessions the heatmap shows one per
	// row (0: 60); above it, rows are groups of accessions sharing the
	// same changes, largest first.
	MaxAccessionRows int
	// HeatmapColumns is how many changes the heatmap shows (0: 40): the
	// known ones with a catalog, otherwise the most frequent calls.
	HeatmapColumns int
}

func (o *Options) defaults() {
	if o.Title == "" {
		o.Title = "wtalign quality report"
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 500
	}
	if o.MaxAccessionRows <= 0 {
		o.MaxAccessionRows = 60
	}
	if o.HeatmapColumns <= 0 {
		o.HeatmapColumns = 40
	}
}

//go:embed page.html
var pageTemplate string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":  func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"num":  func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) },
	"join": strings.Join,
	"bytes": func(b *int64) string {
		if b == nil {
			return ""
		}
		return bytesText(float64(*b))
	},
	"secs": func(x *float64) string {
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', 1, 64)
	},
	"verdictNote": verdictNote,
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12]
		}
		return s
	},
}).Parse(pageTemplate))

// Render writes the page for r to w.
func Render(w io.Writer, r *quality.Report, opt Options) error {
	opt.defaults()
	data := build(r, opt)
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	return nil
}

// WriteFile renders the page into path atomically: a temporary file in
// the same directory, fsynced and renamed, so a failed or interrupted
// report never leaves half a page.
func WriteFile(path string, r *quality.Report, opt Options) error {
	var b strings.Builder
	if err := Render(&b, r, opt); err != nil {
		return err
	}
	if err := manifest.WriteFileAtomic(path, []byte(b.String())); err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	return nil
}

// verdictNote says what a catalog verdict (report.Verdict*) means.
func verdictNote(v string) string {
	switch v {
	case report.VerdictKnown:
		return "the catalog lists this exact change"
	case report.VerdictNovelAtKnownSite:
		return "another change at a catalogued position"
	case report.VerdictNovel:
		return "a catalogued gene, but nowhere in its catalog"
	case report.VerdictAmbiguous:
		return "an ambiguity code (such as S83X): the residue is unknown, so a catalogued change is neither shown nor ruled out"
	}
	return "no catalog covers this gene (or no catalog was used)"
}

type cut[T any] struct {
	Rows  []T
	Total int
	Cut   bool
}

func cutRows[T any](rows []T, n int) cut[T] {
	c := cut[T]{Rows: rows, Total: len(rows)}
	if len(rows) > n {
		c.Rows, c.Cut = rows[:n], true
	}
	return c
}

type callRow struct {
	Gene string
	quality.Mutation
}

type pageData struct {
	Opt              Options
	R                *quality.Report
	Statuses         []statusCount
	Outliers         int
	StatusSVG        template.HTML
	Scatters         []template.HTML
	Lollipops        []template.HTML
	Heatmap          template.HTML
	HeatmapNote      string
	OutlierRows      cut[quality.Outlier]
	FailureRows      cut[quality.Failure]
	CallRows         cut[callRow]
	RunRows          cut[quality.Run]
	AccessionRows    cut[quality.Accession]
	ReasonCounts     []statusCount
	RuleCounts       []statusCount
	NoCalls          bool
	LollipopsSkipped int
	Thresholds       string
}

type statusCount struct {
	Name  string
	Count int
	Color string
}

func build(r *quality.Report, opt Options) *pageData {
	d := &pageData{Opt: opt, R: r, Thresholds: thresholds(r.Overview.Parameters)}
	for _, s := range orderedStatuses(r.Overview.Status) {
		d.Statuses = append(d.Statuses, statusCount{s, r.Overview.Status[s], quality.StatusColor(s)})
	}
	d.StatusSVG = template.HTML(statusChart(r.Overview.Status)) // #nosec G203 -- SVG built by statusChart in svg.go, which escapes every name from the data (esc); TestSVGEscapesData
	byGene := map[string][]quality.Outlier{}
	rules := map[string]int{}
	for _, o := range r.Outliers {
		byGene[o.Gene] = append(byGene[o.Gene], o)
		for _, reason := range o.Reasons {
			rules[reason.Rule]++
		}
	}
	for _, k := range sortedKeys(rules) {
		d.RuleCounts = append(d.RuleCounts, statusCount{Name: k, Count: rules[k]})
	}
	for _, k := range sortedKeys(r.Overview.FailureReasons) {
		d.ReasonCounts = append(d.ReasonCounts, statusCount{Name: k, Count: r.Overview.FailureReasons[k]})
	}
	d.Outliers = len(r.Outliers)
	const lollipopGenes = 40
	var calls []callRow
	for _, g := range r.Genes {
		if g.Records == 0 {
			continue
		}
		d.Scatters = append(d.Scatters, template.HTML(scatter(g, byGene[g.Gene], 12))) // #nosec G203 -- SVG built by scatter in svg.go, which escapes every name from the data (esc); TestSVGEscapesData
		if len(g.Mutations) > 0 {
			if len(d.Lollipops) < lollipopGenes {
				d.Lollipops = append(d.Lollipops, template.HTML(lollipop(g, 14))) // #nosec G203 -- SVG built by lollipop in svg.go, which escapes every name from the data (esc); TestSVGEscapesData
			} else {
				d.LollipopsSkipped++
			}
		}
		for _, m := range g.Mutations {
			calls = append(calls, callRow{g.Gene, m})
		}
	}
	d.NoCalls = len(calls) == 0
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].Accessions > calls[j].Accessions })
	d.CallRows = cutRows(calls, opt.MaxRows)
	d.OutlierRows = cutRows(r.Outliers, opt.MaxRows)
	d.FailureRows = cutRows(r.Failures, opt.MaxRows)
	d.RunRows = cutRows(r.Runs, opt.MaxRows)
	d.AccessionRows = cutRows(r.Accessions, opt.MaxRows)
	d.Heatmap, d.HeatmapNote = heatmapFor(r, opt)
	return d
}

// heatmapFor chooses the columns (known changes, or the most frequent
// calls without a catalog) and the rows (accessions, or groups of
// accessions with the same profile when there are many).
func heatmapFor(r *quality.Report, opt Options) (template.HTML, string) {
	type colInfo struct {
		name string
		accs int
		gene string
		pos  int
	}
	var cols []colInfo
	note := ""
	if r.Catalog.Present {
		for _, k := range r.Catalog.KnownMutations {
			cols = append(cols, colInfo{k.Name, len(k.Accessions), k.Gene, k.RefStart})
		}
		note = "Columns: the catalogued (known) changes seen in the cohort."
	} else {
		for _, g := range r.Genes {
			for _, m := range g.Mutations {
				cols = append(cols, colInfo{m.Name, m.Accessions, g.Gene, m.RefStart})
			}
		}
		note = "The records carry no catalog annotations: columns are the most frequent calls, none of them marked known."
	}
	if len(cols) == 0 {
		return "", "No changes were called in the analysed records."
	}
	sort.SliceStable(cols, func(i, j int) bool { return cols[i].accs > cols[j].accs })
	if len(cols) > opt.HeatmapColumns {
		note += fmt.Sprintf(" The %d most frequent of %d are shown.", opt.HeatmapColumns, len(cols))
		cols = cols[:opt.HeatmapColumns]
	}
	sort.SliceStable(cols, func(i, j int) bool {
		if cols[i].gene != cols[j].gene {
			return cols[i].gene < cols[j].gene
		}
		return cols[i].pos < cols[j].pos
	})
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	profile := func(a quality.Accession) map[string]bool {
		m := map[string]bool{}
		list := a.Mutations
		if r.Catalog.Present {
			list = a.Genotype
		}
		for _, x := range list {
			m[x] = true
		}
		return m
	}
	var rows []heatRow
	if len(r.Accessions) <= opt.MaxAccessionRows {
		for _, a := range r.Accessions {
			rows = append(rows, heatRow{label: a.Accession, title: a.Accession, present: profile(a)})
		}
	} else {
		type group struct {
			key  string
			accs []string
			p    map[string]bool
		}
		groups := map[string]*group{}
		for _, a := range r.Accessions {
			p := profile(a)
			var present []string
			for _, n := range names {
				if p[n] {
					present = append(present, n)
				}
			}
			key := strings.Join(present, ",")
			g := groups[key]
			if g == nil {
				g = &group{key: key, p: p}
				groups[key] = g
			}
			g.accs = append(g.accs, a.Accession)
		}
		var list []*group
		for _, g := range groups {
			list = append(list, g)
		}
		sort.Slice(list, func(i, j int) bool {
			if len(list[i].accs) != len(list[j].accs) {
				return len(list[i].accs) > len(list[j].accs)
			}
			return list[i].key < list[j].key
		})
		shown := list
		if len(shown) > opt.MaxAccessionRows {
			shown = shown[:opt.MaxAccessionRows]
		}
		for _, g := range shown {
			first := strings.Join(g.accs[:min(len(g.accs), 8)], ", ")
			if len(g.accs) > 8 {
				first += ", …"
			}
			rows = append(rows, heatRow{label: fmt.Sprintf("%d accessions", len(g.accs)), title: first, present: g.p})
		}
		note += fmt.Sprintf(" Rows: the %d accessions grouped by the changes they carry (%d groups", len(r.Accessions), len(list))
		if len(list) > len(shown) {
			note += fmt.Sprintf(", the %d largest shown", len(shown))
		}
		note += "); hover a row for its accessions."
	}
	title := "Accessions × changes"
	return template.HTML(heatmap(names, rows, title)), note // #nosec G203 -- SVG built by heatmap in svg.go, which escapes every name from the data (esc); TestSVGEscapesData
}

func thresholds(p quality.Parameters) string {
	var parts []string
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if p.MinIdentity != nil {
		parts = append(parts, "identity ≥ "+num(*p.MinIdentity)+"%")
	}
	if p.MinScore != nil {
		parts = append(parts, "score ≥ "+num(*p.MinScore))
	}
	if p.MinRefCoverage != nil {
		parts = append(parts, "reference coverage ≥ "+num(*p.MinRefCoverage)+"% (proteome scans)")
	}
	if p.CompleteProteins != nil && *p.CompleteProteins {
		parts = append(parts, "queries are complete proteins")
	}
	if len(parts) == 0 {
		return "not recorded (outputs without manifests)"
	}
	return strings.Join(parts, " · ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func bytesText(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return strconv.FormatFloat(b, 'f', 1, 64) + " " + units[i]
}
