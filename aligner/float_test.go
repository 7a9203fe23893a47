package aligner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The float path: Native against FloatOracle, the integer and float paths
// against each other where both are exact, and water's penalty rounding.

// floatPenalties are penalty pairs that are not multiples of 1/64, so
// every pair takes the float path.
var floatPenalties = [][2]float64{{7.3, 0.2}, {15, 0.3}, {5, 0.1}, {12.7, 0.05}, {33.33, 1.7}, {1, 0.05}, {10.25, 0.05}, {3.33, 0.01}, {0.1, 0.1}, {50, 9.99}}

// checkPairF compares every Native engine (small blocks, the replayed
// start-cell scan), Native.Score and the batch entry points with
// FloatOracle on one pair that takes the float path.
func checkPairF(t *testing.T, s *Scoring, name string, ref, query []byte) {
	t.Helper()
	p := NewProfile(s, ref)
	if s.IntegerExact(len(ref), len(query)) {
		t.Fatalf("%s: pair is on the integer path", name)
	}
	want, err := FloatOracle{}.Align(p, query)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	engines := append(testEngines(len(ref)*len(query)), &Native{forceScan: true}, &Native{forceScan: true, blockRows: 3})
	for _, e := range engines {
		got, err := e.Align(p, query)
		if err != nil {
			t.Fatalf("%s: native(k=%d, scan %v): %v", name, e.blockRows, e.forceScan, err)
		}
		if err := sameAlignment(got, want); err != nil {
			t.Fatalf("%s (%g/%g, k=%d, scan %v, ref %q query %q): %v",
				name, s.fOpen, s.fExt, e.blockRows, e.forceScan, ref, query, err)
		}
	}
	if sc, err := NewNative().Score(p, query); err != nil || sc != want.Score {
		t.Fatalf("%s: Score = %d, %v; want %d", name, sc, err, want.Score)
	}
	als, err := NewNative().AlignBatch(p, [][]byte{query, query})
	if err != nil {
		t.Fatal(err)
	}
	scores, err := NewNative().ScoreBatch(p, [][]byte{query})
	if err != nil {
		t.Fatal(err)
	}
	if err := sameAlignment(als[1], want); err != nil || scores[0] != want.Score {
		t.Fatalf("%s: AlignBatch %v, ScoreBatch %d, want %d", name, err, scores[0], want.Score)
	}
}

func TestFloatPathTieHeavy(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	n := 40
	if lighter() {
		n = 12
	}
	for k, pen := range floatPenalties {
		m := []string{"EBLOSUM62", "EBLOSUM45", "EBLOSUM80", "EPAM250"}[k%4]
		s := mustScoring(t, m, pen[0], pen[1])
		for _, pr := range append(tieHeavyPairs(rng, n), randomPairs(rng, n/2, 300)...) {
			checkPairF(t, s, fmt.Sprintf("%s %g/%g %s", m, pen[0], pen[1], pr.Name), cleanLikeWater(pr.Ref.Seq), cleanLikeWater(pr.Query.Seq))
		}
	}
}

func TestFloatPathRealPairs(t *testing.T) {
	pairs := append(realPairs(t), tiePairs(t)...)
	for i, pr := range pairs {
		if lighter() && i%4 != 0 {
			continue
		}
		pen := floatPenalties[i%len(floatPenalties)]
		s := mustScoring(t, "EBLOSUM62", pen[0], pen[1])
		checkPairF(t, s, fmt.Sprintf("%g/%g %s", pen[0], pen[1], pr.Name), cleanLikeWater(pr.Ref.Seq), cleanLikeWater(pr.Query.Seq))
	}
}

