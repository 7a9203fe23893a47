#!/usr/bin/env bash
# Installs what the test suite needs, only when missing: Go modules, and the
# Debian packages emboss (water, for the live parity tests) and snakemake
# (workflow tests). Safe to rerun; used by `make test` and .ci/run.
set -euo pipefail

need=()
command -v water >/dev/null 2>&1 || need+=(emboss)
command -v snakemake >/dev/null 2>&1 || need+=(snakemake)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)

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
