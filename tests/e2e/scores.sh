#!/bin/sh
# End-to-end check of the numbers: runs the real binary on a copy of the
# samples and compares results.csv (and `merit explain`) with figures worked
# out BY HAND from the sample CSV rows (SPEC 4-9, docs/DECISIONS.md "KPI
# engine" and "Fairness, bonus, ledger"). Every expected value below carries
# its arithmetic in a comment; none was copied from merit's output.
#   MERIT=out/build/merit sh tests/e2e/scores.sh
. tests/e2e/lib.sh

TOL=0.00005          # scores are printed with 4 decimals

# col FILE EMPLOYEE_ID COLUMN: one cell of results.csv, by header name
# (results.csv has no quoted cells: names and departments hold no commas).
col() {
	awk -F, -v id="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$1 == id { if (k) print $k; else print "NO-COLUMN-" c; found = 1 }
		END { if (!found) print "NO-ROW-" id }' "$1"
}

# near NAME ACTUAL EXPECTED [TOL]: numeric comparison within a tolerance
near() {
	_t=${4:-$TOL}
	if awk -v a="$2" -v b="$3" -v t="$_t" 'BEGIN {
		if (a !~ /^-?[0-9]+(\.[0-9]+)?$/) exit 1
		d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; then
		pass "$1"
	else
		fail "$1" "got '$2', expected $3 (+/- $_t)"
	fi
}

# same NAME ACTUAL EXPECTED: exact text comparison (money, labels, flags)

# kpi NAME FILE ID COLUMN EXPECTED: near() on one results.csv cell
kpi() { near "$1" "$(col "$2" "$3" "$4")" "$5"; }

# =========================================================================
# Part 1: the shipped config (zscore by department, forced 20/70/10, cap 3)
# =========================================================================
W=$(workspace scores-shipped)
run_merit "$W/stdout" "$W/stderr" run -q --no-letters -c "$W/config/merit.ini"
R="$W/out/2026-10/results.csv"
if [ "$rc" = 0 ] && [ -s "$R" ]; then
	pass "scores: run on the shipped config"
else
	fail "scores: run on the shipped config" "rc=$rc stderr: $(head -c 600 "$W/stderr")"
	exit 0
fi
ex() { "$MERIT" explain -c "$W/config/merit.ini" "$1" 2>&1; }

# explains NAME ID SHOW PATTERN...: `merit explain ID` has a line matching
# each (grep) PATTERN; on failure, shows its lines matching SHOW (grep -i -E).
explains() {
	_name=$1 _id=$2 _show=$3
	shift 3
	ex "$_id" >"$W/x$_id"
	for _p in "$@"; do
		if ! grep -q -e "$_p" "$W/x$_id"; then
			fail "$_name" "no '$_p' in: $(grep -i -E "$_show" "$W/x$_id" | head -3)"
			return
		fi
	done
	pass "$_name"
}

# 62 HR rows; E1054 (hired 2026/11/02) and E1045 (left 2026/09/18) are out of
# scope, so 60 rows.
same "scope: 60 employees in results.csv" "$(awk 'END { print NR - 1 }' "$R")" 60
same "scope: E1054 (hired in November) has no row" "$(col "$R" E1054 raw_score)" "NO-ROW-E1054"
same "scope: E1045 (left in September) has no row" "$(col "$R" E1045 raw_score)" "NO-ROW-E1045"

