// Package variant calls mutations in reference numbering from one local
// alignment of a query protein against a wild-type reference protein.
//
// Call takes an aligner.Alignment (as produced by any aligner.Engine) plus
// the full reference and the cleaned query, and returns a Result: a status,
// flags, the mutation list with short (S83L) and HGVS (p.Ser83Leu) names,
// and the reference regions the alignment does not cover. All positions in
// a Result are 1-based and inclusive; ref_* positions always use reference
// numbering, query_* positions index the cleaned query given to the engine.
//
// # Status
//
// Call sets one of:
//   - wildtype: the whole reference is covered and nothing differs (an
//     N- or C-terminal overhang alone keeps a query wild type, see flags).
//   - mutant: the whole reference is covered and at least one definite
//     change was called (any type except ambiguous).
//   - ambiguous: the whole reference is covered, no definite change, but at
//     least one reference position is an ambiguity code (X, B, Z, J) in the
//     query: the query is neither proven wild type nor mutant.
//   - partial: an end of the reference is not covered (flags partial_N and/or
//     partial_C) and the query is not truncated.
//   - truncated: the query stops early: a premature stop ('*') inside the
//     aligned region or right after it (a nonsense call), the query is known
//     to end at a stop before the reference end (Input.QueryEndsAtStop), or
//     a divergent C-terminal tail (see below).
//
// The caller sets the others: no_hit, low_quality, error and empty.
// Precedence: truncated > partial > mutant > ambiguous > wildtype.
//
// # Calling rules
//
// Columns are classified as match (same letter, case-insensitive), stop
// (query '*' against a reference residue), ambiguous (query X, B, Z, J or any
// other letter that is not one of the 20 standard residues, U or O against a
// reference residue), substitution, deletion (query gap) or insertion
// (reference gap).
//   - Stop and ambiguous columns are always reported alone: nonsense K141*
//     (p.Lys141Ter) and ambiguous S83X (p.Ser83Xaa; B Asx, Z Glx, J Xle).
//   - A run of contiguous substitution columns without gaps gives one
//     substitution per column (G81D, D82G), never a merged delins.
//   - A run of contiguous substitution/deletion/insertion columns that holds
//     at least one gap column is one event. Its reference and query letters
//     are trimmed of a common prefix and suffix; what remains is a deletion,
//     an insertion, a single substitution or a delins (C28_K29delinsW).
//   - Deletions and insertions are shifted to their most C-terminal
//     equivalent position (HGVS 3' rule) through identical columns, never
//     through the last aligned column. An insertion whose residues equal the
//     reference residues immediately 5' of it (after shifting) is a
//     duplication: V96_T100dup (p.Val96_Thr100dup), V96dup for one residue.
//     The alignment's own placement (water left-aligns) is kept in the
//     raw_* fields, e.g. raw_short H95_V96insVLEST.
//   - U is Sec and O is Pyl: real residues, so S83U is a substitution; they
//     and B/Z/J set the nonstandard_residues flag.
//   - Calls whose query position lies after the first '*' inside the aligned
//     query region get after_premature_stop; calling does not stop there.
//
// Ends:
//   - Unaligned reference ends are not_covered regions (never deletions);
//     numbering stays reference numbering (MgrB without Met1 is not covered
//     at 1-1 and its K2 stays K2).
//   - When the reference start is covered, unaligned leading query residues
//     are an N-terminal overhang (length reported, flag N_terminal_overhang,
//     no mutation). Likewise for the C-terminus (C_terminal_overhang). When
//     Input.RefEndsWithStop is true, a C-terminal overhang is also an
//     extension at the reference stop position n+1: *145Qext*13
//     (p.Ter145Glnext*13), where 13 is the number of added residues before
//     the new stop, i.e. new stop position minus old stop position. The new
//     stop is known only when the overhang contains '*' or the query ends at
//     a stop (Input.QueryEndsAtStop); otherwise the name ends in ext*?.
//     An overhang that starts with '*' is the normal stop followed by
//     read-through, not an extension.
//   - A premature end right after the aligned region: if the next query
//     residue is '*', or the query is known to end at a stop and has no
//     trailing unaligned residues, the next reference position gets a
//     nonsense call (K141*) and the query is truncated; positions from there
//     on are still listed as not_covered.
//   - Divergent C-terminal tail (frameshift-like, never named fs): the
//     alignment ends before the reference end, the query has between 1 and
//     MaxDivergentTail unaligned trailing residues, and fewer of them than
//     the reference has uncovered residues. Flag divergent_C_terminal_tail,
//     status truncated.
//   - A '*' as the query's last character is treated as its terminal stop
//     (as if stripped); any other '*' sets the internal_stop flag.
//
// Result.Sites reports chosen reference positions as wild_type, mutant,
// ambiguous, deleted or not_covered, consistent with the calls.
//
// The package never logs, never exits and never panics on bad input: Call
// returns an error (prefixed "variant: ") when the alignment does not fit
// the sequences.
package variant
