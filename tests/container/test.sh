#!/usr/bin/env bash
# make test-container: builds the image with buildah (scripts/image.sh) into
# a private image store, then runs it with podman (runc, cgroupfs, no
# network): labels, user, command; `wtalign version`; and `align` on the
# shipped example data through a mounted directory, whose output must be
# byte-identical to the same binary's output on the host. Needs buildah,
# podman and runc (scripts/test-deps.sh installs them). Cleans up its store.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T0=$SECONDS
fail() { echo "FAIL $*" >&2; exit 1; }
pass() { echo "PASS $*"; }
for c in buildah podman runc; do
    command -v $c >/dev/null || fail "$c is not installed (scripts/test-deps.sh installs buildah, podman and runc)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-container-test.XXXXXX")
cleanup() {
    # podman's store may hold files only root can remove; the test runs as root.
    rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$WORK/storage" "$WORK/run" "$WORK/tmp"
cat >"$WORK/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$WORK/storage"
runroot = "$WORK/run"
CONF
# default_ulimits = []: the default ulimits cannot be set in this sandbox.
cat >"$WORK/containers.conf" <<CONF
[containers]
default_ulimits = []

[engine]
events_logger = "file"
events_logfile_path = "$WORK/events.log"
tmp_dir = "$WORK/tmp"
CONF
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf CONTAINERS_CONF=$WORK/containers.conf
pm() { podman --storage-driver vfs --runtime runc --cgroup-manager cgroupfs "$@"; }

cd "$ROOT"
export VERSION=${VERSION:-$(scripts/version.sh)}
export COMMIT=${COMMIT:-$(scripts/version.sh --commit)}
IMAGE=localhost/wtalign:test

echo "== make image without buildah"
if out=$(BUILDAH=wtalign-test-no-such-buildah bash scripts/image.sh 2>&1); then fail "image.sh without buildah succeeded"; fi
grep -q "apt-get install buildah" <<<"$out" || fail "no install hint without buildah: $out"
pass "without buildah: $(head -1 <<<"$out")"

echo "== make image"
make -s image IMAGE_TAG="$IMAGE" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "make image"; }
pass "image built"

echo "== image configuration"
pm image inspect "$IMAGE" >"$WORK/inspect.json"
python3 - "$WORK/inspect.json" "$VERSION" "$COMMIT" <<'PY' || fail "image configuration"
import json, sys
img = json.load(open(sys.argv[1]))[0]
cfg, labels = img["Config"], img["Config"].get("Labels") or {}
want = {
    "org.opencontainers.image.source": "https://github.com/wtalign/wtalign",
    "org.opencontainers.image.version": sys.argv[2],
    "org.opencontainers.image.revision": sys.argv[3],
    "org.opencontainers.image.licenses": "Apache-2.0",
}
for k, v in want.items():
    assert labels.get(k) == v, (k, labels.get(k), v)
assert cfg.get("User") == "65532:65532", cfg.get("User")
assert cfg.get("Cmd") == ["wtalign", "--help"], cfg.get("Cmd")
assert not cfg.get("Entrypoint"), cfg.get("Entrypoint")
assert cfg.get("WorkingDir") == "/data", cfg.get("WorkingDir")
assert "PATH=/usr/local/bin" in cfg.get("Env", []), cfg.get("Env")
assert len(img["RootFS"]["Layers"]) == 1, img["RootFS"]
print(f"image: {img['Size']} bytes, one layer, user {cfg['User']}, cmd {cfg['Cmd']}")
PY
SIZE=$(pm image inspect --format '{{.Size}}' "$IMAGE")
pass "labels, numeric user, CMD (no ENTRYPOINT), WORKDIR; size $SIZE bytes"

