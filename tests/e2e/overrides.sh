#!/bin/sh
# Overrides (SPEC 11) end to end on tests/fixtures/overrides: one override
# of each kind, figures derived by hand in tests/golden/README.md
# ("overrides-2026-10.results.csv"); a rejected file publishes nothing.
# Each rejection's exact stderr is a case: tests/cases/overrides-*.
. tests/e2e/lib.sh

T=$(scratch overrides)
cp "$ROOT"/tests/fixtures/overrides/* "$T/"
ini="$T/merit.ini"
R="$T/out/2026-10/results.csv"

printf '\n[letters]\ntemplates = %s/templates\n' "$ROOT" >>"$ini"
run_merit "$T/o" "$T/e" run -q -c "$ini"
if [ "$rc" = 0 ] && cut -d, -f1-11 "$R" | diff - "$ROOT/tests/golden/overrides-2026-10.results.csv" >"$T/diff"; then
	pass "overrides: results.csv equals the hand derivation (actual, target, rating, exclude, caps)"
else
	fail "overrides: golden results.csv" "rc=$rc $(head -c 300 "$T/e") $(head -c 600 "$T/diff")"
fi
# Σ bonus in integer cents: the pool, to the cent, after every override.
same "overrides: bonuses add up to the pool (3,000,000 cents)" \
	"$(awk -F, 'NR > 1 { split($10, p, "."); c += p[1] * 100 + p[2] } END { print c }' "$R")" 3000000
same "overrides: the excluded employee keeps the reason 'excluded'" \
	"$(grep '^E1,' "$R" | cut -d, -f12)" "excluded"
# E3's KPI columns show the corrected actual, its achievement and the capped score.
hdr=$(head -1 "$R" | tr , '\n')
colno() { echo "$hdr" | grep -n "^$1\$" | cut -d: -f1; }
row3=$(grep '^E3,' "$R")
same "overrides: E3 actual 130000, achievement 1.3, score 120 (cap)" \
	"$(echo "$row3" | cut -d, -f"$(colno sales_achievement_actual)","$(colno sales_achievement_achievement)","$(colno sales_achievement_score)")" \
	"130000.0000,1.3000,120.0000"
same "overrides: E4 target 125000, achievement 0.8" \
	"$(grep '^E4,' "$R" | cut -d, -f"$(colno sales_achievement_target)","$(colno sales_achievement_achievement)")" \
	"125000.0000,0.8000"

run_merit "$T/x" "$T/e" explain -c "$ini" E5
if [ "$rc" = 0 ] && grep -q '^  rating 待改进 | Needs improvement: 50.0000 >= 0 and < 80$' "$T/x" &&
   grep -q '^  rating: Needs improvement -> Qualified (overrides.csv:4)$' "$T/x" &&
   grep -q '^    reason: Appeal upheld: two weeks of sick leave$' "$T/x" &&
   grep -q '^    approved by Calibration committee on 2026-11-05$' "$T/x"; then
	pass "overrides: explain shows the band fairness gave, then before -> after, reason, approver"
else
	fail "overrides: explain" "rc=$rc $(cat "$T/x" | tail -12)"
fi
run_merit "$T/x" "$T/e" explain -c "$ini" E3
if grep -q 'actual revenue 130,000.00 (an override' "$T/x" &&
   grep -q 'score = clamp(130.0000, floor 0, cap 120) = 120.0000' "$T/x" &&
   grep -q '^  actual sales_achievement: 85000 -> 130000 (overrides.csv:2)$' "$T/x"; then
	pass "overrides: explain scores the corrected actual (130 % capped at 120)"
else
	fail "overrides: explain E3" "$(grep -n 'actual\|score =' "$T/x" | head)"
fi

# The workbook: Audit lists each override; the changed cells carry a note.
PY=/usr/bin/python3
"$PY" - "$T/out/2026-10/merit-2026-10.xlsx" >"$T/xlsx.out" 2>&1 <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for name in ("Employees", "KPI detail"):
    for row in wb[name].iter_rows():
        for c in row:
            if c.comment:
                print(name, c.coordinate, c.comment.text.split("\n")[0])
for row in wb["Audit"].iter_rows(values_only=True):
    if row[0] in ("E1", "E3", "E4", "E5"):
        print("Audit", *[str(v)[:10] for v in row[:9]], sep="|")
PYEOF
cat >"$T/xlsx.want" <<'WANT'
Employees K2 Override: exclude: eligible -> excluded
Employees Q2 Override: exclude: eligible -> excluded
Employees AC4 Override: actual sales_achievement: 85000 -> 130000
Employees AD5 Override: target sales_achievement: 100000 -> 125000
Employees O6 Override: rating: Needs improvement -> Qualified
KPI detail G4 Override: actual sales_achievement: 85000 -> 130000
KPI detail E5 Override: target sales_achievement: 100000 -> 125000
Audit|E3|Chen|actual|Sales achi|85000 -> 1|Appeal: de|Li Na (HR)|2026-11-03|overrides.
Audit|E4|Dana|target|Sales achi|100000 -> |Calibratio|Wang Jiang|2026-11-04|overrides.
Audit|E5|Eve|rating|None|Needs impr|Appeal uph|Calibratio|2026-11-05|overrides.
Audit|E1|Alice|exclude|None|eligible -|Bonus with|HR directo|2026-11-05|overrides.
WANT
if diff "$T/xlsx.want" "$T/xlsx.out" >"$T/xlsx.diff"; then
	pass "overrides: workbook notes on the changed cells (Employees, KPI detail) and the Audit list"
else
	fail "overrides: workbook" "$(head -c 800 "$T/xlsx.diff")"
fi

# The letters: "adjusted after review on DATE" (the latest decision) for
# those with an override, not for the others; the exclusion's reason.
letter() { letter_text "$T/out/2026-10" "$1"; }
if letter E5 | grep -q 'Your result was adjusted after review on 2026-11-05\.' &&
   letter E3 | grep -q 'adjusted after review on 2026-11-03\.' &&
   letter E1 | grep -q 'No bonus is paid for this period: the bonus was withheld after review\.' &&
   ! letter E2 | grep -q 'adjusted'; then
	pass "overrides: letters say 'adjusted after review on DATE' (en), only where adjusted"
else
	fail "overrides: en letters" "$(letter E5 | head -c 300)"
fi
sed -i 's/^locale = en/locale = zh/' "$ini"
run_merit "$T/o" "$T/e" run -q -c "$ini"
if letter E4 | grep -q '您的结果已于 2026-11-04 经复核调整。'; then
	pass "overrides: the zh letter says 您的结果已于 DATE 经复核调整"
else
	fail "overrides: zh letter" "rc=$rc $(letter E4 | head -c 300)"
fi
sed -i 's/^locale = zh/locale = en/' "$ini"
run_merit "$T/o" "$T/e" run -q -c "$ini"

# The ledger keeps them: history lists each with reason and approver.
run_merit "$T/h" "$T/e" history -c "$ini" E3
same "overrides: history shows the override kept in the ledger" "$(grep override "$T/h")" \
	"2026-10  override actual sales_achievement: 85000 -> 130000 (Appeal: deal R99 (45,000) closed 2026-10-30, missing from the CRM export; approved by Li Na (HR) on 2026-11-03)"

# A rejected overrides file stops the run before anything is published
# (each rejection's message, and a row for another period: tests/cases/).
rm -rf "$T/out"
printf 'employee_id,kind,kpi,value,reason,approved_by,date\nE9,rating,,Qualified,r,a,2026-11-05\n' >"$T/overrides.csv"
run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini"
if [ "$rc" = 65 ] && [ ! -e "$T/out/2026-10" ]; then
	pass "overrides: a rejected file: 65, nothing published"
else
	fail "overrides: a rejected file" "rc=$rc $(ls "$T/out" 2>&1)"
fi
