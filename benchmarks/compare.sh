#!/usr/bin/env bash
# compare.sh: time wtalign against the field on two workloads, interleaved,
# and print wall time, peak RSS and each tool's time relative to wtalign.
#
# variants: N variants of GyrA, ParC and AcrB (`--assign name`) against
#   EMBOSS water, parasail (traceback and score only) and SSW, with GCUPS;
# scan: the E. coli K-12 proteome (4,298 proteins) against the 38 K-12 wild
#   types (`--assign best`, the Snakemake workflow's default) against blastp
#   (-evalue 1e-5) and DIAMOND (default and --ultra-sensitive, -e 1e-5),
#   with the hits each finds (benchmarks/cmd/scanhits), then a scaling table:
#   38, 150 and 600 wild types (K-12, PointFinder's translated genes, then
#   proteins of the proteome: benchmarks/cmd/wildtypes) and 1x, 4x and 16x
#   the proteome.
#
#   benchmarks/compare.sh                # both workloads, 1,000 variants
#   benchmarks/compare.sh -n 10000       # the issue's 10K set
#   benchmarks/compare.sh -n 100000 --skip water --workload variants
#
# Options:
#   -n N          variants (default 1000; generated with seed 1)
#   -j LIST       thread counts to run (default "1 2")
#   -r R          repetitions; the table keeps each run's fastest (default 1)
#   --workload L  comma-separated: variants,scan (default both)
#   --skip LIST   comma-separated tools to leave out:
#                 engine,water,parasail_trace,parasail_score,ssw,blastp,
#                 diamond,diamond_us,scaling
#   --pointfinder DIR  PointFinder database for the scaling table's wild
#                 types (default ../shared/data/catalogs/pointfinder_db)
#   --keep DIR    keep the data and outputs in DIR (default: a temp dir)
#
# Run from the repository root or anywhere inside it. Needs go, and for the
# other tools the Debian packages emboss, parasail, ssw-align, ncbi-blast+,
# diamond-aligner and time (/usr/bin/time -v). Integer tools get EBLOSUM62
# doubled, gap open 20 and extend 1, which is water's 10/0.5 exactly. GCUPS
# counts reference length x query length for every query against its own
# wild type (variants) or against every wild type (scan).
#
# Rows: wtalign is the whole `wtalign align` (FASTA to JSON with mutation
# calls); engine is benchmarks/cmd/engine, the alignment engine alone through
# Native.AlignBatch (water's alignment and statistics, TSV out), which is
# what the pipeline gets once it hands batches to AlignBatch.
#
# Multi-threaded runs: wtalign -j N, parasail -t N, blastp -num_threads N
# and DIAMOND --threads N use N threads in one process; water and ssw_test
# are single-threaded, so N threads means the queries of each wild type
# split in N parts run N processes at a time. Peak RSS is the largest
# single process. time/wtalign is the tool's wall time over wtalign's at
# the same thread count: above 1, wtalign is faster.
set -euo pipefail

n=1000
threads="1 2"
reps=1
skip=""
keep=""
workload="variants,scan"
pointfinder=""
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n="$2"; shift 2 ;;
	-j) threads="$2"; shift 2 ;;
	-r) reps="$2"; shift 2 ;;
	--skip) skip="$2"; shift 2 ;;
	--workload) workload="$2"; shift 2 ;;
	--pointfinder) pointfinder="$2"; shift 2 ;;
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
want() { case ",$workload," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
[ -n "$pointfinder" ] || pointfinder="$root/../shared/data/catalogs/pointfinder_db"
have() { command -v "$1" >/dev/null 2>&1; }
# Say which baselines are missing, once, instead of leaving rows out silently.
for tool in water parasail_aligner ssw_test blastp makeblastdb diamond; do
	have "$tool" || echo "compare.sh: $tool not installed: its rows are left out (docs/performance.md says how to install the baselines)" >&2
done
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 1; }

echo "== building wtalign and generating $n variants in $work" >&2
(cd "$root" && go build -o "$work/wtalign" ./cmd/wtalign && go build -o "$work/engine" ./benchmarks/cmd/engine &&
	go build -o "$work/scanhits" ./benchmarks/cmd/scanhits && go build -o "$work/wildtypes" ./benchmarks/cmd/wildtypes)
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

# The scan's inputs: the K-12 proteome and wild types, their BLAST and
# DIAMOND databases, and the scaling table's wild-type sets and proteomes.
prot="$root/testdata/proteomes/GCF_000005845.2_proteins.faa"
k12="$root/testdata/demo/ref_ecoli_k12_mg1655.faa"
scan_sets="38:1"
if want scan; then
	mkdir -p scan
	cp "$k12" scan/wt38.faa
	cp "$prot" scan/prot1.faa
	if ! skipped scaling; then
		scan_sets="38:1 150:1 600:1 38:4 38:16"
		pf=""
		[ -d "$pointfinder" ] && pf="-pointfinder $pointfinder"
		for k in 150 600; do ./wildtypes -n $k $pf -k12 "$k12" -proteome "$prot" -o scan/wt$k.faa; done
		for x in 4 16; do
			for c in $(seq 1 $x); do awk -v c=$c '/^>/ { sub(/^>[^ ]*/, "&_copy" c) } { print }' "$prot"; done >scan/prot$x.faa
		done
	fi
	for set in $scan_sets; do
		k=${set%:*}
		[ -e scan/wt$k.pdb ] || [ -e scan/wt$k.pin ] || ! have makeblastdb || makeblastdb -in scan/wt$k.faa -dbtype prot -out scan/wt$k >/dev/null
		# DIAMOND reads BLAST databases too: give its own a separate name.
		[ -e scan/wt${k}_dmnd.dmnd ] || ! have diamond || diamond makedb --in scan/wt$k.faa -d scan/wt${k}_dmnd --quiet
	done
