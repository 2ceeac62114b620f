#!/bin/sh
# Sign-off (SPEC 11) on tests/fixtures/overrides: `merit approve`, `merit
# status` line by line, the mail gate's exact messages (77), a re-run
# voiding the approval, and approvals in `merit history`. Sending itself
# is in mail.sh (a real SMTP sink).
. tests/e2e/lib.sh

T=$(scratch approve)
cp "$ROOT"/tests/fixtures/overrides/* "$T/"
ini="$T/merit.ini"
printf '\n[letters]\ntemplates = %s/templates\n' "$ROOT" >>"$ini"
# Timestamps and the folder vary: DATE, RUN and OUT stand for them.
norm() { sed -e "s|$T/||g" -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z/DATE/g' \
	-e 's/run [0-9a-f]\{16\}/run RUN/g' "$@"; }

run_merit "$T/o" "$T/e" approve -c "$ini" -p 2026-10
same "approve: without --by is a usage error (64)" "$rc $(head -1 "$T/e")" \
	"64 merit: error: approve needs -p PERIOD and --by NAME"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: before any run" "$rc $(norm "$T/o" | tr '\n' '/')" \
	"0 run: none (period 2026-10 has no run in the ledger)/approval: none/mail: none/"
run_merit "$T/o" "$T/e" approve -c "$ini" -p 2026-10 --by "Wang Fang"
same "approve: nothing published yet: 66" "$rc $(norm "$T/e" | head -1)" \
	"66 out/2026-10: error: no published output for period 2026-10: No such file or directory"

run_merit "$T/o" "$T/e" run -q -c "$ini"
run_merit "$T/o" "$T/e" mail -c "$ini"
same "mail: unapproved: 77 'not approved'" "$rc $(head -1 "$T/e")" \
	"77 merit: error: period 2026-10 is not approved"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: run, no approval, nothing mailed" "$(norm "$T/o" | tr '\n' '/')" \
	"run: 2026-10 run RUN at DATE, 5 letters in out/2026-10/approval: none/mail: none of 5 letters sent/"

run_merit "$T/o" "$T/e" approve -c "$ini" -p 2026-10 --by "Wang Fang (Finance)"
same "approve: records 8 files (E1 manages the others: one team pack)" "$rc $(norm "$T/o")" \
	"0 approved 2026-10 by Wang Fang (Finance) at DATE: run RUN of DATE, 8 files (results.csv, the workbook, 5 letters, 1 team pack)"
SQL="import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
print(*db.execute('select period, approved_by from approvals').fetchone())
print(*[r[0] for r in db.execute('select path from approval_files order by path')])"
same "approve: the ledger holds who and every file's hash" \
	"$(/usr/bin/python3 -c "$SQL" "$T/state/history.db" | tr '\n' '/')" \
	"2026-10 Wang Fang (Finance)/letters/E1.pdf letters/E2.pdf letters/E3.pdf letters/E4.pdf letters/E5.pdf managers/E1.pdf merit-2026-10.xlsx results.csv/"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: approved, files unchanged" "$(norm "$T/o" | sed -n 2p)" \
	"approval: approved by Wang Fang (Finance) on DATE, files unchanged"

# The workbook changed on disk: status and mail name it.
cp "$T/out/2026-10/merit-2026-10.xlsx" "$T/wb.keep"
printf 'x' >>"$T/out/2026-10/merit-2026-10.xlsx"
run_merit "$T/o" "$T/e" mail -c "$ini"
same "mail: a file changed after approval: 77 naming it" "$rc $(norm "$T/e" | head -1)" \
	"77 out/2026-10/merit-2026-10.xlsx: error: changed since approval by Wang Fang (Finance) on DATE"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: changed" "$(norm "$T/o" | sed -n 2p)" \
	"approval: changed (merit-2026-10.xlsx differs from the approval by Wang Fang (Finance) on DATE)"
cp "$T/wb.keep" "$T/out/2026-10/merit-2026-10.xlsx"
# A letter that was not approved (added after) counts as a change too.
cp "$T/out/2026-10/letters/E1.pdf" "$T/out/2026-10/letters/E9.pdf"
run_merit "$T/o" "$T/e" mail -c "$ini"
same "mail: a letter added after approval: 77" "$rc $(norm "$T/e" | head -1)" \
	"77 out/2026-10/letters/E9.pdf: error: changed since approval by Wang Fang (Finance) on DATE"
rm "$T/out/2026-10/letters/E9.pdf"

# A re-run (same inputs, same run id) voids it all the same.
run_merit "$T/o" "$T/e" run -q -c "$ini"
run_merit "$T/o" "$T/e" mail -c "$ini"
same "mail: after a re-run: 77 'run again'" "$rc $(norm "$T/e" | head -1)" \
	"77 merit: error: period 2026-10 is not approved: it was run again at DATE after the approval by Wang Fang (Finance) on DATE"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: void" "$(norm "$T/o" | sed -n 2p)" \
	"approval: void (approved by Wang Fang (Finance) on DATE; run again at DATE)"
run_merit "$T/o" "$T/e" history -c "$ini" E2
same "history: the approval, marked void by the re-run" "$(norm "$T/o" | grep approved)" \
	"2026-10  approved by Wang Fang (Finance) on DATE (run RUN), void: run again at DATE"

# require_approval = no: status says so; the gate is off.
sed -i 's/^\[mail\]$/[mail]\nrequire_approval = no/' "$ini"
run_merit "$T/o" "$T/e" status -c "$ini" -p 2026-10
same "status: not required" "$(norm "$T/o" | sed -n 2p)" \
	"approval: void (approved by Wang Fang (Finance) on DATE; run again at DATE); not required to mail ([mail] require_approval = no)"
