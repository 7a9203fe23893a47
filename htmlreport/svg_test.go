package htmlreport

import (
	"math"
	"regexp"
	"slices"
	"strconv"
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

// TestLollipopCountsAccessionsPerPosition: a stem is as tall as the
// accessions with a change at its position, not the sum over the changes
// there. GyrA 83 of the demo: S83A, S83L and S83X, all in one accession
// of two; D87N in both.
func TestLollipopCountsAccessionsPerPosition(t *testing.T) {
	g := quality.Gene{Gene: "gyrA", ReferenceID: "ecoli_k12|gyrA|NP_416734.1", ReferenceLength: 875, Accessions: 2, Records: 2,
		Mutations: []quality.Mutation{
			{Short: "S83A", RefStart: 83, Accessions: 1, PositionAccessions: 1, Verdict: "known"},
			{Short: "S83L", RefStart: 83, Accessions: 1, PositionAccessions: 1, Verdict: "known"},
			{Short: "S83X", RefStart: 83, Accessions: 1, PositionAccessions: 1, Verdict: "ambiguous"},
			{Short: "D87N", RefStart: 87, Accessions: 2, PositionAccessions: 2, Verdict: "known"},
		}}
	svg := lollipop(g, 14)
	heads := regexp.MustCompile(`<circle cx="[^"]*" cy="([^"]*)" r="4" class="lp[^"]*"><title>([^<]*)</title>`).FindAllStringSubmatch(svg, -1)
	if len(heads) != 2 {
		t.Fatalf("%d heads, want 2:\n%s", len(heads), svg)
	}
	// py(a) = h - mb - a/maxA*(h-mt-mb) with h 230, mt 70, mb 40.
	if heads[0][1] != "130" || heads[1][1] != "70" {
		t.Errorf("heads at y %s (83) and %s (87), want 130 (1 of 2 accessions) and 70 (2 of 2)", heads[0][1], heads[1][1])
	}
	if want := "position 83: 1 accession, 3 changes: S83A (1), S83L (1), S83X (1)"; heads[0][2] != want {
		t.Errorf("tooltip %q, want %q", heads[0][2], want)
	}
	if want := "position 87: 2 accessions, 1 change: D87N (2)"; heads[1][2] != want {
		t.Errorf("tooltip %q, want %q", heads[1][2], want)
	}
	if !strings.Contains(svg, `class="ax">2</text>`) || strings.Contains(svg, `class="ax">3</text>`) {
		t.Error("the axis does not top out at 2 accessions")
	}
	if !strings.Contains(svg, `class="lpl">S83A +2</text>`) {
		t.Errorf("position 83 is not labelled as S83A and 2 more:\n%s", svg)
	}

	// The demo's GyrA: every change in one accession, so every head at
	// the top, the QRDR's a pixel or two apart; each still gets a label.
	for i := range g.Mutations {
		g.Mutations[i].Accessions, g.Mutations[i].PositionAccessions = 1, 1
	}
	g.Mutations = append(g.Mutations,
		quality.Mutation{Short: "E7Q", RefStart: 7, Accessions: 1, PositionAccessions: 1, Verdict: "novel"},
		quality.Mutation{Short: "G81D", RefStart: 81, Accessions: 1, PositionAccessions: 1, Verdict: "known"},
		quality.Mutation{Short: "D82G", RefStart: 82, Accessions: 1, PositionAccessions: 1, Verdict: "known"})
	slices.SortStableFunc(g.Mutations, func(a, b quality.Mutation) int { return a.RefStart - b.RefStart })
	svg = lollipop(g, 14)
	for _, l := range []string{"E7Q", "G81D", "D82G", "S83A +2", "D87N"} {
		if !strings.Contains(svg, `class="lpl">`+l+`</text>`) {
			t.Errorf("no label %s:\n%s", l, svg)
		}
	}
	labels := regexp.MustCompile(`<text x="([^"]*)" y="([^"]*)" text-anchor="middle" class="lpl">([^<]*)</text>`).FindAllStringSubmatch(svg, -1)
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			ax, _ := strconv.ParseFloat(a[1], 64)
			bx, _ := strconv.ParseFloat(b[1], 64)
			aw, bw := 6.6*float64(len(a[3])), 6.6*float64(len(b[3]))
			if a[2] == b[2] && math.Abs(ax-bx) < (aw+bw)/2 {
				t.Errorf("labels %s and %s overlap", a[3], b[3])
			}
		}
	}
}
