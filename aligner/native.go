package aligner

import (
	"errors"
	"math"
	"sync"
)

// Native is the exact engine for production use: it returns what Oracle
// returns (score, coordinates, aligned strings, water's quirks included)
// with memory bounded by the aligned region instead of the whole matrix.
//
// It runs in three steps:
//  1. a score pass (scoreEndGeneric, linear memory; the batch methods use
//     the SIMD kernels instead) finds water's score and the first best
//     cell (RefEnd, QueryEnd);
//  2. a forward pass over the prefix rectangle [0..RefEnd]x[0..QueryEnd]
//     keeps H and F of one row every K rows (K about sqrt of the rows);
//  3. water's traceback (walkFrom) runs on blocks of K rows of H and
//     compass recomputed from those checkpoints on demand. The traceback
//     only asks for cells in non-increasing row and column order inside the
//     rectangle, so each block is computed once, and only up to the column
//     the walk has reached.
//
// Pairs for which integers are not provably identical to water's
// arithmetic (Scoring.IntegerExact) take the same three steps in water's
// floats instead (native_float.go); their step 1 also decides whether
// water's start-cell scan must be replayed.
//
// Small rectangles (up to smallCells) skip step 2: one block holds them.
// A 35,000-aa identical pair allocates about 100 MB in all (the full
// matrices would need 11 GB).
//
// The zero value is ready to use; a Native must not be copied after first
// use. It is safe for concurrent use.
type Native struct {
	work      sync.Pool // *traceWork
	workF     sync.Pool // *traceWorkF
	blockRows int       // rows per block; 0 chooses (tests force small blocks)
	forceScan bool      // float path: always replay water's start-cell scan (tests)
}

var _ Engine = (*Native)(nil)

// NewNative returns a Native engine.
func NewNative() *Native { return &Native{} }

// Name implements Engine.
func (*Native) Name() string { return "native" }

// Score returns the score water would report for query against the
// profile's reference, in units of 1/Scoring.ScoreScale (NoScore when
// either has a single residue), without a traceback. It is the cheap way
// to rank many references.
func (*Native) Score(p *Profile, query []byte) (int64, error) {
	if err := checkInput(p, query); err != nil {
		return 0, err
	}
	q := p.Scoring.Matrix.Encode(query)
	if !p.Scoring.IntegerExact(len(p.Codes), len(q)) {
		return scoreFloat(p, q)
	}
	return scoreEndFunc(p, q).Score, nil
}

// Align implements Engine. It uses exact integers where they are
// identical to water's arithmetic (Scoring.IntegerExact) and water's own
// float arithmetic otherwise.
func (n *Native) Align(p *Profile, query []byte) (*Alignment, error) {
	if err := checkInput(p, query); err != nil {
		return nil, err
	}
	q := p.Scoring.Matrix.Encode(query)
	if !p.Scoring.IntegerExact(len(p.Codes), len(q)) {
		return n.alignFloat(p, query, q)
	}
	return n.traceEnd(p, query, q, scoreEndFunc(p, q))
}

// smallCells is the largest rectangle kept whole as one block (10 MB).
const smallCells = 1 << 21

var errTooLong = errors.New("aligner: sequences too long for 32-bit exact scores")

// traceWork holds the checkpoints and the current block of one traceback.
// Scores are int32: setup checks that no H, E or F value can overflow.
type traceWork struct {
	s          *Scoring
	a, b       []uint8 // reference and query codes
	rows, cols int     // the prefix rectangle
	k          int     // rows per block; checkpoint before rows k, 2k, ...
	open, ext  int32
	prof       []int32 // queryProfile of b[:cols]

	c0h []int32 // H(i,0)
	c0d []uint8 // dir(i,0)
	ck  []int32 // per checkpoint c >= 1: H(ck-1, 0..cols-1), then F after that row

	base, top, width int     // rows base..top, columns 0..width-1 are in bh/bd
	bh               []int32 // block H, row-major, stride width
	bd               []uint8 // block compass
	f, tmp           []int32 // F state, spare row
	tmpd             []uint8 // spare compass row
}

func (w *traceWork) setup(s *Scoring, a, b []uint8, rows, cols, k int) error {
	var maxSub int64
	for _, v := range s.sub {
		maxSub = max(maxSub, int64(v))
	}
	if maxSub*int64(min(rows, cols))+int64(s.Open)+2*int64(s.Extend) > math.MaxInt32 {
		return errTooLong
	}
	*w = traceWork{s: s, a: a, b: b, rows: rows, cols: cols, open: s.Open, ext: s.Extend,
		c0h: w.c0h[:0], c0d: w.c0d[:0], ck: w.ck[:0], bh: w.bh[:0], bd: w.bd[:0],
		f: w.f[:0], tmp: w.tmp[:0], tmpd: w.tmpd[:0], prof: w.prof, base: -1}
	w.prof = queryProfile(s, b[:cols], w.prof)
	w.k = rows
	switch {
	case k > 0:
		w.k = min(k, rows)
	case rows*cols > smallCells:
		// Checkpoints cost 8*cols bytes per k rows, a block 5*cols per row:
		// k = sqrt(1.6*rows) minimises their sum.
		w.k = max(1, int(math.Sqrt(1.6*float64(rows))))
	}
	w.c0h = growSlice(w.c0h, rows)
	w.c0d = growSlice(w.c0d, rows)
	w.column0()
	w.f = growSlice(w.f, cols)
	nck := (rows - 1) / w.k // checkpoints before rows k, 2k, ..., nck*k
	w.ck = growSlice(w.ck, 2*nck*cols)
	if nck > 0 {
		w.tmp = growSlice(w.tmp, cols)
		w.tmpd = growSlice(w.tmpd, cols)
		w.forward(nck)
	}
	return nil
}

