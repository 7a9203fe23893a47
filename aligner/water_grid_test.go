package aligner

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// waterGrid are the gap penalties of TestWaterGrid: open 1..50 and extend
// 0.05..10 across water's accepted range, mostly values that are not
// binary fractions (water's float32 arithmetic then rounds), a few that
// are (the integer path), open below extend, and more than two decimals.
var waterGrid = [][2]float64{
	{1, 0.05}, {1, 1.7}, {2.5, 0.1}, {3, 0.3}, {5, 0.1}, {5, 2}, {6.6, 0.2}, {7.3, 0.2},
	{7.3, 0.5}, {7.3, 1.7}, {8, 0.2}, {8.8, 0.3}, {9.5, 0.05}, {10, 0.5}, {10, 0.1}, {10, 0.3},
	{10.1, 0.9}, {11, 1}, {11.7, 0.7}, {12, 2}, {12.7, 0.05}, {12.7, 1.3}, {13.3, 0.33}, {14, 1.5},
	{15, 0.3}, {15, 3.3}, {16.4, 0.6}, {17.5, 0.25}, {18.2, 0.1}, {20, 0.2}, {20, 5}, {22.22, 0.11},
	{25, 0.05}, {25, 2.5}, {27.1, 1.1}, {30, 0.7}, {33.33, 0.33}, {33.33, 3.33}, {36.6, 0.06}, {40, 0.4},
	{40, 10}, {44.4, 4.4}, {50, 0.05}, {50, 1.7}, {50, 10}, {12.345, 0.123}, {7.3333333, 0.2}, {3.14159, 0.271828},
}

var gridMatrices = []string{"EBLOSUM62", "EBLOSUM45", "EBLOSUM80", "EPAM250"}

// gridArgs are water's arguments for one matrix and penalty pair.
func gridArgs(matrix string, open, ext float64) []string {
	return []string{"-gapopen", strconv.FormatFloat(open, 'f', -1, 64), "-gapextend", strconv.FormatFloat(ext, 'f', -1, 64),
		"-datafile", matrix, "-sprotein1", "-sprotein2", "-sformat1", "fasta", "-sformat2", "fasta", "-aformat3", "srspair"}
}

// gridJob is one water process: a reference and its queries, as written.
type gridJob struct {
	what    string
	matrix  string
	open    float64
	ext     float64
	ref     []byte
	queries [][]byte
}

// tieFamily is a repeat-rich reference and queries that shift, grow and
// shrink its repeats, so most alignments choose between equal-score gap
// placements (like the tie-heavy sets measured against one wild type).
func tieFamily(rng *rand.Rand, n int) (ref []byte, queries [][]byte) {
	units := []string{"AS", "GGGGS", "PEPE", "KAAKA", "QQQQH", "Q", "A", "EK", "LPQT"}
	for len(ref) < 120+rng.IntN(200) {
		ref = append(ref, randSeq(rng, 3+rng.IntN(25), aminoAcids)...)
		u := units[rng.IntN(len(units))]
		ref = append(ref, repeatUnit(u, 2+rng.IntN(8))...)
	}
	for range n {
		var q []byte
		switch rng.IntN(3) {
		case 0: // indels inside repeats
			q = mutate(rng, ref, 1+rng.IntN(6), units[rng.IntN(len(units))])
		case 1: // a local piece with substitutions and indels
			a := rng.IntN(len(ref) / 2)
			q = mutate(rng, ref[a:a+1+rng.IntN(len(ref)-a)], rng.IntN(8), aminoAcids)
		default: // a homolog
			q = mutate(rng, ref, 3+rng.IntN(25), aminoAcids)
		}
		if len(q) == 0 {
			q = []byte("Q")
		}
		queries = append(queries, q)
	}
	return ref, queries
}

// gridJobs samples the grid x matrices x pairs: every penalty pair under
// every matrix sees one group of real queries against their wild type
// (rotating through the wild types), a pair of tie_heavy.faa with four
// more of its queries (rotating through the file), a generated tie-heavy
// family and random related and unrelated pairs: four water processes.
func gridJobs(t *testing.T, rng *rand.Rand) []gridJob {
	real := map[string]*gridJob{}
	var order []string
	for _, pr := range realPairs(t) {
		g := real[pr.Ref.ID]
		if g == nil {
			g = &gridJob{what: "real " + gene(pr.Ref.ID), ref: pr.Ref.Seq}
			real[pr.Ref.ID] = g
			order = append(order, pr.Ref.ID)
		}
		g.queries = append(g.queries, pr.Query.Seq)
	}
	ties := tiePairs(t)
	var jobs []gridJob
	c := 0
	for k, pen := range waterGrid {
		for mi, m := range gridMatrices {
			if raceEnabled && mi != k%len(gridMatrices) {
				continue // one matrix per penalty pair: the race detector is slow
			}
			add := func(j gridJob) {
				j.matrix, j.open, j.ext = m, pen[0], pen[1]
				jobs = append(jobs, j)
			}
			add(*real[order[c%len(order)]])
			tp := ties[c%len(ties)]
			tj := gridJob{what: "tie " + tp.Name, ref: tp.Ref.Seq, queries: [][]byte{tp.Query.Seq}}
			for _, d := range []int{7, 17, 31, 41} {
				tj.queries = append(tj.queries, ties[(c+d)%len(ties)].Query.Seq)
			}
			add(tj)
			ref, qs := tieFamily(rng, 12)
			add(gridJob{what: "tie family", ref: ref, queries: qs})
			var rq [][]byte
			rref := randSeq(rng, 30+rng.IntN(370), aminoAcids+"X")
			for _, pr := range randomPairs(rng, 8, 400) {
				if rng.IntN(2) == 0 {
					rq = append(rq, mutate(rng, rref, 1+rng.IntN(1+len(rref)/8), aminoAcids))
				} else {
					rq = append(rq, pr.Query.Seq)
				}
			}
			add(gridJob{what: "random", ref: rref, queries: rq})
			c++
		}
	}
	return jobs
}

