#!/bin/sh
# End-to-end tests of the command line: exit codes and messages for the
# failures cron and people meet, atomic output, the run lock, quiet runs.
. tests/e2e/lib.sh

# --- usage ---------------------------------------------------------------
T=$(scratch cli-usage)
run_merit "$T/out" "$T/err" --version
if [ "$rc" = 0 ] && grep -q '^merit [0-9]' "$T/out"; then pass "--version"; else fail "--version" "rc=$rc"; fi
run_merit "$T/out" "$T/err" --help
if [ "$rc" = 0 ] && grep -q 'merit run' "$T/out" && grep -q '75 another run' "$T/out"; then
	pass "--help lists commands and exit codes"; else fail "--help" "rc=$rc"; fi
# Usage errors (unknown command, no -c, bad period) are cases with their
# exact stderr: tests/cases/usage-*.

# --- a good run, quiet and complete --------------------------------------
W=$(workspace cli-good)
run_merit "$W/stdout" "$W/stderr" run -q -c "$W/config/merit.ini"
if [ "$rc" = 0 ] && [ ! -s "$W/stdout" ] && [ ! -s "$W/stderr" ]; then
	pass "run -q on the samples: exit 0, nothing on stdout or stderr"
else
	fail "run -q on the samples" "rc=$rc stderr: $(head -c 800 "$W/stderr")"
fi
run_merit "$W/stdout2" "$W/stderr2" run -c "$W/config/merit.ini"
if [ "$rc" = 0 ] && [ ! -s "$W/stdout2" ] && [ ! -s "$W/stderr2" ]; then
	pass "run (cron style, not a TTY) is silent on success"
else
	fail "run silent on success" "rc=$rc stderr: $(head -c 800 "$W/stderr2")"
fi
R="$W/out/2026-10"
for f in results.csv merit-2026-10.xlsx manifest.json; do
	if [ -s "$R/$f" ]; then pass "output $f exists"; else fail "output $f" "missing in $R"; fi
done
if /usr/bin/python3 "$ROOT/tests/letters_check.py" "$R" "$W/config/merit.ini" >"$W/lc.out" 2>&1; then
	pass "every sample letter: name, rating, bonus, KPI labels, 0600, qpdf --check, embedded font ($(tail -1 "$W/lc.out"))"
else
	fail "sample letters" "$(head -c 600 "$W/lc.out")"
fi
if [ "$(stat -c %a "$R/results.csv")" = 600 ] && [ "$(stat -c %a "$R/merit-2026-10.xlsx")" = 600 ]; then
	pass "files holding pay are 0600"
else
	fail "files holding pay are 0600" "$(stat -c '%a %n' "$R"/*)"
fi
if head -1 "$R/results.csv" | grep -q '^employee_id,name,department,role,proration,eligible,raw_score,norm_score,rating,bonus'; then
	pass "results.csv starts with the fixed columns"
else
	fail "results.csv fixed columns" "$(head -1 "$R/results.csv" | cut -c1-200)"
fi
if ls -a "$W/out" | grep -q '\.tmp-'; then fail "no temporary folder left" "$(ls -a "$W/out")"; else pass "no temporary folder left"; fi

# --- a progress bar, but only on a terminal (script(1) gives the run a TTY) ----
if ! command -v script >/dev/null || ! script -qec true /dev/null >/dev/null 2>&1; then
	echo "SKIP: progress bar on a TTY (no script(1) or no pseudo-terminal here; not counted)"
else
	script -qec "$MERIT run -c $W/config/merit.ini -o $W/tty-out" "$W/tty.log" >/dev/null 2>&1
	# 60 letters and 9 team packs (the sample's managers), one bar.
	if grep -q '\[5/5\] writing letters' "$W/tty.log" && grep -q 'letters \[#*\] 69/69' "$W/tty.log"; then
		pass "on a terminal the run shows its stages and a letters progress bar"
	else
		fail "progress bar on a TTY" "$(head -c 300 "$W/tty.log")"
	fi
fi

# --- byte-identical re-run -------------------------------------------------
sha_before=$(cd "$R" && find . -type f ! -name manifest.json -print0 | sort -z | xargs -0 sha256sum | sha256sum)
run_merit "$W/stdout3" "$W/stderr3" run -q -c "$W/config/merit.ini"
sha_after=$(cd "$R" && find . -type f ! -name manifest.json -print0 | sort -z | xargs -0 sha256sum | sha256sum)
if [ "$rc" = 0 ] && [ "$sha_before" = "$sha_after" ]; then
	pass "the same inputs give byte-identical outputs"
else
	fail "byte-identical outputs" "rc=$rc"
fi
SOURCE_DATE_EPOCH=1793491200 "$MERIT" run -q -c "$W/config/merit.ini" -o "$W/sde1" && \
SOURCE_DATE_EPOCH=1793491200 "$MERIT" run -q -c "$W/config/merit.ini" -o "$W/sde2"
if diff -r "$W/sde1/2026-10" "$W/sde2/2026-10" >/dev/null; then
	pass "with SOURCE_DATE_EPOCH the whole folder, manifest included, is identical"
else
	fail "SOURCE_DATE_EPOCH reproducibility" "$(diff -rq "$W/sde1/2026-10" "$W/sde2/2026-10" | head -3)"
fi

