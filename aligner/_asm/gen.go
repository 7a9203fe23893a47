// Command gen writes ../kernel_amd64.s, the inter-sequence Smith-Waterman
// score kernels of package aligner (see ../kernel.go for the algorithm and
// ../kernel_amd64.go for the argument layout).
//
// It is a plain Go program without dependencies: each kernel is emitted from
// one description, parameterised by instruction set (AVX2 or AVX-512BW),
// lane width (16 or 32 bits) and how substitution scores are fetched (a
// per-batch query profile in memory, or a VPERMW table lookup of the query
// codes). Run it with `go generate ./aligner` (or `make generate`); `make
// generate-check` fails when the committed file is stale.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

// Offsets of interArgs and interState fields (checked by a test in the
// aligner package).
const (
	argProf    = 0
	argPStride = 8
	argCodes   = 16
	argRef     = 24
	argRows    = 32
	argH       = 40
	argF       = 48
	argNblk    = 56
	argSt      = 64
	argTr      = 72 // trace kernels: flags of cell (1,1)
	argTrRow   = 80 // bytes per row of flags

	stGMax   = 0
	stInMax  = 64
	stCol0H  = 128
	stDown   = 192
	stEndRow = 256
	stEndCol = 320
	stOpen   = 384
	stExt    = 448
	stOxe    = 512
	stOne    = 576
	stZero   = 640
	stH0     = 704 // four vectors: H(i+r, 0) of the rows of a group

	unroll = 4 // columns per loop iteration (interUnroll in Go)
)

type kernel struct {
	name   string
	avx512 bool
	w      int  // lane width in bits
	perm   bool // substitution scores by VPERMW of query codes (else profile loads)
	rows   int  // reference rows per pass over the columns
	trace  bool // also store per-cell traceback flags (16-bit only)
	score  bool // score only: no first best cell (RefEnd, QueryEnd)
}

// Traceback flags: per cell (i, j) and pass of lanes, four 32-bit lane
// masks at byte (i-1)*trRow + (j-1)*16 of the flags: left, down, E-open,
// F-open (see kernel_trace_amd64.go). AVX-512 stores its mask registers (bit
// l for lane l); AVX2 stores VPMOVMSKB of the 16-bit compare results (bits
// 2l and 2l+1 for lane l).
const (
	flagLeft  = 0 // E > H(i-1,j-1) + sub
	flagDown  = 1 // F > max(H(i-1,j-1) + sub, E): water's compass says down
	flagEOpen = 2 // E(i,j) == H(i,j-1) - open
	flagFOpen = 3 // F(i,j) == H(i-1,j) - open
)

type gen struct {
	buf bytes.Buffer
	k   kernel
	lbl int
}

func (g *gen) i(format string, a ...any) { fmt.Fprintf(&g.buf, "\t"+format+"\n", a...) }
func (g *gen) label(l string)            { fmt.Fprintf(&g.buf, "%s:\n", l) }
func (g *gen) newLabel(s string) string  { g.lbl++; return fmt.Sprintf("%s_%s%d", g.k.name, s, g.lbl) }

// Operands: a vector register number, or a memory operand string.
func (g *gen) op(x any) string {
	switch v := x.(type) {
	case int:
		if g.k.avx512 {
			return fmt.Sprintf("Z%d", v)
		}
		return fmt.Sprintf("Y%d", v)
	case string:
		return v
	}
	panic("bad operand")
}

func (g *gen) vb() int {
	if g.k.avx512 {
		return 64
	}
	return 32
}

func (g *gen) sfx() string {
	if g.k.w == 16 {
		return "W"
	}
	return "D"
}

func st(off int) string { return fmt.Sprintf("%d(BX)", off) }

func (g *gen) load(mem string, r int) {
	if g.k.avx512 {
		g.i("VMOVDQU64 %s, %s", mem, g.op(r))
	} else {
		g.i("VMOVDQU %s, %s", mem, g.op(r))
	}
}

func (g *gen) store(r int, mem string) {
	if g.k.avx512 {
		g.i("VMOVDQU64 %s, %s", g.op(r), mem)
	} else {
		g.i("VMOVDQU %s, %s", g.op(r), mem)
	}
}

