#!/usr/bin/env bash
# Tests of wtalign's workflow integrations, run for real:
#   Snakemake: lint, dry run, a real run of .test (3 accessions, one the whole
#   K-12 proteome), a second run that does nothing, a job killed mid-run that
#   Snakemake retries and that resumes from its checkpoint, the cohort table,
#   the sample-sheet-free mode, the wrapper's own test.
#   Nextflow: Groovy 4 parse of every file and the module conventions check,
#   each also on deliberately broken copies, and the nf-test snapshots against
#   real wtalign output (go test ./workflow/).
# Installs what it needs when missing: snakemake (apt), npm-groovy-lint
# (npm, into a cache outside the repository). Usage: bash workflow/test.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/wtalign
GROOVY_DIR=$CACHE/groovy-lint
GROOVY_JAR=$GROOVY_DIR/node_modules/npm-groovy-lint/lib/java/groovy/lib/groovy-4.0.26.jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-workflow-test.XXXXXX")
SM=$ROOT/workflow/snakemake
T0=$SECONDS
SNAKEMAKE_PID=

cleanup() {
    if [ -n "$SNAKEMAKE_PID" ] && kill -0 "$SNAKEMAKE_PID" 2>/dev/null; then
        kill "$SNAKEMAKE_PID" 2>/dev/null || true
        wait "$SNAKEMAKE_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - T0)); }
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
step "tools"
if ! command -v snakemake >/dev/null 2>&1; then
    echo "installing snakemake (apt, about 2 minutes)"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq snakemake >/dev/null
fi
snakemake --version
if [ ! -f "$GROOVY_JAR" ]; then
    echo "installing npm-groovy-lint@15.2.2 into $GROOVY_DIR (for its Groovy 4 jar)"
    mkdir -p "$GROOVY_DIR"
    npm install --prefix "$GROOVY_DIR" --no-audit --no-fund --loglevel=error npm-groovy-lint@15.2.2 >/dev/null
fi
[ -f "$GROOVY_JAR" ] || fail "no Groovy jar at $GROOVY_JAR after npm install"
command -v java >/dev/null || fail "java is needed for the Groovy parse check"

mkdir -p "$WORK/bin"
(cd "$ROOT" && go build -o "$WORK/bin/wtalign" ./cmd/wtalign)
export PATH=$WORK/bin:$PATH
wtalign version | head -1

# ---------------------------------------------------------------- Go tests
# Nextflow: conventions + broken copies, Groovy parse + broken copies,
# nf-test snapshots against this wtalign; Snakemake lint and dry run on copies.
step "go test ./workflow/ (Nextflow conventions and syntax, snapshots, Snakemake lint and dry run)"
(cd "$ROOT" && WTALIGN_REQUIRE_TOOLS=1 WTALIGN_GROOVY_JAR=$GROOVY_JAR WTALIGN_BIN=$WORK/bin/wtalign \
    go test -count=1 ./workflow/)
pass "Nextflow and Snakemake static checks"

# ---------------------------------------------------------------- Snakemake
cd "$SM"
TEST=$SM/.test
rm -rf "$TEST/results" "$TEST/resume" "$TEST/logs" "$TEST/benchmarks" "$TEST/.snakemake" "$TEST/metrics"
smk() { snakemake --directory .test --cores 2 "$@"; }

step "snakemake --lint"
smk --lint >"$WORK/lint.log" 2>&1 || { cat "$WORK/lint.log"; fail "snakemake --lint"; }
grep -q "Congratulations" "$WORK/lint.log" || { cat "$WORK/lint.log"; fail "lint not clean"; }
pass "lint clean"

step "dry run"
smk -n >"$WORK/dry.log" 2>&1 || { cat "$WORK/dry.log"; fail "dry run"; }
grep -Eq '^wtalign_align +3 ' "$WORK/dry.log" || { cat "$WORK/dry.log"; fail "dry run does not plan 3 alignments"; }
pass "dry run plans 3 accessions"

step "metrics option (config metrics: true) in a dry run"
rm -rf "$TEST/metrics"
smk -n --config metrics=True metrics_dir=metrics >"$WORK/dry-metrics.log" 2>&1 || { cat "$WORK/dry-metrics.log"; fail "dry run with metrics"; }
grep -Eq '^wtalign_align +3 ' "$WORK/dry-metrics.log" || { cat "$WORK/dry-metrics.log"; fail "dry run with metrics does not plan 3 alignments"; }
[ -d "$TEST/metrics" ] || fail "metrics: true did not create metrics_dir"
rmdir "$TEST/metrics"
pass "metrics: true plans the same jobs and creates metrics_dir (the killed and retried run below writes one)"

step "real run of .test (3 accessions, one the whole K-12 proteome)"
smk >"$WORK/run1.log" 2>&1 || { tail -50 "$WORK/run1.log"; fail "real run"; }
for acc in GCF_000005845.2 GYRA_VARIANTS PMRB_MULTICOPY; do
    python3 - "$TEST/results/alignments/${acc}_alignments.json" "$TEST/results/manifests/${acc}_manifest.json" <<'EOF' || fail "outputs of $acc"
import json, sys
doc = json.load(open(sys.argv[1]))
man = json.load(open(sys.argv[2]))
recs = doc["records"]
assert recs, "no records"
assert man["status"] == "complete", man["status"]
assert man["counts"]["total"] == len(recs) == man["counts"]["done"], (man["counts"], len(recs))
for r in recs:
    assert r["status"] in ("wildtype", "mutant", "ambiguous", "partial", "truncated", "homolog", "no_hit", "low_quality", "error", "empty", "skipped"), r["status"]
print(f"{sys.argv[1]}: {len(recs)} records, manifest complete")
EOF
done
[ -z "$(ls -A "$TEST/resume" 2>/dev/null)" ] || fail "resume dir not cleaned after success: $(ls "$TEST/resume")"
pass "3 accessions aligned, manifests complete, resume dir empty"

step "cohort table"
TSV=$TEST/results/cohort_mutations.tsv
head -1 "$TSV" | grep -qx $'accession\tgene\tquery_id\tstatus\tgene_state\tidentity\tcoverage\tmutations\ttruncated_at\tsites' || fail "cohort header"
grep -qx $'GCF_000005845.2\tgyrA\tNP_416734.1\twildtype\tpresent\t100.00\t100.00\t\t\t' "$TSV" || fail "no wild-type GyrA row for K-12"
grep -qx $'GCF_000005845.2\tparC\tNP_417491.1\twildtype\tpresent\t100.00\t100.00\t\t\t' "$TSV" || fail "no wild-type ParC row for K-12"
grep -q $'^GYRA_VARIANTS\tgyrA\tecoli_gyrA_D87N|[^\t]*\tmutant\tpresent\t[0-9.]*\t100.00\tD87N\t\t$' "$TSV" || fail "no GyrA D87N row"
grep -q $'^GYRA_VARIANTS\tgyrA\tecoli_gyrA_E7Q_G81D_D82G|[^\t]*\tmutant\tpresent\t[0-9.]*\t100.00\tE7Q,G81D,D82G\t\t$' "$TSV" || fail "no GyrA E7Q,G81D,D82G row"
[ "$(grep -c $'^PMRB_MULTICOPY\tbasS\t.*\tC84R\t\t$' "$TSV")" = 3 ] || fail "PmrB: want 3 copies with C84R"
grep -qx $'GYRA_VARIANTS\tparC\t\t\tabsent\t\t\t\t\t' "$TSV" || fail "no absent ParC row for the scanned GyrA variants"
python3 - "$TEST/results/cohort_summary.json" <<'EOF' || fail "cohort summary"
import json, sys
s = json.load(open(sys.argv[1]))
accs = [a["accession"] for a in s["accessions"]]
assert accs == ["GCF_000005845.2", "GYRA_VARIANTS", "PMRB_MULTICOPY"], accs
k12 = s["accessions"][0]
assert k12["records"] == 4298, k12["records"]
gyra = next(g for g in s["genes"] if g["gene"] == "gyrA")
g81d = next(m for m in gyra["mutations"] if m["mutation"] == "G81D")
assert g81d["records"] == 3 and g81d["accessions"] == 1, g81d
print("summary:", accs, "K-12 records:", k12["records"], "gyrA G81D:", g81d)
EOF
pass "cohort table and summary have the expected rows"

step "quality report"
grep -q 'C84R' "$TEST/results/report.html" || fail "report.html lacks the PmrB C84R calls"
[ "$(ls "$TEST/results/multiqc" | grep -c '_mqc\.')" = 3 ] || fail "want 3 MultiQC files in results/multiqc"
python3 - "$TEST/results/cohort_quality.json" <<'EOF' || fail "cohort_quality.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["accessions"]) == 3, r["accessions"]
# the manifests, published apart, were matched to their outputs
for run in r["runs"]:
    assert run.get("manifest", "").endswith("_manifest.json") and run["records_per_second"] > 0, run
EOF
pass "report rule wrote the HTML report, its JSON and the MultiQC files; every run has its manifest"

step "second run does nothing"
stamp() { find "$TEST/results" -type f -printf '%p %T@\n' | sort; }
stamp >"$WORK/before"
smk >"$WORK/run2.log" 2>&1 || { cat "$WORK/run2.log"; fail "second run"; }
grep -q "Nothing to be done" "$WORK/run2.log" || { cat "$WORK/run2.log"; fail "second run did something"; }
stamp >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" || fail "second run touched outputs"
pass "nothing to be done, outputs untouched"

step "accessions from the files present (no sample sheet)"
smk -n --config samples= >"$WORK/nosheet.log" 2>&1 || { cat "$WORK/nosheet.log"; fail "no-sheet dry run"; }
grep -q "Nothing to be done" "$WORK/nosheet.log" || { cat "$WORK/nosheet.log"; fail "no-sheet mode plans work"; }
cp "$TEST/results/proteins/GYRA_VARIANTS_proteins.fasta" "$TEST/results/proteins/EXTRA_proteins.fasta"
cp "$TEST/results/proteins/GYRA_VARIANTS_proteins.fasta" "$TEST/results/proteins/EXTRA_proteins.fasta.bak"
mkdir -p "$TEST/results/proteins/old" && cp "$TEST/results/proteins/GYRA_VARIANTS_proteins.fasta" "$TEST/results/proteins/old/STRAY_proteins.fasta"
smk -n --config samples= >"$WORK/nosheet2.log" 2>&1 || { cat "$WORK/nosheet2.log"; fail "no-sheet dry run 2"; }
grep -Eq '^wtalign_align +1 ' "$WORK/nosheet2.log" || { cat "$WORK/nosheet2.log"; fail "new file not planned"; }
grep -q "EXTRA_alignments" "$WORK/nosheet2.log" || fail "EXTRA not planned"
! grep -q "STRAY\|\.bak" "$WORK/nosheet2.log" || fail "stray files matched"
rm -rf "$TEST/results/proteins/EXTRA_proteins.fasta"* "$TEST/results/proteins/old"
pass "files present are found; stray files are not matched"

step "a job killed mid-run is retried and resumes from its checkpoint"
if ! wtalign align --help 2>&1 | grep -q -- '--resume'; then
    echo "SKIP: this wtalign align has no --resume"
else
    K12=GCF_000005845.2
    cp "$TEST/results/alignments/${K12}_alignments.json" "$WORK/k12_uninterrupted.json"
    rm -f "$TEST/results/alignments/${K12}_alignments.json" "$TEST/results/manifests/${K12}_manifest.json"
    RESUME_MANIFEST=$TEST/resume/$K12/${K12}_manifest.json
    # One thread and frequent checkpoints so that the kill lands mid-run;
    # only mtime triggers, so the changed options do not rerun other jobs.
    # The rerun also writes batch metrics (config metrics: true).
    rm -rf "$TEST/metrics"
    printf 'align:\n  threads: 1\n  extra: "--checkpoint-every 100"\nmetrics: true\nmetrics_dir: metrics\n' >"$WORK/kill.yaml"
    smk --configfile "$WORK/kill.yaml" --rerun-triggers mtime >"$WORK/kill.log" 2>&1 &
    SNAKEMAKE_PID=$!
    killed=
    for _ in $(seq 1 1200); do
        if python3 - "$RESUME_MANIFEST" 2>/dev/null <<'EOF'; then
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if m["status"] == "running" and m["checkpoint"]["records"] >= 200 else 1)
EOF
            # the wtalign process among snakemake's descendants
            pid=$(ps -e -o pid=,ppid=,comm= | awk -v root="$SNAKEMAKE_PID" '
                { parent[$1] = $2; name[$1] = $3 }
                END { for (p in name) if (name[p] == "wtalign") { q = p
                        while (q in parent && q != root && q > 1) q = parent[q]
                        if (q == root) print p } }')
            if [ -n "$pid" ]; then
                done_at_kill=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"]["records"])' "$RESUME_MANIFEST")
                kill -KILL "$pid"
                killed=$pid
                echo "killed wtalign (pid $pid) with SIGKILL at checkpoint $done_at_kill records"
                break
            fi
        fi
        kill -0 "$SNAKEMAKE_PID" 2>/dev/null || break
        sleep 0.1
    done
    rc=0
    wait "$SNAKEMAKE_PID" || rc=$?
    SNAKEMAKE_PID=
    [ -n "$killed" ] || { tail -30 "$WORK/kill.log"; fail "the K-12 job finished before it could be killed"; }
    [ "$rc" = 0 ] || { tail -50 "$WORK/kill.log"; fail "snakemake did not recover from the kill (exit $rc)"; }
    grep -q "Trying to restart job" "$WORK/kill.log" || { tail -50 "$WORK/kill.log"; fail "snakemake did not retry the job"; }
    grep -Eq 'mem_mb=1000.*runtime=10|runtime=10.*mem_mb=1000' "$WORK/kill.log" || { grep -n resources "$WORK/kill.log"; fail "attempt 2 did not ask for twice the memory and time"; }
    python3 - "$TEST/results/manifests/${K12}_manifest.json" "$TEST/logs/wtalign_align/${K12}.log" <<'EOF' || fail "the retry did not resume"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["status"] == "complete", m["status"]
assert m["sessions"] >= 2, f"sessions = {m['sessions']}: the retry started over"
resumed_from = m["timings"]["session_start_records"]
assert resumed_from > 0, "the last session started at record 0"
assert m["counts"]["done"] == m["counts"]["total"] == 4298, m["counts"]
resumed = [json.loads(l).get("resumed") for l in open(sys.argv[2]) if l.startswith("{") and '"done"' in l]
assert resumed and resumed[-1] > 0, f"log: resumed = {resumed}"
print(f"manifest: sessions={m['sessions']}, last session resumed at record {resumed_from}; log: resumed={resumed[-1]}")
EOF
    python3 - "$TEST/metrics/wtalign_${K12}.prom" <<'EOF' || fail "metrics file of the resumed run"
import re, sys
samples = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    m = re.fullmatch(r'(\w+)\{([^}]*)\} (\S+)\n?', line)
    assert m, f"not a sample line: {line!r}"
    labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
    assert labels["accession"] == "GCF_000005845.2", labels
    samples[(m.group(1), labels.get("outcome", labels.get("status", "")))] = float(m.group(3))
assert samples[("wtalign_run_outcome", "success")] == 1, samples
assert samples[("wtalign_run_exit_code", "")] == 0
assert samples[("wtalign_run_resumed_records", "")] > 0, "the metrics do not show the resumed records"
assert sum(v for (n, _), v in samples.items() if n == "wtalign_run_records") == 4298
assert ("wtalign_last_success_timestamp_seconds", "") in samples
print("metrics: outcome success, resumed", int(samples[("wtalign_run_resumed_records", "")]), "of 4298 records")
EOF
    cmp "$WORK/k12_uninterrupted.json" "$TEST/results/alignments/${K12}_alignments.json" \
        || fail "resumed K-12 output differs from the uninterrupted run"
    grep -qx $'GCF_000005845.2\tgyrA\tNP_416734.1\twildtype\tpresent\t100.00\t100.00\t\t\t' "$TSV" || fail "cohort table after resume"
    [ -z "$(ls -A "$TEST/resume" 2>/dev/null)" ] || fail "resume dir not cleaned after the resumed run"
    pass "killed at checkpoint $done_at_kill, retried with doubled resources, resumed, output byte-identical"
fi

step "wrapper test (workflow/snakemake-wrappers/bio/wtalign/align/test)"
WR=$WORK/wrapper
mkdir -p "$WR/prefix"
ln -s "$ROOT/workflow/snakemake-wrappers" "$WR/prefix/master"
cp -r "$ROOT/workflow/snakemake-wrappers/bio/wtalign/align/test" "$WR/run"
(cd "$WR/run" && snakemake --cores 2 --wrapper-prefix "file://$WR/prefix/" \
    alignments/gyrA_variants_alignments.json manifests/gyrA_variants_manifest.json \
    alignments/gyrA_variants_alignments.jsonl >"$WORK/wrapper.log" 2>&1) || { cat "$WORK/wrapper.log"; fail "wrapper test"; }
python3 - "$WR/run" <<'EOF' || fail "wrapper outputs"
import json, sys, os
d = sys.argv[1]
doc = json.load(open(f"{d}/alignments/gyrA_variants_alignments.json"))
lines = [json.loads(l) for l in open(f"{d}/alignments/gyrA_variants_alignments.jsonl")]
man = json.load(open(f"{d}/manifests/gyrA_variants_manifest.json"))
calls = {r["query"]["id"].split("|")[0]: [m["short"] for m in r["mutations"]] for r in doc["records"]}
assert calls["ecoli_gyrA_D87N"] == ["D87N"], calls
assert [r["query"]["id"] for r in lines] == [r["query"]["id"] for r in doc["records"]]
assert man["status"] == "complete"
assert not os.listdir(f"{d}/alignments/.wtalign-resume"), "resume dir left behind"
print("wrapper: json, jsonl and manifest ok:", calls)
EOF
pass "wrapper"

step "done"
printf 'all workflow tests passed in %ds\n' $((SECONDS - T0))
