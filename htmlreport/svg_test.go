package htmlreport

import (
	"strings"
	"testing"

	"github.com/wtalign/wtalign/quality"
)

// TestSVGEscapesData: the charts are put into the page as template.HTML,
// so every name that comes from the data (statuses, genes, accessions,
// query IDs, mutation names, regions) must be escaped by the chart code.
func TestSVGEscapesData(t *testing.T) {
	const bad = `<script>x</script>"'&`
	g := quality.Gene{
		Gene: bad, ReferenceID: bad, ReferenceLength: 100, Accessions: 2, Records: 2,
		Points:    []quality.Point{{Identity: 90, Coverage: 90, Records: 2}},
		Mutations: []quality.Mutation{{Short: bad, Name: bad, RefStart: 10, RefEnd: 10, Accessions: 1, Verdict: "known"}},
		Regions:   []quality.Region{{Name: bad, Start: 5, End: 20}},
	}
	outliers := []quality.Outlier{{Accession: bad, QueryID: bad, Gene: bad, Identity: 50, Coverage: 60}}
	for name, svg := range map[string]string{
		"status":   statusChart(map[string]int{bad: 3, "wildtype": 1}),
		"scatter":  scatter(g, outliers, 12),
		"lollipop": lollipop(g, 14),
		"heatmap":  heatmap([]string{bad}, []heatRow{{label: bad, title: bad, present: map[string]bool{bad: true}}}, bad),
	} {
		if strings.Contains(svg, "<script") || strings.Contains(svg, `"'`) {
			t.Errorf("%s chart does not escape the data:\n%s", name, svg)
		}
		if !strings.Contains(svg, "&lt;script&gt;") {
			t.Errorf("%s chart does not show the name at all:\n%s", name, svg)
		}
	}
}
