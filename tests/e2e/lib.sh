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
# (points column; shares = pool * points / Σ points, floors, leftover cents
# to the largest fractional parts, ties by employee_id) must match all rows.
# alloc_check results.csv: prints the rows that differ, nothing when all
# match. A pool of 500,000.00 (the samples'); no row may be capped.
alloc_check() {
	awk -F, 'NR > 1 && $6 == "yes" { id[++n] = $1; p[n] = $19; s += $19 }
		END { for (i = 1; i <= n; i++) { x = 50000000 * p[i] / s; f = int(x)
			printf "%.9f %s %d\n", x - f, id[i], f } }' "$1" |
	sort -k1,1gr -k2,2 | awk -v F="$1" '
		{ r[NR] = $2; f[NR] = $3; tot += $3 }
		END { left = 50000000 - tot
			for (i = 1; i <= NR; i++) want[r[i]] = f[i] + (i <= left ? 1 : 0)
			FS = ","
			while ((getline line < F) > 0) {
				split(line, c, ","); if (!(c[1] in want)) continue
				split(c[10], q, "."); got = q[1] * 100 + substr(q[2] "00", 1, 2)
				if (got != want[c[1]]) printf "%s %d!=%d; ", c[1], got, want[c[1]] }
		}'
}

# letter_text OUT_PERIOD_DIR ID: a letter's text on one line (pdftotext).
letter_text() { pdftotext "$1/letters/$2.pdf" - 2>/dev/null | tr '\n' ' '; }
