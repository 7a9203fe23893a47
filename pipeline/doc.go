// Package pipeline runs an alignment job: it streams query records from
// the input files in order, assigns each to its wild-type reference, aligns
// and calls mutations on a pool of goroutines, and hands the finished
// records back in input order, so the output is identical at any thread
// count. It never logs or exits; progress and results go to callbacks.
package pipeline
