// Package catalog reads resistance-mutation catalogs into one model and
// says what each call of a protein means: which catalogued change it is
// (known), whether it touches a catalogued position (novel_at_known_site)
// or neither (novel), which drugs it concerns, whether a required
// combination holds, and the state of every catalogued position.
//
// The flow:
//   - Load reads one catalog (PointFinder species folder or table,
//     AMRFinderPlus mutation table, wtalign's catalog TSV, or a sites list),
//     detecting the format from the content unless told. Every line is
//     accounted for in Catalog.Report: an entry row, a skipped row with its
//     reason (nucleotide, rRNA, promoter, commented out, other taxgroup,
//     ...), a header, a section line, a comment or a blank. Duplicate rows
//     are merged and counted.
//   - Resolve matches the entries of several catalogs to the wild-type
//     references (by accession, gene key or alias) and verifies each entry
//     against each reference it goes to.
//   - Index.AnnotateAccession annotates the calls of every protein copy of
//     one genome, evaluates requirements (same gene: same copy; other
//     gene: any copy in the accession) and gives the catalogued sites'
//     states; Genotype summarises the counting matches by drug class.
//   - References translates a PointFinder folder's reference genes to
//     protein wild types (with gencode).
//
// docs/catalog.md documents the formats, the matching rules and the
// verdicts for users. Annotation is only as good as the catalog, and it is
// not a clinical interpretation.
//
// The package is floor 3: it imports aligner (through variant), fasta,
// gencode and variant, never pipeline, output or cmd. It never logs, never
// exits and reads no flags; every problem is an *Error naming the catalog
// file and line (errors.Is with the ErrKind values).
package catalog
