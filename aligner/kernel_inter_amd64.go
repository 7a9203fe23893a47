//go:build amd64 && !noasm

package aligner

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"unsafe"
)

// The inter-sequence kernels score one query per vector lane (32 queries
// per AVX-512 register at 16 bits) against one reference, row by row:
// row i is reference residue i, column j is query position j, so the row
// maxima arrive in water's row-major order and the first best cell falls
// out of strict comparisons. Per cell they compute exactly scoreEndGeneric's
// recurrence:
//
//	E = max(E - ext, H(i,j-1) - open)
//	H(i,j) = max(H(i-1,j-1) + sub, E, F(i,j), 0)
//	F(i+1,j) = max(F(i,j) - ext, H(i,j) - open)
//
// Column 0 is water's first-column recurrence in vector form, and row 0 is
// computed here in Go. Queries shorter than the longest in the batch are
// padded with a code whose substitution score is hugely negative: a padded
// cell can only be reached through gaps from real cells, so it never holds
// a value above an earlier real cell (row-major order), and never changes a
// lane's maximum or its first best cell.
//
// The kernels track, per lane, the best H (first cell in row-major order)
// and the best interior H. Score is the best interior H when that is
// positive; a lane whose interior never goes above 0 (water then reports a
// negative or zero unclamped score) is rescored by scoreEndGeneric.
// 16-bit lanes saturate: a lane whose best reaches 32767 is rescored with
// 32-bit lanes, which cannot overflow under the bound checked by fits32.

// interUnroll is the number of columns per loop iteration of the kernels
// (unroll in _asm/gen.go): interior columns are padded to a multiple.
const interUnroll = 4

// max16 bounds both lengths for 16-bit lanes, which also hold row and
// column indices.
const max16 = math.MaxInt16

// padCode is the query code of padding columns in the VPERMW tables.
const padCode = 31

// interKernel is one assembly kernel.
type interKernel struct {
	fn    func(*interArgs)
	trace func(*interArgs) // the same kernel storing traceback flags, or nil
	score func(*interArgs) // the same kernel without the best cell, or nil
	vb    int              // vector bytes
	w     int              // lane bytes: 2 or 4
	perm  bool             // VPERMW tables instead of a query profile
}

func (k *interKernel) lanes() int { return k.vb / k.w }

// limit is the value at which a lane is considered saturated, and pad the
// substitution score of padding columns.
func (k *interKernel) limit() int64 {
	if k.w == 2 {
		return math.MaxInt16
	}
	return math.MaxInt64
}

func (k *interKernel) pad() int64 {
	if k.w == 2 {
		return math.MinInt16
	}
	return -1 << 29
}

// simdKernel is a kernel family selectable by the dispatcher: 16-bit lanes
// first, 32-bit lanes for the saturated ones; 8-bit lanes for scanning
// many references (kernel_w8_amd64.go).
type simdKernel struct {
	name     string
	k16, k32 *interKernel
	k8       *w8Kernel
}

var (
	kernelAVX512 = &simdKernel{name: "avx512",
		k16: &interKernel{fn: interAVX512W16, trace: interAVX512W16Trace, score: interAVX512W16Score, vb: 64, w: 2, perm: true},
		k32: &interKernel{fn: interAVX512W32, vb: 64, w: 4},
		k8:  &w8Kernel{fn: interAVX512W8Score, vb: 64}}
	kernelAVX2 = &simdKernel{name: "avx2",
		k16: &interKernel{fn: interAVX2W16, trace: interAVX2W16Trace, score: interAVX2W16Score, vb: 32, w: 2},
		k32: &interKernel{fn: interAVX2W32, vb: 32, w: 4},
		k8:  &w8Kernel{fn: interAVX2W8Score, vb: 32}}
)

// interWork is the scratch memory of one batch.
type interWork struct {
	st                     interState
	hBuf, fBuf, pBuf, cBuf []byte
	tr                     []uint8 // query codes by column then lane
	flags                  flagMem // traceback flags (trace kernels)
	rowH                   []int64 // first row of one lane (8-bit kernels)
	rowD                   []uint8
	// First row and column of one walk over the flags (walkFlags).
	walkH0r, walkH0c []int64
	walkD0r, walkD0c []uint8
}

// interFree keeps scratch memory between batches. Unlike a sync.Pool it
// survives garbage collections: the traceback flags alone are tens of MB
// per batch, and reallocating them after each GC would let the heap double.
// It holds at most one work per processor; concurrent batches beyond that
// allocate and drop their own.
var interFree = make(chan *interWork, runtime.GOMAXPROCS(0))

