#!/usr/bin/env bash
# make test-slurm: the Snakemake workflow on a real SLURM cluster.
#
# Starts a single-node cluster on this machine (as root): munged with a fresh
# key, slurmctld and slurmd with a generated slurm.conf, all on 127.0.0.1 and
# free ports, every file (key, sockets, state, spool, logs, PID files) under
# a temporary directory; nothing in /etc is touched. Then runs the workflow
# (a copy of workflow/ with the .test data) with its shipped SLURM profile
# (profiles/slurm/config.yaml, Snakemake 7's --slurm):
#   1. all three accessions and the cohort table complete, each align job a
#      SLURM job;
#   2. the K-12 job is cancelled by SLURM (scancel) after a checkpoint;
#      Snakemake retries it with twice the memory and time, the retry resumes
#      from the checkpoint (manifest: two sessions, the last starting after
#      record 0; log: resumed > 0), and the output is byte-identical to run 1.
# Every daemon it started is stopped by PID on exit, failure included.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T0=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - T0)); }
fail() { echo "FAIL $*" >&2; exit 1; }
pass() { echo "PASS $*"; }

[ "$(id -u)" = 0 ] || fail "needs root (slurmd runs jobs as their user and munged needs its key)"
for c in munged slurmctld slurmd sbatch squeue scancel scontrol sinfo snakemake python3; do
    command -v $c >/dev/null || fail "$c is missing (scripts/test-deps.sh installs slurm-wlm, munge, snakemake)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wtalign-slurm-test.XXXXXX")
