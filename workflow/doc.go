// Package workflow holds no code: it is the home of wtalign's workflow-engine
// integrations (snakemake/, snakemake-wrappers/, nextflow/) and of the Go
// tests that check them: Nextflow module conventions (process name, tag,
// label, inputs and outputs agreeing with meta.yml, versions topic, stub),
// a Groovy 4 syntax check of every Nextflow file, and Snakemake's linter and
// dry run. The real Snakemake runs (kill and resume included) are in test.sh.
//
// Tests here must never need network access at run time: the Groovy jar
// comes from test.sh's npm install, Snakemake from apt; when either is
// missing the test that needs it is skipped, unless WTALIGN_REQUIRE_TOOLS=1
// (set by test.sh) makes that a failure.
package workflow