func getWork() *interWork {
	select {
	case w := <-interFree:
		return w
	default:
		return new(interWork)
	}
}

func putWork(w *interWork) {
	select {
	case interFree <- w:
	default:
		w.flags.free()
	}
}

// aligned returns n bytes of *buf starting at a 64-byte boundary, zeroed
// if zero is set.
func aligned(buf *[]byte, n int, zero bool) []byte {
	if cap(*buf) < n+64 {
		*buf = make([]byte, n+64)
	}
	b := (*buf)[:n+64]
	off := int(-uintptr(unsafe.Pointer(&b[0])) & 63) // #nosec G103 -- the address is only used to compute the 64-byte alignment offset, never converted back to a pointer
	b = b[off : off+n]
	if zero {
		clear(b)
	}
	return b
}

func lanes16(b []byte) []int16 { return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2) } // #nosec G103 -- views a 64-byte-aligned byte buffer as int16 lanes (len/2 elements, within the buffer); kernels proven equal to the oracle by TestKernelRealPairs, TestKernelRandomLengths and FuzzKernel
func lanes32(b []byte) []int32 { return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4) } // #nosec G103 -- views a 64-byte-aligned byte buffer as int32 lanes (len/4 elements, within the buffer); kernels proven equal to the oracle by TestKernelRealPairs, TestKernelRandomLengths and FuzzKernel

// firstRow computes water's first row for each lane (query) l: H(0,j) into
// h[j*L+l] and F(1,j) = max(H(0,j) - open, 0) into f (the kernels keep F
// >= 0) for j >= 1, H(0,0) into col0H[l], and the row's first maximum into
// gMax[l], endCol[l]. Values saturate to the lane type; a saturated lane
// reaches the limit and is rescored with wider lanes.
func firstRow[T int16 | int32](s *Scoring, a0 uint8, qs [][]uint8, L int, h, f, col0H, gMax, endCol []T) {
	open := int64(s.Open)
	hi := int64(math.MaxInt16)
	if unsafe.Sizeof(T(0)) == 4 {
		hi = math.MaxInt32
	}
	longest := 0
	for _, q := range qs {
		longest = max(longest, len(q))
	}
	hs, ds := make([]int64, longest), make([]uint8, longest)
	for l, q := range qs {
		border(s, a0, q, false, hs[:len(q)], ds[:len(q)])
		best, bestJ := int64(0), 0
		for j, prev := range hs[:len(q)] {
			if prev > best {
				best, bestJ = prev, j
			}
			hv := T(min(prev, hi))
			if j == 0 {
				col0H[l] = hv
				continue
			}
			h[j*L+l] = hv
			f[j*L+l] = T(min(max(prev-open, 0), hi))
		}
		gMax[l], endCol[l] = T(min(best, hi)), T(bestJ)
	}
}

// Lane accessors of little-endian vectors.
func getLane(v []byte, w, l int) int64 {
	if w == 2 {
		return int64(*(*int16)(unsafe.Pointer(&v[2*l]))) // #nosec G103 -- reads lane l of a little-endian vector; &v[2*l] is bounds-checked and the vector is 2-byte aligned (aligned)
	}
	return int64(*(*int32)(unsafe.Pointer(&v[4*l]))) // #nosec G103 -- reads lane l of a little-endian vector; &v[4*l] is bounds-checked and the vector is 4-byte aligned (aligned)
}

func putLane(v []byte, w, l int, x int64) {
	if w == 2 {
		*(*int16)(unsafe.Pointer(&v[2*l])) = int16(x) // #nosec G103 -- writes lane l of a little-endian vector; &v[2*l] is bounds-checked and the vector is 2-byte aligned (aligned)
	} else {
		*(*int32)(unsafe.Pointer(&v[4*l])) = int32(x) // #nosec G103 -- writes lane l of a little-endian vector; &v[4*l] is bounds-checked and the vector is 4-byte aligned (aligned)
	}
}

func broadcast(v []byte, w int, x int64) {
	for l := 0; l < len(v)/w; l++ {
		putLane(v, w, l, x)
	}
}

// Lane outcomes of one kernel run.
const (
	laneOK = iota
	laneSaturated
	laneGeneric // no positive interior cell: water's score is the unclamped maximum
)

