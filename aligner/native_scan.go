package aligner

import (
	"errors"
	"fmt"
)

// ScoreMany returns what Score returns for every query against every
// profile: scores[r][i] for profiles[r] and queries[i]. It is the score
// pass of a proteome scan (--assign best). With AVX2 or AVX-512BW it scores
// 32 or 64 queries per vector in biased 8-bit lanes, sharing one query
// profile across all references, and rescores the pairs that saturate 8
// bits with 16-bit (then 32-bit) lanes; the result is exact either way.
// The profiles must share one Scoring. An invalid query fails the call
// with an error naming its index.
func (n *Native) ScoreMany(profiles []*Profile, queries [][]byte) ([][]int64, error) {
	scores := make([][]int64, len(profiles))
	if len(profiles) == 0 {
		return scores, nil
	}
	s := profiles[0].Scoring
	for r, p := range profiles {
		if err := checkInput(p, []byte{'A'}); err != nil {
			return nil, fmt.Errorf("%w (profile %d)", err, r)
		}
		if p.Scoring != s {
			return nil, errors.New("aligner: ScoreMany needs profiles prepared with one Scoring")
		}
		scores[r] = make([]int64, len(queries))
	}
	qs, err := encodeBatch(profiles[0], queries)
	if err != nil {
		return nil, err
	}
	scoreMany(s, profiles, qs, scores)
	return scores, nil
}

// scoreManyGeneric is scoreMany with the scalar pass.
func scoreManyGeneric(profiles []*Profile, qs [][]uint8, out [][]int64) {
	for r, p := range profiles {
		for i, q := range qs {
			out[r][i] = scoreEndGeneric(p, q).Score
		}
	}
}
