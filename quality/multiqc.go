package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/report"
)

// MultiQC custom content files written by WriteMultiQC.
const (
	MultiQCGeneralStats = "wtalign_general_stats_mqc.tsv"
	MultiQCStatus       = "wtalign_status_mqc.json"
	MultiQCCalls        = "wtalign_calls_mqc.tsv"
)

// statusColors are the colour of each status in the MultiQC bar graph and
// the HTML report (one table for both); the order is report.Statuses.
var statusColors = map[string]string{
	report.StatusWildtype: "#1a9850", report.StatusMutant: "#d73027", report.StatusAmbiguous: "#fdae61",
	report.StatusPartial: "#abd9e9", report.StatusTruncated: "#4575b4", report.StatusHomolog: "#a6761d",
	report.StatusNoHit: "#bdbdbd", report.StatusLowQuality: "#984ea3", report.StatusError: "#000000",
	report.StatusEmpty: "#636363", report.StatusSkipped: "#d9d9d9",
}

// StatusColor is the colour of a status in the graphs; a status this
// version does not know gets brown.
func StatusColor(s string) string {
	if c, ok := statusColors[s]; ok {
		return c
	}
	return "#8c510a"
}

// WriteMultiQC writes MultiQC custom content (docs/report.md) into dir,
// creating it: a General Statistics table per accession, a bar graph of
// the records' statuses, and a table of resistance calls (the known ones
// when the records carry catalog annotations, otherwise every call of
// the records that are not outliers). Each file is written atomically. It
// returns the files written.
func WriteMultiQC(dir string, r *Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- the MultiQC directory the user asked for, readable by the lab group like every output (umask applies)
		return nil, fmt.Errorf("quality: multiqc: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{MultiQCGeneralStats, generalStats(r)},
		{MultiQCStatus, statusBars(r)},
		{MultiQCCalls, callsTable(r)},
	}
	var out []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := manifest.WriteFileAtomic(p, f.data); err != nil {
			return out, fmt.Errorf("quality: multiqc: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// headerLine is one "# key: value" line of a custom content TSV; the
// value is JSON, which is YAML too, so no quoting rule can bite.
func headerLine(b *bytes.Buffer, key string, v any) {
	j, _ := json.Marshal(v)
	fmt.Fprintf(b, "# %s: %s\n", key, j)
}

func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

type column struct{ id, title, desc, format, scale string }

func generalStats(r *Report) []byte {
	cols := []column{
		{"records", "Records", "wtalign: query proteins in the output", "{:,.0f}", "Blues"},
		{"hits", "Hits", "wtalign: records aligned to a wild-type reference", "{:,.0f}", "Greens"},
		{"wildtype", "Wild type", "wtalign: hits identical to their reference", "{:,.0f}", "Greens"},
		{"mutant", "Mutant", "wtalign: hits with at least one amino-acid change", "{:,.0f}", "Reds"},
		{"partial", "Partial", "wtalign: partial or truncated hits", "{:,.0f}", "Oranges"},
		{"failed", "Failed", "wtalign: records that could not be analysed (error, empty)", "{:,.0f}", "Greys"},
		{"outliers", "Outliers", "wtalign: records the quality rules flag (see the wtalign report)", "{:,.0f}", "OrRd"},
	}
	var b bytes.Buffer
	headerLine(&b, "id", "wtalign_general_stats")
	headerLine(&b, "plot_type", "generalstats")
	var pconfig []map[string]any
	for _, c := range cols {
		pconfig = append(pconfig, map[string]any{c.id: map[string]any{"title": c.title, "description": c.desc, "format": c.format, "scale": c.scale, "min": 0}})
	}
	headerLine(&b, "pconfig", pconfig)
	b.WriteString("Sample")
	for _, c := range cols {
		b.WriteString("\t" + c.id)
	}
	b.WriteByte('\n')
	for _, a := range r.Accessions {
		vals := []int{a.Records, a.Hits, a.Wildtype, a.Mutant, a.Partial, a.Failed, a.Outliers}
		b.WriteString(cell(a.Accession))
		for _, v := range vals {
			b.WriteString("\t" + strconv.Itoa(v))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func statusBars(r *Report) []byte {
	seen := map[string]bool{}
	for _, a := range r.Accessions {
		for s := range a.Status {
			seen[s] = true
		}
	}
	type cat struct {
		Name  string `json:"name"`
		Color string `json:"color"`
	}
	// An ordered object: json.Marshal sorts map keys, so write it by hand.
	var cats bytes.Buffer
	cats.WriteByte('{')
	known := map[string]bool{}
	first := true
	addCat := func(name, color string) {
		if !first {
			cats.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(name)
		v, _ := json.Marshal(cat{Name: name, Color: color})
		cats.Write(k)
		cats.WriteByte(':')
		cats.Write(v)
	}
	for _, s := range report.Statuses {
		known[s] = true
		if seen[s] {
			addCat(s, StatusColor(s))
		}
	}
	for _, s := range sortedKeys(seen) {
		if !known[s] {
			addCat(s, StatusColor(s))
		}
	}
	cats.WriteByte('}')
	data := map[string]map[string]int{}
	for _, a := range r.Accessions {
		data[a.Accession] = a.Status
	}
	doc := struct {
		ID          string                    `json:"id"`
		SectionName string                    `json:"section_name"`
		Description string                    `json:"description"`
		PlotType    string                    `json:"plot_type"`
		PConfig     map[string]any            `json:"pconfig"`
		Categories  json.RawMessage           `json:"categories"`
		Data        map[string]map[string]int `json:"data"`
	}{
		ID: "wtalign_status", SectionName: "wtalign: records by status",
		Description: "Query proteins of each accession by wtalign status: wildtype and mutant hits cover the whole reference; partial, truncated and low_quality hits do not or are below the thresholds; no_hit proteins matched no wild type; error and empty records could not be read.",
		PlotType:    "bargraph",
		PConfig:     map[string]any{"id": "wtalign_status_plot", "title": "wtalign: records by status", "ylab": "Records", "cpswitch_counts_label": "Records"},
		Categories:  cats.Bytes(), Data: data,
	}
	out, _ := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n')
}

func callsTable(r *Report) []byte {
	type row struct {
		acc, gene string
		m         Mutation
	}
	byName := map[string]Mutation{}
	geneOf := map[string]string{}
	for _, g := range r.Genes {
		for _, m := range g.Mutations {
			byName[m.Name] = m
			geneOf[m.Name] = g.Gene
		}
	}
	var rows []row
	for _, a := range r.Accessions {
		list := a.Mutations
		if r.Catalog.Present {
			list = a.Genotype
		}
		for _, name := range list {
			m, ok := byName[name]
			if !ok {
				continue
			}
			rows = append(rows, row{a.Accession, geneOf[name], m})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].acc != rows[j].acc {
			return rows[i].acc < rows[j].acc
		}
		if rows[i].gene != rows[j].gene {
			return rows[i].gene < rows[j].gene
		}
		return rows[i].m.RefStart < rows[j].m.RefStart
	})
	var b bytes.Buffer
	desc := "Every amino-acid change called in each accession's analysed proteins (outliers left out), in reference numbering. The records carry no catalog annotations, so no call is marked known."
	if r.Catalog.Present {
		desc = "Catalogued resistance changes (verdict known) called in each accession's proteins, in reference numbering, with their drug classes."
	}
	headerLine(&b, "id", "wtalign_calls")
	headerLine(&b, "section_name", "wtalign: resistance calls")
	headerLine(&b, "description", desc)
	headerLine(&b, "plot_type", "table")
	headerLine(&b, "pconfig", map[string]any{"id": "wtalign_calls_table", "title": "wtalign: resistance calls", "col1_header": "Accession / call", "sortRows": false})
	headerLine(&b, "headers", map[string]any{
		"accession":    map[string]any{"title": "Accession"},
		"gene":         map[string]any{"title": "Gene"},
		"mutation":     map[string]any{"title": "Change"},
		"hgvs_p":       map[string]any{"title": "HGVS"},
		"verdict":      map[string]any{"title": "Verdict"},
		"drug_classes": map[string]any{"title": "Drug classes"},
		"frequency":    map[string]any{"title": "Cohort frequency", "description": "accessions with this change / accessions with the gene", "format": "{:,.2f}", "min": 0, "max": 1},
	})
	b.WriteString("Call\taccession\tgene\tmutation\thgvs_p\tverdict\tdrug_classes\tfrequency\n")
	for _, rw := range rows {
		verdict := rw.m.Verdict
		if verdict == "" {
			verdict = "not catalogued"
		}
		drugs := strings.Join(rw.m.Drugs, ", ")
		if drugs == "" {
			drugs = "-"
		}
		fields := []string{rw.acc + " " + rw.m.Name, rw.acc, rw.gene, rw.m.Short, rw.m.HGVS, verdict, drugs, strconv.FormatFloat(rw.m.Frequency, 'f', 4, 64)}
		for i, f := range fields {
			fields[i] = cell(f)
		}
		b.WriteString(strings.Join(fields, "\t"))
		b.WriteByte('\n')
	}
	return b.Bytes()
}
