package aligner

import (
	"fmt"
	"math"
)

// water's floating-point arithmetic (EMBOSS 6.6 water.c, embaln.c).
//
// water reads the matrix into float sub[][] and the penalties as floats,
// rounds the penalties with ajRoundF(x, 8) (waterPenalty), and fills the
// path matrix in embAlignPathCalcSW: H (path) is float, while the
// candidates and the gap states maxa (E, per row) and bx (F, per column)
// are double. embAlignWalkSWMatrix then starts at the cell found by a
// backward scan with the tolerance U_FEPS and re-derives each gap's length
// in float arithmetic with the tolerance 0.01. The functions here repeat
// those operations in the same order and precision; Go rounds float32 and
// float64 operations exactly as C does on IEEE machines, and explicit
// conversions keep the compiler from fusing a multiply and a subtract.

const (
	waterFEPS   = float64(float32(1.192e-6)) // U_FEPS, a float constant in E_FPEQ
	waterErrBnd = 0.01                       // errbounds in embAlignWalkSWMatrix
)

// waterPenalty is the penalty water computes with when given v: ACD reads
// it as a float, then water.c calls ajRoundF(v, 8), which keeps 16
// significant bits (FLT_MANT_DIG - 8), rounding a remainder above one half
// up and one of exactly one half down. 7.3 becomes 7.300048828125.
func waterPenalty(v float64) float32 {
	x, e := math.Frexp(float64(float32(v)))
	w, z := math.Modf(math.Ldexp(x, 16))
	if z > 0.5 {
		w++
	}
	if z < -0.5 {
		w--
	}
	return float32(math.Ldexp(math.Ldexp(w, -16), e))
}

// subF is water's float matrix score of codes a and b.
func (s *Scoring) subF(a, b uint8) float32 { return s.fsub[int(a)*s.size+int(b)] }

// FloatOracle is the plain full-matrix engine in water's own arithmetic: a
// line-by-line transcription of embAlignPathCalcSW and embAlignWalkSWMatrix
// with float H, double candidates and gap states, and water's tolerances.
// It equals water for every penalty and exists to prove the production
// float path (Native) equal to it. It needs 5 bytes per matrix cell.
type FloatOracle struct{}

var _ Engine = FloatOracle{}

// Name implements Engine.
func (FloatOracle) Name() string { return "float-oracle" }

// Align implements Engine.
func (FloatOracle) Align(p *Profile, query []byte) (*Alignment, error) {
	if err := checkInput(p, query); err != nil {
		return nil, err
	}
	s := p.Scoring
	a, b := p.Codes, s.Matrix.Encode(query)
	la, lb := len(a), len(b)
	path := make([]float32, la*lb)
	compass := make([]uint8, la*lb)
	ret := fillOracleF(s, a, b, path, compass)
	H := func(i, j int) float32 { return path[i*lb+j] }
	ei, ej := scanEndF(la, lb, H)
	al := walkFromF(p.Ref, query, ei, ej, s, H, func(i, j int) uint8 { return compass[i*lb+j] })
	var err error
	al.Score, err = s.scoreOfF(ret, la, lb)
	return al, err
}

// fillOracleF is embAlignPathCalcSW: it fills path (H) and compass, rows
// indexed by reference position, columns by query position, column by
// column as water does, and returns water's score (ret): the largest
// candidate over the interior as a float, -FLT_MAX when there is none.
func fillOracleF(s *Scoring, a, b []uint8, path []float32, compass []uint8) float32 {
	ret := float32(-math.MaxFloat32)
	la, lb := len(a), len(b)
	g, e := s.fOpen, s.fExt
	maxa := make([]float64, la)

	for i := 0; i < la; i++ {
		result := float64(s.subF(a[i], b[0]))
		fnew := 0.0
		if i > 0 {
			// float minus float, then widened: C's "path - (cond ? ext : open)".
			fnew = float64(path[(i-1)*lb] - pick(compass[(i-1)*lb] == dirDown, e, g))
		}
		switch {
		case result > fnew && result > 0:
			path[i*lb], compass[i*lb] = float32(result), dirDiag
		case fnew > 0:
			path[i*lb], compass[i*lb] = float32(fnew), dirDown
		default:
			path[i*lb], compass[i*lb] = 0, dirDiag
		}
		if i == 0 {
			maxa[i] = float64(path[0] - g)
		} else {
			maxa[i] = float64(path[i*lb] - pick(compass[(i-1)*lb] == dirDown, e, g))
		}
	}
	for j := 0; j < lb; j++ {
		result := float64(s.subF(a[0], b[j]))
		fnew := 0.0
		if j > 0 {
			fnew = float64(path[j-1] - pick(compass[j-1] == dirLeft, e, g))
		}
		switch {
		case result > fnew && result > 0:
			path[j], compass[j] = float32(result), dirDiag
		case fnew > 0:
			path[j], compass[j] = float32(fnew), dirLeft
		default:
			path[j], compass[j] = 0, dirDiag
		}
	}
	g64, e64 := float64(g), float64(e)
	for xpos := 1; xpos < lb; xpos++ {
		bx := float64(path[xpos] - g - e) // two float subtractions
		for ypos := 1; ypos < la; ypos++ {
			c := ypos*lb + xpos
			match := float64(s.subF(a[ypos], b[xpos]))
			mscore := float64(path[c-lb-1]) + match
			compass[c] = dirDiag
			path[c] = float32(mscore)

			maxa[ypos] -= e64
			fnew := float64(path[c-1])
			fnew -= g64
			if fnew > maxa[ypos] {
				maxa[ypos] = fnew
			}
			if maxa[ypos] > mscore {
				mscore = maxa[ypos]
				path[c] = float32(mscore)
				compass[c] = dirLeft
			}

			bx -= e64
			fnew = float64(path[c-lb])
			fnew -= g64
			if fnew > bx {
				bx = fnew
			}
			if bx > mscore {
				mscore = bx
				path[c] = float32(mscore)
				compass[c] = dirDown
			}

			if mscore > float64(ret) {
				ret = float32(mscore)
			}
			if path[c] < 0 {
				path[c] = 0
			}
		}
	}
	return ret
}

