#!/bin/sh
# The workbook's big sheets are filled on threads (src/render/xlsx.c): the
# same company gives the same .xlsx, byte for byte, and the same
# results.csv whatever MERIT_THREADS says (1: every sheet on one thread,
# zipped by libxlsxwriter itself;
# 2: KPI detail beside the rest; 3: Employees and KPI detail each on its
# own). A generated company of 2,500 people: 2,500 Employees rows and
# ~12,000 KPI detail rows, enough that the threads overlap.
. tests/e2e/lib.sh

G=$(scratch xlsx-threads)
"$BUILD/tools/gencompany" -e 2500 -s 20000 -p 2026-10 --seed 7 -c "$ROOT/config/merit.ini" \
	"$G/co" >/dev/null 2>&1 || { fail "xlsx threads: gencompany" "exit $?"; exit 1; }
export SOURCE_DATE_EPOCH=1700000000
# Each run in its own folder with the same merit.ini (relative output and
# state folders): the Audit sheet names the config and its SHA-256.
for t in 1 2 3; do
	mkdir "$G/t$t" && cp "$G/co/"* "$G/t$t/"
	export MERIT_THREADS=$t
	(cd "$G/t$t" && run_merit out.txt err.txt run -q --no-letters -c merit.ini -p 2026-10 &&
	 expect "xlsx threads: run with MERIT_THREADS=$t" 0 err.txt) || exit 1
done
unset MERIT_THREADS
X=merit-2026-10.xlsx
if cmp -s "$G/t1/out/2026-10/$X" "$G/t2/out/2026-10/$X" && cmp -s "$G/t1/out/2026-10/$X" "$G/t3/out/2026-10/$X" &&
   cmp -s "$G/t1/out/2026-10/results.csv" "$G/t2/out/2026-10/results.csv" &&
   cmp -s "$G/t1/out/2026-10/results.csv" "$G/t3/out/2026-10/results.csv"; then
	pass "xlsx threads: workbook and results.csv identical with 1, 2 and 3 threads"
else
	fail "xlsx threads: identical" "$(cmp "$G/t1/out/2026-10/$X" "$G/t2/out/2026-10/$X"; cmp "$G/t1/out/2026-10/$X" "$G/t3/out/2026-10/$X")"
fi

# ... and complete: Employees has one row per person of results.csv, KPI
# detail as many rows as its filter (set from counts made before any cell
# is written) covers; each plus its header. Workbook order: Summary,
# Employees, KPI detail = sheet1, sheet2, sheet3.
sheet() { unzip -p "$G/t2/out/2026-10/$X" "xl/worksheets/$1.xml"; }
people=$(($(wc -l <"$G/t2/out/2026-10/results.csv") - 1))
filter=$(sheet sheet3 | sed -n 's/.*<autoFilter ref="A1:K\([0-9]*\)".*/\1/p')
same "xlsx threads: Employees has a row per person, header included (2 threads)" \
	"$(sheet sheet2 | grep -o '<row ' | wc -l)" $((people + 1))
same "xlsx threads: KPI detail has the rows its filter covers (2 threads)" \
	"$(sheet sheet3 | grep -o '<row ' | wc -l)" "$filter"
if [ "$people" -ge 2000 ] && [ "${filter:-0}" -ge 10000 ]; then
	pass "xlsx threads: big enough to overlap ($people people, $((filter - 1)) KPI rows)"
else
	fail "xlsx threads: size" "$people people, filter to row $filter"
fi

# The History sheet charts the 50 largest departments at most (a chart
# per department is thousands at 100k people, all held in memory when the
# workbook closes); the table keeps every department, and a note says so.
# Departments are the History sheet's (sheet6) "Department mean score" rows;
# charts are the drawing's, the Summary's own three aside.
depts=$(cut -d, -f3 "$G/t2/out/2026-10/results.csv" | sed 1d | sort -u | wc -l)
hist=$(sheet sheet6)
charts=$(unzip -l "$G/t2/out/2026-10/$X" | grep -c 'xl/charts/chart[0-9]*\.xml')
summary=$(unzip -p "$G/t2/out/2026-10/$X" xl/drawings/_rels/drawing1.xml.rels | grep -o 'chart[0-9]*\.xml' | wc -l)
if [ "$depts" -gt 50 ] && [ $((charts - summary)) = 50 ] &&
   echo "$hist" | grep -q "Charts: the 50 largest of $depts departments\|图表：人数最多的 50 个部门（共 $depts 个）"; then
	pass "xlsx: History charts the 50 largest of $depts departments, with the note ($charts charts in all)"
