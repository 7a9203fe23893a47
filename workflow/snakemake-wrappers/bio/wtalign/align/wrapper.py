"""Snakemake wrapper for `wtalign align` that survives retries.

wtalign checkpoints its work in a manifest and resumes an unfinished run.
Snakemake deletes the declared outputs of a failed job before it retries it,
so the run is made in a resume directory that is NOT a declared output
(params.resume_dir, default: .wtalign-resume/<output name>/ beside the
output). Only when wtalign has finished are the manifest and then the
alignments moved to the declared outputs, so a finished-looking output never
comes from an unfinished run, and a retried or re-run job continues from the
last checkpoint instead of starting over.
"""

__author__ = "wtalign developers"
__license__ = "MIT"

import json
import os
import shutil
import subprocess
from pathlib import Path

from snakemake.shell import shell

proteins = snakemake.input.get("proteins", snakemake.input[0])
reference = snakemake.input.get("reference", snakemake.input[1] if len(snakemake.input) > 1 else None)
if not reference:
    raise ValueError("wtalign align wrapper: input 'reference' (wild-type FASTA) is required")

alignments = Path(snakemake.output.get("alignments", snakemake.output[0]))
manifest = snakemake.output.get("manifest", None)

wtalign = snakemake.params.get("wtalign", "wtalign")
extra = snakemake.params.get("extra", "")
allow_failed = bool(snakemake.params.get("allow_failed_records", True))
resume_dir = Path(
    snakemake.params.get("resume_dir", "")
    or alignments.parent / ".wtalign-resume" / alignments.name
)

# The output format follows the output's extension.
fmt = {".jsonl": "jsonl", ".tsv": "tsv"}.get(alignments.suffix, "json")

resume_dir.mkdir(parents=True, exist_ok=True)
work_out = resume_dir / alignments.name
work_manifest = resume_dir / (Path(manifest).name if manifest else alignments.name + ".manifest.json")
log = snakemake.log_fmt_shell(stdout=True, stderr=True, append=True)


def manifest_complete():
    try:
        with open(work_manifest) as f:
            return json.load(f).get("status") == "complete"
    except (OSError, ValueError):
        return False


def publish(src, dst, move):
    """Put src at dst atomically: rename when possible, else copy and rename."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if move:
        try:
            os.replace(src, dst)
            return
        except OSError:
            pass  # another file system: copy below
    tmp = dst.with_name("." + dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    if move:
        os.remove(src)


if manifest_complete() and work_out.exists():
    # An earlier attempt finished but was stopped while publishing.
    shell("echo 'wtalign align wrapper: {work_manifest} is complete; publishing it' {log}")
else:
    # A complete manifest without its output (stopped after publishing the
    # alignments, then re-run) has nothing left to resume: start over.
    force = "--force" if manifest_complete() else ""
    try:
        shell(
            "{wtalign} align --log-format json --format {fmt}"
            " -r {reference} -o {work_out} --manifest {work_manifest}"
            " -j {snakemake.threads} --resume auto {force} {extra} {proteins} {log}"
        )
    except subprocess.CalledProcessError as e:
        # Exit 3: finished, but some records failed; each failure is in the
        # output and the manifest with its reason.
        if not (e.returncode == 3 and allow_failed):
            raise
        shell("echo 'wtalign align wrapper: some records failed (exit 3); accepted' {log}")

# The manifest is copied first, then the alignments moved: the alignments
# output never exists without its manifest, and until it does the resume
# directory still holds everything needed to finish.
if manifest:
    publish(work_manifest, manifest, move=False)
publish(work_out, alignments, move=True)
shutil.rmtree(resume_dir)