# --- a failing run leaves the earlier output untouched ---------------------
sha_good=$(sha256sum "$R/results.csv")
cp "$W/samples/sales.csv" "$W/sales.good"
# Line 3 gets an amount that is not a number.
awk 'NR==3 { sub(/"¥[0-9,.]*"/, "\"12,5x\"") } { print }' "$W/sales.good" > "$W/samples/sales.csv"
run_merit "$W/o" "$W/e" run -c "$W/config/merit.ini"
# the message itself: tests/cases/csv-bad-amount
expect "bad number: exit 65" 65 "$W/e"
if [ "$sha_good" = "$(sha256sum "$R/results.csv")" ] && ! ls -a "$W/out" | grep -q '\.tmp-'; then
	pass "a failed run leaves the previous output untouched"
else
	fail "failed run leaves output" "changed or temp left: $(ls -a "$W/out")"
fi
cp "$W/sales.good" "$W/samples/sales.csv"

# --- a failure while rendering (after the temporary folder exists) -----------
cp -r "$W/templates" "$W/templates.good"
printf 'Dear {{name}},\n{{#warning}}\nno closing tag\n' > "$W/templates/letter.en.txt"
run_merit "$W/o" "$W/e" run -c "$W/config/merit.ini"
expect "template error while rendering: exit 78 with file:line" 78 "$W/e" "letter.en.txt:2:"
if [ "$sha_good" = "$(sha256sum "$R/results.csv")" ] && ! ls -a "$W/out" | grep -q '\.tmp-'; then
	pass "a run failing while rendering leaves the previous output untouched, no temp left"
else
	fail "render failure leaves output" "$(ls -a "$W/out")"
fi
rm -rf "$W/templates" && mv "$W/templates.good" "$W/templates"

# --- killed at the worst moments (fault injection) ----------------------------
cp "$W/config/merit.ini" "$W/merit.ini.keep"
sed 's/^pool *=.*/pool = 400000.00/' "$W/merit.ini.keep" > "$W/config/merit.ini"
ledger_sum=$(sha256sum "$W/state/history.db")
for point in before-ledger before-publish; do
	MERIT_FAULT=$point "$MERIT_TESTING_BIN" run -q -c "$W/config/merit.ini" >"$W/o" 2>"$W/e"
	rc=$?
	if [ "$rc" = 137 ] && [ "$sha_good" = "$(sha256sum "$R/results.csv")" ] &&
	   ls -a "$W/out" | grep -q '\.tmp-'; then
		pass "killed $point: previous output untouched (the temp folder is left)"
	else
		fail "killed $point" "rc=$rc $(ls -a "$W/out")"
	fi
	if [ "$point" = before-ledger ]; then
		if [ "$ledger_sum" = "$(sha256sum "$W/state/history.db")" ]; then
			pass "killed before the ledger transaction: ledger unchanged"
		else
			fail "killed before ledger" "history.db changed"
		fi
	fi
done
run_merit "$W/o" "$W/e" run -q -c "$W/config/merit.ini"
if [ "$rc" = 0 ] && ! ls -a "$W/out" | grep -q '\.tmp-' && grep -q ',' "$R/results.csv" &&
   [ "$(awk -F, 'NR > 1 { split($10, m, "."); c += m[1] * 100 + m[2] } END { print c }' "$R/results.csv")" = 40000000 ]; then
	pass "the next run removes the killed runs' temp folders and publishes (pool 400000.00)"
else
	fail "run after kills" "rc=$rc $(ls -a "$W/out")"
fi
cp "$W/merit.ini.keep" "$W/config/merit.ini"
"$MERIT" run -q -c "$W/config/merit.ini"
sha_good=$(sha256sum "$R/results.csv")

# Missing input file, missing column, unknown INI key: tests/cases/
# (input-file-missing, csv-missing-column, ini-unknown-key).

# --- GB18030 HR export is read (the samples' hr.csv is GB18030) --------------
if iconv -f utf-8 -t utf-8 "$W/samples/hr.csv" >/dev/null 2>&1; then
	fail "samples hr.csv is GB18030" "it decodes as UTF-8"
elif ! iconv -f gb18030 -t utf-8 "$W/samples/hr.csv" | grep -q '^E1001,王建国,'; then
	fail "samples hr.csv is GB18030" "E1001 王建国 not found after iconv"
elif grep -q '^E1001,王建国,销售一部,sales,' "$R/results.csv"; then
	pass "GB18030 HR export (Chinese headers) decodes to UTF-8 names and departments"
else
	fail "GB18030 HR export" "E1001 row: $(grep '^E1001' "$R/results.csv" | cut -c1-80)"
fi

# --- concurrent run: the second exits 75 ----------------------------------------
( flock "$W/out/.merit.lock" sleep 3 ) &
lockpid=$!
sleep 0.5
run_merit "$W/o" "$W/e" run -c "$W/config/merit.ini"
expect "a second concurrent run exits 75" 75 "$W/e" "another merit run holds the lock"
wait $lockpid

# --- control bytes quoted from the user never reach the terminal raw ---------
esc=$(printf '\033[31mE9')
run_merit "$W/o" "$W/e" explain -c "$W/config/merit.ini" "$esc"
if [ "$rc" = 64 ] && grep -qF '\x1b[31mE9' "$W/e" && ! grep -q "$(printf '\033')" "$W/e"; then
	pass "control bytes in messages are shown as \\xNN"
else
	fail "control bytes escaped" "rc=$rc $(od -c "$W/e" | head -3)"
fi

# --- validate changes nothing ----------------------------------------------------
V=$(workspace cli-validate)
run_merit "$V/o" "$V/e" validate -c "$V/config/merit.ini"
if [ "$rc" = 0 ] && [ ! -e "$V/out/2026-10" ] && [ ! -e "$V/state/history.db" ]; then
	pass "validate writes nothing"
else
	fail "validate writes nothing" "rc=$rc $(cat "$V/e" | head -5)"
fi
