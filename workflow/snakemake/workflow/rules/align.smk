if STAGED:

    localrules:
        stage_proteins,

    rule stage_proteins:
        input:
            staged_proteins,
        output:
            "results/proteins/{accession}_proteins.fasta",
        wildcard_constraints:
            # only accessions whose sheet row names a protein file
            accession="|".join(re.escape(acc) for acc in sorted(STAGED)),
        log:
            "logs/stage_proteins/{accession}.log",
        conda:
            "../envs/coreutils.yaml"
        shell:
            "cp {input} {output} 2> {log}"


rule wtalign_align:
    input:
        proteins="results/proteins/{accession}_proteins.fasta",
        reference=config["reference"],
    output:
        alignments="results/alignments/{accession}_alignments.json",
        manifest="results/manifests/{accession}_manifest.json",
    params:
        wtalign=config["wtalign"],
        resume_dir=resume_dir,
        allow_failed_records=config["align"]["allow_failed_records"],
        extra=lambda wildcards: " ".join(
            a
            for a in (
                f"--assign {config['align']['assign']}",
                config["align"]["extra"],
                metrics_args(wildcards),
            )
            if a
        ),
    threads: config["align"]["threads"]
    resources:
        mem_mb=lambda wildcards, attempt: config["align"]["mem_mb"] * attempt,
        runtime=lambda wildcards, attempt: config["align"]["runtime"] * attempt,
    retries: config["align"]["retries"]
    log:
        "logs/wtalign_align/{accession}.log",
    benchmark:
        "benchmarks/wtalign_align/{accession}.tsv"
    wrapper:
        WTALIGN_ALIGN_WRAPPER