func (g *gen) mov(src, dst int) {
	if g.k.avx512 {
		g.i("VMOVDQA64 %s, %s", g.op(src), g.op(dst))
	} else {
		g.i("VMOVDQA %s, %s", g.op(src), g.op(dst))
	}
}

// dst = a + b, saturating for 16-bit lanes (32-bit lanes cannot overflow
// under the bound the Go side checks).
func (g *gen) adds(b any, a, dst int) {
	if g.k.w == 16 {
		g.i("VPADDSW %s, %s, %s", g.op(b), g.op(a), g.op(dst))
	} else {
		g.i("VPADDD %s, %s, %s", g.op(b), g.op(a), g.op(dst))
	}
}

// dst = a - b, signed saturating.
func (g *gen) subs(b any, a, dst int) {
	if g.k.w == 16 {
		g.i("VPSUBSW %s, %s, %s", g.op(b), g.op(a), g.op(dst))
	} else {
		g.i("VPSUBD %s, %s, %s", g.op(b), g.op(a), g.op(dst))
	}
}

// dst = max(a - b, 0) for a >= 0: one unsigned saturating subtraction at
// 16 bits, a subtraction and a maximum at 32 bits (zero is a register
// holding zeros).
func (g *gen) subClamp(b any, a, dst int, zero any) {
	if g.k.w == 16 {
		g.i("VPSUBUSW %s, %s, %s", g.op(b), g.op(a), g.op(dst))
		return
	}
	g.i("VPSUBD %s, %s, %s", g.op(b), g.op(a), g.op(dst))
	g.max(zero, dst, dst)
}

func (g *gen) max(b any, a, dst int) {
	g.i("VPMAXS%s %s, %s, %s", g.sfx(), g.op(b), g.op(a), g.op(dst))
}

func (g *gen) add(b any, a, dst int) {
	g.i("VPADD%s %s, %s, %s", g.sfx(), g.op(b), g.op(a), g.op(dst))
}

func (g *gen) zero(r int) {
	if g.k.avx512 {
		g.i("VPXORQ %s, %s, %s", g.op(r), g.op(r), g.op(r))
	} else {
		g.i("VPXOR %s, %s, %s", g.op(r), g.op(r), g.op(r))
	}
}

// setIfGt sets dst = src in lanes where a > b (signed). tmp is a scratch
// vector register (AVX2 only).
func (g *gen) setIfGt(b any, a int, src, dst, tmp int) {
	if g.k.avx512 {
		g.i("VPCMPGT%s %s, %s, K1", g.sfx(), g.op(b), g.op(a))
		g.i("VMOVDQU%d %s, K1, %s", g.k.w, g.op(src), g.op(dst))
		return
	}
	g.i("VPCMPGT%s %s, %s, %s", g.sfx(), g.op(b), g.op(a), g.op(tmp))
	g.i("VPBLENDVB %s, %s, %s, %s", g.op(tmp), g.op(src), g.op(dst), g.op(dst))
}

// broadcastGPR fills vector dst with the 16- or 32-bit value of AX.
func (g *gen) broadcastAX(dst int) {
	if g.k.avx512 {
		g.i("VPBROADCAST%s AX, %s", g.sfx(), g.op(dst))
		return
	}
	g.i("MOVQ AX, X%d", dst)
	g.i("VPBROADCAST%s X%d, %s", g.sfx(), dst, g.op(dst))
}

// Register plan.
//
//	DI args, BX state, SI reference codes, CX rows left, R8 first row of
//	the group, R9 H pointer, R10 F pointer, R11 code pointer (VPERMW) or
//	profile pointer of row 0, R14 and R13 profile pointers of rows 1 and 2,
//	R12 column blocks left, AX scratch.
//
// Vector registers: see regs.
type regs struct {
	open, ext, one, zero any // registers or memory operands
	jvec, code, f, htmp  int
	t, e, hmo, diag      []int // per row: VPERMW table, E, H-open of the left cell, H of the row above one column left
	rowMax, rowJ, d      []int // per row: row maximum, its first column, diagonal candidate
	prof                 []string
	tmp                  int      // trace: scratch
	trPtr                []string // trace: flag row pointers
}

