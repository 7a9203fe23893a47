process WTALIGN_ALIGN {
    tag "${meta.id}"
    label 'process_medium'

    conda "${moduleDir}/environment.yml"
    // BioContainers image that Bioconda's CI builds from packaging/bioconda
    // (h9ee0642 is the build hash of go-nocgo linux-64 builds, as seqkit's);
    // it has bash, which Nextflow's task wrapper needs: the FROM scratch
    // image of the Containerfile has no shell (docs/deployment.md).
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/wtalign:0.1.0--h9ee0642_0' :
        'quay.io/biocontainers/wtalign:0.1.0--h9ee0642_0' }"

    input:
    tuple val(meta), path(proteins)
    path(reference)

    output:
    tuple val(meta), path("*_alignments.json"), emit: alignments
    tuple val(meta), path("*_manifest.json")  , emit: manifest
    tuple val("${task.process}"), val('wtalign'), eval("wtalign version | sed -n '1s/^wtalign //p'"), topic: versions, emit: versions_wtalign

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    // Nextflow runs a retried task in a new work directory, so the partial
    // output of a killed attempt is lost unless it lives elsewhere: with
    // ext.resume_dir (a directory on storage every node sees) the run is made
    // there and a retry resumes from its checkpoint manifest.
    def work   = task.ext.resume_dir ? "${task.ext.resume_dir}/${prefix}" : '.'
    """
    mkdir -p ${work}
    rc=0
    wtalign align \\
        ${args} \\
        --threads ${task.cpus} \\
        --log-format json \\
        --format json \\
        --resume auto \\
        --reference ${reference} \\
        --out ${work}/${prefix}_alignments.json \\
        --manifest ${work}/${prefix}_manifest.json \\
        ${proteins} || rc=\$?
    # Exit 3: finished, but some records failed; each failure is in the
    # output and the manifest with its reason.
    if [ \$rc -ne 0 ] && [ \$rc -ne 3 ]; then
        exit \$rc
    fi
    if [ "${work}" != "." ]; then
        cp ${work}/${prefix}_manifest.json .
        mv ${work}/${prefix}_alignments.json .
        rm -rf ${work}
    fi
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo '{"schema_version":"1","records":[]}' > ${prefix}_alignments.json
    echo '{"status":"complete"}' > ${prefix}_manifest.json
    """
}
