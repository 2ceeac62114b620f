#!/bin/sh
# End-to-end tests of .xlsx inputs (SPEC 3.2): the sample exports as typed
# workbooks (a title row above the header, dates as Excel dates in the 1900
# and, for sales, the 1904 system, money as numbers, HR on its second sheet
# "花名册") give the very results.csv of the CSV run; problems name the
# cell (hr.xlsx:花名册!J17); merit init reads workbooks too.
. tests/e2e/lib.sh
PY=/usr/bin/python3
W=$(workspace xlsx)
$PY "$ROOT/tests/xlsx_samples.py" "$W/samples" "$W/x" || fail "xlsx_samples.py" "cannot convert"

# The shipped config, reading the workbooks.
sed -e 's|^file = \.\./samples/\([a-z]*\)\.csv|file = ../x/\1.xlsx\nheader_row = 2|' \
    -e 's|^\(file = \.\./x/hr\.xlsx\)|\1\nsheet = 花名册|' \
    "$W/config/merit.ini" >"$W/config/xlsx.ini"
if [ "$(grep -c '^header_row = 2' "$W/config/xlsx.ini")" = 6 ] && grep -q '^sheet = 花名册' "$W/config/xlsx.ini"; then
	pass "xlsx config: six workbooks, header_row = 2, sheet = 花名册"
else
	fail "xlsx config" "$(grep -n '^file\|^header_row\|^sheet' "$W/config/xlsx.ini")"
fi

"$MERIT" run -q --no-letters -c "$W/config/merit.ini" -o "$W/csv" >"$W/csv.err" 2>&1; ra=$?
"$MERIT" run -q --no-letters -c "$W/config/xlsx.ini" -o "$W/xlsx" >"$W/xlsx.err" 2>&1; rb=$?
if [ "$ra" = 0 ] && [ "$rb" = 0 ] && [ -s "$W/csv/2026-10/results.csv" ] &&
   cmp -s "$W/csv/2026-10/results.csv" "$W/xlsx/2026-10/results.csv"; then
	pass "typed .xlsx exports give results.csv identical to the CSV run ($(($(wc -l <"$W/csv/2026-10/results.csv") - 1)) employees)"
else
	fail "xlsx results identical" "rc $ra/$rb $(head -c 400 "$W/xlsx.err") $(diff "$W/csv/2026-10/results.csv" "$W/xlsx/2026-10/results.csv" 2>&1 | head -4)"
fi
# The same row counts and set-asides; the manifest holds the workbook's SHA-256.
"$MERIT" validate -c "$W/config/xlsx.ini" >"$W/v.out" 2>"$W/v.err"
if grep -q "sales rows: 519 read, 333 in the period; set aside: 80 without a date, 13 without an amount, 93 in other periods" "$W/v.out" &&
   grep -q "$(sha256sum "$W/x/sales.xlsx" | cut -c1-64)" "$W/xlsx/2026-10/manifest.json"; then
	pass "xlsx: sales rows and set-asides as the CSV's; the manifest has the workbook's SHA-256"
else
	fail "xlsx validate" "$(cat "$W/v.out" "$W/v.err" | head -c 500)"
fi

# --- messages name the cell (hr.xlsx:花名册!E4) and an unknown sheet lists the
# sheets: tests/cases/xlsx-bad-cell, xlsx-unknown-sheet.
# A repeated record id names its cell and the row of the first (rows of a
# sheet, not lines of a file): row 10's id made row 3's.
$PY - "$W/x/sales.xlsx" "$W/x/dup-sales.xlsx" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Sales"]
ws["A10"] = ws["A3"].value
wb.save(sys.argv[2])
PYEOF
sed 's|^file = \.\./x/sales\.xlsx|file = ../x/dup-sales.xlsx|' "$W/config/xlsx.ini" >"$W/config/dup.ini"
run_merit "$W/d.out" "$W/d.err" validate -c "$W/config/dup.ini"
expect "a repeated record id: dup-sales.xlsx:Sales!A10, first at row 3 (65)" 65 "$W/d.err" \
	"dup-sales.xlsx:Sales!A10: error: record_id 'OPP-100001' appears again (first at row 3)"
sed 's|^sheet = 花名册|sheet = 2|' "$W/config/xlsx.ini" >"$W/config/sheet2.ini"
"$MERIT" run -q --no-letters -c "$W/config/sheet2.ini" -o "$W/s2" >"$W/s2.err" 2>&1
if cmp -s "$W/csv/2026-10/results.csv" "$W/s2/2026-10/results.csv"; then
	pass "sheet = 2 reads the second sheet"
else
	fail "sheet = 2" "$(head -c 300 "$W/s2.err")"
fi