// TestFloatScanChains: with small scores and tiny extension penalties,
// water's start-cell scan can end away from the first maximum, following
// a chain of values within U_FEPS of each other. The pair below is one
// (checked with live water: it aligns from (14,7), not from the first
// maximum at (17,4)); random ones must take the replayed scan too.
func TestFloatScanChains(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 2.3, 0.003)
	ref, query := []byte("NCQMLNLTWMICCGYLAK"), []byte("HWFAQMNFR")
	p := NewProfile(s, ref)
	if end := scoreEndF(p, s.Matrix.Encode(query)); end.i != 17 || end.j != 4 || scanIsFirstMax(end.max) {
		t.Fatalf("first maximum %+v, want (17,4) with a chain", end)
	}
	al, err := NewNative().Align(p, query)
	if err != nil || al.RefEnd != 14 || al.QueryEnd != 7 {
		t.Fatalf("aligned from (%d,%d), %v; water aligns from (14,7)", al.RefEnd, al.QueryEnd, err)
	}
	checkPairF(t, s, "chain", ref, query)

	rng := rand.New(rand.NewPCG(33, 34))
	replayed, moved := 0, 0
	for k := range 1500 {
		pen := [][2]float64{{2.3, 0.003}, {1.7, 0.001}, {5.1, 0.007}}[k%3]
		s := mustScoring(t, "EBLOSUM62", pen[0], pen[1])
		ref, query := randSeq(rng, 5+rng.IntN(40), aminoAcids), randSeq(rng, 5+rng.IntN(40), aminoAcids)
		p := NewProfile(s, ref)
		q := s.Matrix.Encode(query)
		end := scoreEndF(p, q)
		if scanIsFirstMax(end.max) {
			continue
		}
		replayed++
		la, lb := len(ref), len(query)
		path := make([]float32, la*lb)
		fillOracleF(s, p.Codes, q, path, make([]uint8, la*lb))
		if ei, ej := scanEndF(la, lb, func(i, j int) float32 { return path[i*lb+j] }); ei != end.i || ej != end.j {
			moved++
		}
		checkPairF(t, s, fmt.Sprintf("%g/%g chain %d", pen[0], pen[1], k), ref, query)
	}
	t.Logf("%d random pairs replayed the scan, %d of them start away from the first maximum", replayed, moved)
	if replayed == 0 {
		t.Error("no random pair replayed the scan")
	}
}

// TestFloatPathEqualsIntegerWhereExact: with penalties that are multiples
// of 1/64 water's arithmetic is exact, so the float path, forced, must
// equal the integer path on every pair, and FloatOracle must equal the
// integer oracle.
func TestFloatPathEqualsIntegerWhereExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	n := 40
	if lighter() {
		n = 10
	}
	for _, pen := range [][2]float64{{10, 0.5}, {11, 1}, {12, 2}, {8, 0.25}, {3.5, 2.25}, {0, 0}, {1, 5}, {14.125, 0.375}, {50.015625, 0.015625}} {
		s := mustScoring(t, "EBLOSUM62", pen[0], pen[1])
		if !s.binary {
			t.Fatalf("%g/%g: not on the integer path", pen[0], pen[1])
		}
		for _, pr := range append(tieHeavyPairs(rng, n), randomPairs(rng, n, 300)...) {
			ref, query := cleanLikeWater(pr.Ref.Seq), cleanLikeWater(pr.Query.Seq)
			p := NewProfile(s, ref)
			want, err := NewNative().Align(p, query)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range []*Native{NewNative(), {forceScan: true, blockRows: 2}} {
				got, err := e.alignFloat(p, query, s.Matrix.Encode(query))
				if err != nil {
					t.Fatal(err)
				}
				if err := sameAlignment(got, want); err != nil {
					t.Fatalf("%g/%g %s: float path %v", pen[0], pen[1], pr.Name, err)
				}
			}
			fo, err := FloatOracle{}.Align(p, query)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameAlignment(fo, want); err != nil {
				t.Fatalf("%g/%g %s: FloatOracle %v", pen[0], pen[1], pr.Name, err)
			}
			if sc, err := scoreFloat(p, s.Matrix.Encode(query)); err != nil || sc != want.Score {
				t.Fatalf("%g/%g %s: float score %d, %v; want %d", pen[0], pen[1], pr.Name, sc, err, want.Score)
			}
		}
	}
}

