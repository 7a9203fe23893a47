package aligner

// border computes water's first row (c = reference code 0 against seq =
// query codes; gaps are left moves) or first column (c = query code 0
// against seq = reference codes; down moves): H and compass. A gap there
// costs the extension only when the previous cell came from a gap, as in
// water's initialisation.
func border[T int32 | int64](s *Scoring, c uint8, seq []uint8, column bool, h []T, d []uint8) {
	borderFrom(s, c, seq, column, 0, h, d)
}

// borderFrom is border keeping only the cells from index from on: h[k-from]
// and d[k-from] for k >= from (the rest are computed, not stored).
func borderFrom[T int32 | int64](s *Scoring, c uint8, seq []uint8, column bool, from int, h []T, d []uint8) {
	open, ext := T(s.Open), T(s.Extend)
	gapDir := dirLeft
	if column {
		gapDir = dirDown
	}
	var prev T
	var prevGap bool
	for k, x := range seq {
		var res T
		if column {
			res = T(s.Sub(x, c))
		} else {
			res = T(s.Sub(c, x))
		}
		var fnew T
		if k > 0 {
			if prevGap {
				fnew = prev - ext
			} else {
				fnew = prev - open
			}
		}
		dk := dirDiag
		switch {
		case res > fnew && res > 0:
			prev = res
		case fnew > 0:
			prev, dk = fnew, gapDir
		default:
			prev = 0
		}
		prevGap = dk == gapDir
		if k >= from {
			h[k-from], d[k-from] = prev, dk
		}
	}
}