# --- init on workbooks ---------------------------------------------------------
mkdir -p "$W/gen"
run_merit "$W/i.out" "$W/i.err" init --hr "$W/x/hr.xlsx" --sales "$W/x/sales.xlsx" \
	--targets "$W/x/targets.xlsx" --metrics "$W/x/metrics.xlsx" --reviews "$W/x/reviews.xlsx" \
	--training "$W/x/training.xlsx" -o "$W/gen/merit.ini"
expect "init on the workbooks: every required field mapped" 0 "$W/i.out" "written; \([0-9]*\) of \1 required fields mapped"
if [ "$($PY "$ROOT/tests/ini_splice.py" --map "$W/gen/merit.ini" input.sales header_row)" = 2 ] &&
   grep -q "^; row 2 is the first with 9 of the 9 columns filled, as text (the rows above are titles)" "$W/gen/merit.ini" &&
   [ "$($PY "$ROOT/tests/ini_splice.py" --map "$W/gen/merit.ini" input.hr sheet)" = 花名册 ] &&
   grep -q "^; of the workbook's 2 sheets, the one whose header names most fields" "$W/gen/merit.ini"; then
	pass "init on workbooks: the header below a title row, the HR sheet of two, with the evidence"
else
	fail "init header_row" "$(grep -n 'header_row\|sheet' "$W/gen/merit.ini" | head)"
fi
$PY "$ROOT/tests/ini_splice.py" "$W/config/merit.ini" "$W/gen/merit.ini" "$W/gen/spliced.ini" \
	--prefix input. --prefix columns. --prefix values.
"$MERIT" run -q --no-letters -c "$W/gen/spliced.ini" -o "$W/gi" >"$W/gi.err" 2>&1
if cmp -s "$W/csv/2026-10/results.csv" "$W/gi/2026-10/results.csv"; then
	pass "init's input sections on workbooks + the shipped scorecards: results.csv identical"
else
	fail "init on workbooks, results" "$(head -c 400 "$W/gi.err")"
fi

# --- null, [defaults.X] and layout = wide on workbooks --------------------------
# HR: every "zh" locale cell becomes "-" (null = -, [defaults.hr] locale = zh);
# targets: the monthly rows as one row per scope/key/kpi/year with a column
# per month (1月 ... 12月), numbers typed, "-" where a month has no target.
$PY - "$W/x" <<'PYEOF'
import sys, openpyxl
d = sys.argv[1]
wb = openpyxl.load_workbook(d + "/hr.xlsx")
ws = wb["花名册"]
col = [c.value for c in ws[2]].index("语言") + 1
for r in range(3, ws.max_row + 1):
    if ws.cell(r, col).value == "zh":
        ws.cell(r, col).value = "-"
wb.save(d + "/hr-null.xlsx")
src = openpyxl.load_workbook(d + "/targets.xlsx").active
rows = [[c.value for c in r] for r in src.iter_rows(min_row=3)]
wide, other = {}, []
for scope, key, kpi, period, target in rows:
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        wide.setdefault((scope, key, kpi, int(period[:4])), {})[int(period[5:])] = target
    else:
        other.append((scope, key, kpi, period, target))
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["目标表 targets"])
ws.append(["scope", "key", "kpi", "year"] + ["%d月" % m for m in range(1, 13)])
for (scope, key, kpi, year), months in sorted(wide.items()):
    ws.append([scope, key, kpi, year] + [months.get(m, "-") for m in range(1, 13)])
wb.save(d + "/targets-wide.xlsx")
# the quarter rows (other) cannot be monthly columns; 2026-10 does not use them
PYEOF
sed -e 's|^file = \.\./x/hr\.xlsx|file = ../x/hr-null.xlsx\nnull = -|' \
    -e 's|^file = \.\./x/targets\.xlsx|file = ../x/targets-wide.xlsx\nlayout = wide\nnull = -|' \
    "$W/config/xlsx.ini" >"$W/config/wide.ini"
printf '\n[defaults.hr]\nlocale = zh\n\n[columns.targets]\nmonths = 1月, 2月, 3月, 4月, 5月, 6月, 7月, 8月, 9月, 10月, 11月, 12月\n' >>"$W/config/wide.ini"
"$MERIT" run -q --no-letters -c "$W/config/wide.ini" -o "$W/wide" >"$W/wide.err" 2>&1
if cmp -s "$W/csv/2026-10/results.csv" "$W/wide/2026-10/results.csv"; then
	pass "workbooks with null = -, [defaults.hr] locale and layout = wide targets: results.csv identical"
else
	fail "xlsx null/defaults/wide" "$(head -c 600 "$W/wide.err") $(diff "$W/csv/2026-10/results.csv" "$W/wide/2026-10/results.csv" 2>&1 | head -4)"
fi
