#!/bin/sh
# End-to-end test of the managers' team packs and the trends (SPEC 11) on
# the sample company: two consecutive months (2026-09, 2026-10) on one
# ledger. One manager (E1046) reads English, so both pack languages are
# written. Checks: every manager's pack names each direct report with the
# score, rating and bonus of results.csv and nobody else gets one
# (tests/packs_check.py); each 2026-10 letter shows both trend points; the
# History sheet holds both months' scores as each month's results.csv;
# re-running 2026-09 leaves the ledger's 2026-10 rows and 2026-09's history
# alone; letters and packs are byte-identical across runs and -j;
# --no-letters writes no packs; a 59-person team flows over pages with
# the table's header repeated.
. tests/e2e/lib.sh

W=$(workspace managers)
ini="$W/config/merit.ini"
PY=/usr/bin/python3
# E1046 (a manager) reads English: the HR export is GB18030.
iconv -f gb18030 -t utf-8 "$W/samples/hr.csv" |
	sed '/^E1046,/s/,zh,/,en,/' | iconv -f utf-8 -t gb18030 >"$W/hr.tmp" &&
	mv "$W/hr.tmp" "$W/samples/hr.csv"

for p in 2026-09 2026-10; do
	run_merit "$W/o" "$W/e" run -q -j 2 -c "$ini" -p "$p"
	[ "$rc" = 0 ] || fail "run $p" "rc=$rc $(head -c 300 "$W/e")"
done
R9="$W/out/2026-09" R10="$W/out/2026-10"

for R in "$R9" "$R10"; do
	if $PY "$ROOT/tests/packs_check.py" "$R" "$ini" >"$W/pc.out" 2>&1; then
		pass "packs $(basename "$R"): each report's score, rating and bonus as results.csv, no pack without reports ($(tail -1 "$W/pc.out"))"
	else
		fail "packs $(basename "$R")" "$(head -c 800 "$W/pc.out")"
	fi
done

txt() { pdftotext -layout "$1" - 2>/dev/null; }
if txt "$R10/managers/E1046.pdf" | grep -q "Team review pack, 2026-10" &&
   txt "$R10/managers/E1046.pdf" | grep -q "How to hold the review" &&
   txt "$R10/managers/E1001.pdf" | grep -q "团队绩效面谈准备" &&
   txt "$R10/managers/E1001.pdf" | grep -q "如何进行绩效面谈"; then
	pass "packs in the manager's language (E1046 English, E1001 Chinese), with the review box"
else
	fail "pack languages" "$(txt "$R10/managers/E1046.pdf" | head -5)"
fi

# Trends: every 2026-10 letter (and each report's block in the packs)
# shows the 2026-09 and 2026-10 scores under their period labels.
cat >"$W/trend.py" <<'EOF'
import csv, subprocess, sys
r9, r10 = sys.argv[1], sys.argv[2]
s9 = {r["employee_id"]: float(r["norm_score"]) for r in csv.DictReader(open(r9 + "/results.csv"))}
rows = list(csv.DictReader(open(r10 + "/results.csv")))
def text(p):
    return subprocess.run(["pdftotext", p, "-"], capture_output=True, text=True).stdout
def shown(v, t):
    return f"{v:.2f}" in t or f"{v:.4f}" in t
bad = n = 0
for r in rows:
    e = r["employee_id"]
    if e not in s9:
        continue
    t = text(f"{r10}/letters/{e}.pdf")
    n += 1
    if not ("2026-09" in t and shown(s9[e], t) and shown(float(r["norm_score"]), t)):
        bad += 1
        print(f"{e}: letter lacks 2026-09 {s9[e]} or 2026-10 {r['norm_score']}")
# The 2026-09 letters have no earlier period: no trend at all (its first
# slot would be labelled 2026-04, a month the letter names nowhere else).
for e in s9:
    t = text(f"{r9}/letters/{e}.pdf")
    if "2026-04" in t:
        bad += 1
        print(f"{e}: 2026-09 letter shows a trend without history")
print(f"{n} letters with both points, {bad} problems")
sys.exit(1 if bad or n < 50 else 0)
EOF
if $PY "$W/trend.py" "$R9" "$R10" >"$W/tr.out" 2>&1; then
	pass "trend: each 2026-10 letter shows both months' scores, 2026-09 letters none ($(tail -1 "$W/tr.out"))"
