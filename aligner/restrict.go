package aligner

import "math"

// A traceback restricted to where water's path can lie.
//
// Given the score pass's end cell (ei, ej) and Max = S, water's traceback
// (walkFrom) visits only cells of one path from its start cell to the end.
// If a rectangle [r0..ei] x [c0..ej] contains that path, the walk over a
// forward pass restricted to the rectangle (cells outside it read as H = 0
// and no gap state, except that row 0 and column 0 keep their true values)
// is the same walk:
//
//   - the restricted values are never above the true ones (fewer paths,
//     boundary values no larger), and on the path they are equal (the path
//     is inside, and its prefix scores are H's values along it);
//   - at a path cell the compass picks the same move: the candidate the
//     true matrix picks has its true value (its source is on the path) and
//     the others can only be lower, so the strict comparisons agree;
//   - a gap's length is the first g from the right with H(y, x-1-g) -
//     open - g*ext == H(y, x); a restricted cell can only satisfy that if
//     the true one does, and the true first match is on the path;
//   - the walk stops after a diagonal step at a cell with H <= 0, which is
//     then <= 0 restricted too.
//
// startRegion finds such a rectangle with a reverse pass: an anchored
// Gotoh pass from the end cell up and to the left over rows 1..ei and
// columns 1..ej, A(i,j) = best standard score of a path that begins at
// (i,j) and ends at the end cell. Every cell of the prefix rectangle other
// than the end holds H < S (the end is the first maximum in row-major
// order), so:
//
//   - no path in the pass scores above S (water's H is at least the
//     standard score of any path that avoids row and column 0, and every
//     such path ending at the end cell scores at most H(end) = S);
//   - when water's path starts at a cell with row and column >= 1, its
//     start holds A = S (the walk's alignment is such a path, of score S);
//   - pruning is safe: on that path, a cell entered freshly (from a match
//     or a gap opening) has A = S - H(d) > 0, where d < end is the cell
//     before it, and the gap states of an inner gap are above the H state
//     that ends it, so > 0 too; so the pass drops H and gap states <= 0.
//     Only a gap that runs into column 0 (row 0) can hold values <= 0 on
//     the path, and those stay above -open (the open is paid once in each
//     direction): a live gap state that would still be above -open at
//     column 1 (row 1) counts as reaching it (below).
//
// The rectangle's corner is the smallest row and the smallest column of
// cells with A = S. Water's first-row and first-column recurrences differ
// from standard Gotoh, so when a live state reaches column 1 (row 1), the
// path may continue into column 0 (row 0): then c0 = 0 (r0 = 0), and the
// other bound allows for a run down column 0 (along row 0), whose H values
// start at most at the best substitution score and fall by at least
// min(open, ext) per cell. With min(open, ext) = 0 both bounds become 0.

// Pruned states hold deadScore.
const deadScore = math.MinInt32 / 2

