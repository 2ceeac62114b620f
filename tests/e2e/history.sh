#!/bin/sh
# End-to-end test of the history ledger with the real binary: three
# consecutive months against one state/history.db (tests/fixtures/history:
# E5 reaches 50 % of target every month, so 待改进 three times in a row).
# warning_after = 2 and review_after = 3 (the defaults): the warning appears
# in the 2nd month, the role review in the 3rd; re-running a month replaces
# it in the ledger instead of counting it twice.
. tests/e2e/lib.sh

T=$(scratch history)
cp "$ROOT"/tests/fixtures/history/*.csv "$ROOT"/tests/fixtures/history/merit.ini "$T/"
ini="$T/merit.ini"
flags() { grep "^$1," "$T/out/$2/results.csv" | cut -d, -f21; }

for p in 2026-08 2026-09 2026-10; do
	run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini" -p "$p"
	[ "$rc" = 0 ] || fail "history: run $p" "rc=$rc $(head -c 300 "$T/e")"
done
if cut -d, -f1-10 "$T/out/2026-10/results.csv" | diff - "$ROOT/tests/golden/history-2026-10.results.csv" >"$T/diff"; then
	pass "results.csv equals the hand-derived golden file (tests/golden/README.md)"
else
	fail "golden results.csv" "$(head -c 600 "$T/diff")"
fi
same "1st failed month: no flag yet" "$(flags E5 2026-08)" ""
same "2nd failed month: performance warning" "$(flags E5 2026-09)" "warning"
same "3rd failed month: warning and role review" "$(flags E5 2026-10)" "warning;role_review"
same "a Qualified employee gets no negative flag" "$(flags E3 2026-10)" ""
same "3 top ratings in a row: promotion candidate" "$(flags E1 2026-10)" "promote;top_performer"

# Re-run month 2, then month 3: still one row per month, same flags.
run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini" -p 2026-09
run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini" -p 2026-10
same "re-running month 2 does not double-count" "$(flags E5 2026-10)" "warning;role_review"

run_merit "$T/hist" "$T/e" history -c "$ini" E5
if [ "$rc" = 0 ] && [ "$(grep -c '^2026-' "$T/hist")" = 3 ] &&
   grep -q '^2026-10 .*warning;role_review' "$T/hist"; then
	pass "merit history lists the three months once each, with flags"
else
	fail "merit history" "rc=$rc $(cat "$T/hist" "$T/e" | head -c 400)"
fi
run_merit "$T/hist" "$T/e" history -c "$ini" E404
if [ "$rc" != 0 ] && grep -q "E404" "$T/e"; then
	pass "merit history of an unknown employee fails naming it"
else
	fail "merit history unknown employee" "rc=$rc"
fi

# A damaged ledger: a clear error, and the file is left as it was.
printf 'this is not a database, just bytes of junk\n' > "$T/state/history.db"
sum=$(sha256sum "$T/state/history.db")
run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini" -p 2026-10
if [ "$rc" = 73 ] && grep -q 'history.db' "$T/e" && [ "$sum" = "$(sha256sum "$T/state/history.db")" ]; then
	pass "a damaged ledger: exit 73 naming it, file untouched"
else
	fail "damaged ledger" "rc=$rc $(head -c 300 "$T/e")"
fi
