#!/bin/sh
# Shards (SPEC 12, issue 14): `merit letters --shard K/N` as concurrent
# processes into one output folder, one of them killed with SIGKILL and run
# again, give the same letters and team packs, byte for byte, as a
# one-machine `merit run`; `merit mail --shard K/N` against the loopback
# SMTP sink sends every employee exactly one message, and the next
# `merit mail` merges the shards' journals into the ledger.
. tests/e2e/lib.sh

G=$(scratch shards)
"$BUILD/tools/gencompany" -e 300 -s 3000 -p 2026-10 -c "$ROOT/config/merit.ini" "$G/co" \
	>/dev/null 2>&1 || { fail "shards: gencompany" "exit $?"; exit 1; }
INI=$G/co/merit.ini
sed -i "s|^output_dir = .*|output_dir = $G/out|; s|^state_dir = .*|state_dir = $G/state|" "$INI"

# The one-machine reference, with its own output and ledger.
cp "$INI" "$G/co/one.ini"
sed -i "s|^output_dir = .*|output_dir = $G/one|; s|^state_dir = .*|state_dir = $G/one-state|" \
	"$G/co/one.ini"
run_merit "$G/one.out" "$G/one.err" run -c "$G/co/one.ini" -p 2026-10 -j 2
expect "shards: one-machine merit run" 0 "$G/one.err" || exit 1

run_merit "$G/nl.out" "$G/nl.err" run -c "$INI" -p 2026-10 --no-letters
expect "shards: merit run --no-letters publishes the period" 0 "$G/nl.err" || exit 1

# Before any shard: usage errors and a clear message.
# (--shard 3/3: tests/cases/usage-shard-out-of-range)
env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_ID "$MERIT" letters -c "$INI" -p 2026-10 \
	--shard auto >"$G/a.out" 2>"$G/a.err"
rc=$?
expect "shards: --shard auto outside a job runner is a usage error" 64 "$G/a.err" \
	"neither JOB_COMPLETION_INDEX"

