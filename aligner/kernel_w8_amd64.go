//go:build amd64 && !noasm

package aligner

import (
	"cmp"
	"slices"
	"unsafe"
)

// 8-bit lanes for scanning: 64 queries per AVX-512 register (32 with
// AVX2), scored against many references with one query profile.
//
// Lanes are unsigned bytes. The profile holds sub + bias for every
// reference code and query position, where bias = -min(sub) makes every
// entry non-negative; the kernel's diagonal candidate is
// (H(i-1,j-1) +sat (sub+bias)) -sat bias, which is max(H(i-1,j-1)+sub, 0)
// unless the sum exceeds 255, when it becomes 255-bias. E, F and H are
// clamped at 0 by saturating subtraction, which changes only values the
// 16-bit kernels also clamp (see kernel_inter_amd64.go). So:
//
//   - until the first saturation, every value equals the 16-bit kernel's;
//   - the first saturated cell holds exactly 255-bias, and the lane's
//     maximum (gMax) includes it.
//
// A lane whose maximum stays below limit = 255-bias is therefore exact;
// the others are rescored with 16-bit lanes (then 32). Padding columns
// use a profile entry of 0 (sub = -bias, the matrix minimum): they lie to
// the right of every real cell of their lane, so no real cell depends on
// them, and their values never exceed an interior cell's or 0, so they
// cannot raise the lane's maximum of interior cells (inMax). That needs
// one exception: the first padding cell of row 1 takes its diagonal from
// row 0, which is not interior (water reports the best interior cell; ref
// WA, query AW: W:W lies in row 0, the score is 1), so firstRow gives the
// kernel 0 for the last real column of row 0 (found by FuzzKernel).
//
// 8-bit lanes are used only when they can hold the matrix: bias and
// max(sub)+bias at most 255, and a limit above max(sub), so that a single
// residue pair cannot already saturate (w8Params). Gap penalties above 255
// act like 255: every H is at most 255, so H - open is clamped at 0 either
// way.

// w8Kernel is an 8-bit score kernel.
type w8Kernel struct {
	fn func(*interArgs)
	vb int // vector bytes = lanes
}

// w8Params returns the bias of the 8-bit profile and the saturation limit,
// or ok = false when 8-bit lanes cannot represent s exactly.
func w8Params(s *Scoring) (bias, limit int, ok bool) {
	lo, hi := int32(0), int32(0)
	for _, v := range s.sub {
		lo, hi = min(lo, v), max(hi, v)
	}
	bias = int(-lo)
	limit = 255 - bias
	return bias, limit, bias+int(hi) <= 255 && limit > int(hi)
}

// w8Batch is the query side of one 8-bit batch, shared by every reference.
type w8Batch struct {
	qs   [][]uint8
	n    int    // columns including column 0, a multiple of unroll plus one
	prof []byte // by matrix code: n vectors of sub+bias
	rows map[uint8]*w8Row
}

// w8Row is water's first row of a batch for one first reference residue
// (most wild types start with M, so one row serves them all).
type w8Row struct {
	h, f        []byte   // H(0, j) and F(1, j) = max(H(0,j) - open, 0) by column, j >= 1 (column 0 zero)
	col0H, gMax [64]byte // H(0, 0) and the row's maximum, by lane
}

// firstRow returns the first row of b against reference residue c, the
// values capped at limit (a lane whose first row reaches it is saturated).
func (b *w8Batch) firstRow(w *interWork, s *Scoring, c uint8, limit, L int) *w8Row {
	if r := b.rows[c]; r != nil {
		return r
	}
	r := &w8Row{h: make([]byte, b.n*L), f: make([]byte, b.n*L)}
	open := int64(s.Open)
	hs, ds := growSlice(w.rowH, b.n), growSlice(w.rowD, b.n)
	w.rowH, w.rowD = hs, ds
	for l, q := range b.qs {
		border(s, c, q, false, hs[:len(q)], ds[:len(q)])
		best := int64(0)
		for j, v := range hs[:len(q)] {
			best = max(best, v)
			v = min(v, int64(limit))
			if j == 0 {
				r.col0H[l] = byte(v)
				continue
			}
			// H(0, j) is the diagonal of cell (1, j+1) only (F(1, j) is
			// precomputed): the last column's feeds the first padding
			// cell, which must not exceed the interior, so it is 0.
			if j < len(q)-1 {
				r.h[j*L+l] = byte(v)
			}
			r.f[j*L+l] = byte(max(v-open, 0))
		}
		r.gMax[l] = byte(min(best, int64(limit)))
	}
	b.rows[c] = r
	return r
}

// prepare lays out qs (at most k.vb queries, each of length >= 2) for
// scoring: the query codes by column and lane, then the biased profile of
// every matrix code.
func (w *interWork) prepare8(k *w8Kernel, s *Scoring, bias int, qs [][]uint8) *w8Batch {
	L := k.vb
	maxLen := 0
	for _, q := range qs {
		maxLen = max(maxLen, len(q))
	}
	nblk := (maxLen - 1 + interUnroll - 1) / interUnroll
	n := 1 + nblk*interUnroll
	w.tr = growSlice(w.tr, n*L)
	for i := range w.tr {
		w.tr[i] = padCode
	}
	for l, q := range qs {
		for j, c := range q {
			w.tr[j*L+l] = c
		}
	}
	size := s.Matrix.Size()
	stride := n * L
	prof := aligned(&w.pBuf, size*stride, false)
	var t [256]byte
	for c := range size {
		for x, v := range s.Row(uint8(c)) {
			t[x] = byte(int(v) + bias)
		}
		t[padCode] = 0
		row := prof[c*stride : (c+1)*stride]
		for i, x := range w.tr {
			row[i] = t[x]
		}
	}
	return &w8Batch{qs: qs, n: n, prof: prof, rows: map[uint8]*w8Row{}}
}

