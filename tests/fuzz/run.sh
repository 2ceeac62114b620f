#!/bin/sh
# Runs each libFuzzer harness for SECONDS on its seed corpus.
#   sh tests/fuzz/run.sh SECONDS [NAME...]     (default: every harness)
#
# Seeds are read from tests/fuzz/corpus/NAME/ (committed, never written);
# what the fuzzer learns goes to out/fuzz/corpus/NAME/, which later runs
# start from. A crash, leak, UB or failed invariant stops that harness and
# leaves the input as out/fuzz/artifacts/NAME-crash-*; reproduce it with
#   out/build-fuzz/NAME out/fuzz/artifacts/NAME-crash-...
# and keep it under tests/fuzz/crashes/ once reported or fixed.
# Build first: make -f tests/fuzz/Makefile.fuzz
set -u
secs=${1:?usage: run.sh SECONDS [NAME...]}
shift
names=${*:-fuzz_csv fuzz_num fuzz_ini fuzz_template fuzz_xlsx}
bin=${FBUILD:-out/build-fuzz}
out=out/fuzz
here=$(dirname "$0")
failed=""
for n in $names; do
	[ -x "$bin/$n" ] || { echo "run.sh: $bin/$n is not built" >&2; exit 2; }
	mkdir -p "$out/corpus/$n" "$out/artifacts"
	dict=""
	[ -f "$here/$n.dict" ] && dict="-dict=$here/$n.dict"
	echo "== $n: ${secs}s" >&2
	# shellcheck disable=SC2086
	if ! "$bin/$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$n-" $dict \
		"$out/corpus/$n" "$here/corpus/$n" >"$out/$n.log" 2>&1; then
		failed="$failed $n"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|artifact_prefix|Test unit written)' \
			"$out/$n.log" >&2
	fi
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+.*DONE' "$out/$n.log" >&2
done
if [ -n "$failed" ]; then
	echo "run.sh: failed:$failed (logs in $out/)" >&2
	exit 1
fi
