#!/usr/bin/env bash
# make cover: statement coverage per package (go test -cover), as a table.
# Library packages (everything but cmd/, benchmarks/, tests/ and workflow/)
# are expected at 85% or more; the table marks those below. Exit status is
# the tests'; COVER_STRICT=1 also fails when a library package is below 85%.
# COVER_FLAGS adds go test flags (e.g. -short).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-cover.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
MOD=$(go list -m)
# shellcheck disable=SC2086
go test -count=1 -timeout 20m ${COVER_FLAGS:-} -cover ./... >"$OUT/test.txt" 2>&1
rc=$?
python3 - "$OUT/test.txt" "$MOD" "${COVER_STRICT:-0}" <<'PY' || { [ $rc -ne 0 ] || rc=1; }
import re, sys
path, mod, strict = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
rows, failed = [], []
for line in open(path):
    m = re.match(r"^(ok|FAIL|\?)\s+(\S+)\s+(.*)$", line.rstrip())
    if not m:
        # a package without test files: "\tPKG\t\tcoverage: 0.0% of statements"
        m0 = re.match(r"^\s+(\S+)\s+coverage: [0-9.]+% of statements", line)
        if not m0:
            continue
        m = None
        status, pkg, rest = "?", m0.group(1), "no test files"
    else:
        status, pkg, rest = m.groups()
    short = pkg[len(mod) + 1:] if pkg.startswith(mod + "/") else pkg
    cov = re.search(r"coverage: ([0-9.]+)% of statements", rest)
    if status == "?" or "no test files" in rest:
        cov_s = "no tests"
        pct = None
    elif cov:
        pct = float(cov.group(1))
        cov_s = f"{pct:.1f}%"
    else:
        pct, cov_s = None, "-"
    library = not re.match(r"^(cmd|benchmarks|tests|workflow)(/|$)", short)
    note = ""
    if status == "FAIL":
        note = "TESTS FAILED"
        failed.append(short)
    elif library and (pct is None or pct < 85):
        note = "below 85%"
        failed.append(short) if strict else None
    rows.append((short, cov_s, "library" if library else "", note))
w = max(len(r[0]) for r in rows)
print(f"{'package':<{w}}  {'coverage':>9}  {'kind':<7}  note")
for r in rows:
    print(f"{r[0]:<{w}}  {r[1]:>9}  {r[2]:<7}  {r[3]}")
sys.exit(1 if failed and (strict or any(r[3] == "TESTS FAILED" for r in rows)) else 0)
PY
[ $rc -eq 0 ] || grep -E "^(--- FAIL|FAIL)" "$OUT/test.txt" | head -40
exit $rc
