package aligner

import "math"

// Direction of the move that produced a cell's score (water's "compass").
const (
	dirDiag uint8 = 0 // residue pair
	dirLeft uint8 = 1 // gap in the reference: a query residue against '-'
	dirDown uint8 = 2 // gap in the query: a reference residue against '-'
)

// Oracle is the plain full-matrix engine: a line-by-line transcription of
// water's embAlignPathCalcSW and embAlignWalkSWMatrix in exact integers,
// quirks included. It needs len(ref)*len(query) cells of memory and exists
// to prove faster engines equal to it. Where integers are not identical to
// water's arithmetic (Scoring.IntegerExact) it is FloatOracle.
type Oracle struct{}

var _ Engine = Oracle{}

// Name implements Engine.
func (Oracle) Name() string { return "oracle" }

// Align implements Engine.
func (Oracle) Align(p *Profile, query []byte) (*Alignment, error) {
	if err := checkInput(p, query); err != nil {
		return nil, err
	}
	s := p.Scoring
	a, b := p.Codes, s.Matrix.Encode(query)
	la, lb := len(a), len(b)
	if !s.IntegerExact(la, lb) {
		return FloatOracle{}.Align(p, query)
	}
	path := make([]int64, la*lb)
	compass := make([]uint8, la*lb)
	score := fillOracle(s, a, b, path, compass)
	al := walk(p.Ref, query, la, lb, s,
		func(i, j int) int64 { return path[i*lb+j] },
		func(i, j int) uint8 { return compass[i*lb+j] })
	al.Score = score
	return al, nil
}

// fillOracle computes water's path (H) and compass matrices, rows indexed
// by reference position i, columns by query position j, and returns the
// score water reports: the largest unclamped cell score outside the first
// row and column (NoScore when there is no such cell). It is usually the
// maximum of H, but not when the best cell lies in the first row or column.
func fillOracle(s *Scoring, a, b []uint8, path []int64, compass []uint8) int64 {
	ret := int64(NoScore)
	la, lb := len(a), len(b)
	open, ext := int64(s.Open), int64(s.Extend)
	maxa := make([]int64, la) // E: best score ending in a gap in the reference, per row

	// First column: only a match or a vertical gap can reach it.
	for i := 0; i < la; i++ {
		res := int64(s.Sub(a[i], b[0]))
		var fnew int64
		if i > 0 {
			fnew = path[(i-1)*lb] - pick(compass[(i-1)*lb] == dirDown, ext, open)
		}
		switch {
		case res > fnew && res > 0:
			path[i*lb], compass[i*lb] = res, dirDiag
		case fnew > 0:
			path[i*lb], compass[i*lb] = fnew, dirDown
		default:
			path[i*lb], compass[i*lb] = 0, dirDiag
		}
		// water's quirk: the row's gap state starts from the previous
		// row's direction, not this one's.
		if i == 0 {
			maxa[i] = path[0] - open
		} else {
			maxa[i] = path[i*lb] - pick(compass[(i-1)*lb] == dirDown, ext, open)
		}
	}
	// First row.
	for j := 0; j < lb; j++ {
		res := int64(s.Sub(a[0], b[j]))
		var fnew int64
		if j > 0 {
			fnew = path[j-1] - pick(compass[j-1] == dirLeft, ext, open)
		}
		switch {
		case res > fnew && res > 0:
			path[j], compass[j] = res, dirDiag
		case fnew > 0:
			path[j], compass[j] = fnew, dirLeft
		default:
			path[j], compass[j] = 0, dirDiag
		}
	}
	// The rest, column by column as water fills it. Ties keep the earlier
	// choice: diagonal, then left, then down.
	for j := 1; j < lb; j++ {
		bx := path[j] - open - ext // F: best score ending in a gap in the query, down this column
		for i := 1; i < la; i++ {
			c := i*lb + j
			m := path[c-lb-1] + int64(s.Sub(a[i], b[j]))
			compass[c] = dirDiag

			maxa[i] -= ext
			if f := path[c-1] - open; f > maxa[i] {
				maxa[i] = f
			}
			if maxa[i] > m {
				m = maxa[i]
				compass[c] = dirLeft
			}
			bx -= ext
			if f := path[c-lb] - open; f > bx {
				bx = f
			}
			if bx > m {
				m = bx
				compass[c] = dirDown
			}
			if m > ret {
				ret = m
			}
			if m < 0 {
				m = 0
			}
			path[c] = m
		}
	}
	return ret
}

// pick is cond ? x : y, for the engines' gap and score choices.
func pick[T int32 | int64 | float32](cond bool, x, y T) T {
	if cond {
		return x
	}
	return y
}

// walk is water's traceback over any source of path and compass values:
// start at the first maximum in row-major order, follow the compass, and
// re-derive each gap's length as the shortest one consistent with the
// scores. H and dir are only asked for cells (i, j) with i <= end row and
// j <= end column, in non-increasing row order.
func walk(ref, query []byte, la, lb int, s *Scoring, H func(i, j int) int64, dir func(i, j int) uint8) *Alignment {
	// Callers that know the end cell use walkFrom; the oracle scans.
	best, bi, bj := int64(math.MinInt64), 0, 0
	for i := la - 1; i >= 0; i-- {
		for j := lb - 1; j >= 0; j-- {
			if v := H(i, j); v >= best {
				best, bi, bj = v, i, j
			}
		}
	}
	return walkFrom(ref, query, bi, bj, s, H, dir)
}

// walkFrom traces back from end cell (ei, ej).
func walkFrom(ref, query []byte, ei, ej int, s *Scoring, H func(i, j int) int64, dir func(i, j int) uint8) *Alignment {
	open, ext := int64(s.Open), int64(s.Extend)
	al := &Alignment{Score: H(ei, ej), RefEnd: ei, QueryEnd: ej}
	var m, n []byte // reversed aligned reference and query
	y, x := ei, ej
	for x >= 0 && y >= 0 {
		switch dir(y, x) {
		case dirDiag:
			m = append(m, ref[y])
			n = append(n, query[x])
			y--
			x--
			if y >= 0 && x >= 0 && H(y, x) <= 0 {
				goto done
			}
		case dirLeft:
			score := H(y, x)
			var gapcnt int64
			ix := x - 1
			var bimble int64
			for {
				bimble = H(y, ix) - open - gapcnt*ext
				if ix == 0 || score == bimble {
					break
				}
				ix--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for k := int64(0); k <= gapcnt; k++ {
				m = append(m, Gap)
				n = append(n, query[x])
				x--
			}
		default: // dirDown
			score := H(y, x)
			var gapcnt int64
			iy := y - 1
			var bimble int64
			for {
				bimble = H(iy, x) - open - gapcnt*ext
				if iy == 0 || score == bimble {
					break
				}
				iy--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for k := int64(0); k <= gapcnt; k++ {
				m = append(m, ref[y])
				n = append(n, Gap)
				y--
			}
		}
	}
done:
	al.RefStart, al.QueryStart = y+1, x+1
	reverse(m)
	reverse(n)
	al.AlignedRef, al.AlignedQuery = m, n
	return al
}

func reverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}
