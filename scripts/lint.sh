#!/usr/bin/env bash
# make lint: the quality gates, each run to the end so that one run lists
# every finding:
#   tidy         go mod tidy -diff (go.mod/go.sum as tidy leaves them)
#   gofmt        gofmt -l on every tracked .go file
#   vet          go vet ./...
#   staticcheck  honnef.co/go/tools v0.8.2
#   gosec        github.com/securego/gosec/v2 v2.30.0 (findings fixed or
#                justified inline with `#nosec G### -- reason`)
#   govulncheck  golang.org/x/vuln v1.9.0 against an offline database built
#                from the golang.org/x/vulndb module (its data/osv files,
#                indexed with its own cmd/indexdb): the public database is
#                not reachable from the development machines. The snapshot
#                is as new as the vulndb module version pinned below.
# Tools are installed by scripts/tools.sh into .tools/bin. Usage:
#   scripts/lint.sh [GATE...]    (default: all)   LINT_REPORT=DIR keeps each output
set -uo pipefail
# The toolchain every build uses (the Makefile exports the same): the Go
# installed on a machine may be older, with standard-library
# vulnerabilities govulncheck rightly reports.
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/.tools/bin
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
VULNDB=$ROOT/.tools/vulndb-$VULNDB_VERSION
OUT=${LINT_REPORT:-$(mktemp -d "${TMPDIR:-/tmp}/wtalign-lint.XXXXXX")}
mkdir -p "$OUT"
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=(tidy gofmt vet staticcheck gosec govulncheck)

vulndb() {
    [ -f "$VULNDB/index/db.json" ] && return 0
    GOBIN=$BIN GOFLAGS=-buildvcs=false go install "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" || return 1
    dir=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])') || return 1
    rm -rf "$VULNDB.tmp" && "$BIN/indexdb" -vulns "$dir/data/osv" -out "$VULNDB.tmp" && mv "$VULNDB.tmp" "$VULNDB"
}

run_gate() {
    case $1 in
    tidy) go mod tidy -diff ;;
    gofmt) out=$(git ls-files -z '*.go' | xargs -0 gofmt -l); [ -z "$out" ] || { echo "$out"; return 1; } ;;
    vet) go vet ./... ;;
    staticcheck) bash scripts/tools.sh staticcheck >&2 && "$BIN/staticcheck" ./... ;;
    gosec) bash scripts/tools.sh gosec >&2 && "$BIN/gosec" -quiet -fmt text -color=false -exclude-generated ./... ;;
    govulncheck) bash scripts/tools.sh govulncheck >&2 && vulndb >&2 && "$BIN/govulncheck" -db "file://$VULNDB" ./... ;;
    *) echo "lint: unknown gate $1" >&2; return 2 ;;
    esac
}

failed=()
for g in "${gates[@]}"; do
    printf '== %s\n' "$g"
    if run_gate "$g" >"$OUT/$g.txt" 2>&1; then
        echo "ok"
    else
        failed+=("$g")
        # gosec colours its text output; keep the findings readable in logs
        sed 's/\x1b\[[0-9;]*m//g' "$OUT/$g.txt"
    fi
done
echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "lint: failed: ${failed[*]} (outputs in $OUT)"
    exit 1
fi
echo "lint: all gates passed: ${gates[*]}"
[ -n "${LINT_REPORT:-}" ] || rm -rf "$OUT"
