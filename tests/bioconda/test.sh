#!/usr/bin/env bash
# make test-bioconda: packaging/bioconda as conda-build would run it
# (see packaging/bioconda/README.md for what this does and does not cover).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RECIPE=$ROOT/packaging/bioconda
T0=$SECONDS
fail() { echo "FAIL $*" >&2; exit 1; }
pass() { echo "PASS $*"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-bioconda-test.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$ROOT"
bash scripts/tools.sh go-licenses

echo "== render meta.yaml"
/usr/bin/python3 - "$RECIPE/meta.yaml" "$WORK/recipe.json" <<'PY' || fail "meta.yaml"
import json, re, sys
import jinja2, yaml
src = open(sys.argv[1]).read()
env = jinja2.Environment(undefined=jinja2.StrictUndefined)
ctx = {
    # What conda-build's Jinja context provides, as strings it would render.
    "compiler": lambda lang: f"{lang}_compiler_stub",
    "pin_subpackage": lambda name, max_pin=None, exact=False: f"{name} >=VERSION,<NEXT ({max_pin})",
}
meta = yaml.safe_load(env.from_string(src).render(**ctx))
assert meta["package"]["name"] == "wtalign"
v = meta["package"]["version"]
assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
assert meta["source"]["url"].endswith(f"/v{v}.tar.gz"), meta["source"]["url"]
assert re.fullmatch(r"[0-9a-f]{64}", meta["source"]["sha256"])
assert meta["build"]["number"] == 0
assert meta["build"]["run_exports"] == ["wtalign >=VERSION,<NEXT (x.x)"], meta["build"]["run_exports"]
assert "go-nocgo_compiler_stub" in meta["requirements"]["build"], meta["requirements"]
assert "go-licenses" in meta["requirements"]["build"]
assert "run" not in meta["requirements"], "a static binary needs no run requirements"
assert meta["test"]["commands"], "no test commands"
a = meta["about"]
assert a["license"] == "Apache-2.0" and a["license_family"] == "APACHE"
assert a["license_file"] == ["LICENSE", "license-files/"], a["license_file"]
for k in ("home", "summary", "dev_url", "doc_url"):
    assert a.get(k), k
assert meta["extra"]["recipe-maintainers"]
json.dump(meta, open(sys.argv[2], "w"))
print(f"meta.yaml renders: wtalign {v}, {len(meta['test']['commands'])} test commands")
PY
PKG_VERSION=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["package"]["version"])' "$WORK/recipe.json")
pass "meta.yaml renders and has what bioconda's linter asks for"

echo "== build.sh in SRC_DIR with PREFIX"
SRC_DIR=$WORK/work
PREFIX=$WORK/prefix
mkdir -p "$SRC_DIR" "$PREFIX"
# The release tarball is `git archive` of the tag: the tracked files.
git ls-files -z | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' >"$WORK/files"
tar -cf - -T "$WORK/files" | tar -xf - -C "$SRC_DIR"
[ ! -e "$SRC_DIR/.git" ] || fail "SRC_DIR must not have .git"
cp "$RECIPE/build.sh" "$SRC_DIR/conda_build.sh"
# conda-build has one Go for the build and for go-licenses; here go-licenses
# is built by scripts/tools.sh with the pinned toolchain, so build with it too.
(cd "$SRC_DIR" && env PATH="$ROOT/.tools/bin:$PATH" PREFIX="$PREFIX" SRC_DIR="$SRC_DIR" \
    RECIPE_DIR="$RECIPE" PKG_NAME=wtalign PKG_VERSION="$PKG_VERSION" PKG_BUILDNUM=0 \
    CPU_COUNT="$(nproc)" GOTOOLCHAIN=go1.27.3 \
    bash -e conda_build.sh) >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; fail "build.sh"; }
BIN=$PREFIX/bin/wtalign
[ -x "$BIN" ] || fail "no $BIN"
file "$BIN" | grep -q "statically linked" || fail "not static: $(file "$BIN")"
"$BIN" version --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == sys.argv[1], d["version"]
assert d["build_settings"]["CGO_ENABLED"] == "0" and d["build_settings"]["-trimpath"] == "true", d["build_settings"]
' "$PKG_VERSION" || fail "version --json of the installed binary"
for f in github.com/spf13/cobra/LICENSE.txt github.com/shenwei356/bio/seq/LICENSE gopkg.in/yaml.v3/LICENSE github.com/wtalign/wtalign/LICENSE; do
    [ -f "$SRC_DIR/license-files/$f" ] || fail "license-files lacks $f"
done
nlic=$(find "$SRC_DIR/license-files" -type f | wc -l)
pass "build.sh installed a static wtalign $PKG_VERSION ($(du -h "$BIN" | cut -f1)), completions, man pages; $nlic third-party license files"

echo "== test: commands"
TESTDIR=$WORK/test
mkdir -p "$TESTDIR"
python3 -c 'import json,sys; [print(f) for f in json.load(open(sys.argv[1]))["test"]["files"]]' "$WORK/recipe.json" |
    while read -r f; do mkdir -p "$TESTDIR/$(dirname "$f")"; cp "$RECIPE/$f" "$TESTDIR/$f"; done
python3 -c 'import json,sys; [print(c) for c in json.load(open(sys.argv[1]))["test"]["commands"]]' "$WORK/recipe.json" >"$WORK/commands"
n=0
while IFS= read -r c; do
    n=$((n + 1))
    (cd "$TESTDIR" && env PATH="$PREFIX/bin:/usr/bin:/bin" PREFIX="$PREFIX" bash -euo pipefail -c "$c") \
        >"$WORK/cmd.log" 2>&1 || { cat "$WORK/cmd.log"; fail "test command $n: $c"; }
    echo "  ok: $c"
done <"$WORK/commands"
pass "all $n test commands pass with the installed package"
echo "bioconda test passed in $((SECONDS - T0))s"
