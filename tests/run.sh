#!/bin/sh
# Runs every cmocka unit test binary and every end-to-end script, then prints
# one closing line "N passed, N failed". Exit status 1 if anything failed.
#   MERIT=out/build/merit BUILD=out/build sh tests/run.sh
# E2E scripts (tests/e2e/*.sh) and the cases kept as data (tests/cases/run.sh,
# one folder per case) print "PASS: name" / "FAIL: name: why" lines.
set -u
: "${BUILD:=out/build}" "${MERIT:=$BUILD/merit}"
export MERIT BUILD
# A private scratch folder per run, so two test runs never clobber each
# other; kept (and named) only when something failed.
mkdir -p out
MERIT_TESTS_TMP=${MERIT_TESTS_TMP:-$(mktemp -d "$(pwd)/out/test-tmp.XXXXXX")}
export MERIT_TESTS_TMP
mkdir -p "$MERIT_TESTS_TMP"
passed=0 failed=0
log="$MERIT_TESTS_TMP/run.log"

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $t exited $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
done

for s in tests/e2e/*.sh tests/cases/run.sh; do
	[ -f "$s" ] || continue
	case "$s" in */lib.sh) continue ;; esac
	[ -n "${MERIT_TEST_FULL:-}" ] || case "$s" in */full_*) continue ;; esac
	echo "== $s"
	sh "$s" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $s exited $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
done

if [ "$failed" = 0 ]; then
	rm -rf "$MERIT_TESTS_TMP"
else
	echo "scratch files kept in $MERIT_TESTS_TMP"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
