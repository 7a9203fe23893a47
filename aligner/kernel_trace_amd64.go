//go:build amd64 && !noasm

package aligner

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// Traceback in SIMD: the trace kernel runs the 16-bit score pass over a
// batch and also stores, per cell, four lane masks: water's compass (left,
// down) and whether E and F were just opened. walkFlags then replays
// water's traceback (walkFrom) for each lane from those flags and the first
// row and column, which are computed here in Go. walkFrom reads H in three
// places, and each follows from the flags:
//
//   - the walk knows H of the cell it stands on: Max at the end cell, then
//     H - sub after a diagonal step (the compass said the cell's H is its
//     diagonal candidate), and the scanned value after a gap;
//   - "H <= 0" after a diagonal step is that value;
//   - walkFrom finds a gap's length as the smallest g with
//     H(y, x-1-g) - open - g*ext == H(y, x). Since E only grows by opening
//     (E(y,c) = H(y,c-1) - open) or shrinks by ext per column, that holds
//     exactly when E(y, x-g) was opened from its left neighbour and
//     extended unchanged up to x, i.e. for the smallest g with the
//     E-open flag at (y, x-g) (the same for F and columns); H of the gap's
//     first cell is then H(y, x) + open + g*ext. When the scan reaches
//     column 0 (row 0) first, walkFrom's value comes from H of the first
//     column (row), which is at hand.
//
// Every cell the walk reads has H > 0, where clamping E and F at zero in
// the kernel changes nothing. Lanes the kernel cannot finish (saturated,
// no positive interior) and batches whose flags would exceed traceMaxBytes
// go to Native's scalar traceback instead.
//
// Flags of cell (i, j), i, j >= 1: four little-endian uint32 lane masks at
// byte (i-1)*trRow + (j-1)*16, in this order.
const (
	traceLeft  = 0 // E > H(i-1,j-1) + sub (the compass says left unless down)
	traceDown  = 1 // F > max(H(i-1,j-1) + sub, E): the compass says down
	traceEOpen = 2 // E(i,j) == H(i,j-1) - open
	traceFOpen = 3 // F(i,j) == H(i-1,j) - open
)

// traceMaxBytes bounds the flags of one batch: 32 MB covers 32 queries of
// 1,400 aa against a 1,400-aa wild type (the longest K-12 wild type, RpoB,
// has 1,342). The flags live outside the Go heap (flagMem).
const traceMaxBytes = 32 << 20

// alignBatchSIMD sets out[i] to water's alignment of queries[i] (codes
// qs[i]) for the queries the trace kernel handles, leaving nil the ones
// the caller must align otherwise.
func alignBatchSIMD(ks *simdKernel, p *Profile, queries [][]byte, qs [][]uint8, out []*Alignment) {
	k := ks.k16
	s, a := p.Scoring, p.Codes
	if k.trace == nil || len(a) < 2 || len(a) > max16 || s.Matrix.Size() > padCode {
		return
	}
	var idx []int
	for i, q := range qs {
		if len(q) >= 2 && len(q) <= max16 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(len(qs[y]), len(qs[x])) })
	w := getWork()
	defer putWork(w)
	L := k.lanes()
	batch := make([][]uint8, 0, L)
	res := make([]End, L)
	status := make([]int, L)
	for lo := 0; lo < len(idx); lo += L {
		part := idx[lo:min(lo+L, len(idx))]
		n := 1 + (len(qs[part[0]])-1+interUnroll-1)/interUnroll*interUnroll
		if (len(a)-1)*(n-1)*16 > traceMaxBytes {
			continue
		}
		batch = batch[:0]
		for _, i := range part {
			batch = append(batch, qs[i])
		}
		trRow, flags := w.run(k, k.trace, s, a, batch, res, status, &w.flags)
		for l, i := range part {
			if status[l] == laneOK {
				out[i] = walkFlags(w, p, queries[i], qs[i], res[l], flags, trRow, uint(l*32/L))
			}
		}
	}
}