// startRegion returns the corner (r0, c0) of a rectangle [r0..ei] x
// [c0..ej] that contains water's traceback path from end, and the number
// of cells the reverse pass computed; ok is false when that number would
// exceed budget (then nothing is known).
func startRegion(s *Scoring, a, b []uint8, end End, budget int, w *regionWork) (r0, c0, cells int, ok bool) {
	ei, ej, S := end.RefEnd, end.QueryEnd, end.Max
	if ei == 0 || ej == 0 || S <= 0 {
		return 0, 0, 0, true
	}
	open, ext := int64(s.Open), int64(s.Extend)
	var maxSub int64
	for _, v := range s.sub {
		maxSub = max(maxSub, int64(v))
	}
	run := -1 // cells of a run along row or column 0; -1: unbounded
	if m := min(open, ext); m > 0 {
		run = int(maxSub/m) + 2
	}

	// Row i's states over columns lo..hi, by j - lo; the previous row's in
	// pa, pf over plo..phi.
	pa, pf := w.a[:0], w.f[:0]
	plo, phi := ej+1, ej // empty, right of the end: row ei stops where its E dies
	minRow, minCol := ei+1, ej+1
	col1Row, row1Col := -1, -1 // a live state in column 1 (row 1): its row (column)
	for i := ei; i >= 1; i-- {
		row := s.Row(a[i])
		hiStart := ej
		if i < ei {
			hiStart = phi
		}
		ca, cf := w.ra[:0], w.rf[:0] // built from hiStart downwards, reversed below
		e := int64(deadScore)
		left := int64(deadScore) // A(i, j+1)
		lo, hi := 0, -1
		for j := hiStart; j >= 1; j-- {
			var cand, f int64 = deadScore, deadScore
			if i == ei && j == ej {
				cand = int64(row[b[j]])
			}
			if j+1 >= plo && j+1 <= phi {
				if d := int64(pa[j+1-plo]); d > deadScore {
					cand = d + int64(row[b[j]])
				}
			}
			if j >= plo && j <= phi {
				f = max(int64(pf[j-plo])-ext, int64(pa[j-plo])-open)
			}
			e = max(e-ext, left-open)
			if e <= 0 {
				if e > -open && j == 1 {
					col1Row = i
				}
				e = deadScore
			} else if e-int64(j-1)*ext > -open {
				col1Row = i // this gap could run on into column 0
			}
			if f <= 0 {
				if f > -open && i == 1 {
					row1Col = j
				}
				f = deadScore
			} else if f-int64(i-1)*ext > -open {
				row1Col = j
			}
			h := max(cand, e, f)
			if h <= 0 {
				h = deadScore
			}
			if cells++; cells > budget {
				return 0, 0, cells, false
			}
			alive := h > deadScore || e > deadScore || f > deadScore
			if alive {
				if hi < 0 {
					hi = j
				}
				lo = j
				if j == 1 {
					col1Row = i // rows fall: the last one is the smallest
				}
				if i == 1 {
					row1Col = j // columns fall: the last one is the smallest
				}
				if h >= S {
					minRow, minCol = min(minRow, i), min(minCol, j)
				}
			}
			ca, cf = append(ca, int32(h)), append(cf, int32(f))
			left = h
			if j < plo-1 && e == deadScore {
				break
			}
		}
		w.ra, w.rf = ca, cf
		if hi < 0 {
			break
		}
		// Keep columns lo..hi, in increasing order.
		pa, pf = pa[:0], pf[:0]
		for k := hiStart - lo; k >= hiStart-hi; k-- {
			pa, pf = append(pa, ca[k]), append(pf, cf[k])
		}
		plo, phi = lo, hi
	}
	w.a, w.f = pa, pf

	r0, c0 = minRow, minCol
	if col1Row >= 0 {
		c0 = 0
		if run < 0 {
			r0 = 0
		} else {
			r0 = min(r0, col1Row-1-run)
		}
	}
	if row1Col >= 0 {
		r0 = 0
		if run < 0 {
			c0 = 0
		} else {
			c0 = min(c0, row1Col-1-run)
		}
	}
	if r0 > ei || c0 > ej { // no start found: cannot happen; be safe
		return 0, 0, cells, true
	}
	return max(r0, 0), max(c0, 0), cells, true
}

// regionWork holds the scratch rows of startRegion and the matrices of
// traceRegion, reused between calls.
type regionWork struct {
	a, f, ra, rf []int32
	h            []int32 // rectangle H, row-major
	d            []uint8 // rectangle compass
	e            []int32
	h0r, h0c     []int64 // true first row and column
	d0r, d0c     []uint8
}

