process WTALIGN_SUMMARIZE {
    tag "${meta.id}"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    // BioContainers image that Bioconda's CI builds from packaging/bioconda
    // (h9ee0642 is the build hash of go-nocgo linux-64 builds, as seqkit's);
    // it has bash, which Nextflow's task wrapper needs: the FROM scratch
    // image of the Containerfile has no shell (docs/deployment.md).
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/wtalign:0.1.0--h9ee0642_0' :
        'quay.io/biocontainers/wtalign:0.1.0--h9ee0642_0' }"

    input:
    tuple val(meta), path(alignments, stageAs: "alignments/*")

    output:
    tuple val(meta), path("*_mutations.tsv"), emit: table
    tuple val(meta), path("*_summary.json") , emit: summary
    tuple val("${task.process}"), val('wtalign'), eval("wtalign version | sed -n '1s/^wtalign //p'"), topic: versions, emit: versions_wtalign

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    wtalign summarize \\
        ${args} \\
        --log-format json \\
        --out ${prefix}_mutations.tsv \\
        --json-out ${prefix}_summary.json \\
        ${alignments}
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    printf 'accession\\tgene\\tquery_id\\tstatus\\tgene_state\\tidentity\\tcoverage\\tmutations\\ttruncated_at\\tsites\\n' > ${prefix}_mutations.tsv
    echo '{"schema_version":"2","accessions":[],"genes":[]}' > ${prefix}_summary.json
    """
}
