// Package quality reads finished wtalign outputs of a cohort (one output
// per genome accession, with their manifests) and computes what a lab
// looks at before trusting the calls: a run overview (inputs, engine,
// parameters, counts by status, failed records with their reasons,
// speed), per-gene distributions (identity, reference coverage,
// query/reference length ratio, number of calls), outliers by documented
// rules with the numbers behind them, processing time and resources per
// accession from the manifests, mutation frequencies along each
// reference, and known versus novel calls and per-accession genotypes
// when the records carry catalog annotations.
//
// Analyze returns a Report; WriteJSON writes it as the document described
// by docs/quality.schema.json, and WriteMultiQC writes MultiQC custom
// content files. The outlier rules and their defaults are in Rules and in
// docs/report.md.
//
// Outputs are read through package verify, so a truncated file, the
// output of an unfinished run, a file that is not a wtalign output, mixed
// schema versions, and outputs made with different references or
// parameters are refused with an error naming the file (and the line).
//
// The package never logs, never exits and reads no flags; errors are
// prefixed "quality: ". The Report depends only on the outputs' content
// and accession names, never on the order the paths were given in.
package quality
