# merit mail end to end: a real SMTP server on 127.0.0.1 (tests/smtp_sink.py,
# Debian's python3-aiosmtpd) that requires a login, the sample company, and
# Python's email package (tests/mail_check.py) as the independent reader.
. tests/e2e/lib.sh

PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	fail "mail: setup" "no python3 with aiosmtpd (Debian package python3-aiosmtpd)"
	exit 1
fi

W=$(workspace mail)
INI=$W/config/merit.ini
OUT=$W/out/2026-10
LETTERS=$OUT/letters
HR=$W/samples/hr.csv
INBOX=$W/inbox
PW='e2e-Pw-5b1d!x'
export MERIT_E2E_SMTP_PW="$PW"
export MERIT_MAIL_RETRY_BASE_MS=10
SUBJ_ZH='示例贸易有限公司 2026-10 绩效评估函 — {name}'
SUBJ_EN='Example Trading Co.: your performance review for 2026-10'
SINK_PID=
trap '[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null' EXIT INT TERM

# The test's own [mail] settings: a login, no TLS on loopback, no throttle.
sed -i -e 's|^; user = .*|user = merit|' \
	-e 's|^password_env = .*|password_env = MERIT_E2E_SMTP_PW|' \
	-e 's|^messages_per_minute = .*|messages_per_minute = 0|' \
	-e 's|^retries = .*|retries = 0|' "$INI"

# start_sink ARGS...: a fresh sink (into $INBOX) with [mail] url pointing at it.
start_sink() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	rm -f "$W/sink.port"
	"$PY" -W ignore "$ROOT/tests/smtp_sink.py" --dir "$INBOX" --port-file "$W/sink.port" \
		--user merit --password-env MERIT_E2E_SMTP_PW "$@" 2>"$W/sink.log" &
	SINK_PID=$!
	i=0
	while [ ! -s "$W/sink.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	sed -i "s|^url = .*|url = smtp://127.0.0.1:$(cat "$W/sink.port")|" "$INI"
}
inbox_count() { find "$INBOX" -name '*.eml' 2>/dev/null | wc -l; }
check() { "$PY" "$ROOT/tests/mail_check.py" "$@" >"$W/check.out" 2>&1; }

run_merit "$W/run.out" "$W/run.err" run -c "$INI"
expect "mail: merit run on the samples" 0 "$W/run.err" || exit 1
N=$(ls "$LETTERS" | grep -c '\.pdf$')

# --dry-run: .eml files (0600) that Python parses, with the right letters;
# nothing sent, nothing recorded.
run_merit "$W/dry.out" "$W/dry.err" mail -c "$INI" --dry-run
if [ "$rc" = 0 ] && check "$OUT/mail" "$LETTERS" "$HR" --subject-zh "$SUBJ_ZH" --subject-en "$SUBJ_EN" &&
   [ "$(ls "$OUT/mail" | grep -c '\.eml$')" = "$N" ] &&
   [ "$(find "$OUT/mail" -name '*.eml' ! -perm 0600 | wc -l)" = 0 ]; then
	pass "mail: --dry-run writes $N parseable private .eml files"
else
	fail "mail: --dry-run" "exit $rc; $(head -c 400 "$W/dry.err"; head -5 "$W/check.out")"
fi
cp "$OUT/mail/E1001.eml" "$W/E1001.first.eml"
run_merit "$W/dry2.out" "$W/dry2.err" mail -c "$INI" --dry-run
if cmp -s "$OUT/mail/E1001.eml" "$W/E1001.first.eml"; then
	pass "mail: --dry-run .eml files are reproducible"
else
	fail "mail: --dry-run reproducible" "E1001.eml differs between two dry runs"
fi
SQL_COUNT="import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1]).execute('select count(*) from mail_sent').fetchone()[0])
except Exception: print(0)"
if [ "$("$PY" -c "$SQL_COUNT" "$W/state/history.db")" = 0 ]; then
	pass "mail: --dry-run records nothing in the ledger"
else
	fail "mail: --dry-run" "mail_sent has rows"
fi

# A server that refuses the 3rd message: non-zero exit naming the employee,
# the address and the server's reply; everything else delivered.
start_sink --fail 3:554
run_merit "$W/m1.out" "$W/m1.err" mail -c "$INI"
if [ "$rc" = 75 ] && grep -q '@example-trading.cn>: error: not sent (1 attempt): 554' "$W/m1.err" &&
   [ "$(inbox_count)" = $((N - 1)) ]; then
	pass "mail: a refused message fails the run (75) with the SMTP reply"
else
	fail "mail: refused message" "exit $rc, $(inbox_count) of $((N - 1)); $(head -c 600 "$W/m1.err")"