# -------------------------------------------------------------------------
# Shared company goal (every role, kpi company_revenue, weight 10 or 15).
# Won rows closed 10/01-10/31/2026 in sales.csv, 186 of them; their Amounts
# summed per owner:
#   E1001 855,400.00  E1002 203,700.00  E1003 273,000.00  E1004 324,700.00
#   E1005 567,100.00  E1006  94,600.00  E1007 542,900.00  E1008 532,700.00
#   E1009 346,500.00  E1010 667,700.00  E1011 176,649.50  E1012 693,200.00
#   E1013 425,900.00  E1014 475,300.00  E1015 132,400.00  E1016 172,040.00
#   E1017 197,200.00                        total 6,680,989.50
# (October refunds (1,200.00) E1003, (3,450.50) E1011, (8,000.00) E1008,
# (560.00) E1016, (12,800.00) E1001 are won rows with negative amounts and
# are included.) Target: targets.csv line 56 `company,,company_revenue,
# 2026-10,7000000`. a = 6,680,989.50 / 7,000,000 = 0.954427071;
# score = clamp(95.4427071, 0, 120) = 95.4427071.
# -------------------------------------------------------------------------
kpi "company goal: team revenue 6,680,989.50 (E1032)" "$R" E1032 company_revenue_actual 6680989.50
kpi "company goal: score 95.4427 (E1052)" "$R" E1052 company_revenue_score 95.4427071

# -------------------------------------------------------------------------
# Business, role sales: E1003 张伟 (销售一部), base 12,000, coefficient 1.20.
# Scorecard sales_achievement:45, conversion:15, new_customers:15,
# peer_review:15, company_revenue:10.
# October rows of sales.csv owned by E1003:
#   Closed Won : OPP-100088 13,000.00; -100114 15,700.00; -100127 34,300.00;
#                -100136 (1,200.00) refund; -100153 19,100.00; -100170
#                9,000.00; -100175 43,100.00; -100231 5,600.00; -100361
#                25,500.00; -100364 48,500.00; -100404 38,600.00; -100405
#                21,800.00                       -> 12 won, revenue 273,000.00
#   Closed Lost: OPP-100096, -100100, -100141, -100229, -100236, -100237,
#                -100263, -100265, -100300, -100396            -> 10 lost
#   (OPP-100270 Negotiation; OPP-100063/-100064 September; OPP-100415,
#    -100423 November; OPP-100490 no date: none counts.)
# sales_achievement: target targets.csv line 8 `employee,E1003,...,2026-10,
#   275000`; a = 273,000 / 275,000 = 0.992727; score 99.272727
# conversion: 12 / (12 + 10) = 0.545455; fixed target 0.30; a = 1.818182;
#   score = clamp(181.8182, 0, 120) = 120
# new_customers: won rows with New Customer = Yes in October: none (the Yes
#   rows OPP-100263/-100396 are lost, OPP-100423 is November) -> 0;
#   target role row line 50 `role,sales,new_customers,2026-10,3`; score 0
# peer_review (reviews.csv, s -> 25(s-1)):
#   manager E1001: 4,5,5 -> 75,100,100, mean 91.666667
#   peer E1008: 5,5,5 and E1006: 5,5,4 (2 reviewers >= min 2) -> mean
#     (5*100 + 75)/6 = 95.833333
#   self: weight 0; no subordinates
#   review = (50*91.666667 + 30*95.833333) / 80 = 7458.333333/80 = 93.229167
#   target 80: a = 1.165365; score 116.536458
# company_revenue: 95.442707
# raw = .45*99.272727 + .15*120 + .15*0 + .15*116.536458 + .10*95.442707
#     = 44.672727 + 18 + 0 + 17.480469 + 9.544271 = 89.697467
# training: no E1003 row -> 0.  raw_score = 89.6975
# -------------------------------------------------------------------------
kpi "sales E1003: revenue 273,000.00 (refund included)" "$R" E1003 sales_achievement_actual 273000
kpi "sales E1003: sales target 275,000 (employee row)" "$R" E1003 sales_achievement_target 275000
kpi "sales E1003: sales achievement score 99.2727" "$R" E1003 sales_achievement_score 99.272727
kpi "sales E1003: conversion 12/22 = 0.5455" "$R" E1003 conversion_actual 0.545455
kpi "sales E1003: conversion score capped at 120" "$R" E1003 conversion_score 120
kpi "sales E1003: new customers 0, score 0" "$R" E1003 new_customers_score 0
kpi "sales E1003: new customers target 3 (role row)" "$R" E1003 new_customers_target 3
kpi "sales E1003: 360 review 93.2292" "$R" E1003 peer_review_actual 93.229167
kpi "sales E1003: raw score 89.6975" "$R" E1003 raw_score 89.697467
same "sales E1003: proration 1.0000, eligible" \
	"$(col "$R" E1003 proration) $(col "$R" E1003 eligible)" "1.0000 yes"

