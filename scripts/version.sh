#!/usr/bin/env bash
# Prints the version a build of this tree gets, for the Makefile, the
# release, the container and the Bioconda recipe test:
#   on a tag vX.Y.Z            X.Y.Z
#   after it                   X.Y.Z-N-gHASH     (git describe)
#   no tag yet                 NEXT-dev+gHASH    (NEXT below: the release being prepared)
#   any change not committed   ... + ".dirty" (tracked changes and untracked files
#                              that are not ignored: both can end up in the binary)
#   no git at all              NEXT-dev
# Usage: scripts/version.sh [--commit|--date]
#   --commit  the full commit hash (or "unknown")
#   --date    SOURCE_DATE_EPOCH if set, else the commit's time (Unix seconds)
set -euo pipefail
NEXT=0.1.0
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
--commit)
    git rev-parse HEAD 2>/dev/null || echo unknown
    exit 0 ;;
--date)
    if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then echo "$SOURCE_DATE_EPOCH"
    else git log -1 --format=%ct 2>/dev/null || echo 0; fi
    exit 0 ;;
"") ;;
*) echo "usage: $0 [--commit|--date]" >&2; exit 2 ;;
esac

if ! git rev-parse HEAD >/dev/null 2>&1; then
    echo "$NEXT-dev"
    exit 0
fi
dirty=
[ -z "$(git status --porcelain --untracked-files=normal 2>/dev/null)" ] || dirty=.dirty
if v=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
    v=${v#v}
    # X.Y.Z-N-gHASH is a pre-release in SemVer terms; the dirty mark is
    # build metadata.
    if [ -n "$dirty" ]; then
        case $v in *+*) v="$v$dirty" ;; *) v="$v+dirty" ;; esac
    fi
    echo "$v"
else
    echo "$NEXT-dev+g$(git rev-parse --short=12 HEAD)$dirty"
fi
