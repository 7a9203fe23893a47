#!/usr/bin/env bash
# make image: builds the wtalign container image with buildah (vfs storage,
# chroot isolation: works without a container daemon and without pulling a
# base image). Usage: scripts/image.sh [TAG]   (default wtalign:VERSION)
# Env: BUILDAH (the buildah command), GO, VERSION, COMMIT, SOURCE_DATE_EPOCH,
# CONTAINERS_STORAGE_CONF (another image store, as the tests use).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILDAH=${BUILDAH:-buildah}
if ! command -v "$BUILDAH" >/dev/null 2>&1; then
    echo "image: buildah is not installed. Install it (Debian/Ubuntu: apt-get install buildah;" >&2
    echo "Fedora/RHEL: dnf install buildah), or build Containerfile with another OCI builder." >&2
    exit 1
fi
GO=${GO:-go}
VERSION=${VERSION:-$(scripts/version.sh)}
COMMIT=${COMMIT:-$(scripts/version.sh --commit)}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(scripts/version.sh --date)}
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
TAG=${1:-wtalign:${VERSION//+/-}}   # '+' is not allowed in image tags

CTX=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-image.XXXXXX")
trap 'rm -rf "$CTX"' EXIT
CGO_ENABLED=0 GOTOOLCHAIN=go1.27.3 GOAMD64=v1 GOFLAGS=-buildvcs=false $GO build -trimpath \
    -ldflags "-s -w -buildid= -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildDate=$CREATED" \
    -o "$CTX/wtalign" ./cmd/wtalign
cp LICENSE "$CTX/"
"$BUILDAH" --storage-driver vfs bud --isolation chroot --layers=false \
    --timestamp "$SOURCE_DATE_EPOCH" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$COMMIT" --build-arg CREATED="$CREATED" \
    -f "$ROOT/Containerfile" -t "$TAG" "$CTX"
echo "image: built $TAG" >&2
