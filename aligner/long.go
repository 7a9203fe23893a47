package aligner

import (
	"errors"
	"fmt"
	"math"
)

// Long queries. The batch kernels hold a few dozen bytes per query residue
// and lane (query profile, H, F) and scoreEndRows a query profile of 4
// bytes per residue and matrix code, so a query of millions of residues
// would need gigabytes. Above LongQuery residues a query takes another
// path whose memory does not grow with its length beyond its codes:
//
//   - scoreEndColumns, the score pass column by column (as water fills),
//     holding one column of H and the row gaps: O(reference length);
//   - the reverse pass of startRegion, holding the live band of one row;
//   - traceRegion over the rectangle that pass finds, or the checkpointed
//     traceback (traceWork) when its memory is bounded too; otherwise the
//     alignment fails with ErrTooLarge rather than exhausting memory.
//
// The work stays proportional to the matrix (about 2-4 ns per cell on one
// core), so callers bound the length they accept (the pipeline's
// --max-length, checked as the FASTA is read).

// LongQuery is the length above which a query takes the long path.
const LongQuery = 1 << 16

// regionMaxCells bounds the rectangle traceRegion keeps whole (5 bytes a
// cell: 160 MB), and traceMaxMem the checkpoints and block of traceWork.
const (
	regionMaxCells = 1 << 25
	traceMaxMem    = 256 << 20
)

// ErrTooLarge is returned (wrapped) when an alignment's traceback would
// need more memory than the engine allows itself.
var ErrTooLarge = errors.New("traceback too large")

// scoreEndColumns is scoreEndRows (the contract in scan.go) computed
// column by column, in memory linear in the reference's length.
func scoreEndColumns(p *Profile, q []uint8) End {
	s, a := p.Scoring, p.Codes
	la, lb := len(a), len(q)
	open, ext := int64(s.Open), int64(s.Extend)
	// Column 0 (water's first-column recurrence), then per column j >= 1
	// H(i, j-1) in h and E(i, j-1) in e for every row i.
	h := make([]int64, la)
	d0 := make([]uint8, la)
	border(s, q[0], a, true, h, d0)
	e := make([]int64, la)
	for i := 1; i < la; i++ {
		e[i] = h[i] - pick(d0[i-1] == dirDown, ext, open) // water's quirk
	}
	end := End{Score: NoScore, Max: -1}
	better := func(v int64, i, j int) {
		if v > end.Max || v == end.Max && (i < end.RefEnd || i == end.RefEnd && j < end.QueryEnd) {
			end.Max, end.RefEnd, end.QueryEnd = v, i, j
		}
	}
	for i, v := range h {
		better(v, i, 0)
	}
	// Row 0 runs along the columns: H(0, j) and whether it came from the
	// left (water's first-row recurrence, as in border).
	row0, row0Left := h[0], false
	best := int64(NoScore)
	// The reference's profile: Sub(a[i], c) at c*la + i.
	size := s.Matrix.Size()
	prof := make([]int32, size*la)
	for c := range size {
		for i, x := range a {
			prof[c*la+i] = s.Sub(x, uint8(c))
		}
	}
	for j := 1; j < lb; j++ {
		col := prof[int(q[j])*la:][:la]
		res := int64(col[0])
		fnew := row0 - pick(row0Left, ext, open)
		switch {
		case res > fnew && res > 0:
			row0, row0Left = res, false
		case fnew > 0:
			row0, row0Left = fnew, true
		default:
			row0, row0Left = 0, false
		}
		better(row0, 0, j)
		diag := h[0] // H(0, j-1)
		h[0] = row0
		f := row0 - open - ext // F(0, j)
		up := row0
		for i := 1; i < la; i++ {
			left := h[i] // H(i, j-1)
			ei := max(e[i]-ext, left-open)
			e[i] = ei
			f = max(f-ext, up-open)
			m := max(diag+int64(col[i]), ei, f)
			best = max(best, m)
			m = max(m, 0)
			better(m, i, j)
			diag, h[i], up = left, m, m
		}
	}
	end.Score = best
	return end
}

// traceLong is traceEnd for queries the checkpointed traceback cannot hold
// in bounded memory: the reverse pass bounds the region, then the walk runs
// over it. ok is false when traceEnd should run instead.
func (n *Native) traceLong(p *Profile, query []byte, q []uint8, end End) (al *Alignment, ok bool, err error) {
	rows, cols := end.RefEnd+1, end.QueryEnd+1
	if len(q) <= LongQuery && traceMem(rows, cols) <= traceMaxMem {
		return nil, false, nil
	}
	if end.Max <= 0 {
		return nil, false, nil // no aligned region: traceEnd's walk is one cell
	}
	var w regionWork
	r0, c0, _, _ := startRegion(p.Scoring, p.Codes, q, end, math.MaxInt, &w)
	if cells := (rows - r0) * (cols - c0); cells > regionMaxCells {
		if traceMem(rows, cols) <= traceMaxMem {
			return nil, false, nil
		}
		return nil, true, fmt.Errorf("aligner: the aligned region of %d x %d residues needs more than %d MB: %w",
			rows-r0, cols-c0, traceMaxMem>>20, ErrTooLarge)
	}
	if al = traceRegion(p, query, q, end, r0, c0, &w); al == nil {
		return nil, true, errors.New("aligner: restricted traceback left its region")
	}
	return al, true, nil
}

// traceMem is about the memory traceWork needs for a prefix rectangle of
// rows x cols: two checkpoint rows of int32 every k rows and a block of k
// rows (H and compass), k about sqrt(1.6 rows).
func traceMem(rows, cols int) int {
	if rows*cols <= smallCells {
		return 5 * rows * cols
	}
	k := max(1, int(math.Sqrt(1.6*float64(rows))))
	return 8*cols*(rows/k) + 5*cols*k + 32*cols
}