// run8 scores batch b against reference a (length >= 2): score[l] and
// status[l] (laneOK, laneSaturated or laneGeneric) per query.
func (w *interWork) run8(k *w8Kernel, s *Scoring, bias, limit int, a []uint8, b *w8Batch, score []int64, status []int) {
	L, n := k.vb, b.n
	h := aligned(&w.hBuf, n*L, false)
	f := aligned(&w.fBuf, n*L, false)
	st := &w.st
	*st = interState{}
	// Row 0 and F(1, j); padding columns hold zeros.
	r0 := b.firstRow(w, s, a[0], limit, L)
	copy(h, r0.h)
	copy(f, r0.f)
	st.col0H, st.gMax = r0.col0H, r0.gMax
	o8, e8 := byte(min(s.Open, 255)), byte(min(s.Extend, 255))
	for l := range L {
		st.open[l], st.ext[l], st.oxe[l], st.bias[l] = o8, e8, o8^e8, byte(bias)
	}

	args := interArgs{
		prof: unsafe.Pointer(&b.prof[0]), pstride: uintptr(n * L), // #nosec G103 -- the 8-bit profile (n*L bytes per code) passed to the assembly; proven by TestW8Saturation and FuzzScoreMany
		ref: unsafe.Pointer(&a[1]), rows: uintptr(len(a) - 1), // #nosec G103 -- the reference codes after row 0 (len(a)-1 rows, passed as rows) for the assembly; proven by TestW8Saturation and FuzzScoreMany
		h: unsafe.Pointer(&h[L]), f: unsafe.Pointer(&f[L]), // #nosec G103 -- the H and F rows after their padding block (n*L bytes each) for the assembly; proven by TestW8Saturation and FuzzScoreMany
		nblk: uintptr((n - 1) / interUnroll), st: st,
	}
	k.fn(&args)
	for l := range b.qs {
		gm, im := int(st.gMax[l]), int64(st.inMax[l])
		switch {
		case gm >= limit:
			status[l] = laneSaturated
		case im <= 0:
			status[l] = laneGeneric
		default:
			status[l], score[l] = laneOK, im
		}
	}
}

// scoreManySIMD sets out[r][i] to water's score of qs[i] against
// profiles[r] (all with scoring s): 8-bit lanes first, the saturated
// pairs again with the 16-bit (then 32-bit) kernels of ks.
func scoreManySIMD(ks *simdKernel, s *Scoring, profiles []*Profile, qs [][]uint8, out [][]int64) {
	bias, limit, ok := w8Params(s)
	k := ks.k8
	var refs []int // references the 8-bit kernel can take
	for r, p := range profiles {
		if !ok || k == nil || len(p.Codes) < 2 || s.Matrix.Size() > padCode {
			scoreEnds(ks, p, qs, out[r])
			continue
		}
		refs = append(refs, r)
	}
	if len(refs) == 0 {
		return
	}
	var idx []int
	for i, q := range qs {
		if len(q) < 2 || len(q) > LongQuery { // long queries: memory linear in the reference (long.go)
			for _, r := range refs {
				out[r][i] = scoreEndGeneric(profiles[r], q).Score
			}
			continue
		}
		idx = append(idx, i)
	}
	// Long queries first, so each batch holds similar lengths.
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(len(qs[y]), len(qs[x])) })

	w := getWork()
	defer putWork(w)
	L := k.vb
	batch := make([][]uint8, 0, L)
	score := make([]int64, L)
	status := make([]int, L)
	sat := make([][]int, len(profiles)) // by reference: queries to rescore
	for lo := 0; lo < len(idx); lo += L {
		part := idx[lo:min(lo+L, len(idx))]
		batch = batch[:0]
		for _, i := range part {
			batch = append(batch, qs[i])
		}
		b := w.prepare8(k, s, bias, batch)
		for _, r := range refs {
			w.run8(k, s, bias, limit, profiles[r].Codes, b, score, status)
			for l, i := range part {
				switch status[l] {
				case laneOK:
					out[r][i] = score[l]
				case laneSaturated:
					sat[r] = append(sat[r], i)
				default:
					out[r][i] = scoreEndGeneric(profiles[r], qs[i]).Score
				}
			}
		}
	}
	for r, is := range sat {
		if len(is) == 0 {
			continue
		}
		sub := make([][]uint8, len(is))
		for n, i := range is {
			sub[n] = qs[i]
		}
		scores := make([]int64, len(is))
		scoreEnds(ks, profiles[r], sub, scores)
		for n, i := range is {
			out[r][i] = scores[n]
		}
	}
}

// scoreEnds sets out[i] to the score of qs[i] against p with the 16- and
// 32-bit kernels of ks.
func scoreEnds(ks *simdKernel, p *Profile, qs [][]uint8, out []int64) {
	ends := make([]End, len(qs))
	scoreBatchSIMD(ks, p, qs, ends, true)
	for i, e := range ends {
		out[i] = e.Score
	}
}
