#!/usr/bin/env bash
# Builds the release into DIST (default dist/): for each platform a static
# binary in wtalign_VERSION_OS_ARCH.tar.gz (with LICENSE, README.md,
# CHANGELOG.md, completions/ and docs/man/), a CycloneDX SBOM per platform
# when cyclonedx-gomod is available, and SHA256SUMS over all of them.
#
# Reproducible: the same commit gives the same bytes on any machine with the
# same Go version, in any directory (-trimpath, -buildid=, no VCS stamping,
# fixed GOAMD64/GOARM64, archive entries sorted with owner 0 and the mtime
# of SOURCE_DATE_EPOCH, gzip -n). VERSION, COMMIT and SOURCE_DATE_EPOCH
# default to scripts/version.sh; a tree with uncommitted changes gets a
# ".dirty" version.
#
# windows/amd64 is built when `GOOS=windows go build ./...` succeeds (it
# does: the Unix-only code has Windows counterparts, checked by make
# test-cross); the script says which platforms it built.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GO=${GO:-go}
DIST=${DIST:-$ROOT/dist}
VERSION=${VERSION:-$(scripts/version.sh)}
COMMIT=${COMMIT:-$(scripts/version.sh --commit)}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(scripts/version.sh --date)}
export SOURCE_DATE_EPOCH
BUILD_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
SBOM_TOOL=${CYCLONEDX_GOMOD:-$ROOT/.tools/bin/cyclonedx-gomod}
PLATFORMS=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)

# One pinned toolchain, so that a release is reproducible anywhere.
export CGO_ENABLED=0 GOTOOLCHAIN=go1.27.3 GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-buildvcs=false
LDFLAGS="-s -w -buildid= -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildDate=$BUILD_DATE"

if GOOS=windows GOARCH=amd64 $GO build -o /dev/null ./... 2>/dev/null; then
    PLATFORMS+=(windows/amd64)
else
    echo "release: windows/amd64 skipped: GOOS=windows go build ./... fails" >&2
fi

rm -rf "$DIST"
mkdir -p "$DIST"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-release.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

for p in "${PLATFORMS[@]}"; do
    os=${p%/*} arch=${p#*/}
    name=wtalign_${VERSION}_${os}_${arch}
    dir=$STAGE/$name
    exe=wtalign
    [ "$os" = windows ] && exe=wtalign.exe
    mkdir -p "$dir"
    GOOS=$os GOARCH=$arch $GO build -trimpath -ldflags "$LDFLAGS" -o "$dir/$exe" ./cmd/wtalign
    cp LICENSE README.md "$dir/"
    [ -f CHANGELOG.md ] && cp CHANGELOG.md "$dir/"
    cp -r completions "$dir/completions"
    [ -d docs/man ] && mkdir -p "$dir/man" && cp docs/man/*.1 "$dir/man/"
    find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    chmod -R u=rwX,go=rX "$dir"
    if [ "$os" = windows ]; then
        (cd "$STAGE" && python3 - "$name" "$DIST/$name.zip" "$SOURCE_DATE_EPOCH" <<'PY'
import os, sys, time, zipfile
src, out, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            info = zipfile.ZipInfo(p, stamp)
            info.external_attr = (0o755 if f.endswith(".exe") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, open(p, "rb").read())
PY
        )
    else
        tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
            --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
            -C "$STAGE" -cf - "$name" | gzip -9 -n >"$DIST/$name.tar.gz"
    fi
    if [ -x "$SBOM_TOOL" ]; then
        # From the binary's own build info, so the SBOM lists exactly what
        # was linked in (and the binary's hashes); the timestamp is set to
        # SOURCE_DATE_EPOCH's, which the tool itself ignores.
        "$SBOM_TOOL" bin -json -licenses -noserial -version "$VERSION" \
            -output "$STAGE/sbom.json" "$dir/$exe" 2>"$STAGE/sbom.log" \
            || { cat "$STAGE/sbom.log" >&2; exit 1; }
        python3 - "$STAGE/sbom.json" "$DIST/$name.cdx.json" "$BUILD_DATE" <<'PY'
import json, sys
src, out, date = sys.argv[1:]
bom = json.load(open(src))
bom["metadata"]["timestamp"] = date
# The tool finds licenses in the module cache, where this module is not.
bom["metadata"]["component"]["licenses"] = [{"license": {"id": "Apache-2.0"}}]
with open(out, "w") as f:
    json.dump(bom, f, indent=2, sort_keys=True)
    f.write("\n")
PY
    fi
    printf 'release: %-14s %s\n' "$p" "$(du -h "$dir/$exe" | cut -f1)" >&2
done
[ -x "$SBOM_TOOL" ] || echo "release: no SBOM: $SBOM_TOOL is missing (make tools)" >&2

(cd "$DIST" && sha256sum -- * >SHA256SUMS)
echo "release: $VERSION ($COMMIT) in $DIST" >&2