// traceRegion is water's traceback from end over the rectangle
// [r0..ei] x [c0..ej] (see above). It returns nil when the walk would
// leave the rectangle, which the reverse pass rules out; the caller then
// falls back to the full traceback.
func traceRegion(p *Profile, query []byte, q []uint8, end End, r0, c0 int, w *regionWork) *Alignment {
	s, a := p.Scoring, p.Codes
	ei, ej := end.RefEnd, end.QueryEnd
	open, ext := int32(s.Open), int32(s.Extend)
	rows, cols := ei-r0+1, ej-c0+1
	var maxSub int64
	for _, v := range s.sub {
		maxSub = max(maxSub, int64(v))
	}
	if maxSub*int64(min(ei, ej)+1)+int64(s.Open)+2*int64(s.Extend) > math.MaxInt32/2 {
		return nil // int32 cells could overflow; the checkpointed traceback checks and refuses
	}
	// Row 0 over columns c0..ej only (a long query's row would not fit;
	// the walk never reads it left of c0, see dir), column 0 whole.
	w.h0r, w.d0r = growSlice(w.h0r, cols), growSlice(w.d0r, cols)
	w.h0c, w.d0c = growSlice(w.h0c, ei+1), growSlice(w.d0c, ei+1)
	borderFrom(s, a[0], q[:ej+1], false, c0, w.h0r, w.d0r)
	border(s, q[0], a[:ei+1], true, w.h0c, w.d0c)
	h0r := func(j int) int32 { return int32(w.h0r[j-c0]) }
	w.h, w.d = growSlice(w.h, rows*cols), growSlice(w.d, rows*cols)
	w.e = growSlice(w.e, cols) // F by column (vertical gaps), carried down
	h, d, f := w.h, w.d, w.e
	// Row r0: the true first row, or the first interior row of the
	// rectangle (below it: H = 0, no gap state).
	for i := r0; i <= ei; i++ {
		o := (i - r0) * cols
		if i == 0 {
			for j := c0; j <= ej; j++ {
				h[j-c0], d[j-c0] = h0r(j), w.d0r[j-c0]
				f[j-c0] = h0r(j) - open - ext
			}
			continue
		}
		jlo := c0
		var left, e int32 = 0, deadScore
		if c0 == 0 {
			left = int32(w.h0c[i])
			h[o], d[o] = left, w.d0c[i]
			e = left - pick(w.d0c[i-1] == dirDown, ext, open)
			jlo = 1
		}
		row := s.Row(a[i])
		for j := jlo; j <= ej; j++ {
			k := j - c0
			var diag, up int32
			switch { // H(i-1, j-1): true in row and column 0, else 0 outside
			case i-1 == 0 && j-1 >= c0:
				diag = h0r(j - 1)
			case j-1 == 0:
				diag = int32(w.h0c[i-1])
			case i-1 >= r0 && j-1 >= c0:
				diag = h[o-cols+k-1]
			}
			fPrev := int32(deadScore)
			if i-1 >= r0 {
				up, fPrev = h[o-cols+k], f[k]
			} else if i-1 == 0 {
				up = h0r(j)
				fPrev = up - open - ext
			}
			m := diag + row[q[j]]
			dj := dirDiag
			e = max(e-ext, left-open)
			if e > m {
				m, dj = e, dirLeft
			}
			fj := max(fPrev-ext, up-open)
			f[k] = fj
			if fj > m {
				m, dj = fj, dirDown
			}
			m = max(m, 0)
			h[o+k], d[o+k] = m, dj
			left = m
		}
	}
	if int64(h[rows*cols-1]) != end.Max {
		return nil
	}
	outside := false
	H := func(i, j int) int64 {
		switch {
		case i == 0 && j < c0:
			outside = true
			return 0
		case i == 0:
			return w.h0r[j-c0]
		case j == 0:
			return w.h0c[i]
		case i < r0 || j < c0:
			return 0
		}
		return int64(h[(i-r0)*cols+j-c0])
	}
	dir := func(i, j int) uint8 {
		switch {
		case i == 0 && j < c0:
			outside = true
			return dirDiag
		case i == 0:
			return w.d0r[j-c0]
		case j == 0:
			return w.d0c[i]
		case i < r0 || j < c0:
			outside = true
			return dirDiag
		}
		return d[(i-r0)*cols+j-c0]
	}
	al := walkFrom(p.Ref, query, ei, ej, s, H, dir)
	if outside {
		return nil
	}
	al.Score = end.Score
	return al
}
