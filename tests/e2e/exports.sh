#!/bin/sh
# End-to-end tests of real exports as they come (SPEC 3.1, issue 10): each
# shape below is built here from its description, loads with configuration
# alone, and gives exactly the figures derived by hand.
#
# The company is the same in every shape: three sales people for 2026-10,
# one KPI (revenue of won deals against a target of 100,000, linear,
# cap 120), value coefficient 1, bands Excellent >= 90, Qualified >= 80,
# pool 1,000.00, multipliers 1.5 / 1.0 / 0, no cap, no fairness method.
#   E1 Ann Lee 10,000/month, revenue 110,000 -> score 110 -> Excellent
#   E2 Bob Wu   8,000/month, revenue  85,000 -> score  85 -> Qualified
#   E3 Cy Ng    6,000/month, revenue  50,000 -> score  50 -> Needs improvement
# points: E1 10,000 x 1 x 1.5 = 15,000; E2 8,000 x 1 x 1.0 = 8,000; E3 0
# bonus: E1 1000 x 15000/23000 = 652.1739 -> 65217 cents (remainder .39)
#        E2 1000 x  8000/23000 = 347.8260 -> 34782 cents (remainder .83)
#        99,999 cents handed out; the last cent to the larger remainder, E2:
#        E1 652.17, E2 347.83, E3 0.00 (sum 1000.00).
. tests/e2e/lib.sh

# scoring DIR: the sections every shape shares (after its input sections)
scoring() {
	cat >>"$1/merit.ini" <<EOF

[run]
company = Exports Co
period = 2026-10
locale = en
output_dir = out
state_dir = state

[metric.revenue]
from = sales
agg = sum
field = amount
where = stage:won

[kpi.sales_achievement]
metric = revenue
target = table
direction = higher
scoring = linear
cap = 120
floor = 0

[role.sales]
kpis = sales_achievement:100
value_coefficient = 1

[rating]
bands = 优秀 | Excellent:90, 合格 | Qualified:80, 待改进 | Needs improvement:0

[fairness]
method = none

[bonus]
pool = 1000.00
currency = CNY
multipliers = Excellent:1.5, Qualified:1.0, Needs improvement:0
cap_months = 0

[letters]
templates = $ROOT/templates
font = /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
EOF
}

# The canonical HR export, targets and sales (tests/fixtures/exports, the
# company of tests/cases too), for shapes about another input.
plain_hr() { cp "$ROOT/tests/fixtures/exports/hr.csv" "$1/"; }
plain_targets() { cp "$ROOT/tests/fixtures/exports/targets.csv" "$1/"; }
plain_sales() { cp "$ROOT/tests/fixtures/exports/sales.csv" "$1/"; }
plain_inputs() {
	cat >>"$1/merit.ini" <<EOF
[input.hr]
file = hr.csv
[input.targets]
file = targets.csv
EOF
}

