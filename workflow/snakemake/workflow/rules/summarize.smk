rule wtalign_summarize:
    input:
        reference=config["reference"],
        alignments=expand(
            "results/alignments/{accession}_alignments.json", accession=ACCESSIONS
        ),
    output:
        table="results/cohort_mutations.tsv",
        summary="results/cohort_summary.json",
    params:
        wtalign=config["wtalign"],
        extra=config["summarize"]["extra"],
    log:
        "logs/wtalign_summarize.log",
    conda:
        "../envs/wtalign.yaml"
    shell:
        "{params.wtalign} summarize --log-format json {params.extra}"
        " -r {input.reference} -o {output.table} --json-out {output.summary}"
        " {input.alignments} 2> {log}"
