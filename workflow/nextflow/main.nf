#!/usr/bin/env nextflow
/*
 * wtalign per genome accession, then one cohort table and quality report.
 *
 *   nextflow run main.nf -profile local --input samplesheet.csv --reference wildtypes.faa
 *
 * samplesheet.csv: header "accession,proteins"; one row per accession; a
 * relative proteins path is relative to the samplesheet's directory.
 */

include { WTALIGN_ALIGN     } from './modules/wtalign/align/main'
include { WTALIGN_SUMMARIZE } from './modules/wtalign/summarize/main'
include { WTALIGN_REPORT    } from './modules/wtalign/report/main'

workflow {
    if (!params.input) {
        error "Missing --input: a CSV samplesheet with columns accession,proteins"
    }
    if (!params.reference) {
        error "Missing --reference: FASTA of the wild-type reference proteins"
    }

    def sheet = file(params.input, checkIfExists: true)
    def seen = [] as Set

    ch_proteins = channel
        .fromPath(sheet)
        .splitCsv(header: true, strip: true)
        .map { row ->
            def acc = row.accession
            if (!acc || !(acc ==~ /[A-Za-z0-9][A-Za-z0-9._-]*/)) {
                error "Samplesheet ${sheet}: bad accession '${acc}' (letters, digits, '.', '_', '-')"
            }
            if (!seen.add(acc)) {
                error "Samplesheet ${sheet}: accession '${acc}' is listed twice"
            }
            if (!row.proteins) {
                error "Samplesheet ${sheet}: accession '${acc}' has no proteins file"
            }
            def proteins = row.proteins.startsWith('/') || row.proteins.contains('://')
                ? file(row.proteins, checkIfExists: true)
                : file("${sheet.parent}/${row.proteins}", checkIfExists: true)
            [ [ id: acc ], proteins ]
        }

    ch_reference = channel.value(file(params.reference, checkIfExists: true))

    WTALIGN_ALIGN(ch_proteins, ch_reference)

    ch_cohort = WTALIGN_ALIGN.out.alignments
        .map { meta, json -> json }
        .collect(sort: { a, b -> a.name <=> b.name })
        .map { files -> [ [ id: params.cohort_id ], files ] }

    WTALIGN_SUMMARIZE(ch_cohort)
    WTALIGN_REPORT(ch_cohort)

    channel.topic('versions')
        .map { process, tool, version -> "${process.tokenize(':').last()}:\n    ${tool}: ${version}" }
        .unique()
        .collectFile(name: 'software_versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true, newLine: true)
}
