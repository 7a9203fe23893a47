rule wtalign_report:
    input:
        alignments=expand(
            "results/alignments/{accession}_alignments.json", accession=ACCESSIONS
        ),
        # Published apart from the outputs: wtalign report matches each to
        # its output by the sha256 it records (wall time, rates, resources).
        manifests=expand(
            "results/manifests/{accession}_manifest.json", accession=ACCESSIONS
        ),
    output:
        html="results/report.html",
        quality="results/cohort_quality.json",
        mqc=directory("results/multiqc"),
    params:
        wtalign=config["wtalign"],
        extra=config["report"]["extra"],
        manifests=lambda wildcards, input: " ".join(
            f"--manifest {m}" for m in input.manifests
        ),
    log:
        "logs/wtalign_report.log",
    conda:
        "../envs/wtalign.yaml"
    shell:
        "{params.wtalign} report --log-format json {params.extra}"
        " -o {output.html} --json-out {output.quality} --multiqc {output.mqc} {params.manifests}"
        " {input.alignments} 2> {log}"
