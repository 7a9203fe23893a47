package aligner

import (
	"fmt"
	"math"
	"slices"
)

// The float path of Native: water's own arithmetic (see water_float.go)
// for the pairs where integers are not provably identical to it
// (Scoring.IntegerExact). It has the integer path's shape, in scalar Go:
// a linear-memory score pass, then water's walk over blocks of H and
// compass recomputed from checkpoints. Its types differ (float H, double
// gap states, water's tolerances), so it has its own copy of that
// machinery instead of sharing the integer one.

// endF is the result of the float score pass.
type endF struct {
	ret  float32 // water's score: the largest interior candidate
	max  float32 // the largest H, first row and column included
	i, j int     // the first cell holding max in row-major order
}

// scoreEndF is the float score pass, row by row: each cell sees the same
// operands in the same order as in water's column-by-column fill (E runs
// along the row, F down the column), so every value is the same.
func scoreEndF(p *Profile, q []uint8) endF {
	s := p.Scoring
	a := p.Codes
	la, lb := len(a), len(q)
	g, e := s.fOpen, s.fExt
	g64, e64 := float64(g), float64(e)
	prof := queryProfileF(s, q)

	h := make([]float32, lb) // H of the previous row, overwritten in place
	f := make([]float64, lb) // F (water's bx) per column
	borderF(s, a[0], q, false, h, make([]uint8, lb))
	end := endF{ret: -math.MaxFloat32, max: -1}
	for j, v := range h {
		f[j] = float64(v - g - e)
		if v > end.max {
			end.max, end.i, end.j = v, 0, j
		}
	}
	col0, col0Down := h[0], false // H(i-1,0) and dir(i-1,0) == down
	ret := end.ret
	for i := 1; i < la; i++ {
		row := prof[int(a[i])*lb:][:lb]
		res := float64(row[0])
		fnew := float64(col0 - pick(col0Down, e, g))
		var c0 float32
		c0Down := false
		switch {
		case res > fnew && res > 0:
			c0 = float32(res)
		case fnew > 0:
			c0, c0Down = float32(fnew), true
		}
		ev := float64(c0 - pick(col0Down, e, g)) // the previous row's direction: water's quirk
		col0, col0Down = c0, c0Down

		diag := h[0]
		h[0] = c0
		rowMax, left := c0, c0
		h, f := h[:lb], f[:lb]
		for j := 1; j < len(row); j++ {
			up := h[j]
			m := float64(diag) + float64(row[j])
			ev -= e64
			if x := float64(left) - g64; x > ev {
				ev = x
			}
			if ev > m {
				m = ev
			}
			fj := f[j] - e64
			if x := float64(up) - g64; x > fj {
				fj = x
			}
			f[j] = fj
			if fj > m {
				m = fj
			}
			if m > float64(ret) {
				ret = float32(m)
			}
			v := float32(m)
			if v < 0 {
				v = 0
			}
			h[j] = v
			left = v
			diag = up
			if v > rowMax {
				rowMax = v
			}
		}
		if rowMax > end.max {
			end.max, end.i, end.j = rowMax, i, slices.Index(h, rowMax)
		}
	}
	end.ret = ret
	return end
}

// queryProfileF is queryProfile in water's float matrix scores.
func queryProfileF(s *Scoring, q []uint8) []float32 {
	buf := make([]float32, s.size*len(q))
	for c := range s.size {
		row, out := s.fsub[c*s.size:][:s.size], buf[c*len(q):][:len(q)]
		for j, b := range q {
			out[j] = row[b]
		}
	}
	return buf
}

// borderF is border in water's arithmetic: the first row (c = reference
// code 0, left moves) or first column (c = query code 0, down moves).
func borderF(s *Scoring, c uint8, seq []uint8, column bool, h []float32, d []uint8) {
	g, e := s.fOpen, s.fExt
	gapDir := dirLeft
	if column {
		gapDir = dirDown
	}
	var prev float32
	var prevGap bool
	for k, x := range seq {
		var res float64
		if column {
			res = float64(s.subF(x, c))
		} else {
			res = float64(s.subF(c, x))
		}
		fnew := 0.0
		if k > 0 {
			fnew = float64(prev - pick(prevGap, e, g))
		}
		dk := dirDiag
		switch {
		case res > fnew && res > 0:
			prev = float32(res)
		case fnew > 0:
			prev, dk = float32(fnew), gapDir
		default:
			prev = 0
		}
		prevGap = dk == gapDir
		h[k], d[k] = prev, dk
	}
}