func (g *gen) regs(R int) regs {
	var r regs
	prof := []string{"R11", "R14", "R13"}
	next := 0
	alloc := func() int { next++; return next - 1 }
	if g.k.avx512 {
		r.open, r.ext = alloc(), alloc()
	} else {
		r.open, r.ext = st(stOpen), st(stExt)
	}
	r.one, r.zero = st(stOne), st(stZero)
	r.jvec, r.f, r.htmp = alloc(), alloc(), alloc()
	if g.k.perm {
		r.code = alloc()
	}
	if g.k.w == 32 {
		r.zero = alloc()
	}
	for i := 0; i < R; i++ {
		if g.k.perm {
			r.t = append(r.t, alloc())
		} else {
			r.prof = append(r.prof, prof[i])
		}
		r.e = append(r.e, alloc())
		r.hmo = append(r.hmo, alloc())
		r.diag = append(r.diag, alloc())
		r.rowMax = append(r.rowMax, alloc())
		if !g.k.score {
			r.rowJ = append(r.rowJ, alloc())
		}
		r.d = append(r.d, alloc())
	}
	if g.k.trace {
		r.tmp = alloc()
		r.trPtr = []string{"R13", "R14", "DX"}[:R]
	}
	limit := 16
	if g.k.avx512 {
		limit = 32
	}
	if next > limit {
		panic(fmt.Sprintf("%s: %d rows need %d vector registers", g.k.name, R, next))
	}
	return r
}

// traceCell computes H of row q at column c of the unrolled block like the
// plain cell code, and also water's compass and the gap-open and zero
// flags, stored as one byte per lane. E and F are kept >= 0, which only
// changes cells where H == 0: the traceback never looks at their compass.
func (g *gen) traceCell(r regs, q, c, h int) {
	d, e, f := r.d[q], r.e[q], r.f
	g.subClamp(r.ext, e, e, r.zero)
	g.max(r.hmo[q], e, e) // E = max(E - ext, H(i,j-1) - open)
	if !g.k.avx512 {
		g.traceCellAVX2(r, q, c, h)
		return
	}
	g.i("VPCMPEQW %s, %s, K2", g.op(r.hmo[q]), g.op(e))
	g.i("VPCMPGTW %s, %s, K3", g.op(d), g.op(e))
	g.max(e, d, d)
	g.i("VPCMPGTW %s, %s, K4", g.op(d), g.op(f))
	if q == 0 {
		g.subClamp(r.open, r.diag[0], r.tmp, r.zero) // H(i-1,j) - open
		g.i("VPCMPEQW %s, %s, K5", g.op(r.tmp), g.op(f))
	} else {
		g.i("VPCMPEQW %s, %s, K5", g.op(r.hmo[q-1]), g.op(f))
	}
	g.max(f, d, h) // H = max(diag + sub, E, F, 0)
	for _, m := range []struct{ k, flag int }{{3, flagLeft}, {4, flagDown}, {2, flagEOpen}, {5, flagFOpen}} {
		g.i("KMOVD K%d, %d(%s)", m.k, c*16+4*m.flag, r.trPtr[q])
	}
}

// traceCellAVX2 is traceCell after the E update, with vector masks stored
// through VPMOVMSKB.
func (g *gen) traceCellAVX2(r regs, q, c, h int) {
	d, e, f, tmp := r.d[q], r.e[q], r.f, r.tmp
	mask := func(v, flag int) {
		g.i("VPMOVMSKB %s, AX", g.op(v))
		g.i("MOVL AX, %d(%s)", c*16+4*flag, r.trPtr[q])
	}
	g.i("VPCMPEQW %s, %s, %s", g.op(r.hmo[q]), g.op(e), g.op(tmp))
	mask(tmp, flagEOpen)
	g.i("VPCMPGTW %s, %s, %s", g.op(d), g.op(e), g.op(tmp))
	mask(tmp, flagLeft)
	g.max(e, d, d)
	g.i("VPCMPGTW %s, %s, %s", g.op(d), g.op(f), g.op(tmp))
	mask(tmp, flagDown)
	if q == 0 {
		g.subClamp(r.open, r.diag[0], tmp, r.zero) // H(i-1,j) - open
		g.i("VPCMPEQW %s, %s, %s", g.op(tmp), g.op(f), g.op(tmp))
	} else {
		g.i("VPCMPEQW %s, %s, %s", g.op(r.hmo[q-1]), g.op(f), g.op(tmp))
	}
	mask(tmp, flagFOpen)
	g.max(f, d, h) // H = max(diag + sub, E, F, 0)
}