else
	fail "trend in letters" "$(head -c 600 "$W/tr.out")"
fi

# The trend sits beside the result figures: it adds no page. The same
# month on a fresh ledger (no history) gives every letter whose flags are
# the same (a warning from the history adds text of its own) as many pages.
sed -e 's|^state_dir = .*|state_dir = ../state-fresh|' "$ini" >"$W/config/fresh.ini"
run_merit "$W/o" "$W/e" run -q -c "$W/config/fresh.ini" -p 2026-10 -o "$W/fresh"
cat >"$W/pages.py" <<'EOF'
import csv, subprocess, sys
a, b = sys.argv[1], sys.argv[2]
def flags(r):
    return {x["employee_id"]: x["flags"] for x in csv.DictReader(open(r + "/results.csv"))}
def pages(p):
    out = subprocess.run(["pdfinfo", p], capture_output=True, text=True).stdout
    return int(next(l.split()[1] for l in out.splitlines() if l.startswith("Pages:")))
fa, fb = flags(a), flags(b)
same = [e for e in fa if fb.get(e) == fa[e]]
bad = [e for e in same if pages(f"{a}/letters/{e}.pdf") != pages(f"{b}/letters/{e}.pdf")]
print(f"{len(same)} letters compared, {len(bad)} with another page count: {bad[:5]}")
sys.exit(1 if bad or len(same) < 40 else 0)
EOF
if [ "$rc" = 0 ] && $PY "$W/pages.py" "$R10" "$W/fresh/2026-10" >"$W/pg.out" 2>&1; then
	pass "the trend adds no page to a letter ($(cat "$W/pg.out"))"
else
	fail "trend and pages" "rc=$rc $(head -c 300 "$W/pg.out" "$W/e")"
fi

cat >"$W/hist.py" <<'EOF'
import csv, sys, openpyxl
book, r9, r10, want_cols = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ws = openpyxl.load_workbook(book, data_only=True)["History"]
rows = list(ws.iter_rows(values_only=True))
head = rows[0]
col = {h: i for i, h in enumerate(head) if h}
bad = n = 0
if len([h for h in head if h and str(h).endswith(("score", "得分"))]) != want_cols:
    print(f"{want_cols} periods wanted: {head}"); sys.exit(1)
byid = {r[0]: r for r in rows[1:] if r and r[0]}
for period, path in (("2026-09", r9), ("2026-10", r10)):
    if not path:
        continue
    c = next(i for h, i in col.items() if str(h).startswith(period) and str(h).endswith(("score", "得分")))
    for r in csv.DictReader(open(path + "/results.csv")):
        n += 1
        got = byid.get(r["employee_id"], [None] * len(head))[c]
        if got is None or round(got, 4) != round(float(r["norm_score"]), 4):
            bad += 1
            print(f"{period} {r['employee_id']}: History {got} != results.csv {r['norm_score']}")
if r10 == "" and any(str(h).startswith("2026-10") for h in head):
    bad += 1; print("a re-run of 2026-09 shows 2026-10")
print(f"{n} scores compared, {bad} problems, {len(ws._charts)} charts")
sys.exit(1 if bad or not ws._charts else 0)
EOF
if $PY "$W/hist.py" "$R10/merit-2026-10.xlsx" "$R9" "$R10" 12 >"$W/hi.out" 2>&1; then
	pass "History sheet: twelve periods, 2026-09 and 2026-10 scores equal each month's results.csv ($(tail -1 "$W/hi.out"))"
else
	fail "History sheet" "$(head -c 600 "$W/hi.out")"
fi

