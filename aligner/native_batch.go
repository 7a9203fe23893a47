package aligner

import "fmt"

// ScoreBatch returns what Score returns for each query, computed by the
// batch score pass: on amd64 with AVX2 or AVX-512BW one query per vector
// lane (16-bit lanes, 32-bit for the queries that saturate them), so a
// batch of similar-length queries against one wild type is scored many
// times faster than query by query. Queries that need water's float
// arithmetic (Scoring.IntegerExact) are scored by the scalar float path.
// An invalid query fails the batch with an error naming its index.
func (n *Native) ScoreBatch(p *Profile, queries [][]byte) ([]int64, error) {
	qs, err := encodeBatch(p, queries)
	if err != nil {
		return nil, err
	}
	scores := make([]int64, len(qs))
	ints, intQs := splitExact(p, qs)
	for i, q := range qs {
		if ints[i] < 0 {
			if scores[i], err = scoreFloat(p, q); err != nil {
				return nil, fmt.Errorf("%w (batch query %d)", err, i)
			}
		}
	}
	ends := make([]End, len(intQs))
	scoreBatch(p, intQs, ends, true)
	for i, k := range ints {
		if k >= 0 {
			scores[i] = ends[k].Score
		}
	}
	return scores, nil
}

// splitExact picks the queries the integer engines (SIMD included) may
// align (Scoring.IntegerExact): index[i] is query i's position in the
// returned subset, or -1 for a query that needs the float path.
func splitExact(p *Profile, qs [][]uint8) (index []int, subset [][]uint8) {
	index = make([]int, len(qs))
	for i, q := range qs {
		index[i] = -1
		if p.Scoring.IntegerExact(len(p.Codes), len(q)) {
			index[i] = len(subset)
			subset = append(subset, q)
		}
	}
	return index, subset
}

// AlignBatch returns what Align returns for each query. With AVX-512 the
// traceback flags come from the same SIMD pass (see kernel_trace_amd64.go);
// otherwise the score pass runs as in ScoreBatch and water's traceback
// follows for each query. Queries that need water's float arithmetic
// (Scoring.IntegerExact) take the scalar float path instead. An invalid
// query fails the batch with an error naming its index.
func (n *Native) AlignBatch(p *Profile, queries [][]byte) ([]*Alignment, error) {
	qs, err := encodeBatch(p, queries)
	if err != nil {
		return nil, err
	}
	out := make([]*Alignment, len(qs))
	ints, intQs := splitExact(p, qs)
	if len(intQs) == len(qs) {
		alignBatch(p, queries, qs, out)
	} else {
		intQueries := make([][]byte, 0, len(intQs))
		for i, k := range ints {
			if k >= 0 {
				intQueries = append(intQueries, queries[i])
			} else if out[i], err = n.alignFloat(p, queries[i], qs[i]); err != nil {
				return nil, fmt.Errorf("%w (batch query %d)", err, i)
			}
		}
		intOut := make([]*Alignment, len(intQs))
		alignBatch(p, intQueries, intQs, intOut)
		for i, k := range ints {
			if k >= 0 {
				out[i] = intOut[k]
			}
		}
	}
	var rest []int
	var restQs [][]uint8
	for i, al := range out {
		if al == nil {
			rest = append(rest, i)
			restQs = append(restQs, qs[i])
		}
	}
	ends := make([]End, len(rest))
	scoreBatch(p, restQs, ends, false)
	for k, i := range rest {
		if out[i], err = n.traceEnd(p, queries[i], qs[i], ends[k]); err != nil {
			return nil, fmt.Errorf("%w (batch query %d)", err, i)
		}
	}
	return out, nil
}

func encodeBatch(p *Profile, queries [][]byte) ([][]uint8, error) {
	qs := make([][]uint8, len(queries))
	for i, q := range queries {
		if err := checkInput(p, q); err != nil {
			return nil, fmt.Errorf("%w (batch query %d)", err, i)
		}
		qs[i] = p.Scoring.Matrix.Encode(q)
	}
	return qs, nil
}

// traceEnd is the traceback half of Native.Align, from a score pass result.
func (n *Native) traceEnd(p *Profile, query []byte, q []uint8, end End) (*Alignment, error) {
	if end.RefEnd < 0 || end.RefEnd >= len(p.Codes) || end.QueryEnd < 0 || end.QueryEnd >= len(q) {
		return nil, fmt.Errorf("aligner: score pass returned end cell (%d,%d) outside %dx%d", end.RefEnd, end.QueryEnd, len(p.Codes), len(q))
	}
	if al, ok, err := n.traceLong(p, query, q, end); ok {
		return al, err
	}
	w, _ := n.work.Get().(*traceWork)
	if w == nil {
		w = new(traceWork)
	}
	defer func() {
		w.release()
		n.work.Put(w)
	}()
	if err := w.setup(p.Scoring, p.Codes, q, end.RefEnd+1, end.QueryEnd+1, n.blockRows); err != nil {
		return nil, err
	}
	if h := w.H(end.RefEnd, end.QueryEnd); int64(h) != end.Max {
		return nil, fmt.Errorf("aligner: score pass found best %d at (%d,%d) but the cell holds %d", end.Max, end.RefEnd, end.QueryEnd, h)
	}
	al := walkFrom(p.Ref, query, end.RefEnd, end.QueryEnd, p.Scoring,
		func(i, j int) int64 { return int64(w.H(i, j)) }, w.dir)
	al.Score = end.Score
	return al, nil
}