# The binary inside the image, to run the very same bytes on the host.
pm save --format oci-dir -o "$WORK/oci" "$IMAGE" >/dev/null
mkdir -p "$WORK/rootfs" "$WORK/host-bin"
python3 - "$WORK/oci" "$WORK/rootfs" <<'PY'
import json, os, sys, tarfile
oci, dest = sys.argv[1:]
blob = lambda d: os.path.join(oci, "blobs", *d.split(":"))
idx = json.load(open(os.path.join(oci, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for layer in man["layers"]:
    with tarfile.open(blob(layer["digest"])) as t:
        try:
            t.extractall(dest, filter="tar")
        except TypeError:  # Python before 3.11.4 has no filter (our own image: trusted)
            t.extractall(dest)
PY
BIN=$WORK/rootfs/usr/local/bin/wtalign
[ -x "$BIN" ] || fail "no /usr/local/bin/wtalign in the image"
file "$BIN" | grep -q "statically linked" || fail "not static: $(file "$BIN")"
[ -f "$WORK/rootfs/usr/share/licenses/wtalign/LICENSE" ] || fail "no LICENSE in the image"
# The same flags on the host give the same bytes.
CGO_ENABLED=0 GOTOOLCHAIN=go1.27.3 GOAMD64=v1 GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags "-s -w -buildid= -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildDate=$(date -u -d "@$(scripts/version.sh --date)" +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$WORK/host-bin/wtalign" ./cmd/wtalign
cmp "$BIN" "$WORK/host-bin/wtalign" || fail "the image's binary differs from a host build with the same flags"
pass "static binary at /usr/local/bin/wtalign, identical to a host build with the release flags"

echo "== podman run: wtalign version"
pm run --rm --network none "$IMAGE" wtalign version >"$WORK/version.txt"
cat "$WORK/version.txt"
head -1 "$WORK/version.txt" | grep -qxF "wtalign $VERSION" || fail "version in the container"
pm run --rm --network none "$IMAGE" >"$WORK/help.txt"
grep -q "^Usage:" "$WORK/help.txt" || fail "the default command is not the help"
pass "wtalign version and the default command run in the container"

echo "== podman run: align through a mounted directory"
for d in container host; do
    mkdir -p "$WORK/$d/in" "$WORK/$d/out"
    cp testdata/demo/ref_ecoli_k12_mg1655.faa testdata/demo/variants.faa "$WORK/$d/in/"
done
chown 65532:65532 "$WORK/container/out"   # the image's user writes there
args=(align -r in/ref_ecoli_k12_mg1655.faa -j 2 --log-format json)
pm run --rm --network none -v "$WORK/container:/data" "$IMAGE" \
    wtalign "${args[@]}" -o out/variants.json in/variants.faa 2>"$WORK/container.log" \
    || { cat "$WORK/container.log"; fail "align in the container"; }
pm run --rm --network none -v "$WORK/container:/data" "$IMAGE" \
    wtalign "${args[@]}" --format tsv -o out/variants.tsv in/variants.faa 2>>"$WORK/container.log" \
    || { cat "$WORK/container.log"; fail "align --format tsv in the container"; }
(cd "$WORK/host" && "$BIN" "${args[@]}" -o out/variants.json in/variants.faa 2>"$WORK/host.log" \
    && "$BIN" "${args[@]}" --format tsv -o out/variants.tsv in/variants.faa 2>>"$WORK/host.log") \
    || { cat "$WORK/host.log"; fail "align on the host"; }
for f in variants.json variants.tsv; do
    cmp "$WORK/container/out/$f" "$WORK/host/out/$f" || fail "$f: container and host outputs differ"
done
[ "$(stat -c %u "$WORK/container/out/variants.json")" = 65532 ] || fail "output not written by the image's user"
python3 - "$WORK/container/out/variants.json" <<'PY' || fail "container output content"
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
calls = {r["query"]["id"].split("|")[0]: [m["short"] for m in r["mutations"]] for r in recs}
assert calls["ecoli_gyrA_D87N"] == ["D87N"], calls["ecoli_gyrA_D87N"]
print(f"{len(recs)} records; gyrA D87N called in the container")
PY
pass "align in the container (json, tsv) byte-identical to the host, written as uid 65532"

echo "container test passed in $((SECONDS - T0))s (image $SIZE bytes)"
