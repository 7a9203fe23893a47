// Package summary turns wtalign alignment outputs, one file per genome
// accession, into a cohort table (one row per accession and aligned record)
// and a JSON summary (per-accession status counts, per-gene mutation
// frequencies). It reads the json document, json array and jsonl formats of
// `wtalign align`, streaming records so a large output is never held whole.
//
// It is a library: it never logs, never exits and never panics on bad input;
// every error is wrapped with the prefix "summary: " and names the file.
// Output order is deterministic: it depends only on the inputs' content and
// accessions, never on the order the files were given in.
package summary
