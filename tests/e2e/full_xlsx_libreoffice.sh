#!/bin/sh
# The workbook recalculated by a real spreadsheet (make test-full only: slow,
# needs libreoffice-calc-nogui from tools/debian-packages-full.txt).
#
# The workbook comes from the xlsx unit test (MERIT_XLSX_SAMPLE makes
# $BUILD/tests/test_xlsx keep a copy): six employees, pool 1000.00 split
# 333.34 / 333.33 / 333.33. LibreOffice loads it with "recalculate on load:
# always" (a private profile; its default for .xlsx is to trust cached
# values), and exports every sheet as CSV. Checks: the recalculated Payroll
# total is 1000.00, the check cell is 0, and the lines add up to the total.
# A copy whose cached total was tampered with to 999999 must come out right
# too, which proves the numbers were recalculated rather than copied.
. "$(dirname "$0")/lib.sh"
: "${BUILD:=out/build}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if ! command -v soffice >/dev/null 2>&1; then
	fail xlsx_libreoffice "soffice not found: apt-get install -y --no-install-recommends libreoffice-calc-nogui"
	exit 0
fi
T=$(scratch xlsx_libreoffice)
MERIT_XLSX_SAMPLE="$T/book.xlsx" MERIT_TESTS_TMP="$T" "$BUILD/tests/test_xlsx" >"$T/unit.log" 2>&1
if [ ! -s "$T/book.xlsx" ]; then
	fail xlsx_libreoffice "no workbook from $BUILD/tests/test_xlsx: $(tail -5 "$T/unit.log")"
	exit 0
fi

# A private LibreOffice profile that recalculates OOXML files on load.
mkdir -p "$T/profile/user"
cat >"$T/profile/user/registrymodifications.xcu" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
EOF

# The tampered copy: the Payroll total's cached <v> replaced by 999999.
"$PY" - "$T/book.xlsx" "$T/tampered.xlsx" <<'EOF'
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for item in zi.infolist():
        data = zi.read(item.filename)
        if item.filename.startswith("xl/worksheets/sheet"):
            text = data.decode("utf-8")
            if "<f>SUM(E2:" in text:
                text = re.sub(r"(<f>SUM\(E2:E\d+\)</f><v>)[^<]*", r"\g<1>999999", text)
                data = text.encode("utf-8")
        zo.writestr(item, data)
EOF

check_book() {
	name=$1 book=$2
	out="$T/csv-$name"
	mkdir -p "$out"
	# 44,34,76,1,,0,false,true,false,false,false,-1: comma, quote, UTF-8, every sheet.
	soffice -env:UserInstallation="file://$T/profile" --headless --convert-to \
		'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
		--outdir "$out" "$book" >"$out/soffice.log" 2>&1
	payroll=$(ls "$out"/*Payroll*.csv 2>/dev/null | head -1)
	if [ -z "$payroll" ]; then
		fail "xlsx_libreoffice_$name" "no Payroll CSV: $(cat "$out/soffice.log")"
		return
	fi
	if msg=$("$PY" - "$payroll" 2>&1 <<'EOF'
import csv, sys
from decimal import Decimal
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
def money(s):
    s = s.replace("¥", "").replace(",", "").strip()
    return Decimal(s) if s else None
lines, labels = [], {}
for r in rows[1:]:
    if len(r) < 5:
        continue
    if r[0]:
        lines.append(money(r[4]))
    elif r[3]:
        labels[r[3]] = money(r[4])
total, pool, check = labels.get("Total"), labels.get("Pool"), labels.get("Check (must be 0)")
if total != Decimal("1000.00"):
    sys.exit(f"recalculated total {total}, wanted 1000.00 ({labels})")
if pool != Decimal("1000.00") or check != 0:
    sys.exit(f"pool {pool}, check {check}, wanted 1000.00 and 0")
if sum(lines) != total:
    sys.exit(f"lines add up to {sum(lines)}, total {total}")
EOF
	); then
		pass "xlsx_libreoffice_$name"
	else
		fail "xlsx_libreoffice_$name" "$msg"
	fi
}

check_book cached "$T/book.xlsx"
check_book recalculated "$T/tampered.xlsx"
