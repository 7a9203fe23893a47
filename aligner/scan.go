package aligner

import "slices"

// End is the result of a score-only pass: what a traceback needs to start.
type End struct {
	// Score is the score water reports: the largest unclamped cell score
	// (before the local-alignment clamp to 0) over rows i >= 1 and columns
	// j >= 1. It is NoScore when the reference or the query has a single
	// residue, because water then has no such cell and prints -FLT_MAX.
	Score int64
	// Max is the largest H (clamped, >= 0) over the whole matrix, first
	// row and first column included.
	Max int64
	// RefEnd, QueryEnd are the 0-based row (reference) and column (query)
	// of the first cell holding Max in row-major order: lowest RefEnd, then
	// lowest QueryEnd. The traceback starts there.
	RefEnd, QueryEnd int
}

// scoreEndFunc is the score pass of Native's single-pair methods (Score,
// Align): always scoreEndGeneric, since one pair would fill one SIMD lane
// of 32. The SIMD kernels serve the batch methods (scoreBatch). It is a
// variable only so that a test can plant a faulty pass and check that the
// traceback catches it.
var scoreEndFunc = scoreEndGeneric

// scoreEndGeneric is the reference score pass in linear memory. It defines
// the contract every kernel must meet exactly; p.Codes (reference, rows i)
// and q (query codes, columns j) must both be non-empty.
//
// The matrix is water's, in scaled integers (s = p.Scoring, open = s.Open,
// ext = s.Extend, sub = s.Sub(a[i], q[j]), H clamped at 0):
//
// First column (j = 0), for i = 0, 1, ...:
//
//	fnew = 0                                   if i == 0
//	fnew = H(i-1,0) - (ext if dir(i-1,0) == down else open)
//	H(i,0), dir(i,0) = sub, diag    if sub > fnew && sub > 0
//	                 = fnew, down   else if fnew > 0
//	                 = 0, diag      otherwise
//
// First row (i = 0) likewise with left instead of down and H(0,j-1).
//
// Interior (i, j >= 1): E is a per-row gap in the reference (a left move),
// F a per-column gap in the query (a down move):
//
//	E(i,0)   = H(i,0) - (ext if dir(i-1,0) == down else open)    water's quirk: the row's gap
//	                                                              state starts from the
//	                                                              PREVIOUS row's direction
//	E(i,j)   = max(E(i,j-1) - ext, H(i,j-1) - open)
//	F(0,j)   = H(0,j) - open - ext
//	F(i,j)   = max(F(i-1,j) - ext, H(i-1,j) - open)
//	m        = H(i-1,j-1) + sub;  if E > m { m = E };  if F > m { m = F }
//	H(i,j)   = max(m, 0)
//
// where "max(x, y)" keeps x on ties (the comparisons are strict, so on equal
// values the diagonal beats a left move, which beats a down move). Score is
// the largest m over the interior, Max and (RefEnd, QueryEnd) as in End.
// The per-cell values only depend on cells above and to the left, so a
// kernel may use any order (water fills column by column) as long as it
// reports the first maximum in row-major order.
//
// Queries longer than LongQuery are scored by scoreEndColumns, in memory
// linear in the reference's length (long.go).
func scoreEndGeneric(p *Profile, q []uint8) End {
	if len(q) > LongQuery {
		return scoreEndColumns(p, q)
	}
	return scoreEndRows(p, q)
}

// scoreEndRows is scoreEndGeneric row by row, with a query profile.
func scoreEndRows(p *Profile, q []uint8) End {
	s := p.Scoring
	a := p.Codes
	la, lb := len(a), len(q)
	open, ext := int64(s.Open), int64(s.Extend)
	prof := queryProfile(s, q, nil)

	h := make([]int64, lb) // H of the previous row, overwritten in place
	f := make([]int64, lb) // F per column
	end := End{Score: NoScore, Max: -1}

	// Row 0.
	border(s, a[0], q, false, h, make([]uint8, lb))
	for j, prev := range h {
		f[j] = prev - open - ext
		if prev > end.Max {
			end.Max, end.RefEnd, end.QueryEnd = prev, 0, j
		}
	}

	// Rows 1..la-1.
	col0, col0Down := h[0], false // H(i-1,0) and dir(i-1,0) == down
	best := int64(NoScore)
	for i := 1; i < la; i++ {
		row := prof[int(a[i])*lb:][:lb]
		res := int64(row[0])
		fnew := col0 - pick(col0Down, ext, open)
		var c0 int64
		var c0Down bool
		switch {
		case res > fnew && res > 0:
			c0 = res
		case fnew > 0:
			c0, c0Down = fnew, true
		}
		e := c0 - pick(col0Down, ext, open)
		col0, col0Down = c0, c0Down

		diag := h[0]
		h[0] = c0
		rowMax, left := c0, c0
		h, f := h[:lb], f[:lb]
		for j := 1; j < len(row); j++ {
			up := h[j]
			e = max(e-ext, left-open)
			fj := max(f[j]-ext, up-open)
			f[j] = fj
			m := max(diag+int64(row[j]), e, fj)
			best = max(best, m)
			m = max(m, 0)
			rowMax = max(rowMax, m)
			h[j] = m
			left = m
			diag = up
		}
		if rowMax > end.Max {
			// Rare: find the row's first maximum.
			end.Max, end.RefEnd, end.QueryEnd = rowMax, i, slices.Index(h, rowMax)
		}
	}
	end.Score = best
	return end
}

// queryProfile returns the scores of every matrix code against each query
// position: entry c*len(q)+j is Sub(c, q[j]). It reuses buf when large
// enough.
func queryProfile(s *Scoring, q []uint8, buf []int32) []int32 {
	n := s.size * len(q)
	if cap(buf) < n {
		buf = make([]int32, n)
	}
	buf = buf[:n]
	for c := range s.size {
		row, out := s.Row(uint8(c)), buf[c*len(q):][:len(q)]
		for j, b := range q {
			out[j] = row[b]
		}
	}
	return buf
}
