# Configuration, sample sheet and helpers shared by the rules. No rules here.

import csv
import os
import re

from snakemake.utils import validate


validate(config, schema="../schemas/config.schema.yaml")

# An accession is a file-name-safe token: this keeps stray files such as
# results/proteins/old/X_proteins.fasta or X_proteins.fasta.bak out of the DAG.
ACCESSION_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"


wildcard_constraints:
    accession=ACCESSION_PATTERN,


def load_samples(path):
    """Read the sample sheet (TSV with a header; '#' lines are comments) into
    {accession: proteins path or ""}, validating each row."""
    samples = {}
    with open(path, newline="") as f:
        rows = csv.DictReader(
            (line for line in f if line.strip() and not line.startswith("#")),
            delimiter="\t",
        )
        for n, row in enumerate(rows, start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            validate(row, schema="../schemas/samples.schema.yaml")
            acc = row["accession"]
            if acc in samples:
                raise ValueError(f"{path}: accession {acc!r} is listed twice")
            samples[acc] = row.get("proteins", "")
    if not samples:
        raise ValueError(f"{path}: the sample sheet lists no accessions")
    return samples


def find_accessions():
    """Accessions whose protein FASTA is already in results/proteins/."""
    found = glob_wildcards(
        f"results/proteins/{{accession,{ACCESSION_PATTERN}}}_proteins.fasta"
    ).accession
    if not found:
        raise ValueError(
            "no sample sheet (config 'samples') and no results/proteins/{accession}_proteins.fasta files"
        )
    return sorted(set(found))


SAMPLES = load_samples(config["samples"]) if config["samples"] else {}
ACCESSIONS = sorted(SAMPLES) if SAMPLES else find_accessions()
# Accessions whose proteins come from a path in the sample sheet; the others
# are expected in results/proteins/ (e.g. written by an annotation workflow).
STAGED = {acc: path for acc, path in SAMPLES.items() if path}


# The wtalign align wrapper; by default the copy shipped beside this workflow
# (workflow/snakemake-wrappers/bio/wtalign/align in the wtalign repository).
BUNDLED_WRAPPER = os.path.normpath(
    os.path.join(workflow.basedir, "..", "..", "snakemake-wrappers", "bio", "wtalign", "align")
)
WTALIGN_ALIGN_WRAPPER = config["align"]["wrapper"] or f"file:{BUNDLED_WRAPPER}"


def staged_proteins(wildcards):
    return STAGED[wildcards.accession]


def resume_dir(wildcards):
    """Where a job keeps its partial output and checkpoint manifest. It is not
    a declared output, so Snakemake does not delete it when a job fails, and a
    retry (or a later run) resumes from it."""
    return os.path.join(config["resume_dir"], wildcards.accession)


def metrics_args(wildcards):
    """--metrics-file for wtalign align when config "metrics" is true: the
    run's totals in node_exporter's textfile format, written on success,
    failure and interruption (docs/metrics.md). Needs a wtalign whose align
    has --metrics-file."""
    if not config["metrics"]:
        return ""
    return f"--metrics-file {config['metrics_dir']}/wtalign_{wildcards.accession}.prom"


if config["metrics"]:
    # wtalign refuses a metrics file in a missing directory before any work.
    os.makedirs(config["metrics_dir"], exist_ok=True)
