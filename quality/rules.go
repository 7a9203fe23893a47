package quality

import (
	"math"
	"sort"
)

// Rules are the outlier rules' thresholds. The cohort rules compare a
// record with the other analysed records of its gene: they apply only
// when the gene has at least MinCohort of them, and use the median and
// the median absolute deviation (MAD, scaled by 1.4826 so that it
// estimates the standard deviation of normal data). A record is then an
// outlier when it lies more than MADs scaled MADs from the median AND
// more than the rule's minimum distance, so that a cohort of identical
// wild types (MAD 0) does not flag a single substitution.
type Rules struct {
	// MinCohort is the fewest analysed records of a gene (or runs, for
	// the resource rules) for the cohort rules to apply.
	MinCohort int `json:"min_cohort"`
	// MADs is how many scaled MADs away from the median is unusual.
	MADs float64 `json:"mads"`

	// MinCoverage (absolute): reference coverage below it is a fragment.
	// Records truncated by a premature stop are exempt: their short
	// coverage is the finding, not a defect.
	MinCoverage float64 `json:"min_coverage"`
	// MinIdentity (absolute): EMBOSS identity below it is a homolog, a
	// paralog or a wrong reference rather than a variant.
	MinIdentity float64 `json:"min_identity"`
	// IdentityDrop (cohort): identity at least this many points below the
	// gene's median (and MADs scaled MADs below it).
	IdentityDrop float64 `json:"identity_drop"`
	// LengthRatioDelta (cohort): query/reference length ratio this far
	// from the gene's median (and MADs scaled MADs from it).
	LengthRatioDelta float64 `json:"length_ratio_delta"`
	// MaxNovelCalls (absolute): more novel calls than this in one record.
	MaxNovelCalls int `json:"max_novel_calls"`
	// NovelCallsExcess (cohort): at least this many novel calls more than
	// the gene's median (and MADs scaled MADs above it).
	NovelCallsExcess float64 `json:"novel_calls_excess"`
	// MinDivergentTail (absolute): a divergent C-terminal tail of at
	// least this many residues.
	MinDivergentTail int `json:"min_divergent_tail"`
	// MaxAmbiguous (absolute): at least this many ambiguous residues (X,
	// B, Z, J) in the aligned query.
	MaxAmbiguous int `json:"max_ambiguous"`
	// SlowFactor and MemoryFactor (resource rules): a run slower (records
	// per second) by this factor than the median run, or with a peak RSS
	// this many times the median.
	SlowFactor   float64 `json:"slow_factor"`
	MemoryFactor float64 `json:"memory_factor"`
	// MinRunSeconds: runs shorter than this are left out of the speed
	// rule, whose rate start-up time would dominate.
	MinRunSeconds float64 `json:"min_run_seconds"`
}

// DefaultRules are the documented defaults (docs/report.md).
var DefaultRules = Rules{
	MinCohort:        5,
	MADs:             5,
	MinCoverage:      90,
	MinIdentity:      80,
	IdentityDrop:     5,
	LengthRatioDelta: 0.1,
	MaxNovelCalls:    20,
	NovelCallsExcess: 5,
	MinDivergentTail: 5,
	MaxAmbiguous:     5,
	SlowFactor:       3,
	MemoryFactor:     3,
	MinRunSeconds:    10,
}

// madScale makes the MAD a consistent estimator of the standard deviation.
const madScale = 1.4826

// dist summarises xs (which it sorts).
func dist(xs []float64) Dist {
	if len(xs) == 0 {
		return Dist{}
	}
	sort.Float64s(xs)
	m := quantile(xs, 0.5)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	sort.Float64s(dev)
	return Dist{N: len(xs), Min: xs[0], Q1: round4(quantile(xs, 0.25)), Median: round4(m),
		Q3: round4(quantile(xs, 0.75)), Max: xs[len(xs)-1], MAD: round4(quantile(dev, 0.5))}
}

// quantile of sorted xs by linear interpolation (type 7).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	h := q * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// band is the cohort rule's distance: MADs scaled MADs, at least min.
func (r Rules) band(d Dist, min float64) float64 {
	return math.Max(r.MADs*madScale*d.MAD, min)
}