# results NAME DIR [ID]: runs merit, compares the figures of E1-E3 with the
# hand-derived ones above (name, role, base_salary, raw_score, rating, bonus)
expect_figures() {
	_name=$1 _dir=$2 _e1=${3:-Ann Lee} _sal=${4:-10000.00,8000.00,6000.00}
	run_merit "$_dir/run.out" "$_dir/run.err" run -q --no-letters -c "$_dir/merit.ini" -o "$_dir/out"
	if [ "$rc" != 0 ]; then
		fail "$_name" "exit $rc: $(head -c 600 "$_dir/run.err")"
		return
	fi
	got=$(python3 - "$_dir/out/2026-10/results.csv" <<'PY'
import csv, sys
rows = {r["employee_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
out = []
for e in sorted(rows):
    r = rows[e]
    out.append("|".join([e, r["name"], r["role"], r["base_salary"], r["raw_score"], r["rating"], r["bonus"]]))
print(";".join(out))
PY
)
	want="$(echo "$_sal" | awk -F, -v n1="$_e1" '{
		printf "E1|%s|sales|%s|110.0000|Excellent|652.17;", n1, $1;
		printf "E2|Bob Wu|sales|%s|85.0000|Qualified|347.83;", $2;
		printf "E3|Cy Ng|sales|%s|50.0000|Needs improvement|0.00", $3 }')"
	if [ "$got" = "$want" ]; then
		pass "$_name"
	else
		fail "$_name" "got $got; wanted $want"
	fi
}

# --- 1. an order-line export: the order number repeats, no line number, no
# stage, customer or new-customer column; HR without grade, dept_type,
# email, manager, status, leave date.
W=$(scratch exports-orderlines)
plain_hr "$W"
plain_targets "$W"
# E1's order 1001 has two lines (60,000 + 50,000 = 110,000); E3's order
# 1003 two (30,000 + 20,000); 1004 is dated September (not counted).
cat >"$W/sales.csv" <<EOF
Order No,Salesperson,Order Date,Line Amount
1001,E1,2026-10-03,60000
1001,E1,2026-10-03,50000
1002,E2,2026-10-10,85000
1003,E3,2026-10-12,30000
1003,E3,2026-10-12,20000
1004,E1,2026-09-30,99999
EOF
plain_inputs "$W"
cat >>"$W/merit.ini" <<EOF
[input.sales]
file = sales.csv
[columns.sales]
employee_id = Salesperson
date = Order Date
amount = Line Amount
[defaults.sales]
stage = won
EOF
scoring "$W"
expect_figures "order lines: no record_id, stage by default, revenue of every line" "$W"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "order lines: validate says there is no duplicate check" 0 "$W/v.out" \
	"^  sales: no record_id column, so duplicate rows are not checked$" \
	"^  sales rows: 6 read, 5 in the period; set aside: 0 without a date, 0 without an amount, 1 in other periods$"
# The same export with record_id = Order No and duplicates only a warning:
# the second lines of 1001 and 1003 are set aside (E1 60,000 -> score 60),
# and the summary now counts them.
sed -i 's/^employee_id = Salesperson$/employee_id = Salesperson\nrecord_id = Order No/' "$W/merit.ini"
printf '[policy]\nduplicate_record = warn\n' >>"$W/merit.ini"
run_merit "$W/v2.out" "$W/v2.err" validate -c "$W/merit.ini"
expect "order lines keyed by order number: the duplicates are counted" 0 "$W/v2.out" \
	"^  sales rows: 6 read, 3 in the period; set aside: 0 without a date, 0 without an amount, 1 in other periods, 2 duplicates$" &&
	grep -q "sales.csv:3:1: warning: record_id '1001' appears again (first at line 2)" "$W/v2.err"

# --- 2. an HR export with two title rows, NULL texts, first and last
# names in two columns and hourly rates: 50.00 x 2400 / 12 = 10,000.00,
# 40.00 -> 8,000.00, 30.00 -> 6,000.00 a month.
W=$(scratch exports-hr)
plain_sales "$W"
plain_targets "$W"
cat >"$W/hr.csv" <<EOF
Staff list 2026,,,,,,,
"Exported 2026-11-01, HR system",,,,,,,
Emp No,First Name,Last Name,Dept,Job Title,Hourly Rate,Start Date,End Date
E1,Ann,Lee,Sales,sales,50.00,2020-01-01,NULL
E2,Bob,Wu,Sales,sales,40.00,2020-01-01,n/a
E3,Cy,Ng,Sales,sales,30.00,2020-01-01,NULL
EOF
cat >"$W/merit.ini" <<EOF
[input.hr]
file = hr.csv
header_row = 3
null = NULL, N/A
salary_period = hour
hours_per_year = 2400
[columns.hr]
employee_id = Emp No
name = First Name + Last Name
department = Dept
role = Job Title
base_salary = Hourly Rate
hire_date = Start Date
leave_date = End Date
[input.sales]
file = sales.csv
[input.targets]
file = targets.csv
EOF
scoring "$W"
expect_figures "HR: title rows, NULL, split names, hourly rates" "$W"
# hours_per_year at its default 2080: 57.70 x 2080 / 12 = 10,001.333... ->
# 10,001.33 (rounded once, half away from zero)
sed -i 's/^hours_per_year = 2400$//; s/^E1,Ann,Lee,Sales,sales,50.00,/E1,Ann,Lee,Sales,sales,57.70,/' "$W/merit.ini" "$W/hr.csv"
run_merit "$W/r2.out" "$W/r2.err" run -q --no-letters -c "$W/merit.ini" -o "$W/out2"
if [ "$rc" = 0 ] && grep -q "^E1,Ann Lee,Sales,sales,.*,10001.33," "$W/out2/2026-10/results.csv"; then
	pass "HR: an hourly rate of 57.70 at 2080 hours is 10,001.33 a month"
else
	fail "HR: hourly at 2080" "exit $rc: $(head -c 300 "$W/r2.err")"
fi
# Read as monthly, the rates get a warning that names the key (shown with
# -v, counted in the summary without).
sed -i 's/^salary_period = hour$//' "$W/merit.ini"
run_merit "$W/v.out" "$W/v.err" validate -v -c "$W/merit.ini"
expect "HR: hourly rates read as monthly: a warning with the hint" 0 "$W/v.err" \
	"hr.csv: warning: base_salary: the median is 40.00 a month, which looks like an hourly rate$" \
	"^  hint: if the export holds hourly rates, set salary_period = hour (and hours_per_year) in \[input.hr\]$"
# Yearly salaries: 120,000 / 12 = 10,000.00 with salary_period = year.
W=$(scratch exports-hr-year)
plain_sales "$W"; plain_targets "$W"; plain_inputs "$W"
cat >"$W/hr.csv" <<EOF
employee_id,name,department,role,base_salary,hire_date
E1,Ann Lee,Sales,sales,120000,2020-01-01
E2,Bob Wu,Sales,sales,96000,2020-01-01
E3,Cy Ng,Sales,sales,72000,2020-01-01
EOF
printf '[input.sales]\nfile = sales.csv\n' >>"$W/merit.ini"
scoring "$W"
run_merit "$W/v.out" "$W/v.err" validate -v -c "$W/merit.ini"
expect "HR: yearly salaries read as monthly: a warning with the hint" 0 "$W/v.err" \
	"hr.csv: warning: base_salary: the median is 96000.00 a month, which looks like a yearly salary$"
sed -i 's/^file = hr.csv$/file = hr.csv\nsalary_period = year/' "$W/merit.ini"
expect_figures "HR: salary_period = year divides by 12" "$W"

# --- 3. a quota sheet: UTF-16 LE with BOM, tab-separated, one row per
# person and year, a column per month, in thousands, keyed by a national
# id. October: 100 x 1000 = 100,000 for each; September's 50 and the
# empty months are other targets or none.
W=$(scratch exports-quota)
plain_sales "$W"
cat >"$W/hr.csv" <<EOF
employee_id,name,department,role,base_salary,hire_date,National ID
E1,Ann Lee,Sales,sales,10000,2020-01-01,110101199001011234
E2,Bob Wu,Sales,sales,8000,2020-01-01,110101199202024321
E3,Cy Ng,Sales,sales,6000,2020-01-01,11010119930303555X
EOF
python3 - "$W/quota.txt" <<'PY'
import sys
rows = [["EmployeeID", "Year"] + ["M%02d" % m for m in range(1, 13)]]
for nid in ["110101199001011234", "110101199202024321", "11010119930303555X"]:
    rows.append([nid, "2026"] + ["", "", "", "", "", "", "", "", "50", "100", "", ""])
text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
open(sys.argv[1], "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
PY
cat >"$W/merit.ini" <<EOF
[input.hr]
file = hr.csv
[columns.hr]
alt_id = National ID
[input.sales]
file = sales.csv
[input.targets]
file = quota.txt
delimiter = tab
layout = wide
scale = 1000
employee_key = alt_id
[columns.targets]
key = EmployeeID
year = Year
months = M01, M02, M03, M04, M05, M06, M07, M08, M09, M10, M11, M12
[defaults.targets]
scope = employee
kpi = sales_achievement
EOF
scoring "$W"
expect_figures "quota sheet: UTF-16 LE, tab, wide, thousands, national id" "$W"
if grep -q '"name": "targets", "file": "quota.txt", "encoding": "utf-16le"' "$W/out/2026-10/manifest.json" &&
   grep -q "\"sha256\": \"$(sha256sum "$W/quota.txt" | cut -c1-64)\"" "$W/out/2026-10/manifest.json"; then
	pass "quota sheet: the manifest says utf-16le, with the SHA-256 of the bytes as stored"
else
	fail "quota sheet: manifest" "$(grep quota "$W/out/2026-10/manifest.json")"
fi
# A month cell that is not a number is named by its cell: row 3, column 12.
python3 - "$W/quota.txt" <<'PY'
import sys
p = sys.argv[1]
t = open(p, "rb").read().decode("utf-16")
t = t.replace("110101199202024321\t2026\t\t\t\t\t\t\t\t\t50\t100", "110101199202024321\t2026\t\t\t\t\t\t\t\t\t50\tabc")
open(p, "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
PY
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "quota sheet: a bad month cell is named by file:line:col" 65 "$W/v.err" \
	"quota.txt:3:12: error: target 'abc' is not a number$"

# --- 4. a CRM export split over several files, read by a glob: September,
# and October in two parts (E1's 110,000 = 60,000 + 50,000).
W=$(scratch exports-glob)
plain_hr "$W"; plain_targets "$W"; plain_inputs "$W"
mkdir -p "$W/crm"
printf 'record_id,employee_id,date,stage,amount\nA1,E1,2026-09-20,won,70000\n' >"$W/crm/sales-2026-09.csv"
printf 'record_id,employee_id,date,stage,amount\nB1,E1,2026-10-03,won,60000\nB2,E2,2026-10-10,won,85000\n' >"$W/crm/sales-2026-10a.csv"
printf 'amount,stage,date,employee_id,record_id\n50000,won,2026-10-04,E1,C1\n50000,won,2026-10-12,E3,C2\n' >"$W/crm/sales-2026-10b.csv"
printf '[input.sales]\nfile = crm/sales-2026-*.csv\n' >>"$W/merit.ini"
scoring "$W"
expect_figures "CRM in three files by a glob (columns in another order in one)" "$W"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "CRM by a glob: validate counts the rows of every file" 0 "$W/v.out" \
	"^  sales rows: 5 read, 4 in the period; set aside: 0 without a date, 0 without an amount, 1 in other periods$"
# A duplicate across files and a glob that matches nothing: tests/cases/
# glob-duplicate-across-files, glob-no-match.

# --- 5. job titles instead of role keys, mapped by wildcards.
W=$(scratch exports-titles)
plain_sales "$W"; plain_targets "$W"; plain_inputs "$W"
cat >"$W/hr.csv" <<EOF
employee_id,name,department,role,base_salary,hire_date
E1,Ann Lee,Sales,Senior Sales Representative,10000,2020-01-01
E2,Bob Wu,Sales,sales rep ii,8000,2020-01-01
E3,Cy Ng,Sales,客户经理（华东）,6000,2020-01-01
EOF
printf '[input.sales]\nfile = sales.csv\n[values.role]\nsales = *Sales Rep*, 客户经理*\n' >>"$W/merit.ini"
scoring "$W"
expect_figures "job titles mapped to a role by wildcards" "$W"
# A title two roles match, titles that match none: tests/cases/hr-title-two-roles,
# hr-titles-no-role.

# --- 6. a CRM that knows people only by name: its team list is the HR
# export (name = employee_id = Sales Agent; salary, role and hire date by
# default), its deals name the agent. Same salary for everyone:
# points E1 10,000 x 1.5 = 15,000, E2 10,000; bonus 1000 x 15/25 = 600.00, 400.00.
W=$(scratch exports-names)
plain_targets "$W"
cat >"$W/teams.csv" <<EOF
sales_agent,manager,regional_office
Moses Frase,Dustin Brinkmann,Central
Darcel Schlecht,Melvin Marxen,Central
Zane Levy,Summer Sewald,West
EOF
cat >"$W/pipeline.csv" <<EOF
opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2026-09-20,2026-10-02,110000
Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2026-09-25,2026-10-07,85000
EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Lost,2026-09-25,2026-10-09,4000
MV1LWRNH,Zane Levy,GTX Basic,Codehow,Won,2026-10-01,2026-10-11,50000
PE84CX4O,Zane Levy,MG Advanced,Hatfan,Engaging,2026-10-05,,
EOF
sed -i 's/^employee,E1,/employee,Moses Frase,/; s/^employee,E2,/employee,Darcel Schlecht,/; s/^employee,E3,/employee,Zane Levy,/' "$W/targets.csv"
cat >"$W/merit.ini" <<EOF
[input.hr]
file = teams.csv
[columns.hr]
employee_id = sales_agent
name = sales_agent
department = regional_office
manager_id = manager
[defaults.hr]
role = sales
base_salary = 10000
hire_date = 2020-01-01
[input.sales]
file = pipeline.csv
[columns.sales]
record_id = opportunity_id
employee_id = sales_agent
customer_id = account
stage = deal_stage
date = close_date
amount = close_value
[values.stage]
open = Engaging, Prospecting
[input.targets]
file = targets.csv
EOF
scoring "$W"
run_merit "$W/run.out" "$W/run.err" run -q --no-letters -c "$W/merit.ini" -o "$W/out"
got=$(cut -d, -f1-4,7,9,10 "$W/out/2026-10/results.csv" 2>/dev/null | sort | tr '\n' ';')
want="Darcel Schlecht,Darcel Schlecht,Central,sales,85.0000,Qualified,400.00;Moses Frase,Moses Frase,Central,sales,110.0000,Excellent,600.00;Zane Levy,Zane Levy,West,sales,50.0000,Needs improvement,0.00;employee_id,name,department,role,raw_score,rating,bonus;"
if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
	pass "a CRM that knows people only by name (one header for two fields, defaults)"
else
	fail "CRM by name" "exit $rc $(head -c 300 "$W/run.err"); got $got"
fi

# --- 7. a field the config uses and the export lacks: 78 naming the user.
W=$(scratch exports-used)
plain_hr "$W"; plain_targets "$W"; plain_sales "$W"; plain_inputs "$W"
printf '[input.sales]\nfile = sales.csv\n[metric.new_deals]\nfrom = sales\nagg = count\nwhere = new_customer:yes\n' >>"$W/merit.ini"
scoring "$W"
# Without the default it is 78 naming its user: tests/cases/ini-used-field-no-column.
printf '[defaults.sales]\nnew_customer = no\n' >>"$W/merit.ini"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "the same field with a default: ok" 0 "$W/v.err"

# --- 8. causes, not consequences.
# An HR row set aside by a warn policy is named when a sale refers to it.
W=$(scratch exports-causes)
plain_targets "$W"; plain_inputs "$W"
cat >"$W/hr.csv" <<EOF
employee_id,name,department,role,base_salary,hire_date,leave_date
E1,Ann Lee,Sales,sales,10000,2020-01-01,
E2,Bob Wu,Sales,sales,8000,2020-01-01,
E3,Cy Ng,Sales,sales,6000,2020-01-01,
E4,Di Fu,Sales,sales,abc,2020-01-01,NULL
EOF
cat >"$W/sales.csv" <<EOF
record_id,employee_id,date,stage,amount
S1,E1,2026-10-03,won,110000
S2,E2,2026-10-10,won,85000
S3,E3,2026-10-12,won,50000
S4,E4,2026-10-12,won,1000
EOF
# S5's owner starts with a byte-order mark (U+FEFF) that no editor shows.
printf 'S5,\357\273\277E2,2026-10-13,won,1000\n' >>"$W/sales.csv"
printf '[input.sales]\nfile = sales.csv\n[policy]\nbad_date = warn\nbad_number = warn\n' >>"$W/merit.ini"
scoring "$W"
# The messages (both problems of the HR row, the set-aside row named by the
# sale, a BOM made visible): tests/cases/hr-set-aside-named-by-sale.
# With unknown_owner = warn too the run goes on, and every row set aside is counted.
sed -i 's/^bad_number = warn$/bad_number = warn\nunknown_owner = warn/' "$W/merit.ini"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "causes: every row set aside is counted in validate's summary" 0 "$W/v.out" \
	"^  hr rows set aside by a problem: 1$" "^  sales rows set aside by a problem: 2$"
# A header and no rows: one error (tests/cases/hr-empty-export).

# --- 9. validate loads what run loads; a merit in its build tree finds
# that tree's templates.
W=$(scratch exports-templates)
mkdir -p "$W/a/b" "$W/bin/x/y"
cp -r "$ROOT/samples" "$W/a/b/"
sed 's|^templates = \.\./templates|; templates: not named|; s|\.\./samples/|samples/|' \
	"$ROOT/config/merit.ini" >"$W/a/b/merit.ini"
# No templates beside the config and none installed (out/build's PREFIX is
# not installed here): the build tree's own.
if [ ! -e /usr/local/share/merit/templates ]; then
	run_merit "$W/v.out" "$W/v.err" validate -c "$W/a/b/merit.ini"
	expect "a merit in its build tree finds the tree's templates" 0 "$W/v.err"
	# The same binary outside any build tree: one error with the hint.
	cp "$MERIT" "$W/bin/x/y/merit"
	"$W/bin/x/y/merit" validate -c "$W/a/b/merit.ini" >"$W/v2.out" 2>"$W/v2.err"
	rc=$?
	expect "no templates anywhere: 78 with a hint" 78 "$W/v2.err" \
		"^/usr/local/share/merit/templates: error: the letter templates folder does not exist$" \
		"^  hint: set \[letters\] templates = the folder of letter.zh.txt (relative to the INI's folder), or \`make install\` to put them in /usr/local/share/merit/templates$"
fi
# A broken letter template or a missing font fails validate as it fails run.
cp -r "$ROOT/templates" "$W/a/templates"
printf '@nonsense\n' >>"$W/a/templates/letter.en.txt"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/a/b/merit.ini"
expect "validate loads the letter templates" 78 "$W/v.err" \
	"templates/letter.en.txt:[0-9]*:1: error: unknown letter block '@nonsense'$"
# A missing font: tests/cases/ini-font-missing.

# --- 10. misuse of the new keys (78 at the INI line, with a hint) and
# owners not in HR (one message per owner, then one line by count):
# tests/cases/ini-misused-keys, ini-misused-input-keys, ini-months-without-wide,
# ini-turnover-without-leave-date, sales-owners-not-in-hr.

# --- 12. headers as spreadsheets write them: a line break typed into a
# header cell (Alt+Enter), two spaces, a trailing no-break space, an
# ideographic space, a quoted header with spaces around it, an empty last
# column, CRLF; the INI names them plainly. Figures as in the other shapes.
W=$(scratch exports-headers)
plain_sales "$W"; plain_targets "$W"
printf '" Emp ID ",Full  Name,Dept,"Job\nTitle",Monthly Salary\302\240,Hire\343\200\200Date,\r\n' >"$W/hr.csv"
printf 'E1,Ann Lee,Sales,sales,10000,2020-01-01,\r\nE2,Bob Wu,Sales,sales,8000,2020-01-01,\r\nE3,Cy Ng,Sales,sales,6000,2020-01-01,\r\n' >>"$W/hr.csv"
cat >"$W/merit.ini" <<EOF
[input.hr]
file = hr.csv
[columns.hr]
employee_id = Emp ID
name = Full Name
department = Dept
role = Job Title
base_salary = Monthly Salary
hire_date = Hire Date
[input.sales]
file = sales.csv
[input.targets]
file = targets.csv
EOF
scoring "$W"
expect_figures "headers with a line break, double and no-break spaces match the INI's names" "$W"
# Two title rows and no header_row: one error naming the header's line
# (tests/cases/hr-title-rows-without-header-row).

# --- 13. a European export: Windows-1252 (Excel on a German Windows),
# semicolons, decimal commas with '.' between thousands, d.m.Y dates, CRLF,
# an empty last column; targets as UTF-16 LE without a byte-order mark
# (SQL Server's bcp -w), tab-separated. E1's revenue 60.000,50 + 49.999,50
# = 110,000.00; salaries 10.000,00 / 8.000,00 / 6.000,00: the figures above.
W=$(scratch exports-european)
python3 - "$W" <<'PY'
import sys
d = sys.argv[1]
hr = ("Personalnr.;Name;Abteilung;Rolle;Grundgehalt;Eintritt;\r\n"
      "E1;Jörg Müller;Vertrieb;sales;10.000,00;01.01.2020;\r\n"
      "E2;Bob Wu;Vertrieb;sales;8.000,00;01.01.2020;\r\n"
      "E3;Cy Ng;Vertrieb;sales;6.000,00;01.01.2020;\r\n")
open(d + "/hr.csv", "wb").write(hr.encode("cp1252"))
sales = ("Beleg;Verkäufer;Datum;Betrag;\r\n"
         "B1;E1;03.10.2026;60.000,50;\r\nB2;E1;04.10.2026;49.999,50;\r\n"
         "B3;E2;10.10.2026;85.000,00;\r\nB4;E3;12.10.2026;50.000,00;\r\n")
open(d + "/sales.csv", "wb").write(sales.encode("cp1252"))
t = "scope\tkey\tkpi\tperiod\ttarget\r\n" + "".join(
    "employee\t%s\tsales_achievement\t2026-10\t100.000,00\r\n" % e for e in ("E1", "E2", "E3"))
open(d + "/targets.txt", "wb").write(t.encode("utf-16-le"))
PY
cat >"$W/merit.ini" <<EOF
[input.hr]
file = hr.csv
encoding = windows-1252
delimiter = semicolon
decimal = comma
date_format = %d.%m.%Y
[columns.hr]
employee_id = Personalnr.
name = Name
department = Abteilung
role = Rolle
base_salary = Grundgehalt
hire_date = Eintritt
[input.sales]
file = sales.csv
encoding = windows-1252
delimiter = semicolon
decimal = comma
date_format = %d.%m.%Y
[columns.sales]
record_id = Beleg
employee_id = Verkäufer
date = Datum
amount = Betrag
[defaults.sales]
stage = won
[input.targets]
file = targets.txt
delimiter = tab
decimal = comma
EOF
scoring "$W"
expect_figures "European: windows-1252, semicolons, decimal commas, d.m.Y; UTF-16 without BOM" "$W" "Jörg Müller"
if grep -q '"name": "targets", "file": "targets.txt", "encoding": "utf-16le"' "$W/out/2026-10/manifest.json" &&
   grep -q '"name": "hr", "file": "hr.csv", "encoding": "windows-1252"' "$W/out/2026-10/manifest.json"; then
	pass "European: the manifest says windows-1252 and utf-16le"
else
	fail "European: manifest encodings" "$(grep encoding "$W/out/2026-10/manifest.json")"
fi
# Without decimal = comma the numbers are refused with the hint to it.
sed -i '/^decimal = comma$/d' "$W/merit.ini"
run_merit "$W/v.out" "$W/v.err" validate -c "$W/merit.ini"
expect "decimal commas without decimal = comma: the hint names the key" 65 "$W/v.err" \
	"hr.csv:2:5: error: base_salary '10.000,00' is not an amount of money$" \
	"^  hint: if the export writes decimal commas (1.234,56), set decimal = comma in \[input.hr\]$"
