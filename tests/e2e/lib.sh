# Shared helpers for the end-to-end scripts (sourced). Each check prints one
# "PASS: name" or "FAIL: name: why" line; tests/run.sh counts them.
: "${MERIT:=out/build/merit}" "${MERIT_TESTS_TMP:=$(pwd)/out/test-tmp}"
MERIT=$(cd "$(dirname "$MERIT")" && pwd)/$(basename "$MERIT")
# The test build (-DMERIT_TESTING): the same program plus MERIT_FAULT kill
# points (src/util/fault.h), for the tests that kill a run on purpose.
: "${MERIT_TESTING_BIN:=$(dirname "$MERIT")/merit-test}"
ROOT=$(pwd)
export MERIT_TODAY=2026-11-15

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
# same NAME GOT WANTED: passes when the two strings are equal
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi
}
# python_with MODULE: prints a python3 that can import MODULE, or nothing
python_with() {
	for _p in /usr/bin/python3 python3; do
		if "$_p" -c "import $1" 2>/dev/null; then echo "$_p"; return; fi
	done
}

# A fresh scratch folder for one test: T=$(scratch name)
scratch() {
	d="$MERIT_TESTS_TMP/$1"
	rm -rf "$d" && mkdir -p "$d" && echo "$d"
}

# run_merit OUT ERR ARGS...: runs the binary, sets $rc
run_merit() {
	_out=$1 _err=$2
	shift 2
	"$MERIT" "$@" >"$_out" 2>"$_err"
	rc=$?
}

# expect NAME CODE STDERR_FILE [grep pattern...]: exit code and message lines
expect() {
	_name=$1 _code=$2 _errf=$3
	shift 3
	if [ "$rc" != "$_code" ]; then
		fail "$_name" "exit $rc, wanted $_code; stderr: $(head -c 600 "$_errf")"
		return 1
	fi
	for _pat in "$@"; do
		if ! grep -q -- "$_pat" "$_errf"; then
			fail "$_name" "stderr lacks '$_pat'; got: $(head -c 600 "$_errf")"
			return 1
		fi
	done
	pass "$_name"
}

# A copy of config/ + samples/ + templates/ in a scratch folder, so a test
# may edit them: W=$(workspace name); config at $W/config/merit.ini
workspace() {
	d=$(scratch "$1")
	cp -r "$ROOT/config" "$ROOT/samples" "$ROOT/templates" "$d/"
	echo "$d"
}

# An independent largest-remainder allocation over every eligible employee
# on exact points (SPEC 9: nothing rounded before the cents; issue 15 item
# 15), in Python fractions: points = base_salary x value_coefficient x
# multiplier x days / days in the period. results.csv shows points to 4
# decimals only, so the multiplier is recovered from them as the nearest
# fraction with a denominator up to 100 (1.5, 1.0, 0: the error of 4
# decimals on points in the thousands is far below 1/100^2), and the days in
# the period from the proration. Shares = pool x points / sum of points,
# floors, leftover cents to the largest remainders, ties by employee_id.
# alloc_check results.csv: prints "ok" when every eligible row matches,
# else the rows that differ (a crash or no eligible row is never "ok").
# A pool of 500,000.00 (the samples'); no row may be capped.
alloc_check() {
	python3 - "$1" <<'PY'
import csv, sys
from fractions import Fraction as F
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["eligible"] == "yes"]
if not rows:
    sys.exit("no eligible rows")
pts = {}
for r in rows:
    sal, coef, days = F(r["base_salary"]), F(r["value_coefficient"]), int(r["in_scope_days"])
    shown = F(r["points"])
    if days == 0 or shown == 0:
        continue
    ndays = round(days / float(r["proration"]))
    mult = (shown / (sal * coef * F(days, ndays))).limit_denominator(100)
    pts[r["employee_id"]] = sal * coef * mult * F(days, ndays)
pool, W = 50000000, sum(pts.values())
share = {k: pool * v / W for k, v in pts.items()}
want = {k: int(v) for k, v in share.items()}
left = pool - sum(want.values())
for k in sorted(share, key=lambda k: (-(share[k] - int(share[k])), k))[:left]:
    want[k] += 1
bad = 0
for r in rows:
    got = round(F(r["bonus"]) * 100)
    if got != want.get(r["employee_id"], 0):
        bad = 1
        print("%s %d!=%d;" % (r["employee_id"], got, want.get(r["employee_id"], 0)), end=" ")
if not bad:
    print("ok")
PY
}

# letter_text OUT_PERIOD_DIR ID: a letter's text on one line (pdftotext).
letter_text() { pdftotext "$1/letters/$2.pdf" - 2>/dev/null | tr '\n' ' '; }