// run scores qs (at most k.lanes(), each of length >= 2) against a (length
// >= 2) with fn (k.fn, k.score or k.trace), writing out[l] and status[l]
// for each query; after k.score only out[l].Score is set. With a non-nil
// tr, fn must be k.trace, and run returns the flags of cells (i, j >= 1),
// held in tr: four 32-bit lane masks (left, down, E-open, F-open) at
// flags[(i-1)*trRow + (j-1)*16:], bit l*32/k.lanes() for lane l.
func (w *interWork) run(k *interKernel, fn func(*interArgs), s *Scoring, a []uint8, qs [][]uint8, out []End, status []int, tr *flagMem) (trRow int, flags []byte) {
	L, vb, we := k.lanes(), k.vb, k.w
	maxLen := 0
	for _, q := range qs {
		maxLen = max(maxLen, len(q))
	}
	nblk := (maxLen - 1 + interUnroll - 1) / interUnroll
	n := 1 + nblk*interUnroll
	open, ext := int64(s.Open), int64(s.Extend)
	pad := k.pad()

	// Query codes by column and lane, padding included.
	w.tr = growSlice(w.tr, n*L)
	for i := range w.tr {
		w.tr[i] = padCode
	}
	for l, q := range qs {
		for j, c := range q {
			w.tr[j*L+l] = c
		}
	}

	// Substitution scores: VPERMW tables or a query profile.
	size := s.Matrix.Size()
	var args interArgs
	if k.perm {
		prof := aligned(&w.pBuf, size*64, true)
		for c := range size {
			t := prof[c*64 : (c+1)*64]
			row := s.Row(uint8(c))
			for x := range size {
				putLane(t, 2, x, int64(row[x]))
			}
			putLane(t, 2, padCode, pad)
		}
		codes := aligned(&w.cBuf, n*vb, false)
		c16 := lanes16(codes)
		for i, c := range w.tr {
			c16[i] = int16(c)
		}
		args.prof, args.pstride, args.codes = unsafe.Pointer(&prof[0]), 64, unsafe.Pointer(&codes[0]) // #nosec G103 -- pointers into Go-allocated buffers sized for the kernel (size*64 and n*vb bytes) passed to the assembly; layout checked by TestInterLayout, results by TestKernelRealPairs and FuzzKernel
	} else {
		// Only the rows of codes the reference uses are read.
		stride := n * vb
		prof := aligned(&w.pBuf, size*stride, false)
		var used [256]bool
		for _, c := range a {
			used[c] = true
		}
		var sub16 [256]int16
		var sub32 [256]int32
		for c := range size {
			if !used[c] {
				continue
			}
			row := s.Row(uint8(c))
			base := prof[c*stride : (c+1)*stride]
			if we == 2 {
				for x, v := range row {
					sub16[x] = int16(v)
				}
				sub16[padCode] = int16(pad)
				v := lanes16(base)[:len(w.tr)]
				for i, x := range w.tr {
					v[i] = sub16[x]
				}
			} else {
				copy(sub32[:], row)
				sub32[padCode] = int32(pad)
				v := lanes32(base)[:len(w.tr)]
				for i, x := range w.tr {
					v[i] = sub32[x]
				}
			}
		}
		args.prof, args.pstride = unsafe.Pointer(&prof[0]), uintptr(stride) // #nosec G103 -- pointer to the query profile (size*stride bytes) passed to the assembly; layout checked by TestInterLayout, results by TestKernelRealPairs and FuzzKernel
	}

	// Row 0 (water's first-row recurrence), its best cells and F(1, j);
	// padding columns keep H = F = 0 from aligned.
	h := aligned(&w.hBuf, n*vb, true)
	f := aligned(&w.fBuf, n*vb, true)
	st := &w.st
	*st = interState{}
	if we == 2 {
		firstRow(s, a[0], qs, L, lanes16(h), lanes16(f), lanes16(st.col0H[:]), lanes16(st.gMax[:]), lanes16(st.endCol[:]))
	} else {
		firstRow(s, a[0], qs, L, lanes32(h), lanes32(f), lanes32(st.col0H[:]), lanes32(st.gMax[:]), lanes32(st.endCol[:]))
	}
	broadcast(st.open[:vb], we, open)
	broadcast(st.ext[:vb], we, ext)
	broadcast(st.oxe[:vb], we, open^ext)
	broadcast(st.one[:vb], we, 1)

	args.ref = unsafe.Pointer(&a[1]) // #nosec G103 -- the reference codes after row 0 (len(a)-1 rows, passed as args.rows) for the assembly; proven by TestKernelRealPairs and FuzzKernel
	args.rows = uintptr(len(a) - 1)
	args.h = unsafe.Pointer(&h[vb]) // #nosec G103 -- the H row after its padding block (n*vb bytes) for the assembly; proven by TestKernelRealPairs and FuzzKernel
	args.f = unsafe.Pointer(&f[vb]) // #nosec G103 -- the F row after its padding block (n*vb bytes) for the assembly; proven by TestKernelRealPairs and FuzzKernel
	args.nblk = uintptr(nblk)
	args.st = st
	if tr != nil {
		trRow = (n - 1) * 16
		flags = tr.get((len(a) - 1) * trRow)
		args.tr, args.trRow = unsafe.Pointer(&flags[0]), uintptr(trRow) // #nosec G103 -- traceback flags buffer of (len(a)-1)*trRow bytes for the assembly; proven by TestTraceKernel and FuzzTrace
	}
	fn(&args)

	mask := int64(1)<<(8*we) - 1
	for l := range qs {
		gm, im := getLane(st.gMax[:], we, l), getLane(st.inMax[:], we, l)
		switch {
		case gm >= k.limit():
			status[l] = laneSaturated
		case im <= 0:
			status[l] = laneGeneric
		default:
			status[l] = laneOK
			out[l] = End{Score: im, Max: gm, RefEnd: int(getLane(st.endRow[:], we, l) & mask), QueryEnd: int(getLane(st.endCol[:], we, l) & mask)}
		}
	}
	return trRow, flags
}