// TestBatchRoutesByPair: with a matrix of large scores and penalties of
// scale 64 the integer bound (IntegerExact) is reached at a few hundred
// residues, so one batch mixes pairs of both paths; each must equal
// FloatOracle (water) under every kernel. Beyond the bound water's floats
// do round here: integers must give a different answer for some pairs.
func TestBatchRoutesByPair(t *testing.T) {
	var mf strings.Builder
	mf.WriteString("   " + strings.Join(strings.Split(aminoAcids, ""), " ") + "\n")
	for i, r := range aminoAcids {
		mf.WriteString(string(r))
		for j := range aminoAcids {
			if i == j {
				mf.WriteString(" 1000")
			} else {
				mf.WriteString(fmt.Sprintf(" %d", (i*7+j*3)%11*100-700))
			}
		}
		mf.WriteString("\n")
	}
	m, err := ParseMatrix("big", strings.NewReader(mf.String()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScoring(Params{Matrix: m, GapOpen: 50.015625, GapExtend: 0.015625})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(37, 38))
	ref := randSeq(rng, 500, aminoAcids)
	var qs [][]byte
	for range 10 {
		q := mutate(rng, ref, 1+rng.IntN(20), aminoAcids)
		if rng.IntN(2) == 0 {
			q = q[:1+rng.IntN(200)]
		}
		qs = append(qs, q)
	}
	p := NewProfile(s, ref)
	paths := map[bool]int{}
	intDiffers := 0
	for _, q := range qs {
		want, err := FloatOracle{}.Align(p, q)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Matrix.Encode(q)
		if got, err := NewNative().traceEnd(p, q, c, scoreEndGeneric(p, c)); err != nil || sameAlignment(got, want) != nil {
			if s.IntegerExact(len(ref), len(q)) {
				t.Fatalf("%d aa: integers differ from water inside the bound", len(q))
			}
			intDiffers++
		}
	}
	if intDiffers == 0 {
		t.Fatal("no pair beyond the bound where integers differ from water")
	}
	for _, k := range kernelNames() {
		restore, _ := useKernel(k)
		als, err := NewNative().AlignBatch(p, qs)
		if err != nil {
			t.Fatal(err)
		}
		scores, err := NewNative().ScoreBatch(p, qs)
		if err != nil {
			t.Fatal(err)
		}
		restore()
		for i, q := range qs {
			exact := s.IntegerExact(len(ref), len(q))
			paths[exact]++
			want, err := FloatOracle{}.Align(p, q)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameAlignment(als[i], want); err != nil || scores[i] != want.Score {
				t.Fatalf("kernel %s, query %d (%d aa, integer %v): %v, score %d want %d", k, i, len(q), exact, err, scores[i], want.Score)
			}
		}
	}
	if paths[true] == 0 || paths[false] == 0 {
		t.Fatalf("batch did not mix the paths: %v", paths)
	}
}

func TestWaterPenalty(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want float64
	}{
		{10, 10}, {0.5, 0.5}, {0, 0}, {100, 100},
		{7.3, 7.300048828125},              // 59802/2^13
		{0.2, 52429.0 / (1 << 18)},         // 0.2000007629...
		{64.0012, 64.001953125},            // checked with water: 1036 - 64.0012 prints 1035.998
		{1 + 1.0/(1<<16), 1},               // a remainder of exactly one half rounds down
		{1 + 3.0/(1<<17), 1 + 1.0/(1<<15)}, // above one half, up
		{10.0001, 10},
	} {
		if got := waterPenalty(c.in); float64(got) != c.want {
			t.Errorf("waterPenalty(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestNewScoringPenalties(t *testing.T) {
	for _, c := range []struct {
		open, ext   float64
		scale, o, e int32
		scoreScale  int64
		binary      bool
	}{
		{10, 0.5, 2, 20, 1, 2, true},
		{12, 2, 1, 12, 2, 1, true},
		{8, 0.25, 4, 32, 1, 4, true},
		{10.0001, 0.5, 2, 20, 1, 2, true}, // water computes with 10
		{14.125, 0.375, 8, 113, 3, 8, true},
		{7.3, 0.2, 10, 73, 2, 1 << 18, false},
		{8, 0.2, 5, 40, 1, 1 << 18, false},
		{3.33, 0.01, 100, 333, 1, 1 << 22, false},
		{7.3333333, 0.2, 1e7, 73333333, 2000000, 1 << 18, false},
		{64.0012, 0.5, 2500, 160003, 1250, 1 << 9, false},
	} {
		s := mustScoring(t, "EBLOSUM62", c.open, c.ext)
		if s.Scale != c.scale || s.Open != c.o || s.Extend != c.e || s.ScoreScale != c.scoreScale || s.binary != c.binary {
			t.Errorf("%g/%g: scale %d open %d extend %d score scale %d binary %v; want %d %d %d %d %v",
				c.open, c.ext, s.Scale, s.Open, s.Extend, s.ScoreScale, s.binary, c.scale, c.o, c.e, c.scoreScale, c.binary)
		}
		// The decimals handed to water must give water's penalties.
		if waterPenalty(float64(s.Open)/float64(s.Scale)) != s.fOpen || waterPenalty(float64(s.Extend)/float64(s.Scale)) != s.fExt {
			t.Errorf("%g/%g: %d/%d at scale %d is not what water computes with", c.open, c.ext, s.Open, s.Extend, s.Scale)
		}
	}
	m, err := LoadMatrix("EBLOSUM62")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]float64{{-1, 0.5}, {100.5, 0.5}, {10, -0.1}, {10, 10.5}, {math.NaN(), 1}, {10, 3e-9}} {
		if _, err := NewScoring(Params{Matrix: m, GapOpen: p[0], GapExtend: p[1]}); err == nil || !strings.HasPrefix(err.Error(), "aligner: ") {
			t.Errorf("NewScoring(%g/%g) = %v, want an aligner error", p[0], p[1], err)
		}
	}
}

func TestFormatScore(t *testing.T) {
	bin := mustScoring(t, "EBLOSUM62", 10, 0.5)
	fl := mustScoring(t, "EBLOSUM62", 7.3, 0.2)
	for _, c := range []struct {
		s    *Scoring
		v    int64
		want string
	}{
		{bin, 8788, "4394.0"},
		{bin, 8789, "4394.5"},
		{bin, -3, "-1.5"},
		{bin, NoScore, "-340282346638528859811704183484516925440.0"},
		{mustScoring(t, "EBLOSUM62", 8, 0.25), 49, "12.25"},
		{mustScoring(t, "EBLOSUM62", 8, 0.015625), 1, "0.016"},
		{fl, int64(math.Ldexp(float64(float32(3541.2009)), 18)), "3541.201"},
		{fl, int64(math.Ldexp(float64(float32(140.33)), 18)), "140.33"},
	} {
		if got := c.s.FormatScore(c.v); got != c.want {
			t.Errorf("FormatScore(%d) = %q, want %q", c.v, got, c.want)
		}
		if w, _ := strconv.ParseFloat(c.want, 64); c.s.Float(c.v) != w {
			t.Errorf("Float(%d) = %v, want %s", c.v, c.s.Float(c.v), c.want)
		}
	}
}

func TestParseScore(t *testing.T) {
	bin := mustScoring(t, "EBLOSUM62", 10, 0.5)
	fl := mustScoring(t, "EBLOSUM62", 7.3, 0.2)
	for _, c := range []struct {
		s       *Scoring
		printed string
		want    int64
		err     bool
	}{
		{bin, "4394.0", 8788, false},
		{bin, "4394.5", 8789, false},
		{bin, "-340282346638528859811704183484516925440.0", NoScore, false},
		{bin, "4394.2", 0, true}, // not a multiple of 1/2
		{bin, "4394", 0, true},   // water always prints a decimal
		{bin, "abc", 0, true},
		{mustScoring(t, "EBLOSUM62", 8, 0.015625), "0.016", 1, false},
		{fl, "3541.201", int64(math.Round(3541.201 * (1 << 18))), false},
		{fl, "3541.2010", 0, true},
	} {
		got, err := c.s.ParseScore(c.printed)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("ParseScore(%q) = %d, %v; want %d, error %v", c.printed, got, err, c.want, c.err)
		}
	}
}

// FuzzFloatPath compares Native with FloatOracle on arbitrary sequences
// under penalties that take the float path. Seeds are the tie-heavy
// pairs, so `go test` runs them every time.
func FuzzFloatPath(f *testing.F) {
	for i, pr := range tiePairs(f) {
		f.Add(pr.Ref.Seq, pr.Query.Seq, uint8(i), uint8(i*3))
	}
	f.Add([]byte("WP"), []byte("WC"), uint8(0), uint8(0))
	f.Add([]byte("QQQQQQQQQQ"), []byte("QQQLQQQ"), uint8(3), uint8(1))
	matrices := []string{"EBLOSUM62", "EBLOSUM45", "EBLOSUM80", "EPAM250"}
	scorings := map[[2]int]*Scoring{}
	f.Fuzz(func(t *testing.T, ref, query []byte, gaps, mat uint8) {
		ref, query = cleanLikeWater(ref), cleanLikeWater(query)
		ref, query = ref[:min(len(ref), 400)], query[:min(len(query), 400)]
		if len(ref) == 0 || len(query) == 0 {
			t.Skip()
		}
		key := [2]int{int(mat) % len(matrices), int(gaps) % len(floatPenalties)}
		s := scorings[key]
		if s == nil {
			pen := floatPenalties[key[1]]
			s = mustScoring(t, matrices[key[0]], pen[0], pen[1])
			scorings[key] = s
		}
		checkPairF(t, s, "fuzz", ref, query)
	})
}

// TestFloatPathLong: a 3,000-aa pair on the float path equals FloatOracle,
// and Native's memory stays bounded by its checkpoints (FloatOracle needs
// 45 MB of full matrices) also when it replays the start-cell scan over
// the whole matrix.
func TestFloatPathLong(t *testing.T) {
	s := mustScoring(t, "EBLOSUM62", 7.3, 0.2)
	rng := rand.New(rand.NewPCG(3000, 7))
	ref := randSeq(rng, 3000, aminoAcids)
	query := mutate(rng, ref[50:], 60, aminoAcids)
	p := NewProfile(s, ref)
	want, err := FloatOracle{}.Align(p, query)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Native{NewNative(), {forceScan: true}} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, err := e.Align(p, query)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameAlignment(got, want); err != nil {
			t.Fatalf("scan %v: %v", e.forceScan, err)
		}
		t.Logf("scan %v: %.1f MB", e.forceScan, float64(after.TotalAlloc-before.TotalAlloc)/1e6)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20e6 {
			t.Errorf("scan %v: 3,000 aa pair allocated %d bytes", e.forceScan, alloc)
		}
	}
}