# -------------------------------------------------------------------------
# Management, role hr: E1032 田浩 (人力资源部), base 14,000, coefficient 1.00.
# Scorecard turnover:40, email_reply:20, peer_review:25, company_revenue:15.
# turnover (scope company, whole HR export):
#   headcount 2026-10-01: 62 rows minus E1015 (hired 10/16), E1054 (hired
#     11/02), E1045 (left 09/18) = 59
#   headcount 2026-10-31: 62 minus E1006 (left 10/20), E1045, E1054 = 59
#   leavers in October: E1006 -> 1
#   turnover = 1 / ((59 + 59)/2) * 365/31 = 0.199562603
#   lower is better, target 0.10: a = 0.10 / 0.199562603 = 0.501095890;
#   score 50.109589
# email_reply: metrics.csv `E1032,,2026-10,email_reply_hours,6.0`; target 24,
#   lower: a = 24/6 = 4; score clamp(400) = 120
# peer_review: manager E1031: 5,5,4 -> 100,100,75 mean 91.666667;
#   peers E1033 and E1035: six 5s -> 100;
#   review = (50*91.666667 + 30*100)/80 = 94.791667; score 118.489583
# company_revenue: 95.442707
# training: `E1032,客户服务礼仪,2026-10-12,4,yes` -> 1 course * 2 = 2 points
# raw = .40*50.109589 + .20*120 + .25*118.489583 + .15*95.442707 + 2
#     = 20.043836 + 24 + 29.622396 + 14.316406 + 2 = 89.982638 -> 89.9826
# -------------------------------------------------------------------------
kpi "management E1032: turnover 1/59*365/31 = 0.1996" "$R" E1032 turnover_actual 0.199563
kpi "management E1032: turnover score 50.1096 (lower is better)" "$R" E1032 turnover_score 50.109589
kpi "management E1032: e-mail reply 6h vs 24h capped at 120" "$R" E1032 email_reply_score 120
kpi "management E1032: 360 review 94.7917" "$R" E1032 peer_review_actual 94.791667
kpi "management E1032: training points 2" "$R" E1032 training_points 2
kpi "management E1032: raw score 89.9826" "$R" E1032 raw_score 89.982638

# -------------------------------------------------------------------------
# Service, role customer_service: E1025 韩梅 (客户服务部), base 8,800, coef 1.00.
# Scorecard csat:40, first_response:30, peer_review:20, company_revenue:10.
# csat: metrics `E1025,,2026-10,csat,0.874`; target 0.90; a = 0.971111;
#   score 97.111111
# first_response: metrics `...,first_response_minutes,8.1`; target 15,
#   lower: a = 15/8.1 = 1.851852; score 120 (cap)
# peer_review: manager E1024: 4,3,4 -> 75,50,75 mean 66.666667;
#   peers E1029 4,4,3 and E1026 3,4,4 -> (4*75 + 2*50)/6 = 66.666667;
#   review = (50*66.666667 + 30*66.666667)/80 = 66.666667; score 83.333333
# raw = .4*97.111111 + .3*120 + .2*83.333333 + .1*95.442707
#     = 38.844444 + 36 + 16.666667 + 9.544271 = 101.055382; no training
# -------------------------------------------------------------------------
kpi "service E1025: csat score 97.1111" "$R" E1025 csat_score 97.111111
kpi "service E1025: first response 8.1 min scores the cap 120" "$R" E1025 first_response_score 120
kpi "service E1025: 360 review 66.6667" "$R" E1025 peer_review_actual 66.666667
kpi "service E1025: raw score 101.0554" "$R" E1025 raw_score 101.055382

