package aligner

import (
	"fmt"
	"math"
	"strconv"
)

// Params are the user-facing alignment parameters, in EMBOSS units.
type Params struct {
	Matrix    *Matrix
	GapOpen   float64 // cost of the first residue of a gap (water -gapopen)
	GapExtend float64 // cost of each further residue (water -gapextend)
}

// Scoring is Params prepared for alignment.
//
// Scale, Open and Extend give the gap penalties as exact integers:
// Open/Scale and Extend/Scale are decimals that water, given them, turns
// into the same single-precision penalties it computes with for Params
// (see waterPenalty). Scores (Alignment.Score, End, Native.Score) are
// integers too, in units of 1/ScoreScale.
//
// Which arithmetic reproduces water depends on those penalties (see
// IntegerExact): when both are multiples of 1/64 the engines use exact
// integers scaled by Scale, and ScoreScale equals Scale (10/0.5: 2).
// Otherwise they repeat water's float32 and float64 operations, and
// ScoreScale is the power of two that makes every float water can compute
// with these penalties an integer, so that scores are still exact.
type Scoring struct {
	Matrix     *Matrix
	Scale      int32
	Open       int32 // scaled GapOpen
	Extend     int32 // scaled GapExtend
	ScoreScale int64
	size       int
	sub        []int32 // scaled matrix, size*size by code

	binary      bool      // penalties are multiples of 1/64: integers may be exact
	maxAbs      int64     // largest |sub|
	fOpen, fExt float32   // the penalties water computes with
	fsub        []float32 // unscaled matrix as water's float sub[][]
	scoreShift  int       // ScoreScale = 1 << scoreShift
}

// maxDecimals bounds the decimal places of a penalty given to water.
const maxDecimals = 7

