package htmlreport

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/quality"
	"github.com/wtalign/wtalign/report"
)

// svg builds one inline SVG element. Every text goes through esc; numbers
// are formatted with at most two decimals so the page stays small and
// byte-stable.
type svg struct {
	b strings.Builder
}

func esc(s string) string { return html.EscapeString(s) }

func f(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

func newSVG(class string, w, h int, title string) *svg {
	s := &svg{}
	fmt.Fprintf(&s.b, `<svg class="plot %s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, class, w, h, w, h, esc(title))
	fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	return s
}

func (s *svg) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, f(x), f(y), anchor, class, esc(t))
}

func (s *svg) rect(x, y, w, h float64, fill, title string) {
	if title != "" {
		fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`, f(x), f(y), f(w), f(h), fill, esc(title))
		return
	}
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f(x), f(y), f(w), f(h), fill)
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`, f(x1), f(y1), f(x2), f(y2), class)
}

func (s *svg) String() string { return s.b.String() + "</svg>" }

// orderedStatuses lists the statuses present, in the documented order,
// unknown ones after, sorted.
func orderedStatuses(m map[string]int) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range report.Statuses {
		seen[s] = true
		if m[s] > 0 {
			out = append(out, s)
		}
	}
	var extra []string
	for s, n := range m {
		if !seen[s] && n > 0 {
			extra = append(extra, s)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// statusChart: one horizontal bar per status, on a log scale when the
// counts span more than two orders of magnitude (a proteome's no_hit
// records would otherwise flatten every other bar).
func statusChart(counts map[string]int) string {
	sts := orderedStatuses(counts)
	const left, right, barH, gap = 110, 90, 22, 6
	w := 760
	h := 20 + len(sts)*(barH+gap)
	maxN, minN := 1, math.MaxInt
	for _, s := range sts {
		maxN = max(maxN, counts[s])
		minN = min(minN, counts[s])
	}
	logScale := len(sts) > 0 && maxN > 100*minN
	scale := func(n int) float64 {
		span := float64(w - left - right)
		if logScale {
			return span * math.Log10(float64(n)+1) / math.Log10(float64(maxN)+1)
		}
		return span * float64(n) / float64(maxN)
	}
	title := "Records by status"
	if logScale {
		title += " (logarithmic scale)"
		h += 16
	}
	s := newSVG("plot-status", w, h, title)
	if logScale {
		s.text(float64(w-right), float64(h-6), "end", "ax", "bar lengths on a logarithmic scale")
	}
	for i, st := range sts {
		y := 10 + float64(i*(barH+gap))
		n := counts[st]
		s.text(left-8, y+barH*0.7, "end", "lbl", st)
		s.rect(left, y, math.Max(scale(n), 1), barH, quality.StatusColor(st), fmt.Sprintf("%s: %d records", st, n))
		s.text(left+scale(n)+6, y+barH*0.7, "start", "num", strconv.Itoa(n))
	}
	return s.String()
}

// axisRange is [lo, 100] with lo a multiple of 5 below the smallest value.
func axisRange(vals []float64) float64 {
	lo := 100.0
	for _, v := range vals {
		lo = math.Min(lo, v)
	}
	lo = math.Floor((lo-1)/5) * 5
	return math.Max(math.Min(lo, 95), 0)
}

// scatter is one gene's identity (y) against reference coverage (x): the
// binned records as grey circles sized by count, the outliers as red
// labelled circles.
func scatter(g quality.Gene, outliers []quality.Outlier, maxLabels int) string {
	const w, h, ml, mr, mt, mb = 282, 214, 40, 10, 22, 34
	var xs, ys []float64
	for _, p := range g.Points {
		xs, ys = append(xs, p.Coverage), append(ys, p.Identity)
	}
	for _, o := range outliers {
		xs, ys = append(xs, o.Coverage), append(ys, o.Identity)
	}
	x0, y0 := axisRange(xs), axisRange(ys)
	px := func(x float64) float64 { return ml + (x-x0)/(100-x0)*(w-ml-mr) }
	py := func(y float64) float64 { return h - mb - (y-y0)/(100-y0)*(h-mt-mb) }
	title := fmt.Sprintf("%s: identity against reference coverage (%d records, %d outliers)", g.Gene, g.Records, len(outliers))
	s := newSVG("plot-scatter", w, h, title)
	s.text(ml, 15, "start", "ttl", fmt.Sprintf("%s  (n=%d)", g.Gene, g.Records))
	s.raw(`<rect x="%d" y="%d" width="%d" height="%d" class="frame"/>`, ml, mt, w-ml-mr, h-mt-mb)
	for _, t := range ticks(x0) {
		s.line(px(t), h-mb, px(t), h-mb+4, "tick")
		s.text(px(t), h-mb+15, "middle", "ax", f(t))
	}
	for _, t := range ticks(y0) {
		s.line(ml-4, py(t), ml, py(t), "tick")
		s.text(ml-6, py(t)+3, "end", "ax", f(t))
	}
	s.text(ml+(w-ml-mr)/2, h-4, "middle", "ax", "reference coverage %")
	s.raw(`<text x="10" y="%s" text-anchor="middle" class="ax" transform="rotate(-90 10 %s)">identity %% (EMBOSS)</text>`, f(mt+(h-mt-mb)/2.0), f(mt+(h-mt-mb)/2.0))
	for _, p := range g.Points {
		if p.Records == p.Outliers {
			continue // drawn below, one by one
		}
		r := 2.5 + 1.5*math.Sqrt(float64(p.Records-p.Outliers))
		s.raw(`<circle cx="%s" cy="%s" r="%s" class="pt"><title>%d records at %s%% identity, %s%% coverage</title></circle>`,
			f(px(p.Coverage)), f(py(p.Identity)), f(math.Min(r, 14)), p.Records-p.Outliers, f(p.Identity), f(p.Coverage))
	}
	// One mark per accession and spot (copies share one), labels placed
	// where they do not cover another label.
	type mark struct {
		x, y  float64
		acc   string
		n     int
		title []string
	}
	var marks []*mark
	at := map[string]*mark{}
	for _, o := range outliers {
		x, y := px(o.Coverage), py(o.Identity)
		k := fmt.Sprintf("%s\x00%.0f\x00%.0f", o.Accession, x, y)
		m := at[k]
		if m == nil {
			m = &mark{x: x, y: y, acc: o.Accession}
			at[k] = m
			marks = append(marks, m)
		}
		m.n++
		m.title = append(m.title, o.QueryID+": "+reasonsText(o))
	}
	var boxes [][4]float64
	free := func(b [4]float64) bool {
		if b[0] < 0 || b[2] > w || b[1] < mt-12 || b[3] > h-mb+2 {
			return false
		}
		for _, o := range boxes {
			if b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3] {
				return false
			}
		}
		return true
	}
	for i, m := range marks {
		s.raw(`<circle cx="%s" cy="%s" r="4" class="out"><title>%s %s</title></circle>`, f(m.x), f(m.y), esc(m.acc), esc(strings.Join(m.title, " | ")))
		if i >= maxLabels {
			continue
		}
		label := m.acc
		if m.n > 1 {
			label = fmt.Sprintf("%s ×%d", m.acc, m.n)
		}
		tw := 5.6*float64(len([]rune(label))) + 2
		for _, dy := range []float64{-5, 9, -15, 19, -25, 29, -35, 39} {
			x0 := m.x + 6
			anchor := "start"
			if m.x > w*0.55 {
				x0, anchor = m.x-6-tw, "end"
			}
			b := [4]float64{x0, m.y + dy - 8, x0 + tw, m.y + dy + 2}
			if free(b) {
				boxes = append(boxes, b)
				tx := x0
				if anchor == "end" {
					tx = x0 + tw
				}
				if dy < -5 || dy > 9 { // far from its point: a leader line
					s.line(m.x, m.y, tx, m.y+dy-3, "leader")
				}
				s.text(tx, m.y+dy, anchor, "olbl", label)
				break
			}
		}
	}
	if len(outliers) > maxLabels {
		s.text(w-mr, 15, "end", "ax", fmt.Sprintf("%d labelled of %d outliers", maxLabels, len(outliers)))
	}
	return s.String()
}

func ticks(lo float64) []float64 {
	step := 10.0
	switch {
	case 100-lo <= 10:
		step = 2
	case 100-lo <= 30:
		step = 5
	case 100-lo > 60:
		step = 20
	}
	var out []float64
	for t := math.Ceil(lo/step) * step; t <= 100.0001; t += step {
		out = append(out, t)
	}
	return out
}

func reasonsText(o quality.Outlier) string {
	parts := make([]string, len(o.Reasons))
	for i, r := range o.Reasons {
		parts[i] = r.Text
	}
	return strings.Join(parts, "; ")
}

// lollipop draws one gene's changes along its reference: a stem per
// position, as tall as the distinct accessions carrying a change there
// (S83L and S83A in one accession count once), labelled for the most
// frequent ones, with catalogued regions shaded.
func lollipop(g quality.Gene, maxLabels int) string {
	const w, h, ml, mr, mt, mb = 1100, 230, 44, 20, 70, 40
	L := float64(max(g.ReferenceLength, 1))
	px := func(pos int) float64 { return ml + (float64(pos)-0.5)/L*(w-ml-mr) }
	type site struct {
		pos, accs int
		names     []string
		known     bool
	}
	sites := map[int]*site{}
	for _, m := range g.Mutations {
		st := sites[m.RefStart]
		if st == nil {
			st = &site{pos: m.RefStart}
			sites[m.RefStart] = st
		}
		st.accs = m.PositionAccessions // the same for every change at the position
		st.names = append(st.names, fmt.Sprintf("%s (%d)", m.Short, m.Accessions))
		st.known = st.known || m.Verdict == "known"
	}
	var list []*site
	maxA := 1
	for _, st := range sites {
		list = append(list, st)
		maxA = max(maxA, st.accs)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].pos < list[j].pos })
	py := func(a int) float64 { return h - mb - float64(a)/float64(maxA)*(h-mt-mb) }
	s := newSVG("plot-lollipop", w, h, fmt.Sprintf("%s: changes along the %d-aa reference %s", g.Gene, g.ReferenceLength, g.ReferenceID))
	s.text(ml, 16, "start", "ttl", fmt.Sprintf("%s  (%s, %d aa; %d accessions with the gene)", g.Gene, g.ReferenceID, g.ReferenceLength, g.Accessions))
	for _, r := range g.Regions {
		x1, x2 := px(r.Start), px(r.End+1)
		s.rect(x1, 26, math.Max(x2-x1, 2), h-mb-26, "#fee8c8", fmt.Sprintf("%s %d-%d", r.Name, r.Start, r.End))
		s.text((x1+x2)/2, 36, "middle", "region", fmt.Sprintf("%s %d-%d", r.Name, r.Start, r.End))
	}
	s.raw(`<rect x="%d" y="%d" width="%d" height="10" class="protein"/>`, ml, h-mb, w-ml-mr)
	for _, t := range posTicks(g.ReferenceLength) {
		s.line(px(t), h-mb+10, px(t), h-mb+14, "tick")
		s.text(px(t), h-mb+26, "middle", "ax", strconv.Itoa(t))
	}
	s.text(ml-6, py(maxA)+3, "end", "ax", strconv.Itoa(maxA))
	s.text(ml-6, py(0)+3, "end", "ax", "0")
	s.raw(`<text x="12" y="%s" text-anchor="middle" class="ax" transform="rotate(-90 12 %s)">accessions</text>`, f(mt+(h-mt-mb)/2.0), f(mt+(h-mt-mb)/2.0))
	byFreq := append([]*site(nil), list...)
	sort.SliceStable(byFreq, func(i, j int) bool { return byFreq[i].accs > byFreq[j].accs })
	label := map[*site]bool{}
	for i := 0; i < len(byFreq) && i < maxLabels; i++ {
		label[byFreq[i]] = true
	}
	// Labels go above their heads; where one would cover another label
	// (QRDR changes sit a few residues, a pixel or two, apart) it is
	// raised a level and, if need be, slid sideways (right first, so the
	// labels keep the positions' order), with a leader line to its head.
	var boxes [][4]float64
	for _, st := range list {
		x, y := px(st.pos), py(st.accs)
		class := "lp"
		if st.known {
			class = "lp known"
		}
		s.line(x, h-mb, x, y, "stem")
		s.raw(`<circle cx="%s" cy="%s" r="4" class="%s"><title>position %d: %s, %s: %s</title></circle>`, f(x), f(y), class, st.pos,
			plural(st.accs, "accession"), plural(len(st.names), "change"), esc(strings.Join(st.names, ", ")))
	}
	for _, st := range list {
		if !label[st] {
			continue
		}
		x, y := px(st.pos), py(st.accs)
		text := strings.SplitN(st.names[0], " ", 2)[0]
		if len(st.names) > 1 {
			text += fmt.Sprintf(" +%d", len(st.names)-1)
		}
		tw := 6.6*float64(len(text)) + 2 // 10px text, and a gap
	place:
		for level := 0; level < 6; level++ {
			ty := y - 8 - 11*float64(level)
			shifts := labelShifts
			if level == 0 {
				shifts = shifts[:1] // a label beside its head would hide the leader
			}
			for _, dx := range shifts {
				lx := x + dx
				b := [4]float64{lx - tw/2, ty - 9, lx + tw/2, ty + 1}
				clash := b[1] < 40 || b[0] < 0 || b[2] > w
				for _, o := range boxes {
					if b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3] {
						clash = true
					}
				}
				if !clash {
					boxes = append(boxes, b)
					if level > 0 || dx != 0 {
						s.line(x, y-4, lx, ty+1, "leader")
					}
					s.text(lx, ty, "middle", "lpl", text)
					break place
				}
			}
		}
	}
	return s.String()
}

// labelShifts are the sideways offsets a lollipop label tries: 0, then
// right in steps of 4 pixels up to 160, then left.
var labelShifts = func() []float64 {
	out := []float64{0}
	for d := 4.0; d <= 160; d += 4 {
		out = append(out, d)
	}
	for d := -4.0; d >= -160; d -= 4 {
		out = append(out, d)
	}
	return out
}()

// plural is "1 accession", "3 accessions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func posTicks(n int) []int {
	step := 50
	for _, s := range []int{50, 100, 200, 250, 500} {
		step = s
		if n/s <= 12 {
			break
		}
	}
	out := []int{1}
	for t := step; t <= n; t += step {
		out = append(out, t)
	}
	return out
}

// heatmap marks, for each row (an accession or a group of accessions with
// the same profile) and each column (a change), whether the change is
// present.
type heatRow struct {
	label   string
	title   string
	present map[string]bool
}

func heatmap(cols []string, rows []heatRow, title string) string {
	const cell, ml, mt = 16, 170, 110
	w := ml + len(cols)*cell + 20
	h := mt + len(rows)*cell + 10
	s := newSVG("plot-heatmap", w, h, title)
	for j, c := range cols {
		x := float64(ml + j*cell + cell/2)
		s.raw(`<text x="%s" y="%d" class="ax" transform="rotate(-60 %s %d)">%s</text>`, f(x), mt-6, f(x), mt-6, esc(c))
	}
	for i, r := range rows {
		y := float64(mt + i*cell)
		s.raw(`<text x="%d" y="%s" text-anchor="end" class="ax"><title>%s</title>%s</text>`, ml-6, f(y+cell*0.75), esc(r.title), esc(r.label))
		for j, c := range cols {
			x := float64(ml + j*cell)
			fill := "#f0f0f0"
			tip := ""
			if r.present[c] {
				fill, tip = "#b2182b", r.label+": "+c
			}
			s.rect(x+1, y+1, cell-2, cell-2, fill, tip)
		}
	}
	return s.String()
}