// group emits the code for R reference rows starting at row R8.
func (g *gen) group(R int) {
	k := g.k
	vb := g.vb()
	r := g.regs(R)
	if k.avx512 {
		g.load(st(stOpen), r.open.(int))
		g.load(st(stExt), r.ext.(int))
	}
	if k.w == 32 {
		g.zero(r.zero.(int))
	}

	// Profile rows (tables) of the R reference residues; res0 of row q
	// goes to r.d[q].
	if k.perm {
		g.i("MOVQ %d(DI), R11", argCodes)
		g.load("(R11)", r.code)
	}
	for q := 0; q < R; q++ {
		g.i("MOVBQZX %d(SI), AX", q)
		g.i("IMULQ %d(DI), AX", argPStride)
		g.i("ADDQ %d(DI), AX", argProf)
		if k.perm {
			g.load("(AX)", r.t[q])
			g.i("VPERMW %s, %s, %s", g.op(r.t[q]), g.op(r.code), g.op(r.d[q]))
		} else {
			g.i("MOVQ AX, %s", r.prof[q])
			g.load("(AX)", r.d[q])
			g.i("ADDQ $%d, %s", vb, r.prof[q])
		}
	}
	if k.perm {
		g.i("ADDQ $%d, R11", vb)
	}

	// Column 0, row by row (water's first-column recurrence, scan.go):
	// pen = ext if dir(i-1,0) == down else open; fnew = H(i-1,0) - pen;
	// H0 = max(res, fnew, 0); down = fnew > 0 && !(res > fnew);
	// E(i,0) = H0 - pen with the previous row's pen (water's quirk).
	// Scratch: col0H in htmp, down in f, pen and fnew in rowMax and E.
	col0, down := r.htmp, r.f
	g.load(st(stCol0H), col0)
	g.load(st(stDown), down)
	for q := 0; q < R; q++ {
		pen, fnew, res := r.rowMax[q], r.e[q], r.d[q]
		if k.avx512 {
			g.i("VPANDQ %s, %s, %s", st(stOxe), g.op(down), g.op(pen))
			g.i("VPXORQ %s, %s, %s", st(stOpen), g.op(pen), g.op(pen))
		} else {
			g.i("VPAND %s, %s, %s", st(stOxe), g.op(down), g.op(pen))
			g.i("VPXOR %s, %s, %s", st(stOpen), g.op(pen), g.op(pen))
		}
		g.subs(pen, col0, fnew)
		g.mov(col0, r.diag[q]) // H(i-1, 0): the diagonal of column 1
		if k.avx512 {
			g.i("VPCMPGT%s %s, %s, K2", g.sfx(), st(stZero), g.op(fnew))
			g.i("VPCMPGT%s %s, %s, K3", g.sfx(), g.op(fnew), g.op(res))
			if k.w == 16 {
				g.i("KANDND K2, K3, K3")
			} else {
				g.i("KANDNW K2, K3, K3")
			}
			g.i("VPMOVM2%s K3, %s", g.sfx(), g.op(down))
		} else {
			g.i("VPCMPGT%s %s, %s, %s", g.sfx(), st(stZero), g.op(fnew), g.op(r.hmo[q]))
			g.i("VPCMPGT%s %s, %s, %s", g.sfx(), g.op(fnew), g.op(res), g.op(down))
			g.i("VPANDN %s, %s, %s", g.op(r.hmo[q]), g.op(down), g.op(down))
		}
		g.max(fnew, res, col0)
		g.max(st(stZero), col0, col0)
		g.store(col0, st(stH0+64*q))
		g.subClamp(pen, col0, r.e[q], r.zero)
		g.subClamp(r.open, col0, r.hmo[q], r.zero)
		g.zero(r.rowMax[q])
		if !k.score {
			g.zero(r.rowJ[q])
		}
	}
	g.store(col0, st(stCol0H))
	g.store(down, st(stDown))
	g.load(st(stOne), r.jvec)

	// Interior columns, unroll at a time: per column, R cells down.
	g.i("MOVQ %d(DI), R9", argH)
	g.i("MOVQ %d(DI), R10", argF)
	g.i("MOVQ %d(DI), R12", argNblk)
	if k.trace {
		// Flag row of reference row R8+q: tr + (R8+q-1)*trRow.
		for q, p := range r.trPtr {
			g.i("LEAQ %d(R8), AX", q-1)
			g.i("IMULQ %d(DI), AX", argTrRow)
			g.i("ADDQ %d(DI), AX", argTr)
			g.i("MOVQ AX, %s", p)
		}
	}
	loop := g.newLabel("cols")
	g.label(loop)
	for c := 0; c < unroll; c++ {
		off := c * vb
		if k.perm {
			g.load(fmt.Sprintf("%d(R11)", off), r.code)
		}
		for q := 0; q < R; q++ {
			if k.perm {
				g.i("VPERMW %s, %s, %s", g.op(r.t[q]), g.op(r.code), g.op(r.d[q]))
				g.adds(r.d[q], r.diag[q], r.d[q])
			} else {
				g.adds(fmt.Sprintf("%d(%s)", off, r.prof[q]), r.diag[q], r.d[q])
			}
		}
		g.load(fmt.Sprintf("%d(R9)", off), r.diag[0]) // H(i-1,j): next diagonal of row 0
		g.load(fmt.Sprintf("%d(R10)", off), r.f)      // F(i,j), kept >= 0
		for q := 0; q < R; q++ {
			h := r.htmp
			if q+1 < R {
				h = r.diag[q+1] // H(i+q, j) is row q+1's next diagonal
			}
			if k.trace {
				g.traceCell(r, q, c, h)
			} else {
				g.max(r.f, r.d[q], r.d[q])
				g.subClamp(r.ext, r.e[q], r.e[q], r.zero) // E = max(E - ext, H(i,j-1) - open), kept >= 0
				g.max(r.hmo[q], r.e[q], r.e[q])
				g.max(r.e[q], r.d[q], h) // H = max(diag + sub, F, E, 0)
			}
			g.subClamp(r.open, h, r.hmo[q], r.zero)
			g.subClamp(r.ext, r.f, r.f, r.zero) // F(i+1,j) = max(F - ext, H - open)
			g.max(r.hmo[q], r.f, r.f)
			// First column of the row maximum: j is increasing, so a
			// strictly greater H takes the current column.
			switch {
			case k.score:
			case k.avx512:
				g.setIfGt(r.rowMax[q], h, r.jvec, r.rowJ[q], 0)
			default:
				g.i("VPCMPGT%s %s, %s, %s", g.sfx(), g.op(r.rowMax[q]), g.op(h), g.op(r.d[q]))
				g.i("VPAND %s, %s, %s", g.op(r.jvec), g.op(r.d[q]), g.op(r.d[q]))
				g.max(r.d[q], r.rowJ[q], r.rowJ[q])
			}
			g.max(h, r.rowMax[q], r.rowMax[q])
		}
		g.store(r.htmp, fmt.Sprintf("%d(R9)", off))
		g.store(r.f, fmt.Sprintf("%d(R10)", off))
		if !k.score {
			g.add(r.one, r.jvec, r.jvec)
		}
	}
	g.i("ADDQ $%d, R9", unroll*vb)
	g.i("ADDQ $%d, R10", unroll*vb)
	if k.perm {
		g.i("ADDQ $%d, R11", unroll*vb)
	}
	for _, p := range r.prof {
		g.i("ADDQ $%d, %s", unroll*vb, p)
	}
	for _, p := range r.trPtr {
		g.i("ADDQ $%d, %s", unroll*16, p)
	}
	g.i("DECQ R12")
	g.i("JNZ %s", loop)

	// Best cells in row-major order: for each row, column 0 then the
	// interior maximum. Scratch: the table, E, H-open and diag registers.
	gm, im, er, ec, row, zero, tmp := r.e[0], r.hmo[0], r.diag[0], r.code, r.htmp, r.f, r.jvec
	if !k.perm {
		ec = r.e[R-1]
		if R == 1 { // a register regs left unallocated
			ec = 15
			if k.avx512 {
				ec = 31
			}
		}
	}
	if k.score { // only the maxima: Score, and saturation
		g.load(st(stGMax), gm)
		g.load(st(stInMax), im)
		for q := 0; q < R; q++ {
			g.max(st(stH0+64*q), gm, gm)
			g.max(r.rowMax[q], im, im)
		}
		g.max(im, gm, gm)
		g.store(gm, st(stGMax))
		g.store(im, st(stInMax))
	} else {
		g.load(st(stGMax), gm)
		g.load(st(stInMax), im)
		g.load(st(stEndRow), er)
		g.load(st(stEndCol), ec)
		g.zero(zero)
		for q := 0; q < R; q++ {
			g.i("LEAQ %d(R8), AX", q)
			g.broadcastAX(row)
			g.load(st(stH0+64*q), tmp)
			g.setIfGt(gm, tmp, row, er, r.d[q])
			g.setIfGt(gm, tmp, zero, ec, r.d[q])
			g.max(tmp, gm, gm)
			g.max(r.rowMax[q], im, im)
			g.setIfGt(gm, r.rowMax[q], row, er, r.d[q])
			g.setIfGt(gm, r.rowMax[q], r.rowJ[q], ec, r.d[q])
			g.max(r.rowMax[q], gm, gm)
		}
		g.store(gm, st(stGMax))
		g.store(im, st(stInMax))
		g.store(er, st(stEndRow))
		g.store(ec, st(stEndCol))
	}
	g.i("ADDQ $%d, SI", R)
	g.i("ADDQ $%d, R8", R)
	g.i("SUBQ $%d, CX", R)
}

