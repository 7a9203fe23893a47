// Package benchmarks measures wtalign's speed: a deterministic generator
// of benchmark datasets (variants of real wild types), Go benchmarks of the
// score kernels and the batch engine in GCUPS (go test -bench . ./benchmarks),
// and compare.sh, which times wtalign against EMBOSS water, parasail and SSW
// on the same data. Nothing here runs in the default test suite beyond a
// check that the generator is deterministic; the package never writes
// outside the directory it is told to.
package benchmarks
