#!/bin/sh
# Overrides (SPEC 11) end to end on tests/fixtures/overrides: one override
# of each kind, figures derived by hand in tests/golden/README.md
# ("overrides-2026-10.results.csv"), and every rejection with its exact
# stderr line, exit 65 and nothing published.
. tests/e2e/lib.sh

T=$(scratch overrides)
cp "$ROOT"/tests/fixtures/overrides/* "$T/"
ini="$T/merit.ini"
R="$T/out/2026-10/results.csv"
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi
}

run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini"
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

# Rejections: one bad overrides.csv each; exact first stderr line, 65, and
# no out/2026-10 published.
H='employee_id,kind,kpi,value,reason,approved_by,date'
reject() {
	name=$1 body=$2 want=$3
	rm -rf "$T/out"
	printf '%s\n%b\n' "$H" "$body" >"$T/overrides.csv"
	run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini"
	got=$(head -1 "$T/e" | sed "s|^$T/||")
	if [ "$rc" = 65 ] && [ "$got" = "$want" ] && [ ! -e "$T/out/2026-10" ]; then
		pass "overrides: rejected: $name (65, nothing published)"
	else
		fail "overrides: rejected: $name" "rc=$rc, got '$got', wanted '$want'"
	fi
}
reject "unknown employee" 'E9,rating,,Qualified,r,a,2026-11-05' \
	"overrides.csv:2:1: error: employee_id 'E9' is not in the HR export"
reject "unknown KPI" 'E2,actual,sales_achievment,1,r,a,2026-11-05' \
	"overrides.csv:2:3: error: kpi 'sales_achievment' is not a [kpi.NAME]"
reject "unknown band" 'E2,rating,,Great,r,a,2026-11-05' \
	"overrides.csv:2:4: error: band 'Great' is not a [rating] band"
reject "no reason" 'E2,rating,,Qualified,,a,2026-11-05' \
	"overrides.csv:2:5: error: reason is empty"
reject "no approver" 'E2,rating,,Qualified,r,,2026-11-05' \
	"overrides.csv:2:6: error: approved_by is empty"
reject "duplicate" 'E5,rating,,Qualified,r,a,2026-11-05\nE5,rating,,Excellent,r,a,2026-11-06' \
	"overrides.csv:3:2: error: a second rating override of employee 'E5' (first at line 2)"
reject "duplicate KPI correction" 'E3,actual,sales_achievement,1,r,a,2026-11-05\nE3,actual,sales_achievement,2,r,a,2026-11-06' \
	"overrides.csv:3:2: error: a second actual override of employee 'E3' kpi 'sales_achievement' (first at line 2)"
reject "out-of-scope employee" 'E6,rating,,Qualified,r,a,2026-11-05' \
	"overrides.csv:2: error: employee 'E6' is not in period 2026-10: the rating override cannot apply"
reject "unknown kind" 'E2,promote,,,r,a,2026-11-05' \
	"overrides.csv:2:2: error: kind 'promote' is not one of actual, target, rating, exclude"
reject "not a number" 'E2,target,sales_achievement,lots,r,a,2026-11-05' \
	"overrides.csv:2:4: error: value 'lots' is not a number"
reject "a value on exclude" 'E2,exclude,,0,r,a,2026-11-05' \
	"overrides.csv:2:4: error: value '0' has no meaning for kind exclude"

# [policy] cannot turn an override problem into a warning.
printf '\n[policy]\nunknown_employee = warn\n' >>"$ini"
reject "unknown employee under unknown_employee = warn" 'E9,rating,,Qualified,r,a,2026-11-05' \
	"overrides.csv:2:1: error: employee_id 'E9' is not in the HR export"

# A period column: rows for another period are not applied (E1 then gets
# 3,000,000 x 15,000 / 51,000 = 882,352.94 cents, +1 largest remainder).
printf 'employee_id,kind,kpi,value,reason,approved_by,date,period\nE1,exclude,,,r,a,2026-09-05,2026-09\n' >"$T/overrides.csv"
run_merit "$T/o" "$T/e" run -q --no-letters -c "$ini"
same "overrides: a row for another period is not applied" \
	"$rc $(grep '^E1,' "$R" | cut -d, -f6,10,11)" "0 yes,8823.53,"
