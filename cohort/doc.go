// Package cohort turns wtalign alignment outputs, one file per genome
// accession, into a cohort table (one row per accession and aligned
// record, plus a row for each wild-type gene an accession has no copy of)
// and a JSON overview (per-accession status counts and disrupted, absent
// or unanalysed genes; per-gene mutation frequencies). It reads every
// format `wtalign align` writes (output.ReadFile), streaming records so a
// large output is never held whole.
//
// Each row says what the record means for its gene (gene_state): present,
// partial, disrupted (truncated: a premature stop or frameshift-like end),
// homolog (a paralog aligned to the gene, not the gene), and, when the
// reference genes are known (SetGenes), absent (the genome was scanned with
// --assign best and has no copy) or not_analysed (no query was named for
// it). Calls after a premature stop are read-through and are not counted.
//
// It is a library: it never logs, never exits and never panics on bad input;
// every error is wrapped with the prefix "cohort: " and names the file.
// Output order is deterministic: it depends only on the inputs' content and
// accessions, never on the order the files were given in.
package cohort
