// Package fasta reads protein FASTA files strictly, one record at a time,
// and cleans each sequence the way EMBOSS water reads it.
//
// Parsing is done by github.com/shenwei356/bio/seqio/fastx. Compressed input
// (gzip, bzip2, xz, zstd) is detected by its magic bytes and decompressed
// here with single-goroutine decoders (see decompress.go for why not xopen).
// This package adds what fastx does not check:
// empty and whitespace-only files, text that is not FASTA, FASTQ, truncated
// or corrupt compressed input, empty and duplicate IDs, empty sequences,
// invalid letters (with their position and line), nucleotide sequences and
// internal stops.
//
// Every problem is a *Error naming the file, the 1-based record number, the
// ID, the line when known and the residue position when relevant. Its Kind
// can be tested with errors.Is (errors.Is(err, fasta.ErrInvalidLetter)).
// Error.Fatal reports whether the whole file is unusable; record-level
// problems of a query file are returned together with their record so the
// caller can report them and go on.
//
// Global side effect: importing this package sets the shenwei356/bio package
// variable seq.ValidateSeq to false, because fastx's own validation reports
// neither record nor position and drops a failing last record. Any other code
// in the same program that relies on fastx validating sequences must validate
// them itself.
//
// This package must never log, exit, panic on bad input, or hold a whole
// query file in memory (Reader streams; ReadAll is meant for small reference
// files).
package fasta