else
	fail "xlsx: History charts" "$depts departments, $charts charts, $summary on the Summary"
fi

# results.csv is written on a thread of its own beside the workbook
# (src/cmd_run.c): when it fails, the run reports that one error, the same
# with 1 and 2 threads, exits 73 and publishes nothing.
W=$(workspace render-threads)
for t in 1 2; do
	MERIT_THREADS=$t MERIT_FAULT=results-csv-write "$MERIT_TESTING_BIN" run -q --no-letters \
		-c "$W/config/merit.ini" -p 2026-10 >"$W/o$t" 2>"$W/e$t"
	rc=$?
	if [ "$rc" = 73 ] && [ "$(wc -l <"$W/e$t")" = 1 ] &&
	   grep -q '/results.csv: error: cannot write: No space left on device$' "$W/e$t" &&
	   [ ! -e "$W/out/2026-10" ] && ! ls -a "$W/out" 2>/dev/null | grep -q '\.tmp-'; then
		pass "results.csv failing beside the workbook (MERIT_THREADS=$t): its error, exit 73, nothing published"
	else
		fail "results.csv failing, MERIT_THREADS=$t" "rc=$rc $(head -c 300 "$W/e$t") $(ls -a "$W/out" 2>&1)"
	fi
done

# With two or more threads the worksheets' zip entries are assembled and
# compressed on threads (src/render/xlsx_zip.c); MERIT_THREADS=1 above took
# libxlsxwriter's own serial path, so the cmp above also proves the two
# write the same bytes. When a sheet's entry cannot be made (its temporary
# file, here by fault), the run says which file, exits 73, and publishes
# nothing.
rm -rf "$W/out"
MERIT_THREADS=2 MERIT_FAULT=xlsx-sheet-entry "$MERIT_TESTING_BIN" run -q --no-letters \
	-c "$W/config/merit.ini" -p 2026-10 >"$W/oz" 2>"$W/ez"
rc=$?
# (libxlsxwriter prints a line of its own before merit's.)
if [ "$rc" = 73 ] && [ "$(grep -c ': error: ' "$W/ez")" = 1 ] &&
   grep -q '/merit-2026-10.xlsx: error: cannot write the workbook: Error encountered when creating a tmpfile' "$W/ez" &&
   [ ! -e "$W/out/2026-10" ] && ! ls -a "$W/out" 2>/dev/null | grep -q '\.tmp-'; then
	pass "a worksheet's zip entry failing on a thread: the workbook's error, exit 73, nothing published"
else
	fail "worksheet entry failing" "rc=$rc $(head -c 300 "$W/ez") $(ls -a "$W/out" 2>&1)"
fi

# The Audit sheet counts the run's warnings (B8, "Warnings"): two sales rows
# of owners HR does not know, with unknown_owner = warn, are two warnings
# (the workbook once got a diag of its own and always said 0).
A=$(workspace audit-warnings)
printf 'OPP-999991,E9999,ACC-1,10/05/2026,Closed Won,"¥1,000.00",No,,\nOPP-999992,E9998,ACC-1,10/06/2026,Closed Won,"¥1,000.00",No,,\n' \
	>>"$A/samples/sales.csv"
sed -i 's/^unknown_owner = error/unknown_owner = warn/' "$A/config/merit.ini"
"$MERIT" run -q --no-letters -c "$A/config/merit.ini" -p 2026-10 >"$A/o" 2>"$A/e"
rc=$?
b8=$(unzip -p "$A/out/2026-10/merit-2026-10.xlsx" xl/worksheets/sheet7.xml 2>/dev/null |
	sed -n 's/.*<c r="B8"[^>]*><v>\([0-9]*\)<\/v>.*/\1/p')
if [ "$rc" = 0 ] && [ "$b8" = 2 ]; then
	pass "xlsx: the Audit sheet counts the run's 2 warnings"
else
	fail "xlsx: Audit warnings" "rc=$rc B8=$b8 $(head -c 300 "$A/e")"
fi
