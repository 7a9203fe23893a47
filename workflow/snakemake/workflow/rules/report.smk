rule wtalign_report:
    input:
        alignments=expand(
            "results/alignments/{accession}_alignments.json", accession=ACCESSIONS
        ),
    output:
        html="results/report.html",
        quality="results/cohort_quality.json",
        mqc=directory("results/multiqc"),
    params:
        wtalign=config["wtalign"],
        extra=config["report"]["extra"],
    log:
        "logs/wtalign_report.log",
    conda:
        "../envs/wtalign.yaml"
    shell:
        "{params.wtalign} report --log-format json {params.extra}"
        " -o {output.html} --json-out {output.quality} --multiqc {output.mqc}"
        " {input.alignments} 2> {log}"