// scanEndF is the start of embAlignWalkSWMatrix: a backward scan over all
// cells that moves to any cell above the running maximum or within U_FEPS
// of it (E_FPEQ), so it ends at the first cell of a chain of near-equal
// values, not always at the first maximum.
func scanEndF(la, lb int, H func(i, j int) float32) (int, int) {
	pmax := -float64(math.MaxFloat32)
	ei, ej := 0, 0
	for i := la - 1; i >= 0; i-- {
		for j := lb - 1; j >= 0; j-- {
			if v := float64(H(i, j)); v > pmax || (pmax-waterFEPS < v && v < pmax+waterFEPS) {
				pmax, ei, ej = v, i, j
			}
		}
	}
	return ei, ej
}

// walkFromF is the rest of embAlignWalkSWMatrix, from end cell (ei, ej):
// follow the compass and find each gap's length as the first one whose
// float score H - open - gapcnt*ext is within 0.01 of the cell's. Like
// walkFrom it only asks for cells inside the end cell's prefix rectangle,
// in non-increasing row and column order.
func walkFromF(ref, query []byte, ei, ej int, s *Scoring, H func(i, j int) float32, dir func(i, j int) uint8) *Alignment {
	g, e := s.fOpen, s.fExt
	al := &Alignment{RefEnd: ei, QueryEnd: ej}
	var m, n []byte // reversed aligned reference and query
	y, x := ei, ej
	// bimble is water's float expression path - gapopen - (gapcnt*gapextend).
	bimble := func(h float32, gapcnt int) float64 {
		return float64(float32(h-g) - float32(float32(gapcnt)*e))
	}
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
			score := float64(H(y, x))
			gapcnt, ix := 0, x-1
			var b float64
			for {
				b = bimble(H(y, ix), gapcnt)
				if ix == 0 || math.Abs(score-b) < waterErrBnd {
					break
				}
				ix--
				gapcnt++
			}
			if b <= 0 {
				goto done
			}
			for range gapcnt + 1 {
				m = append(m, Gap)
				n = append(n, query[x])
				x--
			}
		default: // dirDown
			score := float64(H(y, x))
			gapcnt, iy := 0, y-1
			var b float64
			for {
				b = bimble(H(iy, x), gapcnt)
				if iy == 0 || math.Abs(score-b) < waterErrBnd {
					break
				}
				iy--
				gapcnt++
			}
			if b <= 0 {
				goto done
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

// scoreOfF converts water's float score to an integer score in units of
// 1/ScoreScale, which is exact: every float water computes is a multiple
// of 1/ScoreScale (see Scoring).
func (s *Scoring) scoreOfF(ret float32, la, lb int) (int64, error) {
	if ret == -math.MaxFloat32 {
		return NoScore, nil
	}
	v := math.Ldexp(float64(ret), s.scoreShift)
	if math.Abs(v) >= 1<<62 {
		return 0, fmt.Errorf("aligner: score %g of a %d x %d pair overflows 64 bits at scale 2^%d (gap penalties %g/%g)",
			ret, la, lb, s.scoreShift, s.fOpen, s.fExt)
	}
	return int64(v), nil
}
