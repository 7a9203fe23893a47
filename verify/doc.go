// Package verify re-checks finished wtalign outputs without rerunning the
// job, and reads them for the packages that report on them.
//
// Verify checks, for every output given: the manifest (finished run,
// output size and sha256, record counts, failure list, format, shard);
// records in input order (query.ordinal), none missing or duplicated,
// for plain, shard and merged outputs; every record against the record
// JSON Schema (embedded; a test keeps the copy equal to
// docs/record.schema.json); the score recomputed from the aligned strings
// with the record's matrix and gap penalties; Length, Identity,
// Similarity, Gaps, the percentages, coordinates, coverages, markup line
// and CIGAR recomputed from the aligned strings; and, when the reference
// FASTA is given, the calls re-derived with variant.Call. Each mismatch is
// a Failure naming file, record, field, stored and recomputed value.
//
// Open and Output.Records read wtalign's json, jsonl and tsv outputs
// line by line, with the position of every record, and refuse with an
// *InputError (file, line, byte offset) a truncated file, a file that is
// not a wtalign output, or the output of an unfinished run.
//
// The package never logs, never exits and reads no flags; errors are
// prefixed "verify: " and name the file.
package verify
