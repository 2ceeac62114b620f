#!/bin/sh
# bench.sh: the ingest benchmark of `make bench`. Generates synthetic
# companies with gencompany under out/bench/, times `merit validate`
# (ingest + compute, no output) and `merit run --no-letters` on each with
# /usr/bin/time -v (wall time, peak RSS), times ingest and compute apart
# with tools/bench_stages.c (CPU seconds, so other jobs on the machine
# disturb it less), and writes the results as a
# Markdown table into docs/BENCHMARKS.md between the markers
#   <!-- bench:ingest:begin --> / <!-- bench:ingest:end -->
# replacing the previous table. Other benchmarks own other marker pairs.
#
# A command that fails is a row in the table (exit code and its last
# stderr line), not a silent abort: the table always shows what happened.
#
# Environment:
#   MERIT, BUILD     set by the Makefile (binary, build folder)
#   BENCH_CASES      cases to run, default "10k-1m 10k-10m 100k-10m"
#                    (NAME = EMPLOYEES-SALESROWS with k/m suffixes; 10k-1m
#                    and 10k-10m are the same company with 10x the rows,
#                    for the SPEC 3 memory check)
#   BENCH_KEEP=1     keep the generated folders (default: the large ones,
#                    over 1 million rows, are deleted after measuring)
#   BENCH_TIMEOUT    seconds per merit command, default 1800
#   BENCH_CONFIG     the config gencompany copies, default config/merit.ini
set -u
cd "$(dirname "$0")/.." || exit 1

MERIT=${MERIT:-out/build/merit}
BUILD=${BUILD:-out/build}
GEN=$BUILD/tools/gencompany
CONFIG=${BENCH_CONFIG:-config/merit.ini}
DOC=docs/BENCHMARKS.md
ROOT=out/bench
CASES=${BENCH_CASES:-10k-1m 10k-10m 100k-10m}
STAGES=$BUILD/tools/bench_stages
TIMEOUT=${BENCH_TIMEOUT:-1800}
BEGIN='<!-- bench:ingest:begin -->'
END='<!-- bench:ingest:end -->'

mkdir -p "$ROOT" || exit 73
ROWS=$ROOT/ingest-rows.md
RSSV=$ROOT/ingest-rss.txt       # "case rss" of each validate, for the ratio
: >"$ROWS"
: >"$RSSV"

# "10k" -> 10000, "1m" -> 1000000
count() {
	case $1 in
	*k) echo $((${1%k} * 1000)) ;;
	*m) echo $((${1%m} * 1000000)) ;;
	*) echo "$1" ;;
	esac
}

# Seconds since the epoch with fractions, for the generator's timing.
now() { date +%s.%N; }

# The last non-empty line of a file, with table-breaking characters removed.
last_line() {
	grep -v '^[[:space:]]*$' "$1" 2>/dev/null | grep -v 'Command exited with' |
		tail -n 1 | tr '|' '/' | cut -c 1-120
}

# Runs a command under /usr/bin/time -v; sets T_RC, T_WALL (s), T_RSS (MB)
# and T_ERR (a file with the command's stderr).
timed() {
	tv=$ROOT/time.txt
	T_ERR=$ROOT/stderr.txt
	rm -f "$tv"
	if [ -x /usr/bin/time ]; then
		timeout "$TIMEOUT" /usr/bin/time -v -o "$tv" "$@" >/dev/null 2>"$T_ERR"
		T_RC=$?
		T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + p[i]
			printf "%.2f", s }' "$tv" 2>/dev/null)
		T_RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' \
			"$tv" 2>/dev/null)
	else
		t0=$(now)
		timeout "$TIMEOUT" "$@" >/dev/null 2>"$T_ERR"
		T_RC=$?
		T_WALL=$(echo "$(now) $t0" | awk '{ printf "%.2f", $1 - $2 }')
		T_RSS="?"
	fi
	[ "$T_RC" = 124 ] && echo "timed out after ${TIMEOUT}s" >>"$T_ERR"
	: "${T_WALL:=?}" "${T_RSS:=?}"
}

mbps() {
	echo "$1 $2" | awk '{ if ($2 > 0) printf "%.0f", $1 / 1048576 / $2; else print "?" }'
}

row() { echo "| $* |" >>"$ROWS"; }