# Re-running the older month: the ledger keeps 2026-10 as it was, and
# 2026-09's history ends at 2026-09.
ledger_10() {
	$PY -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT employee_id, norm_score, rating_band_index, bonus_cents, run_id FROM results WHERE period = ? ORDER BY employee_id", ("2026-10",)): print(r)' "$W/state/history.db"
}
ledger_10 >"$W/l10.before"
sha9=$(cd "$R9" && sha256sum letters/*.pdf managers/*.pdf)
run_merit "$W/o" "$W/e" run -q -j 1 -c "$ini" -p 2026-09
ledger_10 >"$W/l10.after"
if [ "$rc" = 0 ] && [ -s "$W/l10.before" ] && cmp -s "$W/l10.before" "$W/l10.after" &&
   $PY "$W/hist.py" "$R9/merit-2026-09.xlsx" "$R9" "" 12 >"$W/hi9.out" 2>&1; then
	pass "re-running 2026-09 changes neither the ledger's 2026-10 rows nor shows 2026-10 in its history"
else
	fail "re-run of an old period" "rc=$rc $(diff "$W/l10.before" "$W/l10.after" | head -3) $(head -c 300 "$W/hi9.out")"
fi
if [ "$sha9" = "$(cd "$R9" && sha256sum letters/*.pdf managers/*.pdf)" ]; then
	pass "2026-09 letters and packs byte-identical across runs (-j 2, then -j 1)"
else
	fail "2026-09 reproducible" "$(printf '%s\n' "$sha9" | head -2)"
fi

sha10=$(cd "$R10" && sha256sum letters/*.pdf managers/*.pdf)
run_merit "$W/o" "$W/e" run -q -j 1 -c "$ini" -p 2026-10 -o "$W/again"
if [ "$rc" = 0 ] && [ "$sha10" = "$(cd "$W/again/2026-10" && sha256sum letters/*.pdf managers/*.pdf)" ]; then
	pass "2026-10 letters and packs byte-identical across runs (-j 2, then -j 1)"
else
	fail "2026-10 reproducible" "rc=$rc"
fi

run_merit "$W/o" "$W/e" run -q --no-letters -c "$ini" -p 2026-10 -o "$W/nol"
if [ "$rc" = 0 ] && [ ! -e "$W/nol/2026-10/managers" ] && [ ! -e "$W/nol/2026-10/letters" ]; then
	pass "--no-letters writes neither letters nor team packs"
else
	fail "--no-letters" "rc=$rc $(ls "$W/nol/2026-10" 2>&1)"
fi

# A large team flows over pages: everyone reports to E1001 (59 people), so
# the team table continues on the next page with its header again (工号 /
# 绩效得分 on every page up to the one holding the row of E1060, a later
# page than E1002's); the heat map and talking points follow.
WB=$(workspace managers-big)
iconv -f gb18030 -t utf-8 "$WB/samples/hr.csv" |
	awk -F, -v OFS=, 'NR > 1 && $1 != "E1001" { $8 = "E1001" } 1' |
	iconv -f utf-8 -t gb18030 >"$WB/hr.tmp" && mv "$WB/hr.tmp" "$WB/samples/hr.csv"
run_merit "$WB/o" "$WB/e" run -q -c "$WB/config/merit.ini" -p 2026-10
P="$WB/out/2026-10/managers/E1001.pdf"
pages=$(pdfinfo "$P" 2>/dev/null | sed -n 's/^Pages: *//p')
page_of() { for i in $(seq 1 "$pages"); do pdftotext -layout -f "$i" -l "$i" "$P" - 2>/dev/null | grep -q "$1" && { echo "$i"; return; }; done; }
p_first=$(page_of ' E1002 ') p_last=$(page_of ' E1060 ')
heads=0
for i in $(seq 1 "${p_last:-0}"); do
	pdftotext -layout -f "$i" -l "$i" "$P" - 2>/dev/null | grep -q '工号.*绩效得分' && heads=$((heads + 1))
done
if [ "$rc" = 0 ] && [ "$(ls "$WB/out/2026-10/managers")" = "E1001.pdf" ] && [ "${pages:-0}" -ge 3 ] &&
   [ "${p_last:-0}" -gt "${p_first:-0}" ] && [ "$heads" = "$p_last" ] &&
   $PY "$ROOT/tests/packs_check.py" "$WB/out/2026-10" "$WB/config/merit.ini" >"$WB/pc.out" 2>&1; then
	pass "a 59-person team: one pack of $pages pages, the table header on each of its $p_last pages, every row as results.csv"
else
	fail "large team" "rc=$rc pages=$pages first=$p_first last=$p_last heads=$heads $(head -c 300 "$WB/pc.out" "$WB/e")"
fi
