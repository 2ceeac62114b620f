#!/bin/sh
# bench_xlsx_ingest.sh: .xlsx ingest against the same data as CSV (SPEC
# 3.2, issue 11). For each size a gencompany company (1,000 employees) is
# written under out/bench/xlsx-N/, its sales.csv converted by
# tools/csv2xlsx.c into a typed workbook (title row, Excel dates, amounts
# as numbers, inline strings as libxlsxwriter's constant_memory mode
# writes them), and tools/bench_stages loads each config in turn
# (CSV, xlsx, CSV, xlsx, ...; best of BENCH_RUNS, default 3): ingest CPU
# seconds, rows/s, peak RSS. The table goes into docs/BENCHMARKS.md between
#   <!-- bench:xlsx-ingest:begin --> / <!-- bench:xlsx-ingest:end -->
#   BENCH_XLSX_SIZES   sales rows, default "100000 1000000"
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-out/build}
SIZES=${BENCH_XLSX_SIZES:-100000 1000000}
RUNS=${BENCH_RUNS:-3}
DOC=${BENCH_DOC:-docs/BENCHMARKS.md}
STAGES=$BUILD/tools/bench_stages

# best KEY FILE: the smallest value of KEY=... over the lines of FILE
best() { sed -n "s/.*\<$1=\([0-9.]*\).*/\1/p" "$2" | sort -g | head -1; }

table=$(mktemp)
trap 'rm -f "$table"' EXIT
{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, commit $(git rev-parse --short HEAD),"
	echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; best of $RUNS runs each,"
	echo "CSV and xlsx alternating. Ingest = pipeline_load() of the whole company"
	echo "(1,000 employees; sales dominate), CPU seconds."
	echo
	echo "| sales rows | input | file MB | ingest CPU s | rows/s | peak RSS MB |"
	echo "|---:|---|---:|---:|---:|---:|"
} >"$table"
for n in $SIZES; do
	dir=out/bench/xlsx-$n
	if [ ! -s "$dir/sales.xlsx" ]; then
		rm -rf "$dir"
		"$BUILD/tools/gencompany" -e 1000 -s "$n" "$dir" >/dev/null || exit 1
		"$BUILD/tools/csv2xlsx" -d %m/%d/%Y "$dir/sales.csv" "$dir/sales.xlsx" || exit 1
		sed 's|^file = sales.csv|file = sales.xlsx\nheader_row = 2|' "$dir/merit.ini" >"$dir/xlsx.ini"
	fi
	: >"$dir/csv.log"
	: >"$dir/xlsx.log"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		"$STAGES" -c "$dir/merit.ini" >>"$dir/csv.log" || exit 1
		"$STAGES" -c "$dir/xlsx.ini" >>"$dir/xlsx.log" || exit 1
		i=$((i + 1))
	done
	for kind in csv xlsx; do
		s=$(best ingest_cpu_s "$dir/$kind.log")
		rss=$(sed -n 's/.*rss_peak_mb=\([0-9.]*\).*/\1/p' "$dir/$kind.log" | sort -g | tail -1)
		mb=$(du -m --apparent-size "$dir/sales.$kind" | cut -f1)
		printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$kind" "$mb" "$s" \
			"$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }')" "$rss" >>"$table"
	done
done
sh tools/bench_section.sh xlsx-ingest "$DOC" <"$table"
cat "$table"
