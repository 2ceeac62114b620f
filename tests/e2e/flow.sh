#!/bin/sh
# One-way data flow (issue 16): a metric's rule changed in one place, the
# config, reaches results.csv, `merit explain` and the letter alike, since
# all three read the figure compute stored on the model.
#
# [metric.revenue] counts won deals; here it counts won and lost ones.
# E1001's October rows in samples/sales.csv (by hand):
#   won:  52,700 + 115,900 + 73,300 + 128,600 + 56,700 + 57,500 + 132,500
#         + 76,900 + 36,600 + 109,600 + 27,900 - 12,800 (a refund)
#         = 855,400.00 over 12 rows (the shipped rule)
#   lost: 77,900 + 40,100 + 74,300 = 192,300.00 over 3 rows
#   won|lost: 855,400 + 192,300 = 1,047,700.00 over 15 rows
# [metric.peer_review] (review360) gets `where = relation:peer`. E1001's
# rows in samples/reviews.csv: peer scores 3,3,4 5,3,3 4,4,4 from three
# reviewers, 25 x (s - 1) each: 25 x (33 - 9) = 600 over 9 rows, mean
# 66.6667 (all relations: 68.8889); subordinate and self rows no longer
# count, so explain must not list them either.
. tests/e2e/lib.sh

W=$(workspace flow)
ini=$W/config/merit.ini
python3 - "$ini" <<'EOF'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
head, sep, tail = s.partition("[metric.revenue]")
assert sep and "where = stage:won\n" in tail
s = head + sep + tail.replace("where = stage:won\n", "where = stage:won|lost\n", 1)
head, sep, tail = s.partition("[metric.peer_review]")
assert sep and "agg = review360\n" in tail
s = head + sep + tail.replace("agg = review360\n", "agg = review360\nwhere = relation:peer\n", 1)
open(p, "w", encoding="utf-8").write(s)
EOF

run_merit "$W/run.out" "$W/run.err" run -q -c "$ini" -o "$W/out"
expect "flow: run with revenue = won|lost" 0 "$W/run.err"
csv=$W/out/2026-10/results.csv

# results.csv: the metric and the KPI's actual, both the new sum.
got=$(python3 - "$csv" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")):
    if r["employee_id"] == "E1001":
        print(r["metric_revenue"], r["sales_achievement_actual"], r["peer_review_actual"])
EOF
)
if [ "$got" = "1047700.0000 1047700.0000 66.6667" ]; then
	pass "flow: results.csv follows the rules (1,047,700.00; 66.6667)"
else
	fail "flow: results.csv follows the rules" "E1001 revenue, sales actual, peer_review actual: '$got'"
fi

# explain: the same figure and the rows behind it.
run_merit "$W/explain.out" "$W/explain.err" explain -c "$ini" -o "$W/out" E1001
want="  revenue = sum(amount) over sales rows where stage:won|lost in 2026-10, 15 rows = 1,047,700.00"
if [ "$rc" = 0 ] && grep -qxF "$want" "$W/explain.out"; then
	pass "flow: explain follows the rule (15 rows)"
else
	fail "flow: explain follows the rule" "rc $rc; $(grep 'revenue =' "$W/explain.out")"
fi
# the relations explain lists are the ones metrics.c counted: peer only
rel=$(sed -n '/^  peer_review = /,/weighted mean/p' "$W/explain.out")
want_rel="  peer_review = 25 x (score - 1) per review, mean per relation:
      peer: 9 reviews by 3 reviewers, mean 66.67, weight 30
      weighted mean of the relations kept = 66.6667"
if [ "$rel" = "$want_rel" ]; then
	pass "flow: explain's review relations follow the where filter"
else
	fail "flow: explain's review relations follow the where filter" "$rel"
fi

# the letter: the KPI table's actual and the sentence about it.
txt=$(pdftotext -layout "$W/out/2026-10/letters/E1001.pdf" - 2>/dev/null)
if printf '%s\n' "$txt" | grep -q '¥1,047,700.00' &&
   printf '%s\n' "$txt" | grep -q '66.67' &&
   ! printf '%s\n' "$txt" | grep -q '855,400\|68.89'; then
	pass "flow: the letter follows the rule"
else
	fail "flow: the letter follows the rule" "$(printf '%s\n' "$txt" | grep -n '¥' | head -5)"
fi