fi
# scan_cells K X: cells of scoring proteome copy X against wild-type set K.
scan_cells() {
	awk 'FNR == 1 { file++ } /^>/ { next } { gsub(/[ \r*]/, ""); n[file] += length($0) } END { printf "%.0f\n", n[1] * n[2] }' "scan/wt$1.faa" "scan/prot$2.faa"
}

for rep in $(seq 1 "$reps"); do
	echo "== repetition $rep" >&2
	for t in $threads; do
		if want variants; then
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
		fi
		if want scan; then
			for set in $scan_sets; do
				k=${set%:*} x=${set#*:} tag=$set
				# The scaling rows run at the largest thread count only.
				[ "$set" = "38:1" ] || [ "$t" = "${threads##* }" ] || continue
				rm -f "scan_${k}_${x}_$t.json" "scan_${k}_${x}_$t.json".*
				run "scan_wtalign@$tag" "$t" ./wtalign align -q --assign best -r scan/wt$k.faa -o "scan_${k}_${x}_$t.json" -j "$t" scan/prot$x.faa
				if ! skipped blastp && have blastp; then
					run "scan_blastp@$tag" "$t" blastp -query scan/prot$x.faa -db scan/wt$k -evalue 1e-5 -outfmt 6 -num_threads "$t" -out "blastp_${k}_${x}_$t.tsv"
				fi
				if ! skipped diamond && have diamond; then
					run "scan_diamond@$tag" "$t" diamond blastp -q scan/prot$x.faa -d scan/wt${k}_dmnd.dmnd -e 1e-5 --threads "$t" --quiet -o "diamond_${k}_${x}_$t.tsv"
				fi
				if ! skipped diamond_us && have diamond; then
					run "scan_diamond_us@$tag" "$t" diamond blastp --ultra-sensitive -q scan/prot$x.faa -d scan/wt${k}_dmnd.dmnd -e 1e-5 --threads "$t" --quiet -o "diamond_us_${k}_${x}_$t.tsv"
				fi
			done
		fi
	done
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
if want variants; then
	echo
	printf '%d variants of %s; %s cells; %s\n' "$n" "$(echo $genes | tr ' ' ',')" "$cells" "$cpu"
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
fi
if want scan; then
	echo
	c1=$(scan_cells 38 1)
	printf 'proteome scan: %d K-12 proteins x 38 wild types, %s cells; %s\n' "$(grep -c '>' scan/prot1.faa)" "$c1" "$cpu"
	printf '%-16s %7s %10s %8s %10s %12s\n' tool threads wall_s GCUPS peak_MB time/wtalign
	for t in $threads; do
		base=${wall["scan_wtalign@38:1 $t"]:-}
		for name in wtalign blastp diamond diamond_us; do
			key="scan_$name@38:1 $t"
			[ -n "${wall[$key]:-}" ] || continue
			awk -v name="$name" -v t="$t" -v s="${wall[$key]}" -v m="${rss[$key]}" -v c="$c1" -v b="$base" 'BEGIN {
				ratio = (b != "" && b > 0) ? sprintf("%.2f", s / b) : "-"
				printf "%-16s %7s %10.2f %8.3f %10.1f %12s\n", name, t, s, c / s / 1e9, m / 1024, ratio }'
		done
	done
	# Hits: wtalign's exact ones against each tool's, at the largest thread
	# count; water's numbers for the tools' pairs from wtalign --assign map.
	t=${threads##* }
	tools=""
	for name in blastp diamond diamond_us; do
		[ -s "${name}_38_1_$t.tsv" ] && tools="$tools ${name}_38_1_$t.tsv"
	done
	if [ -n "$tools" ] && [ -s "scan_38_1_$t.json" ]; then
		mkdir -p maps
		rm -f maps/*
		K=$(./scanhits pairs -o maps $tools)
		for k in $(seq 1 "$K"); do
			./wtalign align -q --assign map --map maps/map_$k.tsv --skip-unassigned -r scan/wt38.faa -o maps/mapped_$k.json scan/prot1.faa
		done
		echo
		args=""
		for f in $tools; do args="$args ${f%_38_1_*}=$f"; done
		./scanhits report -scan "scan_38_1_$t.json" -mapped 'maps/mapped_*.json' $args
	fi
	if ! skipped scaling; then
		t=${threads##* }
		echo
		printf 'scaling at %s threads: wall s (GCUPS), peak MB\n' "$t"
		printf '%-22s %14s' "wild types x proteome" cells
		for name in wtalign blastp diamond diamond_us; do printf ' %20s' "$name"; done
		echo
		for set in $scan_sets; do
			k=${set%:*} x=${set#*:}
			c=$(scan_cells "$k" "$x")
			printf '%-22s %14s' "$k x ${x}x" "$c"
			for name in wtalign blastp diamond diamond_us; do
				key="scan_$name@$set $t"
				if [ -n "${wall[$key]:-}" ]; then
					awk -v s="${wall[$key]}" -v m="${rss[$key]}" -v c="$c" 'BEGIN { printf " %20s", sprintf("%.2f (%.1f) %.0f", s, c / s / 1e9, m / 1024) }'
				else
					printf ' %20s' -
				fi
			done
			echo
		done
	fi
fi