// fits32 reports whether 32-bit lanes hold every value of an la x lb
// matrix: H is at most the best substitution score times the shorter
// length, and gap runs go down by at most open + n*ext from there.
func fits32(s *Scoring, la, lb int) bool {
	var hi int64
	for _, v := range s.sub {
		hi = max(hi, int64(v), -int64(v))
	}
	n := int64(max(la, lb))
	return hi*int64(min(la, lb))+int64(s.Open)+n*int64(s.Extend) < 1<<28
}

// scoreBatchSIMD computes scoreEndGeneric(p, qs[i]) for every query with
// kernel family ks; with scoreOnly, only out[i].Score is guaranteed.
func scoreBatchSIMD(ks *simdKernel, p *Profile, qs [][]uint8, out []End, scoreOnly bool) {
	s, a := p.Scoring, p.Codes
	if len(a) < 2 || s.Matrix.Size() > padCode {
		for i, q := range qs {
			out[i] = scoreEndGeneric(p, q)
		}
		return
	}
	// Long queries first, so each batch holds similar lengths.
	var idx []int
	for i, q := range qs {
		if len(q) < 2 || len(q) > LongQuery || !fits32(s, len(a), len(q)) {
			out[i] = scoreEndGeneric(p, q)
			continue
		}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(len(qs[y]), len(qs[x])) })

	w := getWork()
	defer putWork(w)
	var sat []int
	// 16-bit lanes for the queries that fit; the rest, and those that
	// saturate, go to 32-bit lanes.
	var wide []int
	if len(a) > max16 {
		idx, wide = nil, idx
	} else {
		for len(idx) > 0 && len(qs[idx[0]]) > max16 {
			wide = append(wide, idx[0])
			idx = idx[1:]
		}
	}
	for _, k := range []*interKernel{ks.k16, ks.k32} {
		if k == ks.k32 {
			idx = append(wide, idx...)
		}
		L := k.lanes()
		batch := make([][]uint8, 0, L)
		res := make([]End, L)
		status := make([]int, L)
		var next []int
		for lo := 0; lo < len(idx); lo += L {
			part := idx[lo:min(lo+L, len(idx))]
			batch = batch[:0]
			for _, i := range part {
				batch = append(batch, qs[i])
			}
			fn := k.fn
			if scoreOnly && k.score != nil {
				fn = k.score
			}
			w.run(k, fn, s, a, batch, res, status, nil)
			for l, i := range part {
				switch status[l] {
				case laneOK:
					out[i] = res[l]
				case laneSaturated:
					next = append(next, i)
				default:
					out[i] = scoreEndGeneric(p, qs[i])
				}
			}
		}
		idx, sat = next, next
	}
	// 32-bit lanes cannot saturate under fits32; keep the generic path as
	// the answer if they ever do.
	for _, i := range sat {
		out[i] = scoreEndGeneric(p, qs[i])
	}
}