fi

# Running again sends only what was missing: one message per employee, to
# their own HR address, carrying their own letter; Chinese subjects decode.
run_merit "$W/m2.out" "$W/m2.err" mail -c "$INI"
if [ "$rc" = 0 ] && grep -q "1 sent, $((N - 1)) already sent, 0 failed" "$W/m2.out" &&
   check "$INBOX" "$LETTERS" "$HR" --envelope --subject-zh "$SUBJ_ZH" --subject-en "$SUBJ_EN"; then
	pass "mail: second run completes: exactly one message per employee, own address, own letter"
else
	fail "mail: second run" "exit $rc; $(head -c 300 "$W/m2.err"; cat "$W/m2.out"; head -5 "$W/check.out")"
fi

run_merit "$W/m3.out" "$W/m3.err" mail -c "$INI"
if [ "$rc" = 0 ] && [ "$(inbox_count)" = "$N" ]; then
	pass "mail: a re-run sends nothing"
else
	fail "mail: re-run" "exit $rc, $(inbox_count) messages, want $N"
fi

# A letter that changed after it was mailed: reported, resent only on request.
E=E1002
printf '%% corrected\n' >>"$LETTERS/$E.pdf"
run_merit "$W/m4.out" "$W/m4.err" mail -c "$INI"
expect "mail: a changed letter is not resent without --resend" 65 "$W/m4.err" \
	"$E <li.na@example-trading.cn>: error: letter changed since it was sent on .*use --resend"
[ "$(inbox_count)" = "$N" ] || fail "mail: changed letter" "a message was sent"
run_merit "$W/m5.out" "$W/m5.err" mail -c "$INI" --resend --only "$E"
if [ "$rc" = 0 ] && check "$INBOX" "$LETTERS" "$HR" --envelope --count $((N + 1)); then
	pass "mail: --resend --only sends the changed letter once more"
else
	fail "mail: --resend" "exit $rc; $(head -c 300 "$W/m5.err"; head -5 "$W/check.out")"
fi

# A missing letter names the path and says what to run.
mv "$LETTERS/E1003.pdf" "$W/E1003.pdf.away"
run_merit "$W/m6.out" "$W/m6.err" mail -c "$INI" --only E1003
expect "mail: a missing letter is an error naming the file" 66 "$W/m6.err" \
	"out/2026-10/letters/E1003.pdf' cannot be read" "merit run -p 2026-10"
mv "$W/E1003.pdf.away" "$LETTERS/E1003.pdf"

# The password (given in the environment) appears nowhere.
if grep -r -a -l -F -- "$PW" "$W"/*.out "$W"/*.err "$W/out" "$W/state" "$INBOX" "$INI" 2>/dev/null |
   grep -q .; then
	fail "mail: password secrecy" "found in $(grep -r -a -l -F -- "$PW" "$W" | head -3)"
else
	pass "mail: the SMTP password appears in no output, log, message or state file"
fi

# A wrong password stops the run at once (every message would fail alike).
printf '%% corrected\n' >>"$LETTERS/E1001.pdf"
MERIT_E2E_SMTP_PW=wrong-one
run_merit "$W/m7.out" "$W/m7.err" mail -c "$INI" --resend
MERIT_E2E_SMTP_PW=$PW
if [ "$rc" = 75 ] && grep -q 'E1001 <wang.jianguo@example-trading.cn>: error: not sent' "$W/m7.err" &&
   [ "$(grep -c ': error: ' "$W/m7.err")" = 1 ] &&
   ! grep -q -F 'wrong-one' "$W/m7.err" "$W/m7.out"; then
	pass "mail: a refused login fails without echoing the password"
else
	fail "mail: wrong password" "exit $rc; $(head -c 400 "$W/m7.err")"
fi

# An employee without a usable email address is an error line, not skipped.
W2=$(workspace mail-bad-address)
iconv -f gb18030 -t utf-8 "$W2/samples/hr.csv" |
	sed 's/,zhang.wei@example-trading.cn,/,zhang.wei.example-trading.cn,/' |
	iconv -f utf-8 -t gb18030 >"$W2/hr.tmp" && mv "$W2/hr.tmp" "$W2/samples/hr.csv"
run_merit "$W2/run.out" "$W2/run.err" run -c "$W2/config/merit.ini"
run_merit "$W2/dry.out" "$W2/dry.err" mail -c "$W2/config/merit.ini" --dry-run
expect "mail: an employee without a valid email is reported" 65 "$W2/dry.err" \
	"E1003 <zhang.wei.example-trading.cn>: error: no valid HR email address"