# -------------------------------------------------------------------------
# Reweighted, missing metric: E1028 彭飞 (客户服务部) has no 2026-10 csat row
# (on_missing_data = reweight): csat:40 drops; first_response 30, peer 20,
# company 10 are scaled to 60 -> 50 %, 33.3333 %, 16.6667 %.
# first_response: metrics `E1028,,2026-10,first_response_minutes,20.6`;
#   a = 15/20.6 = 0.728155; score 72.815534
# peer_review: manager E1024: 5,4,4 -> 100,75,75 mean 83.333333;
#   peers E1025 4,5,4; E1030 3,5,4; E1027 3,4,4 -> 75,100,75,50,100,75,50,75,75
#   = 675/9 = 75; review = (50*83.333333 + 30*75)/80 = 80.208333;
#   score 100.260417
# raw = (30*72.815534 + 20*100.260417 + 10*95.442707)/60
#     = (2184.466019 + 2005.208333 + 954.427071)/60 = 5144.101424/60 = 85.735024
# -------------------------------------------------------------------------
kpi "reweighted E1028: first response score 72.8155" "$R" E1028 first_response_score 72.815534
kpi "reweighted E1028: raw score 85.7350 after dropping csat" "$R" E1028 raw_score 85.735024
same "reweighted E1028: csat score left empty" "$(col "$R" E1028 csat_score)" ""
case ";$(col "$R" E1028 flags);" in
*";reweighted;"*) pass "reweighted E1028: flagged reweighted" ;;
*) fail "reweighted E1028: flagged reweighted" "flags '$(col "$R" E1028 flags)'" ;;
esac
explains "reweighted E1028: explain says csat dropped, first response weighs 50 %" \
	E1028 'dropped|effective' 'dropped (missing_actual)' 'effective 50.0000 %'

# -------------------------------------------------------------------------
# Reweighted, missing target + probation: E1021 宋雨萱 (市场拓展部), 状态 试用.
# Scorecard leads:40, lead_conversion:30, peer_review:20, company_revenue:10.
# leads: no targets.csv row for E1021 (lines 57-66 cover E1018-E1020, E1022,
#   E1023 only; no role row) -> dropped (on_missing_target = reweight);
#   the rest scaled to 60.
# lead_conversion: metrics leads 120, valid_leads 59 -> 59/120 = 0.491667;
#   target 0.60: a = 0.819444; score 81.944444
# peer_review: manager E1018: 3,4,3 -> 50,75,50 mean 58.333333;
#   peers E1019 4,5,5 and E1020 4,5,4 -> (3*100 + 3*75)/6 = 87.5;
#   review = (50*58.333333 + 30*87.5)/80 = 69.270833; score 86.588542
# training: her two courses are dated 2026-11-02/03 -> 0 points
# raw = (30*81.944444 + 20*86.588542 + 10*95.442707)/60
#     = (2458.333333 + 1731.770833 + 954.427071)/60 = 85.742187
# Eligibility: status 试用 is in ineligible_status -> eligible no, reason
# status, bonus 0.00 (scored and rated all the same).
# -------------------------------------------------------------------------
kpi "missing target E1021: valid-lead rate 59/120" "$R" E1021 lead_conversion_actual 0.491667
kpi "missing target E1021: raw score 85.7422 after dropping leads" "$R" E1021 raw_score 85.742187
same "missing target E1021: leads score and target empty" \
	"$(col "$R" E1021 leads_score)|$(col "$R" E1021 leads_target)" "|"
same "probation E1021: not eligible (status), bonus 0.00" \
	"$(col "$R" E1021 eligible) $(col "$R" E1021 eligible_reason) $(col "$R" E1021 bonus)" "no status 0.00"
explains "missing target E1021: explain names the dropped leads KPI and the status" \
	E1021 'dropped|eligib' 'dropped (missing_target)' 'not eligible (status)'

