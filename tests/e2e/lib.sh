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
