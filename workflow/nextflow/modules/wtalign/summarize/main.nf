process WTALIGN_SUMMARIZE {
    tag "${meta.id}"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'docker://ghcr.io/wtalign/wtalign:0.1.0' :
        'ghcr.io/wtalign/wtalign:0.1.0' }"

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