# -------------------------------------------------------------------------
# One peer reviewer: E1052 钟磊 (研发部), base 22,000, coefficient 1.15.
# Scorecard milestones:40, defect_rate:30, peer_review:20, company_revenue:10.
# milestones: metrics 0.95, target 0.90: a = 1.055556; score 105.555556
# defect_rate: metrics 0.007, target 0.02 lower: a = 2.857143; score 120
# peer_review: manager E1046: 5,4,4 -> 100,75,75 mean 83.333333;
#   peer: only E1047 (4,4,4) -> 1 reviewer < min_reviewers 2: dropped;
#   self weight 0 -> review = manager alone = 83.333333; score 104.166667
# training: 信息安全意识培训 2026-10-22 是, Git & Code Review 2026-10-31 yes
#   -> 2 courses * 2 = 4 points (max 5)
# raw = .4*105.555556 + .3*120 + .2*104.166667 + .1*95.442707 + 4
#     = 42.222222 + 36 + 20.833333 + 9.544271 + 4 = 112.599826
# -------------------------------------------------------------------------
kpi "one peer E1052: 360 review = manager only, 83.3333" "$R" E1052 peer_review_actual 83.333333
kpi "one peer E1052: training points 4" "$R" E1052 training_points 4
kpi "one peer E1052: raw score 112.5998" "$R" E1052 raw_score 112.599826
explains "one peer E1052: explain drops the peer relation" \
	E1052 'peer:' 'peer: 3 reviews by 1 reviewer.*fewer than min_reviewers 2: dropped'

# -------------------------------------------------------------------------
# Mid-month hire: E1015 何俊 (销售二部), hired 2026/10/16, 在职, base 12,000.
# proration = days 10/16..10/31 = 16 / 31 = 0.516129 -> 0.5161; 16 >= 15
# (min_days) and status 在职 -> eligible.
# Sales in October (all on or after 10/16):
#   won OPP-100299 17,000; -100301 71,100; -100330 3,600; -100356 11,800
#   (New Customer Yes, ACC-20250); -100369 12,200; -100391 16,700
#   -> 6 won, revenue 132,400.00; lost -100232, -100254, -100259, -100353,
#   -100388 -> 5 lost
# sales_achievement: target line 41 `employee,E1015,...,2026-10,120000`
#   (not prorated, SPEC 5): a = 1.103333; score 110.333333
# conversion 6/11 = 0.545455 -> a 1.818182 -> 120
# new_customers 1 (ACC-20250), target 3 -> 33.333333
# peer_review: manager E1010: 2,3,4 -> 25,50,75 mean 50; self only besides
#   (weight 0), no peers -> review 50; score 62.5
# training: 新员工入职培训 2026-10-16 是 -> 2 points
# raw = .45*110.333333 + .15*120 + .15*33.333333 + .15*62.5 + .1*95.442707 + 2
#     = 49.65 + 18 + 5 + 9.375 + 9.544271 + 2 = 93.569271
# -------------------------------------------------------------------------
kpi "mid-month hire E1015: proration 16/31" "$R" E1015 proration 0.516129
same "mid-month hire E1015: eligible (16 days >= 15)" "$(col "$R" E1015 eligible)" "yes"
kpi "mid-month hire E1015: revenue 132,400.00" "$R" E1015 sales_achievement_actual 132400
kpi "mid-month hire E1015: 360 review 50 (manager only)" "$R" E1015 peer_review_actual 50
kpi "mid-month hire E1015: raw score 93.5693" "$R" E1015 raw_score 93.569271

