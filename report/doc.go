// Package report defines the record wtalign writes for each query protein
// (schema version 1; JSON Schema docs/record.schema.json) and its whole
// vocabulary: statuses, flags, mutation types, site states and the
// Mutation, Region, Site and Truncation types. Package variant produces the
// calls in these terms, package pipeline fills the record, package output
// encodes it. report has no dependencies and no I/O; it never logs.
//
// # The status model
//
// A status says what the record means to a microbiologist, in one word.
// Exactly one applies; they are decided in this order.
//
// Records without an alignment:
//   - error: the record could not be processed (invalid letters, a
//     nucleotide sequence, no reference for its gene key); error says why.
//   - empty: no residue left after cleaning.
//   - skipped: no reference for its key, with --skip-unassigned.
//
// Below the thresholds (status_reason gives the numbers):
//   - no_hit (--assign best): the best reference scores under --min-score,
//     or the alignment has less than --min-identity, or it covers less than
//     --min-ref-coverage of the reference and the query is not a disrupted
//     copy of it (below). best_hit keeps the numbers.
//   - low_quality (--assign name/map): the named reference aligns below
//     --min-identity or --min-score; no calls.
//
// A hit is either another gene or the reference's own gene:
//   - homolog: EMBOSS identity below --same-gene-identity (default 80%):
//     a paralog in the same genome (AcrD, AcrF, MdtF for AcrB; OmpN for
//     OmpC) or a distant ortholog (Enterococcus or Staphylococcus GyrA for
//     E. coli GyrA, ~50%). Its differences are not variants of the wild
//     type, so no mutations are called; the alignment and identity are kept.
//     Under name/map the reason says the query was assigned by its name.
//
// The same gene (identity at or above --same-gene-identity), by precedence:
//   - truncated: evidence that the protein stops early, with truncation
//     {position, reference_length, evidence}: a premature stop in the query
//     ("premature_stop": K141* in a translation read through the stop), a
//     complete translation that ends before the reference end
//     ("ends_at_stop": a final '*' or --complete-proteins; K141* is called),
//     or an alignment that ends early followed by a short divergent tail
//     ("frameshift_like_end": OmpF 1-60 then 30 new residues, truncated at
//     61/362). Calls after a premature stop are marked after_premature_stop
//     and counted in truncation.calls_after_stop, not as changes of the
//     protein. Truncated is never given without such evidence.
//   - partial: an end of the reference is not covered and there is no
//     evidence of a stop (a fragment, a contig end): flags partial_N /
//     partial_C, the uncovered ranges in not_covered, calls for the rest.
//   - mutant: the whole reference is covered and at least one definite
//     change is called (S83L, a deletion, an insertion, an extension).
//   - ambiguous: covered, no definite change, but an ambiguity code (X, B,
//     Z, J) where the reference has a residue: neither wild type nor mutant.
//   - wildtype: covered and identical.
//
// Under --assign best a disrupted gene must not vanish: a same-gene query
// that covers less than --min-ref-coverage of the reference is still a hit
// when it aligns at least half of its own length (a truncated CirA of 253
// residues against the 663 of K-12 CirA is truncated at 254/663 when its
// stop is known, partial otherwise), while a chance segment inside another
// protein is not.
//
// Flags qualify a status (partial_N, divergent_C_terminal_tail,
// multiple_copies, ...); they never replace it. Cohort tables (package
// cohort) add per gene whether it was absent from a scanned genome, not
// analysed, or disrupted.
package report