// scanIsFirstMax reports whether water's backward scan for the start cell
// (scanEndF) ends at the first cell holding the largest H, m: it does when
// no float other than m lies within U_FEPS of it, since the scan then only
// moves between cells equal to m once it has met the last of them. That
// holds for every m above 16 and fails for small scores.
func scanIsFirstMax(m float32) bool {
	down := math.Nextafter32(m, float32(math.Inf(-1)))
	return !(float64(m)-waterFEPS < float64(down))
}

// scoreFloat is Native.Score on the float path.
func scoreFloat(p *Profile, q []uint8) (int64, error) {
	return p.Scoring.scoreOfF(scoreEndF(p, q).ret, len(p.Codes), len(q))
}

// alignFloat is Native.Align on the float path.
func (n *Native) alignFloat(p *Profile, query []byte, q []uint8) (*Alignment, error) {
	s := p.Scoring
	la, lb := len(p.Codes), len(q)
	end := scoreEndF(p, q)
	score, err := s.scoreOfF(end.ret, la, lb)
	if err != nil {
		return nil, err
	}
	w, _ := n.workF.Get().(*traceWorkF)
	if w == nil {
		w = new(traceWorkF)
	}
	defer func() {
		w.release()
		n.workF.Put(w)
	}()
	ei, ej := end.i, end.j
	firstMax := !n.forceScan && scanIsFirstMax(end.max)
	if !firstMax {
		// Small scores: replay water's scan over the whole matrix, which the
		// blocks deliver in exactly its backward order.
		w.setup(s, p.Codes, q, la, lb, n.blockRows)
		ei, ej = scanEndF(la, lb, w.H)
	}
	w.setup(s, p.Codes, q, ei+1, ej+1, n.blockRows)
	if h := w.H(ei, ej); firstMax && h != end.max {
		return nil, fmt.Errorf("aligner: float score pass found best %g at (%d,%d) but the cell holds %g", end.max, ei, ej, h)
	}
	al := walkFromF(p.Ref, query, ei, ej, s, w.H, w.dir)
	al.Score = score
	return al, nil
}

// traceWorkF is traceWork for the float path: checkpoints of H and F every
// k rows of the prefix rectangle, and the current block of H and compass.
type traceWorkF struct {
	s          *Scoring
	a, b       []uint8
	rows, cols int
	k          int
	prof       []float32

	c0h []float32 // H(i,0)
	c0d []uint8   // dir(i,0)
	ckH []float32 // per checkpoint c >= 1: H(c*k-1, 0..cols-1)
	ckF []float64 // and F after that row

	base, top, width int
	bh               []float32
	bd               []uint8
	f                []float64
	tmp              []float32
	tmpd             []uint8
}

func (w *traceWorkF) setup(s *Scoring, a, b []uint8, rows, cols, k int) {
	*w = traceWorkF{s: s, a: a, b: b, rows: rows, cols: cols,
		c0h: w.c0h[:0], c0d: w.c0d[:0], ckH: w.ckH[:0], ckF: w.ckF[:0], bh: w.bh[:0], bd: w.bd[:0],
		f: w.f[:0], tmp: w.tmp[:0], tmpd: w.tmpd[:0], base: -1}
	w.prof = queryProfileF(s, b[:cols])
	w.k = rows
	switch {
	case k > 0:
		w.k = min(k, rows)
	case rows*cols > smallCells:
		// As in traceWork: checkpoints cost 12*cols bytes per k rows, a
		// block 5*cols per row.
		w.k = max(1, int(math.Sqrt(2.4*float64(rows))))
	}
	w.c0h = growSlice(w.c0h, rows)
	w.c0d = growSlice(w.c0d, rows)
	borderF(s, b[0], a[:rows], true, w.c0h, w.c0d)
	w.f = growSlice(w.f, cols)
	nck := (rows - 1) / w.k
	w.ckH = growSlice(w.ckH, nck*cols)
	w.ckF = growSlice(w.ckF, nck*cols)
	if nck > 0 {
		w.tmp = growSlice(w.tmp, cols)
		w.tmpd = growSlice(w.tmpd, cols)
		w.forward(nck)
	}
}

