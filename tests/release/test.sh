#!/usr/bin/env bash
# make test-release: the release is reproducible and versions say when the
# tree was dirty.
#  1. scripts/release.sh builds dist/ twice: in this tree with the usual Go
#     build cache, and in a copy of the tree at another path with an empty
#     build cache; every file (archives, SBOMs, SHA256SUMS) must be
#     byte-identical, and SHA256SUMS must verify.
#  2. the linux/amd64 binary is static and reports the stamped version.
#  3. scripts/version.sh in a scratch git repository: untagged, dirty
#     (changed file, new untracked file), tagged, tagged and dirty.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-release-test.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
T0=$SECONDS
fail() { echo "FAIL $*" >&2; exit 1; }
pass() { echo "PASS $*"; }

cd "$ROOT"
export VERSION=${VERSION:-$(scripts/version.sh)}
export COMMIT=${COMMIT:-$(scripts/version.sh --commit)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(scripts/version.sh --date)}
export CYCLONEDX_GOMOD=${CYCLONEDX_GOMOD:-$ROOT/.tools/bin/cyclonedx-gomod}
[ -x "$CYCLONEDX_GOMOD" ] || bash scripts/tools.sh cyclonedx-gomod

# The tree as it is (tracked and untracked files that are not ignored).
mkdir -p "$WORK/copy/elsewhere/wtalign"
COPY=$WORK/copy/elsewhere/wtalign
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' >"$WORK/files"
tar -cf - -T "$WORK/files" | tar -xf - -C "$COPY"

echo "== build 1: $ROOT (shared build cache)"
DIST=$WORK/dist1 scripts/release.sh
echo "== build 2: $COPY (empty build cache)"
(cd "$COPY" && DIST=$WORK/dist2 GOCACHE=$WORK/gocache bash scripts/release.sh)

(cd "$WORK/dist1" && ls) >"$WORK/ls1"
(cd "$WORK/dist2" && ls) >"$WORK/ls2"
cmp -s "$WORK/ls1" "$WORK/ls2" || { diff "$WORK/ls1" "$WORK/ls2"; fail "the two builds made different files"; }
n=0 differ=()
while read -r f; do
    cmp -s "$WORK/dist1/$f" "$WORK/dist2/$f" || differ+=("$f")
    n=$((n + 1))
done <"$WORK/ls1"
[ ${#differ[@]} -eq 0 ] || fail "differ between the two builds: ${differ[*]}"
for want in linux_amd64.tar.gz linux_arm64.tar.gz darwin_amd64.tar.gz darwin_arm64.tar.gz; do
    grep -q "_$want\$" "$WORK/ls1" || fail "no $want"
done
(cd "$WORK/dist1" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not verify"
pass "two builds, $n files byte-identical, SHA256SUMS verifies"

tar -xzf "$WORK/dist1/wtalign_${VERSION}_linux_amd64.tar.gz" -C "$WORK"
BIN=$WORK/wtalign_${VERSION}_linux_amd64/wtalign
file "$BIN" | grep -q "statically linked" || fail "not static: $(file "$BIN")"
"$BIN" version | head -1 | grep -qxF "wtalign $VERSION" || fail "version: $("$BIN" version)"
"$BIN" version --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["build_settings"]
assert s["CGO_ENABLED"] == "0" and s["-trimpath"] == "true", s
assert d["commit"] == sys.argv[1], d["commit"]
assert d["build_date"].endswith("Z"), d["build_date"]
' "$COMMIT" || fail "version --json"
python3 - "$WORK/dist1/wtalign_${VERSION}_linux_amd64.cdx.json" "$BIN" <<'PY' || fail "SBOM"
import hashlib, json, sys
bom = json.load(open(sys.argv[1]))
names = {c["name"] for c in bom["components"]}
for m in ("github.com/spf13/cobra", "github.com/shenwei356/bio", "github.com/klauspost/cpuid/v2"):
    assert m in names, (m, names)
h = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
props = {p["name"]: p["value"] for p in bom["metadata"]["component"].get("properties", []) + bom["metadata"].get("properties", [])}
assert props.get("cdx:gomod:binary:hash:SHA-256") == h, "SBOM does not describe this binary"
print(f"SBOM: CycloneDX {bom['specVersion']}, {len(names)} modules, binary hash matches")
PY
pass "static binary, stamped version, SBOM of that binary"

echo "== version marks"
G=$WORK/git
mkdir -p "$G/scripts" && cp scripts/version.sh "$G/scripts/"
cd "$G"
gitq() { git -c user.name=t -c user.email=t@example.org -c commit.gpgsign=false -c tag.gpgsign=false "$@" >/dev/null; }
gitq init -q && echo a >a && gitq add -A && gitq commit -qm one
h=$(git rev-parse --short=12 HEAD)
[ "$(scripts/version.sh)" = "0.1.0-dev+g$h" ] || fail "untagged: $(scripts/version.sh)"
echo b >>a
[ "$(scripts/version.sh)" = "0.1.0-dev+g$h.dirty" ] || fail "changed file: $(scripts/version.sh)"
gitq checkout -q a && echo new >untracked.go
[ "$(scripts/version.sh)" = "0.1.0-dev+g$h.dirty" ] || fail "untracked file: $(scripts/version.sh)"
rm untracked.go && gitq tag v0.1.0
[ "$(scripts/version.sh)" = "0.1.0" ] || fail "tagged: $(scripts/version.sh)"
echo c >>a
[ "$(scripts/version.sh)" = "0.1.0+dirty" ] || fail "tagged and dirty: $(scripts/version.sh)"
gitq commit -qam two
case $(scripts/version.sh) in 0.1.0-1-g*) ;; *) fail "after the tag: $(scripts/version.sh)" ;; esac
pass "version marks: untagged, dirty (changed and untracked), tagged, tagged+dirty, after tag"

echo "release test passed in $((SECONDS - T0))s"
