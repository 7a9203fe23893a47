process WTALIGN_REPORT {
    tag "${meta.id}"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    // The BioContainers image, as the other modules: it has bash, which
    // Nextflow's task wrapper needs (the FROM scratch image has no shell).
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/wtalign:0.1.0--h9ee0642_0' :
        'quay.io/biocontainers/wtalign:0.1.0--h9ee0642_0' }"

    input:
    tuple val(meta), path(alignments, stageAs: "alignments/*")

    output:
    tuple val(meta), path("*_report.html") , emit: html
    tuple val(meta), path("*_quality.json"), emit: json
    tuple val(meta), path("*_mqc.*")       , emit: mqc
    tuple val(meta), path("*_general_stats_mqc.tsv"), emit: stats
    tuple val("${task.process}"), val('wtalign'), eval("wtalign version | sed -n '1s/^wtalign //p'"), topic: versions, emit: versions_wtalign

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    wtalign report \\
        ${args} \\
        --log-format json \\
        --out ${prefix}_report.html \\
        --json-out ${prefix}_quality.json \\
        --multiqc . \\
        ${alignments}
    mv wtalign_general_stats_mqc.tsv ${prefix}_general_stats_mqc.tsv
    mv wtalign_status_mqc.json ${prefix}_status_mqc.json
    mv wtalign_calls_mqc.tsv ${prefix}_calls_mqc.tsv
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo '<!DOCTYPE html><title>wtalign quality report</title>' > ${prefix}_report.html
    echo '{}' > ${prefix}_quality.json
    printf '# id: wtalign_general_stats\\n# plot_type: generalstats\\nSample\\trecords\\n' > ${prefix}_general_stats_mqc.tsv
    """
}
