#!/bin/sh
# hostile: runs merit on each hostile input of issue 15 and prints one
# Markdown table row per case: exit code, the first message line, wall
# time, peak memory (GNU time), and what was left behind (temporary
# folders in out/, files in the run's $TMPDIR). The table is in
# docs/HARDENING.md. Slow-ish (builds files of up to 100 MB): not part of
# `make test`.
#   sh tools/hostile.sh            (after make)
set -u
: "${BUILD:=out/build}" "${MERIT:=$BUILD/merit}"
MERIT=$(cd "$(dirname "$MERIT")" && pwd)/$(basename "$MERIT")
ROOT=$(pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/merit-hostile.XXXXXX")
trap 'rm -rf "$W"' EXIT
export MERIT_TODAY=2026-11-15 TMPDIR="$W/tmp"
mkdir -p "$TMPDIR"

fresh() {
	rm -rf "$W/c" && mkdir -p "$W/c"
	cp "$ROOT"/tests/fixtures/history/*.csv "$ROOT"/tests/fixtures/history/merit.ini "$W/c/"
}

# row NAME ARGS...: runs merit ARGS in $W/c and prints the table row.
row() {
	name=$1
	shift
	(cd "$W/c" && /usr/bin/time -f '%e %M' -o "$W/time" "$MERIT" "$@" >"$W/out" 2>"$W/err")
	rc=$?
	set -- $(tail -1 "$W/time")
	secs=$1 kb=$2
	msg=$(grep -v '^  hint' "$W/err" | head -1 | cut -c1-150 | sed 's/|/\\|/g; s/'"$(printf '%s' "$W/c/" | sed 's/[\/&.]/\\&/g')"'//g')
	lines=$(wc -l < "$W/err") bytes=$(wc -c < "$W/err")
	left=$(ls -a "$W/c/out" 2>/dev/null | grep -c '\.tmp-\|\.old-')
	left=$((left + $(ls -A "$TMPDIR" | wc -l)))
	printf '| %s | %s | `%s` (%s lines, %s bytes) | %s | %s | %s |\n' \
		"$name" "$rc" "$msg" "$lines" "$bytes" "$secs" "$((kb / 1024))" \
		"$([ "$left" = 0 ] && echo nothing || echo "$left files")"
}

echo "| hostile input | exit | first message line | s | peak MB | left behind |"
echo "|---|---:|---|---:|---:|---|"

fresh
python3 - "$W/c/sales.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
head = lines[0].split(",")
row = lines[1].split(",")
row[head.index("amount")] = "9" * 10_000_000 + "x"
lines[1] = ",".join(row)
open(sys.argv[1], "w").write("\n".join(lines))
PY
row "10 MB bad cell" run -q --no-letters -c merit.ini -p 2026-10

fresh
python3 -c 'import sys; open(sys.argv[1], "w").write(",".join("c%d" % i for i in range(1000000)) + "\n")' "$W/c/sales.csv"
row "1,000,000-column header" run -q --no-letters -c merit.ini -p 2026-10

fresh
if [ -r /etc/shadow ]; then f=/etc/shadow; else f=/etc/passwd; fi
sed -i "s|^file = sales.csv|file = $f|" "$W/c/merit.ini"
row "\`file = $f\`" run -q --no-letters -c merit.ini -p 2026-10

fresh
mv "$W/c/sales.csv" "$W/c/real.csv" && ln -s real.csv "$W/c/sales.csv"
row "symlinked export" run -q --no-letters -c merit.ini -p 2026-10

fresh
mkfifo "$W/c/fifo" && sed -i "s|^file = sales.csv|file = fifo|" "$W/c/merit.ini"
row "FIFO as export" run -q --no-letters -c merit.ini -p 2026-10

fresh
python3 -c 'import sys; open(sys.argv[1], "a").write("".join("[junk%d]\nx = 1\n" % i for i in range(10000)))' "$W/c/merit.ini"
row "10,000 unknown INI sections" run -q --no-letters -c merit.ini -p 2026-10

fresh
python3 - "$W/c/sales.csv" <<'PY'
import sys
f = open(sys.argv[1], "a")
f.write('S9,E1,won,')
chunk = "7" * (1 << 20)
for _ in range(100):
    f.write(chunk)
f.write(",2026-10-05\n")
PY
row "100 MB one-line cell" run -q --no-letters -c merit.ini -p 2026-10

fresh
python3 -c 'import sys; f = open(sys.argv[1], "w"); [f.write("x" * (1 << 20)) for _ in range(100)]' "$W/c/sales.csv"
row "100 MB without a newline" run -q --no-letters -c merit.ini -p 2026-10

fresh
python3 - "$W/c/hr.csv" <<'PY'
import sys
t = open(sys.argv[1], "rb").read().replace(b"\nE2,", b"\nE2\x00junk,", 1)
open(sys.argv[1], "wb").write(t)
PY
row "NUL inside an id" run -q --no-letters -c merit.ini -p 2026-10

fresh
sed -i "s/^E2,Bob,/E2,=cmd|' \/C calc'!A0,/" "$W/c/hr.csv"
row "\`=cmd|' /C calc'!A0\` as a name" run -q --no-letters -c merit.ini -p 2026-10
echo "|  | results.csv cell: \`$(grep '^E2,' "$W/c/out/2026-10/results.csv" | cut -d, -f2)\` |  |  |  |  |"

fresh
python3 - "$W/c/merit.ini" <<'PY'
import sys
f = open(sys.argv[1], "a")
for i in range(40000):
    f.write("[metric.m%d]\nfrom = sales\nagg = count\n" % i)
PY
row "40,000 metric sections" validate -c merit.ini -p 2026-10

fresh
cp -r "$ROOT/templates" "$W/c/tpl"
printf '\n[letters]\ntemplates = tpl\n' >> "$W/c/merit.ini"
python3 -c 'import sys; open(sys.argv[1], "a").write("\n" + "{{name}} " * 200000 + "\n")' "$W/c/tpl/letter.en.txt"
row "200,000 tags in a letter template" validate -c merit.ini -p 2026-10

fresh
(cd "$W/c" && "$MERIT" run -q --no-letters -c merit.ini -p 2026-10)
sed -i 's/^pool = .*/pool = 20000.00/' "$W/c/merit.ini"
(ulimit -f 8; row "\`ulimit -f 8\` (4 KiB files)" run -q --no-letters -c merit.ini -p 2026-10)