func (g *gen) kernel() {
	k := g.k
	fmt.Fprintf(&g.buf, "\n// func %s(a *interArgs)\n", k.name)
	fmt.Fprintf(&g.buf, "TEXT ·%s(SB), NOSPLIT, $0-8\n", k.name)
	g.i("MOVQ a+0(FP), DI")
	g.i("MOVQ %d(DI), BX", argSt)
	g.i("MOVQ %d(DI), SI", argRef)
	g.i("MOVQ %d(DI), CX", argRows)
	g.i("MOVQ $1, R8")
	groups, tail, done := g.newLabel("groups"), g.newLabel("tail"), g.newLabel("done")
	g.label(groups)
	g.i("CMPQ CX, $%d", k.rows)
	g.i("JLT %s", tail)
	g.group(k.rows)
	g.i("JMP %s", groups)
	g.label(tail)
	g.i("TESTQ CX, CX")
	g.i("JZ %s", done)
	g.group(1)
	g.i("JMP %s", tail)
	g.label(done)
	g.i("VZEROUPPER")
	g.i("RET")
}

func main() {
	out := flag.String("out", "../kernel_amd64.s", "output file")
	flag.Parse()
	kernels := []kernel{
		{name: "interAVX512W16", avx512: true, w: 16, perm: true, rows: 3},
		{name: "interAVX512W32", avx512: true, w: 32, rows: 3},
		{name: "interAVX2W16", w: 16, rows: 2},
		{name: "interAVX2W32", w: 32, rows: 2},
		{name: "interAVX512W16Trace", avx512: true, w: 16, perm: true, rows: 3, trace: true},
		{name: "interAVX2W16Trace", w: 16, rows: 1, trace: true},
		{name: "interAVX512W16Score", avx512: true, w: 16, perm: true, rows: 4, score: true},
		{name: "interAVX2W16Score", w: 16, rows: 2, score: true},
	}
	var all bytes.Buffer
	all.WriteString("// Code generated by aligner/_asm/gen.go. DO NOT EDIT.\n\n//go:build amd64 && !noasm\n\n#include \"textflag.h\"\n")
	for _, k := range kernels {
		g := &gen{k: k}
		g.kernel()
		all.Write(g.buf.Bytes())
	}
	if err := os.WriteFile(*out, all.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