func (w *traceWorkF) release() { w.s, w.a, w.b, w.prof = nil, nil, nil, nil }

// row0 computes H and compass of the first row in columns 0..len(h)-1 and
// sets f to F after row 0 (water's initial bx).
func (w *traceWorkF) row0(h []float32, d []uint8, f []float64) {
	borderF(w.s, w.a[0], w.b[:len(h)], false, h, d)
	g, e := w.s.fOpen, w.s.fExt
	for j := range h {
		f[j] = float64(h[j] - g - e)
	}
}

// rowI computes H and compass of row i >= 1 from H of row i-1 (hp) and F
// after row i-1 (f, updated in place); see scoreEndF.
func (w *traceWorkF) rowI(i int, hp, hc []float32, f []float64, d []uint8) {
	row := w.prof[int(w.a[i])*w.cols:][:len(hc)]
	g, e := w.s.fOpen, w.s.fExt
	g64, e64 := float64(g), float64(e)
	hp, hc, f, d = hp[:len(row)], hc[:len(row)], f[:len(row)], d[:len(row)]
	left := w.c0h[i]
	hc[0], d[0] = left, w.c0d[i]
	ev := float64(left - pick(w.c0d[i-1] == dirDown, e, g))
	for j := 1; j < len(row); j++ {
		m := float64(hp[j-1]) + float64(row[j])
		dj := dirDiag
		ev -= e64
		if x := float64(left) - g64; x > ev {
			ev = x
		}
		if ev > m {
			m, dj = ev, dirLeft
		}
		fj := f[j] - e64
		if x := float64(hp[j]) - g64; x > fj {
			fj = x
		}
		f[j] = fj
		if fj > m {
			m, dj = fj, dirDown
		}
		v := float32(m)
		if v < 0 {
			v = 0
		}
		hc[j], d[j] = v, dj
		left = v
	}
}

// forward runs rows 0..nck*k-1 over the full width and stores checkpoint
// c (1..nck): H of row c*k-1 and F after it.
func (w *traceWorkF) forward(nck int) {
	cols := w.cols
	hp := growSlice(w.bh, cols)
	w.bh = hp
	f := w.f
	w.row0(hp, w.tmpd, f)
	hc := w.tmp
	for i := 1; ; i++ {
		if i%w.k == 0 {
			c := i/w.k - 1
			copy(w.ckH[c*cols:], hp)
			copy(w.ckF[c*cols:], f)
			if i/w.k == nck {
				return
			}
		}
		w.rowI(i, hp, hc, f, w.tmpd)
		hp, hc = hc, hp
	}
}

// load computes the block holding row i over columns 0..width-1.
func (w *traceWorkF) load(i, width int) {
	base := i / w.k * w.k
	top := min(base+w.k, w.rows) - 1
	n := (top - base + 1) * width
	w.bh = growSlice(w.bh, n)
	w.bd = growSlice(w.bd, n)
	w.base, w.top, w.width = base, top, width
	f := w.f[:width]
	var hp []float32
	r := base
	if base == 0 {
		w.row0(w.bh[:width], w.bd[:width], f)
		hp = w.bh[:width]
		r = 1
	} else {
		c := base/w.k - 1
		hp = w.ckH[c*w.cols : c*w.cols+width]
		copy(f, w.ckF[c*w.cols:c*w.cols+width])
	}
	for ; r <= top; r++ {
		o := (r - base) * width
		hc := w.bh[o : o+width]
		w.rowI(r, hp, hc, f, w.bd[o:o+width])
		hp = hc
	}
}

func (w *traceWorkF) at(i, j int) int {
	if i < w.base || i > w.top || j >= w.width {
		w.load(i, j+1)
	}
	return (i-w.base)*w.width + j
}

// H returns H(i, j) for a cell inside the prefix rectangle.
func (w *traceWorkF) H(i, j int) float32 { return w.bh[w.at(i, j)] }

func (w *traceWorkF) dir(i, j int) uint8 { return w.bd[w.at(i, j)] }
