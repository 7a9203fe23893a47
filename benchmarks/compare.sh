#!/usr/bin/env bash
# compare.sh: time wtalign against EMBOSS water, parasail and SSW on the same
# benchmark data, interleaved, and print wall time, GCUPS, peak RSS and each
# tool's speed relative to wtalign.
#
#   benchmarks/compare.sh                # 1,000 variants (a few minutes)
#   benchmarks/compare.sh -n 10000       # the issue's 10K set
#   benchmarks/compare.sh -n 100000 --skip water
#
# Options:
#   -n N          variants (default 1000; generated with seed 1)
#   -j LIST       thread counts to run (default "1 2")
#   -r R          repetitions; the table keeps each run's fastest (default 1)
#   --skip LIST   comma-separated tools to leave out:
#                 engine,water,parasail_trace,parasail_score,ssw
#   --keep DIR    keep the data and outputs in DIR (default: a temp dir)
#
# Run from the repository root or anywhere inside it. Needs go, and for the
# other tools the Debian packages emboss, parasail, ssw-align and time
# (/usr/bin/time -v). Integer tools get EBLOSUM62 doubled, gap open 20 and
# extend 1, which is water's 10/0.5 exactly. GCUPS counts reference length
# x query length for every query against its own wild type.
#
# Rows: wtalign is the whole `wtalign align` (FASTA to JSON with mutation
# calls); engine is benchmarks/cmd/engine, the alignment engine alone through
# Native.AlignBatch (water's alignment and statistics, TSV out), which is
# what the pipeline gets once it hands batches to AlignBatch.
#
# Multi-threaded runs: wtalign -j N and parasail -t N use N threads in one
# process; water and ssw_test are single-threaded, so N threads means the
# queries of each wild type split in N parts run N processes at a time.
# Peak RSS is the largest single process. time/wtalign is the tool's wall
# time over wtalign's at the same thread count: above 1, wtalign is faster.
set -euo pipefail

n=1000
threads="1 2"
reps=1
skip=""
keep=""
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n="$2"; shift 2 ;;
	-j) threads="$2"; shift 2 ;;
	-r) reps="$2"; shift 2 ;;
	--skip) skip="$2"; shift 2 ;;
	--keep) keep="$2"; shift 2 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "$keep" ]; then
	work=$(mkdir -p "$keep" && cd "$keep" && pwd)
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
skipped() { case ",$skip," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
have() { command -v "$1" >/dev/null 2>&1; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 1; }

echo "== building wtalign and generating $n variants in $work" >&2
(cd "$root" && go build -o "$work/wtalign" ./cmd/wtalign && go build -o "$work/engine" ./benchmarks/cmd/engine)
(cd "$root" && go run ./benchmarks/cmd/gen -n "$n" -seed 1 -wildtypes benchmarks/testdata/wildtypes.faa -o "$work/data")
q="$work/data/variants_$n.faa"
wt="$work/data/wildtypes.faa"

# Per wild type: its sequence and its queries, the queries also split in
# halves for two-process runs of the single-threaded tools.
cd "$work"
mkdir -p split
awk -v dir=split '
	/^>/ { split(substr($1, 2), f, "|"); g = f[2]; out = dir "/wt_" g ".faa" }
	{ print > out }' "$wt"
awk -v dir=split '
	/^>/ { split(substr($1, 2), f, "|"); g = f[2]; out = dir "/q_" g ".faa" }
	{ print > out }' "$q"
genes=$(ls split | sed -n 's/^wt_\(.*\)\.faa$/\1/p')
for g in $genes; do
	for parts in 2; do
		awk -v p="$parts" -v base="split/q_${g}" '
			/^>/ { k = (c++ % p) + 1 } { print > (base "_" p "of" k ".faa") }' "split/q_$g.faa"
	done
done

# Cells: sum over queries of len(wild type) * len(query).
cells=$(awk '
	FNR == 1 { file++ }
	/^>/ { split(substr($1, 2), f, "|"); g = f[2]; if (file == 1) wt = g; else qs[++nq] = g; next }
	{ gsub(/[ \r]/, ""); if (file == 1) L[wt] += length($0); else Q[nq] += length($0) }
	END { c = 0; for (i = 1; i <= nq; i++) c += L[qs[i]] * Q[i]; printf "%.0f\n", c }' "$wt" "$q")
echo "== $(grep -c '>' "$q") queries, $cells cells" >&2

# The doubled matrix, in a short path (ssw_test truncates -a at 16 chars).
awk '/^#/ { print; next }
	!hdr { print; hdr = 1; next }
	{ printf "%s", $1; for (i = 2; i <= NF; i++) printf " %d", 2 * $i; printf "\n" }' \
	"$root/aligner/matrices/EBLOSUM62" >b62x2

# run NAME THREADS COMMAND...: time one run, record the fastest wall time
# and its peak RSS per (tool, threads).
declare -A wall rss
run() {
	local name=$1 t=$2
	shift 2
	local log="time_${name}_$t.txt"
	if ! /usr/bin/time -v -o "$log" "$@" >"out_${name}_$t.log" 2>&1 </dev/null; then
		echo "compare.sh: $name -j $t failed; see $work/out_${name}_$t.log" >&2
		return 0
	fi
	local s m
	s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); v = 0; for (i = 1; i <= n; i++) v = v * 60 + p[i]; print v }' "$log")
	m=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
	local key="$name $t"
	if [ -z "${wall[$key]:-}" ] || awk -v a="$s" -v b="${wall[$key]}" 'BEGIN { exit !(a < b) }'; then
		wall[$key]=$s
		rss[$key]=$m
	fi
	printf '   %-16s -j %s  %8.2f s  %7.1f MB\n' "$name" "$t" "$s" "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" >&2
}

