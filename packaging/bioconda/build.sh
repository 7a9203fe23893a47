#!/usr/bin/env bash
# Bioconda build script. conda-build runs it in SRC_DIR (the unpacked
# release tarball) with PREFIX, PKG_NAME and PKG_VERSION set and the Go
# compiler (go-nocgo) and go-licenses on PATH.
set -euxo pipefail

export CGO_ENABLED=0
# The tarball has no .git: the version comes from the recipe, not from VCS.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"

mkdir -p "${PREFIX}/bin"
go build -trimpath \
    -ldflags "-s -w -buildid= -X main.version=${PKG_VERSION}" \
    -o "${PREFIX}/bin/${PKG_NAME}" ./cmd/wtalign

# Licenses of every Go module compiled in (about: license_file).
go-licenses save ./cmd/wtalign --save_path=license-files --force

# Shell completions and man pages, committed in the source tree.
install -Dm644 completions/wtalign.bash "${PREFIX}/share/bash-completion/completions/wtalign"
install -Dm644 completions/wtalign.zsh "${PREFIX}/share/zsh/site-functions/_wtalign"
install -Dm644 completions/wtalign.fish "${PREFIX}/share/fish/vendor_completions.d/wtalign.fish"
mkdir -p "${PREFIX}/share/man/man1"
install -m644 docs/man/*.1 "${PREFIX}/share/man/man1/"