for c in $CASES; do
	emps=$(count "${c%-*}")
	sales=$(count "${c#*-}")
	dir=$ROOT/$c
	echo "bench: $c: generating $emps employees, $sales sales rows in $dir" >&2
	rm -rf "$dir"
	t0=$(now)
	if ! "$GEN" -e "$emps" -s "$sales" -c "$CONFIG" "$dir" 2>"$ROOT/gen.txt"; then
		row "$c | $emps | $sales | – | gencompany | failed | – | – | – | $(last_line "$ROOT/gen.txt")"
		continue
	fi
	gen_s=$(echo "$(now) $t0" | awk '{ printf "%.1f", $1 - $2 }')
	bytes=$(stat -c %s "$dir/sales.csv")
	mb=$(echo "$bytes" | awk '{ printf "%.0f", $1 / 1048576 }')
	row "$c | $emps | $sales | $mb | gencompany | 0 | $gen_s | $(mbps "$bytes" "$gen_s") | – | all files"

	for cmd in validate run; do
		if [ $cmd = run ]; then
			set -- "$MERIT" run --no-letters -q -c "$dir/merit.ini" -o "$dir/out"
		else
			set -- "$MERIT" validate -c "$dir/merit.ini"
		fi
		echo "bench: $c: $cmd" >&2
		timed "$@"
		note="" rate=$(mbps "$bytes" "$T_WALL")
		if [ "$T_RC" != 0 ]; then
			note=$(last_line "$T_ERR")
			: "${note:=failed without a message}"
			rate="–"
		fi
		label=$cmd
		[ $cmd = run ] && label="run --no-letters"
		row "$c | $emps | $sales | $mb | $label | $T_RC | $T_WALL | $rate | $T_RSS | $note"
		[ $cmd = validate ] && [ "$T_RC" = 0 ] && echo "$c $T_RSS" >>"$RSSV"
	done

	# Ingest alone, then compute: "sales MB/s" is sales.csv over the ingest
	# CPU time (one core), the note says what computing scores adds.
	echo "bench: $c: stages" >&2
	# One thread: the line is the one-core rate (the process CPU clock
	# would add up every thread of a file read in parts).
	if out=$(MERIT_THREADS=1 "$STAGES" -c "$dir/merit.ini" 2>"$ROOT/stderr.txt"); then
		kv() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
		row "$c | $emps | $sales | $mb | ingest (bench_stages) | 0 | $(kv ingest_cpu_s) | $(kv sales_mbps) | $(kv rss_load_mb) | compute $(kv compute_cpu_s) s CPU = +$(kv compute_pct) % of ingest"
	else
		row "$c | $emps | $sales | $mb | ingest (bench_stages) | $? | – | – | – | $(last_line "$ROOT/stderr.txt")"
	fi

	# The large cases take ~1 GB each: measure, then give the disk back.
	if [ "${BENCH_KEEP:-0}" != 1 ] && [ "$sales" -gt 1000000 ]; then
		rm -rf "$dir"
	fi
done

# The table, then splice it between the markers (or append the section).
TABLE=$ROOT/ingest-table.md
version=$("$MERIT" --version 2>/dev/null | head -n 1)
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' | tr -s ' ')
{
	echo "$BEGIN"
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores (${cpu:-?}), ${version:-merit ?}, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
	echo
	echo "| case | employees | sales rows | sales.csv MB | command | exit | wall s | sales MB/s | peak RSS MB | note |"
	echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---|"
	cat "$ROWS"
	# SPEC 3: the same company with 10x the sales rows, peak RSS of validate
	awk '$1 == "10k-1m" { a = $2 } $1 == "10k-10m" { b = $2 }
		END { if (a > 0 && b > 0)
			printf "\nPeak RSS of validate, 10k-10m / 10k-1m (same company, 10x the rows): %.1f / %.1f MB = %.2fx.\n", b, a, b / a }' "$RSSV"
	echo "$END"
} >"$TABLE"

if [ ! -f "$DOC" ]; then
	printf '# Benchmarks\n\n## Ingest\n\n' >"$DOC"
fi
if grep -qF "$BEGIN" "$DOC" && grep -qF "$END" "$DOC"; then
	awk -v b="$BEGIN" -v e="$END" -v t="$TABLE" '
		$0 == b { while ((getline l < t) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
	{ printf '\n## Ingest\n\n'; cat "$TABLE"; } >>"$DOC"
fi
cat "$TABLE" >&2
rm -f "$ROOT/time.txt" "$ROOT/stderr.txt" "$ROOT/gen.txt" "$RSSV"