chmod 700 "$WORK"
PIDS=()          # daemons, stopped in reverse order
SNAKEMAKE_PID=
job_leftovers() {
    [ -n "${SLURM_CONF:-}" ] || return 0
    local p self=$$
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = "$self" ] && continue
        case " ${PIDS[*]} ${SNAKEMAKE_PID:-} " in *" $p "*) continue ;; esac
        tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "SLURM_CONF=$SLURM_CONF" || continue
        # only processes of jobs (not this script or the snakemake it runs)
        tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -q '^SLURM_JOB_ID=' && echo "$p"
    done
}
kill_job_leftovers() {
    local left
    left=$(job_leftovers)
    [ -n "$left" ] || return 0
    echo "stopping $(echo $left | wc -w) process(es) that outlived their SLURM job: $(echo $left)" >&2
    kill -TERM $left 2>/dev/null || true
    sleep 1
    kill -KILL $left 2>/dev/null || true
}
cleanup() {
    rc=$?
    if [ -n "$SNAKEMAKE_PID" ] && kill -0 "$SNAKEMAKE_PID" 2>/dev/null; then
        kill "$SNAKEMAKE_PID" 2>/dev/null || true
        wait "$SNAKEMAKE_PID" 2>/dev/null || true
    fi
    # Jobs still known to our slurmctld are cancelled before it stops.
    if [ -n "${SLURM_CONF:-}" ] && [ ${#PIDS[@]} -gt 1 ]; then
        scancel --full --quiet --partition=wtalign 2>/dev/null || true
    fi
    # proctrack/linuxproc finds a job's processes by parent PID, so one that
    # was reparented (e.g. the batch step's snakemake after its shell died on
    # scancel) can outlive its job; the ones started by this cluster carry
    # its SLURM_CONF and are stopped by PID.
    kill_job_leftovers
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid=${PIDS[$i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "${KEEP_LOGS:-}" ]; then
        mkdir -p "$KEEP_LOGS" && cp -r "$WORK"/*.log "$WORK/log" "$KEEP_LOGS/" 2>/dev/null || true
        cp -r "${TEST:-/nonexistent}/.snakemake/log" "$KEEP_LOGS/snakemake-log" 2>/dev/null || true
    fi
    if [ $rc -ne 0 ]; then
        for f in "$WORK"/log/*.log; do [ -f "$f" ] && { echo "--- $f (last 20 lines)"; tail -20 "$f"; }; done
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Jobs that SLURM runs without an -o of their own write slurm-JOBID.out in
# the directory they were submitted from: make that the scratch directory,
# never the repository.
cd "$WORK"

step "munged"
mkdir -p "$WORK/munge" "$WORK/log" "$WORK/state" "$WORK/spool" "$WORK/run"
chmod 700 "$WORK/munge"
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
MUNGE_SOCKET=$WORK/munge/munge.socket
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$MUNGE_SOCKET" \
    --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
    --log-file="$WORK/log/munged.log" 2>>"$WORK/log/munged.log" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -S "$MUNGE_SOCKET" ] && break; sleep 0.1; done
[ -S "$MUNGE_SOCKET" ] || fail "munged did not create its socket"
echo test | munge --socket="$MUNGE_SOCKET" | unmunge --socket="$MUNGE_SOCKET" >/dev/null || fail "munge round trip"
pass "munged (pid ${PIDS[0]})"

step "slurmctld and slurmd"
# Two free loopback ports (another cluster on this machine may use 6817/6818).
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.8}' /proc/meminfo)
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=wtalign-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol (Snakemake's status fallback
# without accounting) for 10 minutes; cancelled steps get 5 s after SIGTERM.
MinJobAge=600
KillWait=5
InactiveLimit=0
SchedulerType=sched/backfill
NodeName=$HOST NodeAddr=127.0.0.1 NodeHostname=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=wtalign Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
scontrol ping | grep -q UP || fail "slurmctld does not answer"
slurmd -D -f "$SLURM_CONF" >>"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
state=
for _ in $(seq 1 150); do
    state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || { sinfo -N -l; fail "node $HOST is '$state', not idle"; }
jid=$(sbatch --parsable -t 1 --mem 10 --wrap 'echo hello from slurm' -o "$WORK/hello.out")
for _ in $(seq 1 100); do [ -s "$WORK/hello.out" ] && break; sleep 0.2; done
grep -q "hello from slurm" "$WORK/hello.out" 2>/dev/null || fail "sbatch --wrap job $jid did not run"
pass "slurmctld (pid ${PIDS[1]}, port $CTLD_PORT), slurmd (pid ${PIDS[2]}, port $SLURMD_PORT), node $HOST idle ($CPUS CPUs, $MEM MB), sbatch works"

step "workflow copy and wtalign"
# The workflow as shipped, with the paths its .test data uses.
mkdir -p "$WORK/repo/testdata" "$WORK/bin"
cp -r "$ROOT/workflow" "$WORK/repo/workflow"
cp -r "$ROOT/testdata/proteomes" "$ROOT/testdata/demo" "$WORK/repo/testdata/"
rm -rf "$WORK/repo/workflow/snakemake/.test/"{results,resume,logs,benchmarks,.snakemake}
(cd "$ROOT" && go build -o "$WORK/bin/wtalign" ./cmd/wtalign)
# sbatch --export=ALL hands this environment to the jobs.
export PATH=$WORK/bin:$PATH USER=${USER:-root}
SM=$WORK/repo/workflow/snakemake
TEST=$SM/.test
# All 38 K-12 wild types, so that the K-12 job runs long enough to be
# cancelled mid-run; threads within this node's CPUs.
cat >"$WORK/slurm-test.yaml" <<YAML
reference: ../../../testdata/demo/ref_ecoli_k12_mg1655.faa
align:
  threads: $CPUS
YAML
# The profile's slurm_account/slurm_partition are CHANGE_ME placeholders for
# a site to fill in: here, no account (there is no accounting database) and
# this cluster's partition. Snakemake 7 polls SLURM every 33 s whenever
# --max-status-checks-per-second is above 1 (a default meant to spare a busy
# slurmctld); 1 check per second keeps this test short. Everything else
# comes from the profile.
SMK=(snakemake --profile profiles/slurm --directory .test
    --default-resources slurm_partition=wtalign --max-status-checks-per-second 1)
smk() { (cd "$SM" && "${SMK[@]}" --configfile "$WORK/slurm-test.yaml" "$@"); }
wtalign version | head -1

step "run 1: every accession as a SLURM job"
t1=$SECONDS
smk >"$WORK/run1.log" 2>&1 || { tail -60 "$WORK/run1.log"; fail "run 1"; }
RUN1_S=$((SECONDS - t1))
grep -q "submitted with SLURM jobid" "$WORK/run1.log" || fail "no job went through SLURM"
nsub=$(grep -c "submitted with SLURM jobid" "$WORK/run1.log")
for acc in GCF_000005845.2 GYRA_VARIANTS PMRB_MULTICOPY; do
    python3 - "$TEST/results/manifests/${acc}_manifest.json" "$TEST/results/alignments/${acc}_alignments.json" <<'PY' || fail "outputs of $acc"
import json, sys
m = json.load(open(sys.argv[1]))
recs = json.load(open(sys.argv[2]))["records"]
assert m["status"] == "complete", m["status"]
assert m["counts"]["done"] == m["counts"]["total"] == len(recs), (m["counts"], len(recs))
assert m["sessions"] == 1, m["sessions"]
PY
done
python3 - "$TEST/results/cohort_mutations.tsv" <<'PY' || fail "cohort table"
import csv, sys
# by column name, so that a column added to the table does not break the check
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
k12 = [r for r in rows if r["accession"] == "GCF_000005845.2" and r["gene"] == "gyrA"]
assert len(k12) == 1, k12
r = k12[0]
assert (r["query_id"], r["status"], r["gene_state"], r["identity"], r["coverage"], r["mutations"]) == \
    ("NP_416734.1", "wildtype", "present", "100.00", "100.00", ""), r
PY
[ -z "$(ls -A "$TEST/resume" 2>/dev/null)" ] || fail "resume dir not emptied"
# The SLURM log of every job says it ran on this node.
ls "$SM/.test/.snakemake/slurm_logs/rule_wtalign_align/"*.log >/dev/null || fail "no SLURM job logs"
cp "$TEST/results/alignments/GCF_000005845.2_alignments.json" "$WORK/k12_run1.json"
pass "run 1: $nsub SLURM jobs, 3 accessions complete, cohort table written (${RUN1_S}s)"

step "run 2: the K-12 job cancelled by SLURM mid-run, retried, resumed"
K12=GCF_000005845.2
rm -f "$TEST/results/alignments/${K12}_alignments.json" "$TEST/results/manifests/${K12}_manifest.json"
RESUME_MANIFEST=$TEST/resume/$K12/${K12}_manifest.json
cat >"$WORK/kill.yaml" <<YAML
reference: ../../../testdata/demo/ref_ecoli_k12_mg1655.faa
align:
  threads: 1
  extra: "--checkpoint-every 100"
YAML
t2=$SECONDS
(cd "$SM" && "${SMK[@]}" --configfile "$WORK/kill.yaml" --rerun-triggers mtime \
    --until wtalign_align) >"$WORK/run2.log" 2>&1 &
SNAKEMAKE_PID=$!
cancelled=
for _ in $(seq 1 3000); do
    if python3 - "$RESUME_MANIFEST" 2>/dev/null <<'PY'; then
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if m["status"] == "running" and m["checkpoint"]["records"] >= 300 else 1)
PY
        jobid=$(squeue -h -t RUNNING -o '%i' | head -1)
        if [ -n "$jobid" ]; then
            at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"]["records"])' "$RESUME_MANIFEST")
            scancel "$jobid"
            cancelled=$jobid
            echo "scancel $jobid at checkpoint $at records"
            break
        fi
    fi
    kill -0 "$SNAKEMAKE_PID" 2>/dev/null || break
    sleep 0.1
done
rc=0
wait "$SNAKEMAKE_PID" || rc=$?
SNAKEMAKE_PID=
RUN2_S=$((SECONDS - t2))
[ -n "$cancelled" ] || { tail -40 "$WORK/run2.log"; fail "the K-12 job finished before it could be cancelled"; }
[ "$rc" = 0 ] || { tail -60 "$WORK/run2.log"; fail "snakemake did not recover from the cancelled job (exit $rc)"; }
state=$(scontrol show job "$cancelled" | grep -o 'JobState=[A-Z_]*')
[ "$state" = JobState=CANCELLED ] || fail "SLURM says job $cancelled is $state"
grep -q "SLURM status is: 'CANCELLED'" "$WORK/run2.log" || { tail -40 "$WORK/run2.log"; fail "snakemake did not see the cancellation"; }
grep -q "Trying to restart job" "$WORK/run2.log" || { tail -40 "$WORK/run2.log"; fail "snakemake did not retry"; }
retry_id=$(grep -o 'submitted with SLURM jobid [0-9]*' "$WORK/run2.log" | tail -1 | awk '{print $NF}')
[ "$retry_id" != "$cancelled" ] || fail "no new SLURM job for the retry"
scontrol show job "$retry_id" >"$WORK/retry.job"
grep -q 'JobState=COMPLETED' "$WORK/retry.job" || { cat "$WORK/retry.job"; fail "retry job $retry_id did not complete"; }
# attempt 2 asks for twice the memory and time of .test's config (500 MB, 5 min)
grep -Eq 'TimeLimit=00:10:00' "$WORK/retry.job" || { grep TimeLimit "$WORK/retry.job"; fail "retry did not get twice the time"; }
grep -Eq 'mem=1000M' "$WORK/retry.job" || { grep -i mem "$WORK/retry.job"; fail "retry did not get twice the memory"; }
python3 - "$TEST/results/manifests/${K12}_manifest.json" "$TEST/logs/wtalign_align/${K12}.log" <<'PY' || fail "the retry did not resume"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["status"] == "complete", m["status"]
assert m["sessions"] >= 2, f"sessions = {m['sessions']}: the retry started over"
start = m["timings"]["session_start_records"]
assert start > 0, "the last session started at record 0"
assert m["counts"]["done"] == m["counts"]["total"] == 4298, m["counts"]
lines = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
done = [l for l in lines if l.get("message") == "done"]
assert done and done[-1]["resumed"] > 0, f"log: {done}"
msgs = [l.get("level", "") + ":" + l.get("message", "") for l in lines]
print(f"manifest: sessions={m['sessions']}, last session started at record {start}; "
      f"log: resumed={done[-1]['resumed']}; log messages: {msgs}")
PY
cmp "$WORK/k12_run1.json" "$TEST/results/alignments/${K12}_alignments.json" \
    || fail "resumed K-12 output differs from run 1"
[ -z "$(ls -A "$TEST/resume" 2>/dev/null)" ] || fail "resume dir not emptied after the resumed run"
echo "the cancelled job's SLURM log ($cancelled.log), last lines:"
tail -n 6 "$TEST/.snakemake/slurm_logs/rule_wtalign_align/$cancelled.log" 2>/dev/null | cut -c1-240 | sed 's/^/  | /'
sleep 6   # KillWait (5 s) for the cancelled job's processes
left=$(job_leftovers)
[ -z "$left" ] || echo "note: $(echo $left | wc -w) process(es) of cancelled job $cancelled outlived it (proctrack/linuxproc); stopped at exit"
pass "SLURM job $cancelled cancelled, retry $retry_id (2x memory and time) resumed, output byte-identical (${RUN2_S}s)"

step "done"
echo "slurm test passed in $((SECONDS - T0))s (run 1 ${RUN1_S}s, run 2 ${RUN2_S}s)"