// TestWaterGrid compares every field of Native's AlignBatch (the
// pipeline's entry point) with live water over the penalty grid, four
// matrices and real, tie-heavy and random pairs. It also counts the
// alignments where exact integer arithmetic with the same penalties
// (wtalign before the float path) differs from water: the grid must hold
// such cases, or it would not show that the float path matters.
func TestWaterGrid(t *testing.T) {
	if _, err := exec.LookPath("water"); err != nil {
		t.Skipf("water (EMBOSS) not on PATH, live comparison skipped: %v", err)
	}
	if testing.Short() {
		t.Skip("live water comparison skipped in -short mode")
	}
	if len(waterGrid) < 40 {
		t.Fatalf("grid has %d penalty pairs, want at least 40", len(waterGrid))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	seed := *waterSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("generated pairs use -water-seed %d", seed)
	jobs := gridJobs(t, rand.New(rand.NewPCG(seed, 78)))

	scorings := map[string]*Scoring{}
	for _, j := range jobs {
		k := fmt.Sprint(j.matrix, j.open, j.ext)
		if scorings[k] == nil {
			scorings[k] = mustScoring(t, j.matrix, j.open, j.ext)
		}
	}
	var mu sync.Mutex
	var failures []string
	compared, floatPairs, intWrong := 0, 0, 0
	e := NewNative()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		dir := t.TempDir()
		wg.Go(func() {
			for i := range next {
				j := jobs[i]
				s := scorings[fmt.Sprint(j.matrix, j.open, j.ext)]
				label := fmt.Sprintf("%s %g/%g %s", j.matrix, j.open, j.ext, j.what)
				n, nf, nw, errs := checkGridJob(ctx, dir, e, s, j)
				mu.Lock()
				compared, floatPairs, intWrong = compared+n, floatPairs+nf, intWrong+nw
				for _, err := range errs {
					failures = append(failures, fmt.Sprintf("%s: %v", label, err))
				}
				mu.Unlock()
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, f := range failures {
		if i == 20 {
			t.Errorf("... and %d more", len(failures)-20)
			break
		}
		t.Error(f)
	}
	perPen := len(gridMatrices)
	if raceEnabled {
		perPen = 1
	}
	t.Logf("water grid: %d penalty pairs x %d matrices, %d water processes, %d alignments compared on every field; "+
		"%d on the float path, of which exact integers would get %d wrong", len(waterGrid), perPen, len(jobs), compared, floatPairs, intWrong)
	if intWrong == 0 {
		t.Error("no alignment of the grid tells water's float arithmetic from exact integers")
	}
}

// checkGridJob runs one water process and compares each alignment with
// Native's AlignBatch and ScoreBatch. It returns the alignments compared,
// how many took the float path, and how many of those exact integers get
// wrong (gap placement or coordinates).
func checkGridJob(ctx context.Context, dir string, e *Native, s *Scoring, j gridJob) (n, nf, nw int, errs []error) {
	out, err := runWaterWith(ctx, dir, gridArgs(j.matrix, j.open, j.ext), j.ref, j.queries...)
	if err != nil {
		return 0, 0, 0, []error{err}
	}
	res, err := parseWater(out)
	if err != nil || len(res) != len(j.queries) {
		return 0, 0, 0, []error{fmt.Errorf("%d alignments for %d queries: %v", len(res), len(j.queries), err)}
	}
	ref := cleanLikeWater(j.ref)
	qs := make([][]byte, len(j.queries))
	for i, q := range j.queries {
		qs[i] = cleanLikeWater(q)
	}
	p := NewProfile(s, ref)
	als, err := e.AlignBatch(p, qs)
	if err != nil {
		return 0, 0, 0, []error{err}
	}
	scores, err := e.ScoreBatch(p, qs)
	if err != nil {
		return 0, 0, 0, []error{err}
	}
	for i, al := range als {
		n++
		if err := compareWater(s, res[i], al); err != nil {
			errs = append(errs, fmt.Errorf("query %d (ref %s query %s):\n%v", i+1, ref, qs[i], err))
		}
		if scores[i] != al.Score {
			errs = append(errs, fmt.Errorf("query %d: ScoreBatch %d, AlignBatch %d", i+1, scores[i], al.Score))
		}
		if s.IntegerExact(len(ref), len(qs[i])) {
			continue
		}
		nf++
		q := s.Matrix.Encode(qs[i])
		old, err := e.traceEnd(p, qs[i], q, scoreEndGeneric(p, q))
		if err == nil && (old.RefStart+1 != res[i].RefStart || old.RefEnd+1 != res[i].RefEnd ||
			old.QueryStart+1 != res[i].QueryStart || old.QueryEnd+1 != res[i].QueryEnd ||
			!bytes.Equal(old.AlignedRef, []byte(res[i].AlignedRef)) || !bytes.Equal(old.AlignedQuery, []byte(res[i].AlignedQuery))) {
			nw++
		}
	}
	return n, nf, nw, errs
}