# -------------------------------------------------------------------------
# Leaver: E1006 杨帆 (销售一部), 离职日期 2026/10/20, 状态 离职.
# proration = 10/01..10/20 = 20 / 31 = 0.645161 -> 0.6452; scored and rated;
# not eligible, reason left_before_period_end (pay_leavers = no), bonus 0.
# October: won OPP-100086 45,400; -100105 20,600; -100120 8,500; -100256
#   20,100 (Yes, ACC-20180) -> 4 won, 94,600.00; lost -100067, -100075,
#   -100112, -100161, -100163, -100221, -100243 -> 7 lost
# sales_achievement: target line 17 110,000: a = 0.86; score 86
# conversion 4/11 = 0.363636 -> a 1.212121 -> 120 (cap)
# new_customers 1 / 3 -> 33.333333
# peer_review: manager E1001 4,4,5 -> 83.333333; peers E1008 3,5,4; E1004
#   5,4,3; E1005 4,5,4 -> 700/9 = 77.777778; review (50*83.333333 +
#   30*77.777778)/80 = 81.25; score 101.5625
# training: 大客户销售技巧 2026-10-27 是 (dated inside the period) -> 2
# raw = .45*86 + .15*120 + .15*33.333333 + .15*101.5625 + .1*95.442707 + 2
#     = 38.7 + 18 + 5 + 15.234375 + 9.544271 + 2 = 88.478646
# -------------------------------------------------------------------------
kpi "leaver E1006: proration 20/31" "$R" E1006 proration 0.645161
kpi "leaver E1006: raw score 88.4786" "$R" E1006 raw_score 88.478646
same "leaver E1006: not eligible (left_before_period_end), bonus 0.00" \
	"$(col "$R" E1006 eligible) $(col "$R" E1006 eligible_reason) $(col "$R" E1006 bonus)" \
	"no left_before_period_end 0.00"