// release drops references to caller data before the work goes back to
// the pool.
func (w *traceWork) release() { w.s, w.a, w.b = nil, nil, nil }

func growSlice[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// column0 fills H and compass of the first column.
func (w *traceWork) column0() {
	border(w.s, w.b[0], w.a[:w.rows], true, w.c0h[:w.rows], w.c0d[:w.rows])
}

// row0 computes H and compass of the first row in columns 0..len(h)-1 and
// sets f to F after row 0.
func (w *traceWork) row0(h []int32, d []uint8, f []int32) {
	border(w.s, w.a[0], w.b[:len(h)], false, h, d)
	for j := range h {
		f[j] = h[j] - w.open - w.ext
	}
}

// rowI computes H and compass of row i >= 1 in columns 0..len(hc)-1 from
// H of row i-1 (hp) and F after row i-1 (f, updated in place).
func (w *traceWork) rowI(i int, hp, hc, f []int32, d []uint8) {
	row := w.prof[int(w.a[i])*w.cols:][:len(hc)]
	open, ext := w.open, w.ext
	hp, hc, f, d = hp[:len(row)], hc[:len(row)], f[:len(row)], d[:len(row)]
	left := w.c0h[i]
	hc[0], d[0] = left, w.c0d[i]
	e := left - pick(w.c0d[i-1] == dirDown, ext, open)
	for j := 1; j < len(row); j++ {
		m := hp[j-1] + row[j]
		dj := dirDiag
		e -= ext
		if g := left - open; g > e {
			e = g
		}
		if e > m {
			m, dj = e, dirLeft
		}
		fj := f[j] - ext
		if g := hp[j] - open; g > fj {
			fj = g
		}
		f[j] = fj
		if fj > m {
			m, dj = fj, dirDown
		}
		if m < 0 {
			m = 0
		}
		hc[j], d[j] = m, dj
		left = m
	}
}

// forward runs rows 0..nck*k-1 over the full width and stores checkpoint
// c (1..nck): H of row c*k-1 and F after it.
func (w *traceWork) forward(nck int) {
	cols := w.cols
	hp := growSlice(w.bh, cols) // borrow the block buffers as row storage
	w.bh = hp
	f := w.f
	w.row0(hp, w.tmpd, f)
	hc := w.tmp
	for i := 1; ; i++ {
		if i%w.k == 0 {
			c := i/w.k - 1
			copy(w.ck[2*c*cols:], hp)
			copy(w.ck[(2*c+1)*cols:], f)
			if i/w.k == nck {
				return
			}
		}
		w.rowI(i, hp, hc, f, w.tmpd)
		hp, hc = hc, hp
	}
}

// load computes the block holding row i over columns 0..width-1.
func (w *traceWork) load(i, width int) {
	base := i / w.k * w.k
	top := min(base+w.k, w.rows) - 1
	n := (top - base + 1) * width
	w.bh = growSlice(w.bh, n)
	w.bd = growSlice(w.bd, n)
	w.base, w.top, w.width = base, top, width
	f := w.f[:width]
	var hp []int32
	r := base
	if base == 0 {
		w.row0(w.bh[:width], w.bd[:width], f)
		hp = w.bh[:width]
		r = 1
	} else {
		c := base/w.k - 1
		hp = w.ck[2*c*w.cols : 2*c*w.cols+width]
		copy(f, w.ck[(2*c+1)*w.cols:(2*c+1)*w.cols+width])
	}
	for ; r <= top; r++ {
		o := (r - base) * width
		hc := w.bh[o : o+width]
		w.rowI(r, hp, hc, f, w.bd[o:o+width])
		hp = hc
	}
}

func (w *traceWork) at(i, j int) int {
	if i < w.base || i > w.top || j >= w.width {
		// The walk moves up and left, so this loads each block once and
		// only as wide as the walk still needs.
		w.load(i, j+1)
	}
	return (i-w.base)*w.width + j
}

// H returns H(i, j) for a cell inside the prefix rectangle.
func (w *traceWork) H(i, j int) int32 { return w.bh[w.at(i, j)] }

func (w *traceWork) dir(i, j int) uint8 { return w.bd[w.at(i, j)] }
