// Package aligner implements local protein alignment with the exact
// semantics of EMBOSS water 6.6 (Smith-Waterman with affine gaps, the
// reference as -asequence).
//
// Scores are integers: the EMBOSS matrix scores and gap penalties are
// multiplied by a common scale (2 for the default 10/0.5) so that every
// comparison is exact. A gap of length k costs open + (k-1)*extend.
//
// Coordinates in Alignment are 0-based and inclusive; callers that print
// them add one. The package never logs, never exits and holds no global
// state that a test cannot reset.
//
// Correctness is anchored by Oracle, a plain full-matrix transcription of
// water's fill and traceback. Every faster engine must equal it. Native is
// the production engine: a linear-memory score pass (scoreEndGeneric, whose
// contract in scan.go the SIMD kernels of the batch methods implement)
// followed by a checkpointed traceback whose memory is bounded by the
// aligned region.
package aligner