// scales are the candidate values of Scale: 2^a * 5^b up to 10^7, in
// increasing order, so that the smallest one giving integers is found
// first (1, 2, 4, 5, 8, 10, ...).
var scales = func() []int32 {
	var out []int32
	for p2 := int64(1); p2 <= 1<<maxDecimals; p2 *= 2 {
		for p5 := int64(1); p5 <= 78125; p5 *= 5 { // 5^7
			if v := p2 * p5; v <= 1e7 {
				out = append(out, int32(v))
			}
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort: 64 values
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// NewScoring validates p and prepares it. It accepts every penalty water
// 6.6 uses as given: gap open 0..100 and gap extend 0..10 (water itself
// resets values outside these ranges with a warning; they are refused
// here), with any number of decimals as long as some decimal with at most
// seven places makes water compute the same.
func NewScoring(p Params) (*Scoring, error) {
	if p.Matrix == nil {
		return nil, fmt.Errorf("aligner: no matrix")
	}
	if p.GapOpen < 0 || p.GapOpen > 100 || math.IsNaN(p.GapOpen) {
		return nil, fmt.Errorf("aligner: gap open %g outside 0..100", p.GapOpen)
	}
	if p.GapExtend < 0 || p.GapExtend > 10 || math.IsNaN(p.GapExtend) {
		return nil, fmt.Errorf("aligner: gap extend %g outside 0..10", p.GapExtend)
	}
	m := p.Matrix
	sc := &Scoring{Matrix: m, size: m.size, fOpen: waterPenalty(p.GapOpen), fExt: waterPenalty(p.GapExtend)}
	if s, ok := binaryScale(sc.fOpen, sc.fExt); ok {
		sc.binary = true
		sc.Scale, sc.Open, sc.Extend = s, int32(float64(sc.fOpen)*float64(s)), int32(float64(sc.fExt)*float64(s))
	} else if s, o, e, ok := decimalScale(p.GapOpen, p.GapExtend, sc.fOpen, sc.fExt); ok {
		sc.Scale, sc.Open, sc.Extend = s, o, e
	} else {
		return nil, fmt.Errorf("aligner: gap penalties %g/%g: water would compute with %g/%g, which no decimal with at most %d places gives",
			p.GapOpen, p.GapExtend, sc.fOpen, sc.fExt, maxDecimals)
	}
	sc.sub = make([]int32, len(m.scores))
	sc.fsub = make([]float32, len(m.scores))
	for i, v := range m.scores {
		x := int64(v) * int64(sc.Scale)
		if x > math.MaxInt32 || x < math.MinInt32 {
			return nil, fmt.Errorf("aligner: matrix score %d times scale %d (gap penalties %g/%g) overflows 32 bits", v, sc.Scale, p.GapOpen, p.GapExtend)
		}
		sc.sub[i], sc.fsub[i] = int32(x), float32(v)
		sc.maxAbs = max(sc.maxAbs, x, -x)
	}
	if sc.binary {
		sc.ScoreScale = int64(sc.Scale)
		sc.scoreShift = int(math.Log2(float64(sc.Scale)))
	} else {
		sc.scoreShift = max(latticeShift(sc.fOpen), latticeShift(sc.fExt))
		sc.ScoreScale = 1 << sc.scoreShift
	}
	return sc, nil
}

// binaryScale returns the smallest power of two up to 64 that makes both
// penalties integers.
func binaryScale(open, ext float32) (int32, bool) {
	for s := int32(1); s <= 64; s *= 2 {
		if isInt(float64(open)*float64(s)) && isInt(float64(ext)*float64(s)) {
			return s, true
		}
	}
	return 0, false
}

// decimalScale finds the scaled decimals to give water for penalties that
// are not multiples of 1/64: the user's own decimals when they have at
// most maxDecimals places, else the shortest decimals water reads as the
// same penalties.
func decimalScale(open, ext float64, wOpen, wExt float32) (int32, int32, int32, bool) {
	same := func(o, e int64, s int32) bool {
		return waterPenalty(float64(o)/float64(s)) == wOpen && waterPenalty(float64(e)/float64(s)) == wExt
	}
	for _, s := range scales {
		o, okO := exact(open, s)
		e, okE := exact(ext, s)
		if okO && okE && same(int64(o), int64(e), s) {
			return s, o, e, true
		}
	}
	for _, s := range scales {
		o, e := int64(math.Round(open*float64(s))), int64(math.Round(ext*float64(s)))
		if same(o, e, s) {
			return s, int32(o), int32(e), true
		}
	}
	return 0, 0, 0, false
}

func exact(v float64, s int32) (int32, bool) {
	x := v * float64(s)
	r := math.Round(x)
	return int32(r), math.Abs(x-r) < 1e-9
}

func isInt(x float64) bool { return x == math.Trunc(x) }

// latticeShift is the smallest k such that f * 2^k is an integer.
func latticeShift(f float32) int {
	k := 0
	for !isInt(math.Ldexp(float64(f), k)) {
		k++
	}
	return k
}

// IntegerExact reports whether the integer engines reproduce water's
// floating-point arithmetic exactly for a reference of la and a query of
// lb residues. The rule and its proof are in docs/engines.md; in short:
//
// With penalties that are multiples of 1/Scale, Scale = 2^m <= 64, and an
// integer matrix, every value water computes (H, E, F, the walk's
// H - open - g*ext) is a multiple of 2^-m. Its magnitude is at most
// B = maxAbs*(min(la,lb)+1) + open + ext*(max(la,lb)+1) in scaled units:
// H is the score of at most min(la,lb) aligned pairs, a candidate adds one
// substitution to it, E and F never fall below -(open + ext) because they
// are maxima that include H - open >= -open, and the walk subtracts at most
// max(la,lb) extensions. When B < 2^24, each of these values fits the 24-bit
// significand of a float32 (and a float64), so every float32 and float64
// operation water performs is exact, and every comparison it makes has the
// exact outcome. Its tolerances then change nothing: distinct values differ
// by at least 1/64, more than the walk's 0.01 and U_FEPS. Water's run is
// then the exact computation, which the integer engines perform.
func (s *Scoring) IntegerExact(la, lb int) bool {
	if !s.binary {
		return false
	}
	short, long := int64(min(la, lb)), int64(max(la, lb))
	return s.maxAbs*(short+1)+int64(s.Open)+int64(s.Extend)*(long+1) < 1<<24
}

// Sub returns the scaled score of codes a and b.
func (s *Scoring) Sub(a, b uint8) int32 { return s.sub[int(a)*s.size+int(b)] }

// Row returns the scaled scores of code a against every code.
func (s *Scoring) Row(a uint8) []int32 { return s.sub[int(a)*s.size : int(a+1)*s.size] }

// Float converts a score (in units of 1/ScoreScale) to EMBOSS units as
// water prints it: the single-precision score rounded to three decimals
// (see FormatScore). With penalties that are multiples of 1/4 that is the
// exact score. NoScore gives -FLT_MAX.
func (s *Scoring) Float(v int64) float64 {
	if v == NoScore {
		return -math.MaxFloat32
	}
	f, _ := strconv.ParseFloat(s.FormatScore(v), 64)
	return f
}

// FormatScore formats a score as water's reports print it
// (ajAlignSetScoreR): "%.3f" of the single-precision value with up to two
// trailing zeros removed, e.g. "4394.0", "12.25", "3541.201";
// "-340282346638528859811704183484516925440.0" (-FLT_MAX) for NoScore.
func (s *Scoring) FormatScore(v int64) string {
	x := -math.MaxFloat32
	if v != NoScore {
		// Exact: scores are floats with at most 24 significant bits.
		x = math.Ldexp(float64(v), -s.scoreShift)
	}
	b := strconv.AppendFloat(nil, x, 'f', 3, 64)
	for i := 1; i < 3 && b[len(b)-1] == '0'; i++ {
		b = b[:len(b)-1]
	}
	return string(b)
}

// ParseScore reads a score as water prints it (FormatScore's format, e.g.
// from a srspair or markx10 report) into units of 1/ScoreScale: NoScore
// for -FLT_MAX, else the nearest integer, which prints back the same. With
// penalties that are multiples of 1/64 that is the exact score. Otherwise
// water's three decimals cannot give the float it computed (3541.201 is
// 3541.2009...), so compare such scores as FormatScore prints them, not as
// integers.
func (s *Scoring) ParseScore(printed string) (int64, error) {
	f, err := strconv.ParseFloat(printed, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("aligner: score %q is not a number", printed)
	}
	if f == -math.MaxFloat32 {
		return NoScore, nil
	}
	x := math.Round(math.Ldexp(f, s.scoreShift))
	if math.Abs(x) >= 1<<62 {
		return 0, fmt.Errorf("aligner: score %q overflows 64 bits at scale 2^%d", printed, s.scoreShift)
	}
	v := int64(x)
	if got := s.FormatScore(v); got != printed {
		return 0, fmt.Errorf("aligner: score %q is not one water prints with these penalties (nearest prints %s)", printed, got)
	}
	return v, nil
}

// PathScore is the score of an alignment given as its aligned strings
// (Gap for a gap column), in units of 1/Scale: the substitution scores of
// the residue pairs minus, for every run of k gap columns in one sequence,
// open + (k-1)*extend. It is the score water's walk gives the path, so a
// reported score can be checked against its alignment.
func (s *Scoring) PathScore(alignedRef, alignedQuery []byte) (int64, error) {
	if len(alignedRef) != len(alignedQuery) {
		return 0, fmt.Errorf("aligner: aligned strings of %d and %d columns", len(alignedRef), len(alignedQuery))
	}
	m := s.Matrix
	var sum int64
	var inRefGap, inQueryGap bool
	for i := range alignedRef {
		r, q := alignedRef[i], alignedQuery[i]
		switch {
		case r == Gap && q == Gap:
			return 0, fmt.Errorf("aligner: column %d is a gap in both sequences", i+1)
		case r == Gap:
			sum -= int64(pick(inRefGap, s.Extend, s.Open))
			inRefGap, inQueryGap = true, false
		case q == Gap:
			sum -= int64(pick(inQueryGap, s.Extend, s.Open))
			inRefGap, inQueryGap = false, true
		default:
			sum += int64(s.Sub(m.Code(r), m.Code(q)))
			inRefGap, inQueryGap = false, false
		}
	}
	return sum, nil
}
