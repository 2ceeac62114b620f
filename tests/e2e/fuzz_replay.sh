#!/bin/sh
# Every input the fuzzers ever crashed on (tests/fuzz/crashes/HARNESS-*)
# and every seed (tests/fuzz/corpus/HARNESS/) through the harness built
# without libFuzzer ($BUILD/tests/fuzz/HARNESS, main in tests/fuzz/replay.c):
# a fixed crash that comes back fails here, under make check with ASan/UBSan.
. tests/e2e/lib.sh
: "${BUILD:=out/build}"
T=$(scratch fuzz-replay)
for src in tests/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c)
	bin="$BUILD/tests/fuzz/$h"
	if [ ! -x "$bin" ]; then
		fail "fuzz replay $h" "$bin is not built (make test builds it)"
		continue
	fi
	set -- tests/fuzz/crashes/"$h"-*
	[ -e "$1" ] || set --
	ncrash=$#
	for f in tests/fuzz/corpus/"$h"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if [ $# = 0 ]; then
		fail "fuzz replay $h" "no saved crash input and no seed to replay"
		continue
	fi
	if TMPDIR="$T" "$bin" "$@" >"$T/o" 2>"$T/e"; then
		pass "fuzz replay $h: $ncrash saved crash input(s) and $(($# - ncrash)) seeds pass"
	else
		fail "fuzz replay $h" "exit $?: $(head -c 400 "$T/e")"
	fi
done
