#!/bin/sh
# valgrind --leak-check=full on a full run of the samples (letters included,
# -j 1 so every allocation is on one thread). Part of `make check`.
#   sh tests/valgrind.sh out/build/merit
set -eu
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/merit-vg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -r config samples templates "$tmp/"
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (apt-get install valgrind)" >&2
	exit 1
fi
rc=0
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
	--log-file="$tmp/vg.log" "$bin" run -q -j 1 -c "$tmp/config/merit.ini" || rc=$?
if [ -s "$tmp/vg.log" ]; then
	cat "$tmp/vg.log"
fi
if [ "$rc" != 0 ] || grep -q 'ERROR SUMMARY: [1-9]' "$tmp/vg.log"; then
	echo "valgrind: FAILED (exit $rc)"
	exit 1
fi
echo "valgrind: no leaks, no errors"