# -------------------------------------------------------------------------
# Fairness, zscore by department (min_group 5). Group 人力资源部, raw scores
# from results.csv (E1032's checked above):
#   E1031 71.3275, E1032 89.9826, E1033 88.3602, E1034 81.7977, E1035 83.3095
#   m = 414.7775 / 5 = 82.9555
#   x - m: -11.6280, 7.0271, 5.4047, -1.1578, 0.3540
#   Σ(x-m)^2 = 135.210384 + 49.380134 + 29.210782 + 1.340501 + 0.125316
#            = 215.267117
#   s = sqrt(215.267117 / 5) = sqrt(43.053423) = 6.561511
# Company (60 raw scores): Σ = 5729.3278, M = 95.488797, population
#   S = 10.532997 (both recomputed below with awk from results.csv).
# E1032: norm = 95.488797 + (89.9826 - 82.9555) / 6.561511 * 10.532997
#             = 95.488797 + 7.0271 / 6.561511 * 10.532997
#             = 95.488797 + 1.070957 * 10.532997 = 106.769190
# 行政部 has 4 in scope (< 5): keeps its raw score, flagged small_group.
# -------------------------------------------------------------------------
stats=$(awk -F, -v g=人力资源部 '
	NR == 1 { next }
	{ n++; s += $7; s2[n] = $7 }
	$3 == g { gn++; gs += $7; gx[gn] = $7 }
	END {
		M = s / n; for (i = 1; i <= n; i++) v += (s2[i] - M) ^ 2; S = sqrt(v / n)
		m = gs / gn; for (i = 1; i <= gn; i++) w += (gx[i] - m) ^ 2; sd = sqrt(w / gn)
		printf "%d %.6f %.6f %d %.6f %.6f\n", n, M, S, gn, m, sd }' "$R")
set -- $stats
near "fairness: company mean M of 60 raw scores = 95.4888" "$2" 95.488797 0.000001
near "fairness: company population sd S = 10.5330" "$3" 10.532997 0.000001
same "fairness: 人力资源部 has 5 members" "$4" 5
near "fairness: 人力资源部 mean m = 82.9555" "$5" 82.9555 0.000001
near "fairness: 人力资源部 population sd s = 6.5615" "$6" 6.561511 0.000001
kpi "fairness: E1032 norm = M + (x - m)/s * S = 106.7692" "$R" E1032 norm_score 106.769190
same "fairness: 行政部 (4 people) keeps raw and is flagged small_group" \
	"$(col "$R" E1044 raw_score)=$(col "$R" E1044 norm_score) $(col "$R" E1044 flags)" \
	"99.4349=99.4349 small_group"

# -------------------------------------------------------------------------
# Forced distribution 20/70/10 over the 60 in scope: floor(60*.2) = 12,
# floor(60*.7) = 42, floor(60*.1) = 6 (sum 60, nothing left over). Ranked by
# norm_score desc, ties by employee_id: ranks 1-12 优秀, 13-54 合格, 55-60 待改进.
# -------------------------------------------------------------------------
bad=$(awk -F, 'NR > 1 { print $8, $1, $9 }' "$R" | sort -k1,1gr -k2,2 | awk '
	{ want = NR <= 12 ? "优秀" : (NR <= 54 ? "合格" : "待改进")
	  if ($3 != want) printf "%s rank %d is %s, want %s; ", $2, NR, $3, want }')
same "forced 20/70/10: 12 / 42 / 6 by normalised rank" "$bad" ""

# -------------------------------------------------------------------------
# Bonus (shipped config): pool 500,000.00 = 50,000,000 cents; multipliers
# 优秀 1.5, 合格 1.0, 待改进 0; cap 3 months (nobody reaches it: the largest
# share/base is 1.2 * 1.5 * 500000 / 926807.2581 = 0.97 months).
# points (hand):
#   E1052 优秀 (rank 3): 22,000 * 1.15 * 1.5 * 1      = 37,950.0000
#   E1015 合格: 12,000 * 1.20 * 1.0 * 16/31 = 7,432.258065 -> 7,432.2581
#   E1032 合格: 14,000 * 1.00 * 1.0 * 1                = 14,000.0000
#   E1041 合格 (small group, raw 92.6318): 18,000 * 0.95 * 1.0 = 17,100.0000
#   E1008 待改进: 16,000 * 1.20 * 0 = 0 -> eligible, bonus 0.00
#   E1006 / E1021: not eligible -> 0 points, 0.00
# Σ points over the 58 eligible (60 in scope minus E1006, E1021; awk below) = 926,807.2581
# share in cents = 50,000,000 * points / 926,807.2581:
#   E1052 2,047,351.2517  E1015 400,960.2879  E1032 755,281.0942
#   E1041 922,521.9079
# The floors of the 58 shares leave 26 cents; they go to the 26 largest
# fractional parts (the 26th is .4958, the 27th .4619): E1041's .9079 gets
# one, the other three keep the floor.
#   E1052 20,473.51  E1015 4,009.60  E1032 7,552.81  E1041 9,225.22
# -------------------------------------------------------------------------
kpi "bonus: E1052 points 22000*1.15*1.5" "$R" E1052 points 37950
kpi "bonus: E1015 points 12000*1.2*1.0*16/31" "$R" E1015 points 7432.258065
kpi "bonus: E1041 points 18000*0.95*1.0" "$R" E1041 points 17100
sump=$(awk -F, 'NR > 1 && $6 == "yes" { n++; s += $19 } END { printf "%d %.4f", n, s }' "$R")
same "bonus: Σ points over 58 eligible = 926807.2581" "$sump" "58 926807.2581"
same "bonus: E1052 (excellent) 20473.51" "$(col "$R" E1052 bonus)" 20473.51
same "bonus: E1015 (prorated) 4009.60" "$(col "$R" E1015 bonus)" 4009.60
same "bonus: E1032 7552.81" "$(col "$R" E1032 bonus)" 7552.81
same "bonus: E1041 (gets a leftover cent) 9225.22" "$(col "$R" E1041 bonus)" 9225.22
same "bonus: E1008 (待改进, multiplier 0) eligible with 0.00" \
	"$(col "$R" E1008 eligible) $(col "$R" E1008 bonus)" "yes 0.00"

# cents FILE: Σ of the bonus column in integer cents (no float sums)
cents() {
	awk -F, 'NR > 1 { split($10, p, "."); c += p[1] * 100 + substr(p[2] "00", 1, 2) } END { printf "%d", c }' "$1"
}
same "bonus: column sums to the pool, 50000000 cents" "$(cents "$R")" 50000000

# An independent largest-remainder allocation (alloc_check, tests/e2e/lib.sh).
same "bonus: largest-remainder allocation matches every eligible row" "$(alloc_check "$R" 2>&1)" "ok"

# =========================================================================
# Part 2: a cap that bites. Same samples, [bonus] cap_months = 0.95.
# =========================================================================
W2=$(workspace scores-cap)
sed 's/^cap_months = 3$/cap_months = 0.95/' "$W2/config/merit.ini" >"$W2/m.ini" &&
	mv "$W2/m.ini" "$W2/config/merit.ini"
run_merit "$W2/stdout" "$W2/stderr" run -q --no-letters -c "$W2/config/merit.ini"
R2="$W2/out/2026-10/results.csv"
if [ "$rc" = 0 ] && grep -q '^cap_months = 0.95$' "$W2/config/merit.ini"; then
	pass "cap: run with cap_months = 0.95"
else
	fail "cap: run with cap_months = 0.95" "rc=$rc $(head -c 400 "$W2/stderr")"
fi
# Scores and ratings do not change (same inputs); uncapped, the sales
# 优秀 (coef 1.2 * 1.5) would get 1.8 * 500000/926807.2581 = 0.9711 months:
#   E1007 12,500 -> 500000*22500/926807.2581 = 12,138.45 > cap 11,875.00
#   E1013 11,000 -> 500000*19800/926807.2581 = 10,681.83 > cap 10,450.00
#   E1014  9,500 -> 500000*17100/926807.2581 =  9,225.22 > cap  9,025.00
# They are fixed at their caps (0.95 * base). The rest is shared:
#   pool left = 500,000 - (11,875 + 10,450 + 9,025) = 468,650.00
#   points left = 926,807.2581 - (22,500 + 19,800 + 17,100) = 867,407.2581
#   rate = 468,650 / 867,407.2581 = 0.540288 per point; the next highest
#   points/base is E1052's 1.15*1.5 = 1.725 -> 0.9320 months < 0.95: done.
# E1052: 46,865,000 * 37,950 / 867,407.2581 = 2,050,394.1296 cents
# E1032: 46,865,000 * 14,000 / 867,407.2581 =   756,403.6315 cents
# E1015: 46,865,000 * 7,432.2581 / 867,407.2581 = 401,556.2155 cents
# 27 leftover cents go to the 27 largest fractional parts (27th .5668,
# 28th .5420): E1032's .6315 gets one.
#   E1052 20,503.94  E1032 7,564.04  E1015 4,015.56
# -------------------------------------------------------------------------
same "cap: E1007 fixed at 0.95 * 12500 = 11875.00" "$(col "$R2" E1007 bonus)" 11875.00
same "cap: E1013 fixed at 0.95 * 11000 = 10450.00" "$(col "$R2" E1013 bonus)" 10450.00
same "cap: E1014 fixed at 0.95 * 9500 = 9025.00" "$(col "$R2" E1014 bonus)" 9025.00
case ";$(col "$R2" E1007 flags);" in
*";capped;"*) pass "cap: E1007 flagged capped" ;;
*) fail "cap: E1007 flagged capped" "flags '$(col "$R2" E1007 flags)'" ;;
esac
same "cap: E1052 not capped (cap 20900.00), gets 20503.94" \
	"$(col "$R2" E1052 bonus_cap) $(col "$R2" E1052 bonus)" "20900.00 20503.94"
same "cap: E1032 redistributed share 7564.04" "$(col "$R2" E1032 bonus)" 7564.04
same "cap: E1015 redistributed share 4015.56" "$(col "$R2" E1015 bonus)" 4015.56
same "cap: only E1007, E1013, E1014 capped" \
	"$(awk -F, 'NR > 1 && $21 ~ /(^|;)capped(;|$)/ { printf "%s ", $1 }' "$R2")" "E1007 E1013 E1014 "
same "cap: bonus column still sums to the pool" "$(cents "$R2")" 50000000
