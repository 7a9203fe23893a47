#!/usr/bin/env bash
# Installs the pinned developer tools into .tools/bin (repo-local, ignored by
# git) from the Go module proxy, only when missing or at another version.
# Usage: scripts/tools.sh [NAME...]   (default: all)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOBIN=$ROOT/.tools/bin GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} GOFLAGS=-buildvcs=false
gover=$(go env GOVERSION)

declare -A PKG=(
    [staticcheck]=honnef.co/go/tools/cmd/staticcheck@v0.8.2
    [gosec]=github.com/securego/gosec/v2/cmd/gosec@v2.30.0
    [govulncheck]=golang.org/x/vuln/cmd/govulncheck@v1.9.0
    # v1.6.0: @latest resolves to a 2021 pseudo-version without `report`.
    [go-licenses]=github.com/google/go-licenses@v1.6.0
    [cyclonedx-gomod]=github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(staticcheck gosec govulncheck go-licenses cyclonedx-gomod)
for n in "${names[@]}"; do
    spec=${PKG[$n]:?unknown tool $n}
    want=${spec##*@}
    # the tool's module version and the Go it was built with (govulncheck
    # reports the standard library of the Go that built it)
    have=$(go version -m "$GOBIN/$n" 2>/dev/null | awk '$1 == "mod" {print $3; exit}' || true)
    built=$(go version "$GOBIN/$n" 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$want" ] || [ "$built" != "$gover" ]; then
        echo "tools: go install $spec" >&2
        go install "$spec"
    fi
done
