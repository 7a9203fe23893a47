// Package aligner implements local protein alignment with the exact
// semantics of EMBOSS water 6.6 (Smith-Waterman with affine gaps, the
// reference as -asequence).
//
// water computes in single and double precision. Where that arithmetic is
// provably exact (Scoring.IntegerExact: penalties that are multiples of
// 1/64, sequences short enough), the engines use integers: the matrix
// scores and gap penalties multiplied by a common scale (2 for the default
// 10/0.5), and fast SIMD kernels. Otherwise they repeat water's float
// operations in water's order (water_float.go). A gap of length k costs
// open + (k-1)*extend. Scores are integers either way (Scoring.ScoreScale).
//
// Coordinates in Alignment are 0-based and inclusive; callers that print
// them add one. The package never logs, never exits and holds no global
// state that a test cannot reset.
//
// Correctness is anchored by Oracle and FloatOracle, plain full-matrix
// transcriptions of water's fill and traceback in integers and in water's
// floats. Every faster engine must equal them. Native is
// the production engine: a linear-memory score pass (scoreEndFunc, whose
// contract in scan.go the SIMD kernels implement) followed by a
// checkpointed traceback whose memory is bounded by the aligned region.
package aligner
