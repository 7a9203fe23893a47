// Package output writes wtalign's records (json, jsonl or tsv) crash-safely:
// records go to <out>.partial in input order, a checkpoint (records written,
// bytes, sha256 of the bytes) is made durable in the manifest every N
// records or T seconds, and only a finished run is fsynced and renamed to
// <out>. A killed, interrupted or failed run is resumed by Open after
// verifying that nothing that shapes the output changed and that the kept
// bytes still hash to the checkpoint. Merge combines shard outputs into the
// unsharded output, byte for byte. An advisory lock (<out>.lock) keeps two
// runs off one output. CheckClobber refuses, before any work, a path a run
// would write that is a file it reads or a directory (ErrClobber).
//
// How a run uses the writer (pipeline.Plan.Execute):
//
//	w, err := output.Open(opts)      // ErrComplete: nothing to do; ErrLocked; ErrResumeRefused
//	w.SetTotal(n)                    // records this run (shard) writes in all, when known
//	skip the first w.Done() records of the run (of the shard); then, for each further
//	record in input order (shard K/N: ordinals o with o%N == K-1, starting at w.NextOrdinal()):
//	    w.WriteEncoded(o, record, unit, outcome) // unit from output.Encode, on any goroutine
//	                                             // (w.Write(o, record, outcome) encodes itself)
//	w.Finish()                       // or w.Interrupt() on a signal, w.Abort(err) on an error
//	w.Counts().Failed > 0            // -> exit 3
//
// Failed records are written like others (status "error" with the reason)
// and listed in the manifest; the run ends complete_with_failures with the
// output in place. Resuming it restarts just before the first failed
// record, so every failure is retried and the result is the same as a
// clean run.
//
// The package never logs, never exits and never panics on bad input; its
// errors are prefixed "output: " and name the file involved. The
// manifest.Crashpoint calls do nothing unless a test sets
// WTALIGN_TEST_CRASHPOINT.
package output