SH=$G/out/2026-10/shards
# Three shards at once; shard 1 is killed (SIGKILL) once it has written a
# few letters, then run again.
"$MERIT" letters -c "$INI" -p 2026-10 --shard 0/3 -j 1 >"$G/s0.out" 2>"$G/s0.err" &
P0=$!
"$MERIT" letters -c "$INI" -p 2026-10 --shard 1/3 -j 1 >"$G/s1.out" 2>"$G/s1.err" &
P1=$!
"$MERIT" letters -c "$INI" -p 2026-10 --shard 2/3 -j 1 >"$G/s2.out" 2>"$G/s2.err" &
P2=$!
i=0
while [ "$(cat "$SH/letters-1-of-3.record" 2>/dev/null | wc -l)" -lt 6 ] && [ $i -lt 600 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -KILL $P1 2>/dev/null
wait $P1
k1=$?
wait $P0; r0=$?
wait $P2; r2=$?
run_merit "$G/st.out" "$G/st.err" status -c "$INI" -p 2026-10
if [ "$rc" = 0 ] && grep -q '^shards: 2 of 3 complete (0, 2); not complete: 1$' "$G/st.out"; then
	pass "shards: merit status: 2 of 3 complete, 1 not"
else
	fail "shards: merit status after the kill" "exit $rc: $(cat "$G/st.out" "$G/st.err" | head -c 400)"
fi
KEPT=$(($(wc -l <"$SH/letters-1-of-3.record") - 1))
if [ "$k1" = 137 ] && [ ! -e "$SH/letters-1-of-3.done" ] && [ "$r0" = 0 ] && [ "$r2" = 0 ] &&
   [ -e "$SH/letters-0-of-3.done" ] && [ -e "$SH/letters-2-of-3.done" ]; then
	pass "shards: 0/3 and 2/3 complete, 1/3 killed by SIGKILL after $KEPT documents (no .done)"
else
	fail "shards: concurrent shards" "exit 0:$r0 1:$k1 2:$r2; $(ls "$SH"); $(head -c 300 "$G/s0.err")"
fi
# Every letter under its own name is whole (written beside it, then renamed).
PARTIAL=$(for f in "$G/out/2026-10/letters"/*.pdf; do tail -c 6 "$f" | grep -q '%%EOF' || echo "$f"; done)
if [ -z "$PARTIAL" ]; then
	pass "shards: after the kill every letter under its name is whole (ends in %%EOF)"
else
	fail "shards: half-written letter" "$PARTIAL"
fi
run_merit "$G/s1b.out" "$G/s1b.err" letters -c "$INI" -p 2026-10 --shard 1/3 -j 1
if [ "$rc" = 0 ] && [ -e "$SH/letters-1-of-3.done" ] &&
   grep -q "kept from an earlier try" "$G/s1b.out" && ! grep -q " 0 kept" "$G/s1b.out"; then
	pass "shards: 1/3 re-run completes, keeping what the killed run wrote ($(cat "$G/s1b.out"))"
else
	fail "shards: re-run of 1/3" "exit $rc; $(cat "$G/s1b.out") $(head -c 300 "$G/s1b.err")"
fi
run_merit "$G/st2.out" "$G/st2.err" status -c "$INI" -p 2026-10
if grep -q '^shards: 3 of 3 complete$' "$G/st2.out"; then
	pass "shards: merit status after the re-run: 3 of 3 complete"
else
	fail "shards: merit status after the re-run" "$(cat "$G/st2.out" "$G/st2.err" | head -c 400)"
fi
if ls -A "$G/out/2026-10/letters" "$G/out/2026-10/managers" | grep -q '\.tmp'; then
	fail "shards: temporary files" "$(ls -A "$G/out/2026-10/letters" | grep '\.tmp')"
else
	pass "shards: no temporary file left (a re-run removes what its killed run left)"
fi
for f in letters managers; do
	if diff -r "$G/one/2026-10/$f" "$G/out/2026-10/$f" >"$G/diff.$f" 2>&1; then
		pass "shards: union of 3 shards = one-machine run, $f/ byte-identical ($(ls "$G/one/2026-10/$f" | wc -l) files)"
	else
		fail "shards: $f/ differ from the one-machine run" "$(head -5 "$G/diff.$f")"
	fi
done
# --shard auto: a Kubernetes Indexed Job's index, a Slurm array's task id.
JOB_COMPLETION_INDEX=0 MERIT_SHARDS=3 "$MERIT" letters -c "$INI" -p 2026-10 --shard auto \
	>"$G/k.out" 2>"$G/k.err"
env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=12 SLURM_ARRAY_TASK_MIN=10 \
	SLURM_ARRAY_TASK_COUNT=3 "$MERIT" letters -c "$INI" -p 2026-10 --shard auto \
	>"$G/sl.out" 2>"$G/sl.err"
if grep -q "shard 0/3: 0 written" "$G/k.out" && grep -q "shard 2/3: 0 written" "$G/sl.out"; then
	pass "shards: --shard auto: Kubernetes index 0 of 3 is 0/3, Slurm task 12 of 10..12 is 2/3 (both already complete: 0 written)"
else
	fail "shards: --shard auto" "$(cat "$G/k.out" "$G/k.err" "$G/sl.out" "$G/sl.err" | head -c 400)"
fi
# Each shard wrote only its own employees: the record names each file once.
if cat "$SH"/letters-*.record | grep -v '^merit shard record' | cut -d' ' -f1 | sort |
   uniq -d | grep -q .; then
	fail "shards: disjoint" "a file is in two shards' records"
else
	pass "shards: no file written by two shards"
fi
# The shard of E-ids is sha256(id)[:16] mod N: one letter checked by hand.
ID=$(head -2 "$G/co/hr.csv" | tail -1 | cut -d, -f1)
K=$(python3 -c "import hashlib,sys;print(int(hashlib.sha256(sys.argv[1].encode()).hexdigest()[:16],16)%3)" "$ID")
if grep -q "^letters/$ID.pdf " "$SH/letters-$K-of-3.record"; then
	pass "shards: $ID is in shard $K = int(sha256('$ID')[:16], 16) mod 3"
else
	fail "shards: shard of $ID" "not in letters-$K-of-3.record"
fi
# A temporary file a kill left (between write and rename) is removed by its
# own shard's re-run, and only by it.
OTHER=$(( (K + 1) % 3 ))
ID2=$(for i in $(seq 2 40); do head -$i "$G/co/hr.csv" | tail -1 | cut -d, -f1; done |
	while read -r x; do
		k=$(python3 -c "import hashlib,sys;print(int(hashlib.sha256(sys.argv[1].encode()).hexdigest()[:16],16)%3)" "$x")
		[ "$k" = "$OTHER" ] && { echo "$x"; break; }
	done)
L=$G/out/2026-10/letters
echo partial >"$L/.$ID.pdf.tmp424242"
echo partial >"$L/.$ID2.pdf.tmp424243"
run_merit "$G/t.out" "$G/t.err" letters -c "$INI" -p 2026-10 --shard $K/3
if [ "$rc" = 0 ] && [ ! -e "$L/.$ID.pdf.tmp424242" ] && [ -e "$L/.$ID2.pdf.tmp424243" ]; then
	pass "shards: a re-run of shard $K removes its own leftover temporary file, not shard $OTHER's"
else
	fail "shards: leftover temporary files" "exit $rc; $(ls -A "$L" | grep tmp)"
fi
rm -f "$L/.$ID2.pdf.tmp424243"
# Inputs changed since the publish: a shard refuses (its letters would not
# match the published results).
cp "$G/co/hr.csv" "$G/hr.bak"
sed -i '2s/,在职,/,在职 ,/' "$G/co/hr.csv"
run_merit "$G/ch.out" "$G/ch.err" letters -c "$INI" -p 2026-10 --shard 0/3
expect "shards: inputs changed since run --no-letters: refused (65)" 65 "$G/ch.err" \
	"other inputs" "\-\-no-letters\` again"
cp "$G/hr.bak" "$G/co/hr.csv"

# --- mail shards ----------------------------------------------------------
PY=$(python_with aiosmtpd)
if [ -z "$PY" ]; then
	fail "shards: mail setup" "no python3 with aiosmtpd"
	exit 1
fi
INBOX=$G/inbox
SINK_PID=
trap '[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null' EXIT INT TERM
export MERIT_E2E_SMTP_PW='e2e-Pw-shard'
sed -i -e 's|^; user = .*|user = merit|' \
	-e 's|^password_env = .*|password_env = MERIT_E2E_SMTP_PW|' \
	-e 's|^messages_per_minute = .*|messages_per_minute = 0|' \
	-e 's|^retries = .*|retries = 0|' "$INI"
"$PY" -W ignore "$ROOT/tests/smtp_sink.py" --dir "$INBOX" --port-file "$G/sink.port" \
	--user merit --password-env MERIT_E2E_SMTP_PW 2>"$G/sink.log" &
SINK_PID=$!
i=0
while [ ! -s "$G/sink.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sed -i "s|^url = .*|url = smtp://127.0.0.1:$(cat "$G/sink.port")|" "$INI"

# Finance signs off first (SPEC 11): unapproved, a shard sends nothing (77).
run_merit "$G/na.out" "$G/na.err" mail -c "$INI" -p 2026-10 --shard 0/3
expect "shards: an unapproved period is not mailed, shard or not (77)" 77 "$G/na.err"
run_merit "$G/ap.out" "$G/ap.err" approve -c "$INI" -p 2026-10 --by "Wang Fang"
expect "shards: merit approve after the shards" 0 "$G/ap.err"
"$MERIT" mail -c "$INI" -p 2026-10 --shard 0/3 >"$G/m0.out" 2>"$G/m0.err" &
M0=$!
"$MERIT" mail -c "$INI" -p 2026-10 --shard 1/3 >"$G/m1.out" 2>"$G/m1.err" &
M1=$!
"$MERIT" mail -c "$INI" -p 2026-10 --shard 2/3 >"$G/m2.out" 2>"$G/m2.err" &
M2=$!
wait $M0; a=$?
wait $M1; b=$?
wait $M2; c=$?
# A shard run again sends nothing: its journal says what went out.
run_merit "$G/m1b.out" "$G/m1b.err" mail -c "$INI" -p 2026-10 --shard 1/3
INSCOPE=$(ls "$G/out/2026-10/letters" | wc -l)
# Recipients of the sink's messages: each in-scope employee's address once.
RCPT=$("$PY" - "$INBOX" <<'PYEOF'
import email, glob, sys, collections
c = collections.Counter()
for f in glob.glob(sys.argv[1] + "/**/*.eml", recursive=True):
    m = email.message_from_binary_file(open(f, "rb"))
    c[email.utils.parseaddr(m["To"])[1]] += 1
print(len(c), sum(c.values()), max(c.values()) if c else 0)
PYEOF
)
if [ "$a$b$c" = 000 ] && [ "$rc" = 0 ] && grep -q ": 0 sent" "$G/m1b.out" &&
   [ "$RCPT" = "$INSCOPE $INSCOPE 1" ]; then
	pass "shards: 3 mail shards at once: $INSCOPE employees, $INSCOPE messages, each exactly one; a re-run shard sends 0"
else
	fail "shards: mail shards" "exit $a$b$c/$rc; recipients/messages/max: $RCPT, want $INSCOPE; $(head -c 300 "$G/m0.err")"
fi
SENT_ROWS=$("$PY" - "$G/state/history.db" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
has = db.execute("select count(*) from sqlite_master where name = 'mail_sent'").fetchone()[0]
print(db.execute("select count(*) from mail_sent").fetchone()[0] if has else 0)
PYEOF
)
run_merit "$G/st3.out" "$G/st3.err" status -c "$INI" -p 2026-10
if [ "$(ls "$SH" | grep -c '^mail-.*\.log$')" = 3 ] && [ "$SENT_ROWS" = 0 ] &&
   grep -q '^shards: 3 of 3 complete; 3 mail journals to merge' "$G/st3.out"; then
	pass "shards: mail shards wrote journals, not the SQLite ledger"
else
	fail "shards: journals" "$(ls "$SH")"
fi
# The next non-shard `merit mail` merges the journals and sends nothing again.
run_merit "$G/m.out" "$G/m.err" mail -c "$INI" -p 2026-10
ROWS=$("$PY" -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute(\"select count(*), count(distinct employee_id) from mail_sent where period='2026-10'\").fetchone())" "$G/state/history.db")
N=$(find "$INBOX" -name '*.eml' | wc -l)
if [ "$rc" = 0 ] && grep -q ": 0 sent, $INSCOPE already sent" "$G/m.out" &&
   [ "$ROWS" = "($INSCOPE, $INSCOPE)" ] && [ "$N" = "$INSCOPE" ] && ! ls "$SH" | grep -q '^mail-.*\.log$'; then
	pass "shards: merit mail merges the 3 journals into the ledger ($ROWS rows), sends nothing twice"
else
	fail "shards: merge" "exit $rc; $(cat "$G/m.out"); rows $ROWS; inbox $N; $(ls "$SH") $(head -c 300 "$G/m.err")"
fi
