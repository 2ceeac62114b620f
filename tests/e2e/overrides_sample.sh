#!/bin/sh
# Acceptance of issue 12 on the sample company: three overrides
# (tests/fixtures/sample-overrides/overrides.csv) show in results.csv, the
# workbook, explain and the letters; the pool adds up to the cent; the
# figures equal this hand derivation (from tests/e2e/scores.sh's figures
# for the same samples without overrides):
#
# E1003 张伟 (sales, KPI sales_achievement weight 45, linear, cap 120),
#   actual corrected 273,000 -> 293,000 against the target 275,000:
#   achievement 293,000 / 275,000 = 1.065454.. -> 1.0655, score 106.5455
#   (was 99.2727); raw 89.6975 + 45 x (106.5455 - 99.2727) / 100
#   = 89.6975 + 3.2727 = 92.9702. Still 合格: points 12,000 x 1.2 = 14,400.
# E1017 林晓燕, rank 55 of 60 in the forced 20/70/10 distribution, so
#   待改进 (multiplier 0, 0.00); the appeal makes her 合格:
#   points 9,800 x 1.2 x 1.0 = 11,760.
# E1009 周婷 excluded: results kept (合格, raw 94.1750), no bonus; her
#   10,800 points leave the pool's denominator.
# Σ points over the eligible: 926,807.2581 (58 eligible, scores.sh)
#   - 10,800 (E1009) + 11,760 (E1017) = 927,767.2581 over 57.
# E1017: 50,000,000 cents x 11,760 / 927,767.2581 = 633,779.64 -> floor
#   633,779 + one leftover cent (remainder .64) = 6,337.80
# E1003: 50,000,000 x 14,400 / 927,767.2581 = 776,056.70 -> 776,056 + one
#   leftover cent (.70) = 7,760.57 (alloc_check below re-derives which
#   remainders get the leftover cents, for every row); nobody reaches a cap
#   (3 months), so there is no redistribution.
# Every other rating is what it was without overrides.
. tests/e2e/lib.sh

W=$(workspace overrides-sample)
INI=$W/config/merit.ini
R=$W/out/2026-10/results.csv

# The same company without overrides first, for the ratings it gives.
run_merit "$W/o" "$W/e" run -q --no-letters -c "$INI" -o "$W/base"
sed -i 's|^;\[input.overrides\]$|[input.overrides]|; s|^;file = ../samples/overrides.csv$|file = '"$ROOT"'/tests/fixtures/sample-overrides/overrides.csv|' "$INI"
run_merit "$W/o" "$W/e" run -q -j 2 -c "$INI"
if [ "$rc" = 0 ] && grep -q '^\[input.overrides\]$' "$INI"; then
	pass "sample overrides: the run succeeds"
else
	fail "sample overrides: run" "rc=$rc $(head -c 400 "$W/e")"
fi
same "sample overrides: E1003 corrected actual (results.csv)" "$(grep '^E1003,' "$R" | cut -d, -f6-11)" \
	"yes,92.9702,96.8126,合格,7760.57,actual sales_achievement: 273000 -> 293000"
same "sample overrides: E1003 KPI 293000 / 275000 = 1.0655 -> 106.5455" \
	"$(grep '^E1003,' "$R" | cut -d, -f30-33)" "293000.0000,275000.0000,1.0655,106.5455"
same "sample overrides: E1017 rating raised on appeal, 6337.80" "$(grep '^E1017,' "$R" | cut -d, -f6-11)" \
	"yes,83.8283,81.7463,合格,6337.80,rating: 待改进 -> 合格"
same "sample overrides: E1009 excluded, results kept" "$(grep '^E1009,' "$R" | cut -d, -f6-12)" \
	"no,94.1750,98.1282,合格,0.00,exclude: eligible -> excluded,excluded"
same "sample overrides: Σ points over 57 eligible = 927767.2581" \
	"$(awk -F, 'NR > 1 && $6 == "yes" { n++; s += $19 } END { printf "%d %.4f", n, s }' "$R")" "57 927767.2581"
same "sample overrides: bonuses add up to the pool, 50,000,000 cents" \
	"$(awk -F, 'NR > 1 { split($10, p, "."); c += p[1] * 100 + p[2] } END { print c }' "$R")" 50000000
same "sample overrides: nobody capped" "$(awk -F, 'NR > 1 && $21 ~ /capped/' "$R")" ""
same "sample overrides: largest-remainder allocation matches every eligible row" "$(alloc_check "$R" 2>&1)" "ok"
cut -d, -f1,9 "$R" >"$W/ratings"
same "sample overrides: every other rating as without overrides" \
	"$(cut -d, -f1,9 "$W/base/2026-10/results.csv" | diff - "$W/ratings" | grep '^[<>]' | tr '\n' ' ')" \
	"< E1017,待改进 > E1017,合格 "

run_merit "$W/x" "$W/e" explain -c "$INI" E1017
if grep -q '^  rank 55 of 60 -> 待改进$' "$W/x" &&
   grep -q '^  rating: 待改进 -> 合格 (.*sample-overrides/overrides.csv:2)$' "$W/x" &&
   grep -q '^    approved by 绩效校准委员会 on 2026-11-05$' "$W/x" &&
   grep -q '11,760.0000 / 927,767.2581 = 6,337.80$' "$W/x"; then
	pass "sample overrides: explain E1017 (forced rank, override, approver, bonus share)"
else
	fail "sample overrides: explain" "$(sed -n '/Fairness/,$p' "$W/x" | head -30)"
fi

/usr/bin/python3 - "$W/out/2026-10/merit-2026-10.xlsx" >"$W/xlsx.out" 2>&1 <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
notes = [c.coordinate for name in ("Employees", "KPI detail") for row in wb[name].iter_rows()
         for c in row if c.comment]
print(len(notes))
for row in wb["Audit"].iter_rows(values_only=True):
    if row[0] in ("E1003", "E1009", "E1017"):
        print(row[0], row[2], row[4], row[6], sep="|")
PYEOF
same "sample overrides: workbook notes (E1003 actual x2, E1009 eligible+bonus, E1017 rating) and Audit rows" \
	"$(tr '\n' '/' <"$W/xlsx.out")" \
	"5/E1017|rating|待改进 -> 合格|绩效校准委员会/E1003|actual|273000 -> 293000|李娜 (HR)/E1009|exclude|eligible -> excluded|HR 总监/"

letter() { letter_text "$W/out/2026-10" "$1"; }
if letter E1017 | grep -q '您的结果已于 2026-11-05 经复核调整。' &&
   letter E1003 | grep -q '您的结果已于 2026-11-03 经复核调整。' &&
   letter E1009 | grep -q '本期不发放绩效奖金，原因：经复核，本期奖金暂不发放' &&
   ! letter E1002 | grep -q '复核调整'; then
	pass "sample overrides: the three letters say so (date of the decision), others do not"
else
	fail "sample overrides: letters" "$(letter E1017 | head -c 400)"
fi
