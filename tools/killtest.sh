#!/bin/sh
# killtest: SIGKILLs `merit run` at random moments and checks, every time,
# the promises of README "Guarantees" (issue 15):
#   - out/<period>/ is the previous complete output or the new complete one
#     (whole-folder hash, SOURCE_DATE_EPOCH makes both reproducible);
#   - the ledger agrees with the published output after the next command
#     (same run id as manifest.json, same bonus cents per employee as
#     results.csv), and `pragma integrity_check` says ok;
#   - the next run succeeds and publishes the complete new output, leaving
#     no temporary folder in out/ and no file in the run's $TMPDIR.
# Slow (one complete run per kill): not part of `make test`.
#
#   sh tools/killtest.sh [-n KILLS] [-e EMPLOYEES] [-s SALES] [-j JOBS]
#                        [--no-letters] [--seed N] [--keep]
# Defaults: 100 kills of a 3,000-employee company with letters.
# Prints one line per kill and a summary (the figures in docs/HARDENING.md).
set -u
kills=100 emps=3000 sales=30000 jobs=2 letters="" seed=1 keep=""
while [ $# -gt 0 ]; do
	case $1 in
	-n) kills=$2; shift ;;
	-e) emps=$2; shift ;;
	-s) sales=$2; shift ;;
	-j) jobs=$2; shift ;;
	--no-letters) letters=--no-letters ;;
	--seed) seed=$2; shift ;;
	--keep) keep=1 ;;
	*) echo "usage: $0 [-n KILLS] [-e EMPLOYEES] [-s SALES] [-j JOBS] [--no-letters] [--seed N] [--keep]" >&2; exit 64 ;;
	esac
	shift
done
: "${BUILD:=out/build}" "${MERIT:=$BUILD/merit}"
MERIT=$(cd "$(dirname "$MERIT")" && pwd)/$(basename "$MERIT")
GEN=$(cd "$BUILD/tools" && pwd)/gencompany
[ -x "$MERIT" ] && [ -x "$GEN" ] || { echo "killtest: build first (make)" >&2; exit 69; }

W=$(mktemp -d "${TMPDIR:-/tmp}/merit-killtest.XXXXXX")
[ -n "$keep" ] || trap 'rm -rf "$W"' EXIT
"$GEN" -e "$emps" -s "$sales" "$W/co" >/dev/null || exit 1
cd "$W/co" || exit 1
mkdir -p "$W/tmp"
export SOURCE_DATE_EPOCH=1700000000 TMPDIR="$W/tmp"
ini=merit.ini
cp "$ini" a.ini
sed 's/^pool = .*/pool = 400000.00/' a.ini > b.ini
period=$(sed -n 's/^period *= *//p' a.ini | head -1)
[ -n "$period" ] || period=2026-10
R="out/$period"
run() { "$MERIT" run -q $letters -j "$jobs" -c "$ini" -p "$period"; }
folder_hash() { (cd "$R" 2>/dev/null && find . -type f ! -path './mail/*' | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -c1-16); }
agrees() {
	python3 - state/history.db "$R" "$period" <<'PY'
import csv, json, sqlite3, sys
db, folder, period = sys.argv[1:4]
con = sqlite3.connect(db)
ic = con.execute("pragma integrity_check").fetchone()[0]
if ic != "ok":
    print("integrity_check: " + ic); sys.exit()
rows = dict(con.execute("select employee_id, bonus_cents from results where period = ?", (period,)))
runs = {r[0] for r in con.execute("select run_id from results where period = ?", (period,))}
run_id = json.load(open(folder + "/manifest.json"))["run_id"]
pub = {r["employee_id"]: round(float(r["bonus"]) * 100) for r in csv.DictReader(open(folder + "/results.csv"))}
pub = {k: v for k, v in pub.items() if k in rows or v}
print("ok" if runs == {run_id} and rows == pub else "ledger %s vs published %s" % (sorted(runs), run_id))
PY
}
now_ms() { date +%s%3N; }

# The two reference outputs, and how long a complete run takes.
for v in b a; do
	cp "$v.ini" "$ini"
	t0=$(now_ms); run || { echo "killtest: reference run $v failed" >&2; exit 1; }
	eval "ms_$v=\$((\$(now_ms) - t0))"
	eval "hash_$v=\$(folder_hash)"
done
[ "$hash_a" != "$hash_b" ] || { echo "killtest: the two configs give the same output" >&2; exit 1; }
echo "killtest: $emps employees, $sales sales rows, letters: ${letters:-yes}, -j $jobs;" \
     "a complete run takes ${ms_a} ms; load $(cut -d' ' -f1-3 /proc/loadavg)"

ok=0 bad=0 was_old=0 was_new=0 pending=0 finished=0 i=1 cur=a
awk_rand() { awk -v s="$1" -v n="$2" 'BEGIN { srand(s); print int(rand() * n) }'; }
while [ "$i" -le "$kills" ]; do
	if [ "$cur" = a ]; then next=b; else next=a; fi
	eval "old=\$hash_$cur new=\$hash_$next"
	cp "$next.ini" "$ini"
	# A moment anywhere in the run, up to 10 % past its usual length.
	delay=$(awk_rand "$((seed * 1000 + i))" "$((ms_a * 11 / 10))")
	"$MERIT" run -q $letters -j "$jobs" -c "$ini" -p "$period" 2>/dev/null & pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	why=""
	got=$(folder_hash)
	if [ "$got" = "$old" ]; then state=old; was_old=$((was_old + 1));
	elif [ "$got" = "$new" ]; then state=new; was_new=$((was_new + 1));
	else state=MIXED; why="$why output is neither complete one;"; fi
	[ "$rc" = 0 ] && finished=$((finished + 1))
	p=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from pending_runs").fetchone()[0])' state/history.db 2>/dev/null || echo 0)
	[ "$p" != 0 ] && pending=$((pending + 1))
	# The next command (a reader) settles what the dead run left.
	"$MERIT" history -c "$ini" "$(sed -n '2s/,.*//p' hr.csv)" >/dev/null 2>&1
	a=$(agrees); [ "$a" = ok ] || why="$why $a;"
	t0=$(now_ms)
	if run; then :; else why="$why next run failed;"; fi
	next_ms=$(($(now_ms) - t0))
	[ "$(folder_hash)" = "$new" ] || why="$why next run's output is not the new one;"
	a=$(agrees); [ "$a" = ok ] || why="$why after the next run: $a;"
	if ls -a out | grep -q '\.tmp-\|\.old-'; then why="$why temporary folder left;"; fi
	if [ -n "$(ls -A "$TMPDIR")" ]; then why="$why files left in TMPDIR: $(ls "$TMPDIR" | head -3);"; fi
	if [ -z "$why" ]; then ok=$((ok + 1)); res=ok; else bad=$((bad + 1)); res="FAIL:$why"; fi
	echo "kill $i at ${delay} ms: rc=$rc output=$state pending_left=$p next_run=${next_ms}ms $res"
	cur=$next
	i=$((i + 1))
done
echo "killtest: $kills kills: $ok ok, $bad failed; output old $was_old, new $was_new;" \
     "pending rows left by the kill $pending (settled by the next command);" \
     "run finished before the kill $finished; load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$bad" = 0 ]