# Per-wild-type job lists for the single-threaded tools.
jobs_for() { # jobs_for T: lines "gene queryfile" (whole files for T=1, halves for T=2)
	for g in $genes; do
		if [ "$1" -eq 1 ]; then
			echo "$g split/q_$g.faa"
		else
			for k in $(seq 1 "$1"); do echo "$g split/q_${g}_${1}of$k.faa"; done
		fi
	done
}

cat >water_job.sh <<'EOF'
#!/bin/sh
exec water -asequence "split/wt_$1.faa" -bsequence "$2" -gapopen 10 -gapextend 0.5 \
	-sprotein1 -sprotein2 -sformat1 fasta -sformat2 fasta -outfile "$2.water" -auto
EOF
cat >ssw_job.sh <<'EOF'
#!/bin/sh
exec ssw_test -p -c -a b62x2 -o 20 -e 1 "split/wt_$1.faa" "$2" >"$2.ssw"
EOF
cat >parasail_run.sh <<'EOF'
#!/bin/sh
# parasail_aligner FUNC THREADS: every wild type against its queries
# (traceback functions write SSW-style records to the -g file).
set -e
fmt=""
case "$1" in *trace*) fmt="-O SSW" ;; esac
for wt in split/wt_*.faa; do
	g=${wt#split/wt_}; g=${g%.faa}
	parasail_aligner -a "$1" -t "$2" -b 100 -x -m b62x2 -o 20 -e 1 $fmt \
		-f "$wt" -q "split/q_$g.faa" -g "parasail_$1_$g.out" <&-
done
EOF
chmod +x water_job.sh ssw_job.sh parasail_run.sh

for rep in $(seq 1 "$reps"); do
	echo "== repetition $rep" >&2
	for t in $threads; do
		rm -f "wtalign_$t.json" "wtalign_$t.json".* # no resume from an earlier run
		run wtalign "$t" ./wtalign align -q --assign name -r "$wt" -o "wtalign_$t.json" -j "$t" "$q"
		if ! skipped engine; then
			run engine "$t" ./engine -r "$wt" -j "$t" -o "engine_$t.tsv" "$q"
		fi
		if ! skipped water && have water; then
			run water "$t" bash -c "$(declare -f jobs_for); genes='$genes'; jobs_for $t | xargs -P $t -L 1 ./water_job.sh"
		fi
		if ! skipped parasail_trace && have parasail_aligner; then
			run parasail_trace "$t" ./parasail_run.sh sw_trace_scan_16 "$t"
		fi
		if ! skipped parasail_score && have parasail_aligner; then
			run parasail_score "$t" ./parasail_run.sh sw_scan_profile_16 "$t"
		fi
		if ! skipped ssw && have ssw_test; then
			run ssw "$t" bash -c "$(declare -f jobs_for); genes='$genes'; jobs_for $t | xargs -P $t -L 1 ./ssw_job.sh"
		fi
	done
done

echo
printf '%d variants of %s; %s cells; %s\n' "$n" "$(echo $genes | tr ' ' ',')" "$cells" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-16s %7s %10s %8s %10s %12s\n' tool threads wall_s GCUPS peak_MB time/wtalign
for t in $threads; do
	base=${wall["wtalign $t"]:-}
	for name in wtalign engine water parasail_trace parasail_score ssw; do
		key="$name $t"
		[ -n "${wall[$key]:-}" ] || continue
		awk -v name="$name" -v t="$t" -v s="${wall[$key]}" -v m="${rss[$key]}" -v c="$cells" -v b="$base" 'BEGIN {
			ratio = (b != "" && b > 0) ? sprintf("%.2f", s / b) : "-"
			printf "%-16s %7s %10.2f %8.3f %10.1f %12s\n", name, t, s, c / s / 1e9, m / 1024, ratio }'
	done
done
