#!/usr/bin/env bash
# Installs what the test suite needs, only when missing: Go modules, and the
# Debian packages emboss (water, for the live parity tests), snakemake
# (workflow tests), buildah/podman/runc (container test), slurm-wlm and munge
# (SLURM test), python3-jinja2/python3-yaml (Bioconda recipe test), file,
# chromium (the HTML report and the service dashboard, rendered headless) and
# multiqc (the report's MultiQC custom content, loaded by MultiQC itself).
# Safe to rerun; used by `make test` and .ci/run.
set -euo pipefail

need=()
command -v water >/dev/null 2>&1 || need+=(emboss)
command -v snakemake >/dev/null 2>&1 || need+=(snakemake)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v file >/dev/null 2>&1 || need+=(file)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v multiqc >/dev/null 2>&1 || need+=(multiqc)
python3 -c 'import jinja2' 2>/dev/null || need+=(python3-jinja2)
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)

if ((${#need[@]})); then
	if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
		echo "test-deps: need Debian packages ${need[*]} but am not root and have no sudo" >&2
		exit 1
	fi
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "test-deps: installing ${need[*]}" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
go mod download