// resize returns s with n elements (contents undefined), reusing its memory.
func resize[T int64 | uint8](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// walkFlags is walkFrom over the kernel's flags of the lane whose mask bit
// is bit (see traceLeft).
func walkFlags(w *interWork, p *Profile, query []byte, q []uint8, end End, fl []byte, trRow int, bit uint) *Alignment {
	s, a, ref := p.Scoring, p.Codes, p.Ref
	open, ext := int64(s.Open), int64(s.Extend)
	ei, ej := end.RefEnd, end.QueryEnd
	// First row and column, up to the end cell: H and compass, in the
	// batch's scratch (border writes every element). Most walks end before
	// they reach either, so each is computed when first read.
	var h0r, h0c []int64
	var d0r, d0c []uint8
	row := func() {
		if h0r == nil {
			w.walkH0r, w.walkD0r = resize(w.walkH0r, ej+1), resize(w.walkD0r, ej+1)
			h0r, d0r = w.walkH0r, w.walkD0r
			border(s, a[0], q[:ej+1], false, h0r, d0r)
		}
	}
	col := func() {
		if h0c == nil {
			w.walkH0c, w.walkD0c = resize(w.walkH0c, ei+1), resize(w.walkD0c, ei+1)
			h0c, d0c = w.walkH0c, w.walkD0c
			border(s, q[0], a[:ei+1], true, h0c, d0c)
		}
	}
	flag := func(i, j, f int) bool {
		return binary.LittleEndian.Uint32(fl[(i-1)*trRow+(j-1)*16+4*f:])>>bit&1 != 0
	}
	dir := func(i, j int) uint8 {
		switch {
		case i == 0:
			row()
			return d0r[j]
		case j == 0:
			col()
			return d0c[i]
		case flag(i, j, traceDown):
			return dirDown
		case flag(i, j, traceLeft):
			return dirLeft
		}
		return dirDiag
	}
	// cur is H(y, x) of the cell the walk stands on.
	al := &Alignment{Score: end.Score, RefEnd: ei, QueryEnd: ej}
	// Reversed aligned reference and query, sized for a near-diagonal
	// alignment so that they rarely grow.
	size := max(ei, ej) + 17
	both := make([]byte, 2*size) // one allocation; a string that outgrows its half moves out
	m, n := both[:0:size], both[size:size:2*size]
	y, x, cur := ei, ej, end.Max
	for x >= 0 && y >= 0 {
		switch dir(y, x) {
		case dirDiag:
			m = append(m, ref[y])
			n = append(n, query[x])
			cur -= int64(s.Sub(a[y], q[x]))
			y--
			x--
			if y >= 0 && x >= 0 && cur <= 0 {
				goto done
			}
		case dirLeft:
			gapcnt := 0
			if y == 0 { // walkFrom's scan over the first row
				row()
				score := h0r[x]
				ix := x - 1
				var bimble int64
				for {
					bimble = h0r[ix] - open - int64(gapcnt)*ext
					if ix == 0 || score == bimble {
						break
					}
					ix--
					gapcnt++
				}
				if bimble <= 0 {
					goto done
				}
				cur = h0r[ix]
			} else {
				for x-gapcnt > 1 && !flag(y, x-gapcnt, traceEOpen) {
					gapcnt++
				}
				if flag(y, x-gapcnt, traceEOpen) {
					cur += open + int64(gapcnt)*ext
				} else {
					col()
					if h0c[y]-open-int64(gapcnt)*ext <= 0 {
						goto done
					}
					cur = h0c[y]
				}
			}
			for range gapcnt + 1 {
				m = append(m, Gap)
				n = append(n, query[x])
				x--
			}
		default: // dirDown
			gapcnt := 0
			if x == 0 { // walkFrom's scan over the first column
				col()
				score := h0c[y]
				iy := y - 1
				var bimble int64
				for {
					bimble = h0c[iy] - open - int64(gapcnt)*ext
					if iy == 0 || score == bimble {
						break
					}
					iy--
					gapcnt++
				}
				if bimble <= 0 {
					goto done
				}
				cur = h0c[iy]
			} else {
				for y-gapcnt > 1 && !flag(y-gapcnt, x, traceFOpen) {
					gapcnt++
				}
				if flag(y-gapcnt, x, traceFOpen) {
					cur += open + int64(gapcnt)*ext
				} else {
					row()
					if h0r[x]-open-int64(gapcnt)*ext <= 0 {
						goto done
					}
					cur = h0r[x]
				}
			}
			for range gapcnt + 1 {
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
