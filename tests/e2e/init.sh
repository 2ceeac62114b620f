#!/bin/sh
# End-to-end tests of `merit init`: on the sample exports it finds what
# config/merit.ini says by hand (GB18030 HR export, the CRM's US dates,
# every header), its own output validates, and its input sections with the
# shipped scorecards give the very results.csv of the shipped config; the
# same on a company tools/gencompany writes. It never overwrites a file
# without --force.
. tests/e2e/lib.sh
: "${BUILD:=out/build}"
splice=$ROOT/tests/ini_splice.py

# init_all DIR OUT_INI: init on DIR's six exports
init_all() {
	run_merit "$2.out" "$2.err" init --hr "$1/hr.csv" --sales "$1/sales.csv" \
		--targets "$1/targets.csv" --metrics "$1/metrics.csv" \
		--reviews "$1/reviews.csv" --training "$1/training.csv" -o "$2"
}

# same_results NAME CONFIG_A CONFIG_B DIR: both run; results.csv identical
same_results() {
	"$MERIT" run -q --no-letters -c "$2" -o "$4/a" >"$4/a.err" 2>&1
	ra=$?
	"$MERIT" run -q --no-letters -c "$3" -o "$4/b" >"$4/b.err" 2>&1
	rb=$?
	fa=$(ls "$4"/a/*/results.csv 2>/dev/null) fb=$(ls "$4"/b/*/results.csv 2>/dev/null)
	if [ "$ra" = 0 ] && [ "$rb" = 0 ] && [ -s "$fa" ] && cmp -s "$fa" "$fb"; then
		pass "$1 ($(($(wc -l <"$fa") - 1)) employees)"
	else
		fail "$1" "rc $ra/$rb: $(head -c 400 "$4/a.err") $(head -c 400 "$4/b.err") $(diff "$fa" "$fb" 2>&1 | head -5)"
	fi
}

# run_figures NAME DIR COMPANY WANT COLUMN...: names the company in init's
# DIR/merit.ini, runs it, and compares each results.csv row as
# "id:column1/column2..." with WANT (figures worked out by hand).
run_figures() {
	name=$1 dir=$2 company=$3 want=$4
	shift 4
	sed -i "s/^company = TODO.*/company = $company/" "$dir/merit.ini"
	"$MERIT" run -q --no-letters -c "$dir/merit.ini" -p 2026-10 -o "$dir/o" >"$dir/run.err" 2>&1
	rc=$?
	got=$(python3 - "$dir/o/2026-10/results.csv" "$@" <<'PY'
import csv, sys
cols = sys.argv[2:]
print(" ".join("%s:%s" % (r["employee_id"], "/".join(r[c] for c in cols))
               for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))))
PY
)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		pass "$name, figures by hand ($got)"
	else
		fail "$name" "rc $rc, $got $(head -c 300 "$dir/run.err")"
	fi
}

# --- the samples -------------------------------------------------------------
W=$(workspace init-samples)
mkdir -p "$W/gen"
I="$W/gen/merit.ini"
init_all "$W/samples" "$I"
expect "init on the samples: exit 0" 0 "$I.out" "written; \([0-9]*\) of \1 required fields mapped"

sec() { python3 "$splice" --map "$I" "$1" "$2"; }
if [ "$(sec input.hr encoding)" = gb18030 ] && grep -q "^; byte 1 is not UTF-8" "$I"; then
	pass "init: the HR export is GB18030, with the evidence"
else
	fail "init: GB18030" "encoding = $(sec input.hr encoding)"
fi
if [ "$(sec input.sales date_format)" = "%m/%d/%Y" ] &&
   grep -q "^; Close Date: 439 of 439 cells parse as %m/%d/%Y; a second number up to 31 can only be a day (US order)" "$I"; then
	pass "init: the CRM's US dates, decided by a day above 12"
else
	fail "init: US dates" "date_format = $(sec input.sales date_format)"
fi
# Every field config/merit.ini maps by hand, init maps to one of its headers.
bad=""
for in in hr sales targets metrics reviews training; do
	for f in $(grep -A40 "^\[columns.$in\]" "$W/config/merit.ini" | sed -n '2,/^\[/p' |
		   sed -n 's/^\([a-z_]*\) *=.*/\1/p'); do
		want=$(python3 "$splice" --map "$W/config/merit.ini" "columns.$in" "$f")
		got=$(sec "columns.$in" "$f")
		case ", $want," in *", $got,"*) ;; *) bad="$bad $in.$f('$got' not in '$want')" ;; esac
	done
done
if [ -z "$bad" ]; then pass "init maps every [columns.*] field as config/merit.ini does"; else fail "init mappings" "$bad"; fi

run_merit "$W/v.out" "$W/v.err" validate -c "$I"
expect "init's own config passes merit validate" 0 "$W/v.err"

python3 "$splice" "$W/config/merit.ini" "$I" "$W/gen/spliced.ini" \
	--prefix input. --prefix columns. --prefix values.
same_results "init's input sections + the shipped scorecards: results.csv identical" \
	"$W/config/merit.ini" "$W/gen/spliced.ini" "$W"

# --- never overwrite without --force ----------------------------------------
sum=$(md5sum <"$I")
init_all "$W/samples" "$I"
if [ "$rc" = 73 ] && grep -q "exists already: not overwritten" "$I.err" && [ "$(md5sum <"$I")" = "$sum" ]; then
	pass "init does not overwrite an existing file (73)"
else
	fail "init overwrite" "rc=$rc $(head -c 300 "$I.err")"
fi
run_merit "$W/f.out" "$W/f.err" init --hr "$W/samples/hr.csv" --sales "$W/samples/sales.csv" -o "$I" --force
if [ "$rc" = 0 ] && grep -q "; TODO \[input.targets\] file = the targets export (required)" "$I" &&
   grep -q "\[input.targets\]: required; give --targets FILE" "$W/f.out"; then
	pass "init --force replaces it; a missing required export is a TODO and said"
else
	fail "init --force" "rc=$rc $(head -c 300 "$W/f.err")"
fi
# init without --sales: tests/cases/usage-init-without-sales.

# --- a company gencompany writes --------------------------------------------
G=$(scratch init-gencompany)
"$BUILD/tools/gencompany" -e 120 -s 3000 "$G/co" >/dev/null 2>&1
I="$G/co/init.ini"
init_all "$G/co" "$I"
expect "init on a gencompany company: exit 0" 0 "$I.out" "written; \([0-9]*\) of \1 required fields mapped"
run_merit "$G/v.out" "$G/v.err" validate -c "$I"
expect "init's config of the gencompany company validates" 0 "$G/v.err"
python3 "$splice" "$G/co/merit.ini" "$I" "$G/co/spliced.ini" \
	--prefix input. --prefix columns. --prefix values.
same_results "gencompany: init's input sections + its scorecards: results.csv identical" \
	"$G/co/merit.ini" "$G/co/spliced.ini" "$G"

# --- a European export: German headers, semicolons, 1.234,56, 31.12.2026 ------
# init maps every header by the dictionary, proposes decimal = comma with its
# evidence and the d.m.Y dates; its config gives the very results of the
# same figures written the plain way (English headers, 4250.00, ISO dates).
E=$(scratch init-european)
mkdir -p "$E/de" "$E/en"
printf 'Personalnummer;Name;Abteilung;Rolle;Grundgehalt;Eintrittsdatum\nE1;Anna;Vertrieb;sales;4.250,00;01.02.2020\nE2;Ben;Vertrieb;sales;3.980,50;15.03.2021\nE3;Cem;Vertrieb;sales;4.100,75;20.06.2019\n' >"$E/de/hr.csv"
printf 'Auftrag;Verkäufer;Datum;Status;Betrag\nA1;E1;03.09.2026;won;12.500,00\nA2;E2;10.09.2026;won;8.250,50\nA3;E3;25.09.2026;won;9.999,99\nA4;E1;30.09.2026;won;1.000,01\n' >"$E/de/sales.csv"
printf 'employee_id,name,department,role,base_salary,hire_date\nE1,Anna,Vertrieb,sales,4250.00,2020-02-01\nE2,Ben,Vertrieb,sales,3980.50,2021-03-15\nE3,Cem,Vertrieb,sales,4100.75,2019-06-20\n' >"$E/en/hr.csv"
printf 'record_id,employee_id,date,stage,amount\nA1,E1,2026-09-03,won,12500.00\nA2,E2,2026-09-10,won,8250.50\nA3,E3,2026-09-25,won,9999.99\nA4,E1,2026-09-30,won,1000.01\n' >"$E/en/sales.csv"
for v in de en; do
	printf 'scope,key,kpi,period,target\nemployee,E1,sales_achievement,2026-09,10000\nemployee,E2,sales_achievement,2026-09,10000\nemployee,E3,sales_achievement,2026-09,10000\n' >"$E/$v/targets.csv"
	run_merit "$E/$v.out" "$E/$v.err" init --hr "$E/$v/hr.csv" --sales "$E/$v/sales.csv" \
		--targets "$E/$v/targets.csv" -o "$E/$v/merit.ini"
	# each run's own exit code (expect reads $rc)
	expect "init on the $v export: every required field mapped" 0 "$E/$v.out" \
		"written; \([0-9]*\) of \1 required fields mapped"
	sed -i 's/^company = TODO.*/company = Beispiel GmbH/' "$E/$v/merit.ini"
done
if grep -q "^; 4 of 4 cells of 'Betrag' read as 1.234,56 (a decimal comma)$" "$E/de/merit.ini" &&
   [ "$(grep -c '^decimal = comma$' "$E/de/merit.ini")" = 2 ] &&
   [ "$(grep -c '^date_format = %d.%m.%Y$' "$E/de/merit.ini")" = 2 ] &&
   grep -q '^employee_id = Verkäufer$' "$E/de/merit.ini" &&
   ! grep -q '^decimal' "$E/en/merit.ini"; then
	pass "init on a German export: decimal = comma and %d.%m.%Y proposed with the evidence, Verkäufer mapped"
else
	fail "init on a German export" "$(grep -n 'decimal\|date_format\|employee_id' "$E/de/merit.ini" | head -8)"
fi
same_results "German export (1.234,56, d.m.Y) through init = the same figures written plainly: results.csv identical" \
	"$E/de/merit.ini" "$E/en/merit.ini" "$E"

# --- an HR system that lists people by surname, a CRM that names owners -----
# The shapes of public HR and CRM exports: "Last, First" names, a US state
# column before EmploymentStatus, DateofHire m/d/yyyy, yearly salaries; the
# CRM's sales_agent writes "First Last" (one with a double space, one in
# another case), close_value beside a text column 'account', stages Won /
# Lost / Engaging / Prospecting, no close date on open deals.
K=$(scratch init-public)
printf '%s\n' 'Employee_Name,EmpID,Salary,Position,State,DateofHire,DateofTermination,EmploymentStatus,Department,ManagerID' \
	'"Brinkmann, Dustin",10001,96000,Area Sales Manager,MA,7/21/2010,,Active,Sales       ,' \
	'"Frase, Moses",10002,60000,Sales Representative,MA,4/2/2014,,Active,Sales       ,10001' \
	'"Levy, Zane",10003,66000,Sales Representative,TX,10/13/2015,,Active,Sales       ,10001' \
	'"Adinolfi, Wilson  K",10004,54000,Production Technician I,MA,1/7/2011,,Active,Production       ,' >"$K/hr.csv"
printf '%s\n' 'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value' \
	'O1,Moses Frase,GTX,Acme,Won,2017-08-01,2017-10-03,3000' \
	'O2,Moses  Frase,GTX,Betasoloin,Won,2017-09-01,2017-10-20,1500' \
	'O3,zane levy,MG,Acme,Won,2017-09-12,2017-10-31,7000' \
	'O4,Zane Levy,MG,,Lost,2017-09-20,2017-10-15,0' \
	'O5,Moses Frase,GTX,Acme,Engaging,2017-10-01,,' \
	'O6,Zane Levy,GTX,Acme,Prospecting,2017-10-02,,' \
	'O7,Zane Levy,GTX,Acme,Won,2017-09-02,2017-09-28,9000' >"$K/sales.csv"
printf 'scope,key,kpi,period,target\nrole,sales,sales_achievement,2017-10,10000\n' >"$K/targets.csv"
run_merit "$K/out" "$K/err" init --hr "$K/hr.csv" --sales "$K/sales.csv" --targets "$K/targets.csv" \
	-o "$K/merit.ini"
expect "init on public-shaped exports: every required field mapped" 0 "$K/out" \
	"written; \([0-9]*\) of \1 required fields mapped"
ks() { python3 "$splice" --map "$K/merit.ini" "$1" "$2"; }
got="key=$(ks input.sales employee_key) owner=$(ks columns.sales employee_id)"
got="$got amount=$(ks columns.sales amount) status=$(ks columns.hr status)"
got="$got hire=$(ks columns.hr hire_date) leave=$(ks columns.hr leave_date)"
got="$got period=$(ks input.hr salary_period) open=$(ks values.stage open) role=$(ks values.role sales)"
want="key=name owner=sales_agent amount=close_value status=EmploymentStatus hire=DateofHire"
want="$want leave=DateofTermination period=year open=Engaging, Prospecting role=Sales Representative"
if [ "$got" = "$want" ] &&
   grep -q "^; 4 of the first 4 'sales_agent' values are HR's 'Employee_Name' (name)$" "$K/merit.ini"; then
	pass "init: owners by name (employee_key = name), EmploymentStatus not State, close_value not account, yearly pay, one line per stage value"
else
	fail "init on public-shaped exports" "got '$got'"
fi
sed -i 's/^company = TODO.*/company = Public | Public/' "$K/merit.ini"
"$MERIT" run -q --no-letters -c "$K/merit.ini" -o "$K/o" >"$K/run.err" 2>&1
rc=$?
# By hand: Moses Frase (10002) won 3,000 + 1,500 in 2017-10; Zane Levy
# (10003) 7,000 (O7 closed in September, O4 lost); target 10,000 each.
# Salaries are yearly: 60,000 / 12 = 5,000.00 a month for 10002.
got=$(python3 - "$K/o/2017-10/results.csv" <<'PY'
import csv, sys
rows = {r["employee_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
print(" ".join("%s:%s/%s/%s" % (e, rows[e]["sales_achievement_actual"], rows[e]["sales_achievement_achievement"], rows[e]["base_salary"]) for e in ("10002", "10003")))
PY
)
if [ "$rc" = 0 ] && [ "$got" = "10002:4500.0000/0.4500/5000.00 10003:7000.0000/0.7000/5500.00" ]; then
	pass "init's config runs: 'Frase, Moses' is the CRM's 'Moses  Frase', figures by hand ($got)"
else
	fail "init's config on public-shaped exports" "rc $rc, $got $(head -c 300 "$K/run.err")"
fi

# --- a French Excel export: Windows-1252, semicolons, "3 200,00 €" with a
# no-break space, dd/mm/yyyy, Étape Gagné / Perdu, a trailing minus -------
F=$(scratch init-french)
python3 - "$F" <<'PY'
import sys
d = sys.argv[1]
hr = ("Matricule;Nom complet;Département;Poste;Salaire de base;Date d'embauche\r\n"
      "F1;Amélie Dupont;Ventes;Commercial;3\u00a0200,00 €;01/03/2020\r\n"
      "F2;Bruno Martin;Ventes;Commercial;2\u00a0950,50 €;15/09/2021\r\n"
      "F3;Chloé Bernard;Ventes;Responsable commercial;4\u00a0100,00 €;20/06/2019\r\n")
sales = ("N° de commande;Vendeur;Date de clôture;Étape;Montant\r\n"
         "C1;F1;05/10/2026;Gagné;12\u00a0500,00 €\r\nC2;F2;12/10/2026;Gagné;8\u00a0250,50 €\r\n"
         "C3;F1;28/10/2026;Gagné;1\u00a0000,00-\r\nC4;F3;31/10/2026;Perdu;5\u00a0000,00 €\r\n"
         "C5;F3;30/10/2026;Gagné;9\u00a0999,99 €\r\n")
open(d + "/hr.csv", "wb").write(hr.encode("cp1252"))
open(d + "/sales.csv", "wb").write(sales.encode("cp1252"))
open(d + "/targets.csv", "w").write("scope,key,kpi,period,target\nrole,sales,sales_achievement,2026-10,10000\n")
PY
run_merit "$F/out" "$F/err" init --hr "$F/hr.csv" --sales "$F/sales.csv" --targets "$F/targets.csv" \
	-o "$F/merit.ini"
fs() { python3 "$splice" --map "$F/merit.ini" "$1" "$2"; }
got="$rc $(fs input.hr encoding) $(fs input.sales decimal) $(fs columns.sales stage) $(fs values.stage won)/$(fs values.stage lost)"
if [ "$got" = "0 windows-1252 comma Étape Gagné/Perdu" ]; then
	pass "init on a French export: windows-1252 (neither UTF-8 nor GB18030), decimal = comma before ' €', Étape, Gagné / Perdu"
else
	fail "init on a French export" "got '$got' $(head -c 300 "$F/err")"
fi
# By hand: F1 12,500.00 - 1,000.00 (trailing minus) = 11,500; F2 8,250.50;
# F3 9,999.99 (C4 lost); salaries read through the no-break space and '€'.
run_figures "init's config on the French export runs" "$F" "Exemple SA" \
	"F1:11500.0000/3200.00 F2:8250.5000/2950.50 F3:9999.9900/4100.00" \
	sales_achievement_actual base_salary

# --- a quota sheet with a column per quarter, the CRM naming owners by
# e-mail in any case, HR's ids under "Staff No" -------------------------------
Q=$(scratch init-quarters)
cat >"$Q/hr.csv" <<'CSV'
Staff No,Full Name,Work Email,Dept,Job Title,Grade,Start Date,Monthly Salary
1001,Ana Silva,ana.silva@acme.example,Sales East,Account Executive,P2,2021-03-01,5200.00
1002,Ben Okafor,Ben.Okafor@acme.example,Sales East,Account Executive,P2,2022-07-15,4900.00
1003,Chen Li,chen.li@acme.example,Sales West,Account Executive,P3,2020-01-10,6100.00
CSV
cat >"$Q/sales.csv" <<'CSV'
Deal ID,Deal Owner,Close Date,Deal Stage,Amount
D-1,ANA.SILVA@ACME.EXAMPLE,2026-10-03,Closed Won,12000.00
D-2,ben.okafor@acme.example,2026-10-09,Closed Won,8000.50
D-3,chen.li@acme.example,2026-10-12,Closed Lost,5000.00
D-4,chen.li@acme.example,2026-10-20,Closed Won,15000.00
D-5,ana.silva@acme.example,2026-11-02,Closed Won,9999.00
CSV
cat >"$Q/targets.csv" <<'CSV'
Email,Year,Q1,Q2,Q3,Q4
ana.silva@acme.example,2026,30000,30000,30000,36000
ben.okafor@acme.example,2026,24000,24000,24000,27000
chen.li@acme.example,2026,30000,30000,30000,45000
CSV
run_merit "$Q/out" "$Q/err" init --hr "$Q/hr.csv" --sales "$Q/sales.csv" --targets "$Q/targets.csv" \
	-o "$Q/merit.ini"
qs() { python3 "$splice" --map "$Q/merit.ini" "$1" "$2"; }
got="$(qs input.targets layout) $(qs input.targets employee_key) $(qs columns.targets key) $(qs columns.targets months) $(qs defaults.targets scope) $(qs defaults.targets kpi) $(qs columns.hr employee_id)"
if [ "$got" = "wide email Email Q1, Q2, Q3, Q4 employee sales_achievement Staff No" ]; then
	pass "init on a quota sheet by quarter: layout = wide, months = Q1..Q4, keyed by e-mail"
else
	fail "init on a quota sheet by quarter" "got '$got' $(head -c 300 "$Q/err")"
fi
# By hand: a month's target is a third of its quarter's (36,000 / 3 =
# 12,000; 27,000 / 3 = 9,000; 45,000 / 3 = 15,000); actuals: D-1 (the
# owner in capitals), D-2, D-4 (D-3 lost, D-5 in November).
run_figures "init's config on the quarterly quota sheet runs" "$Q" Acme \
	"1001:12000.0000/12000.0000 1002:8000.5000/9000.0000 1003:15000.0000/15000.0000" \
	sales_achievement_actual sales_achievement_target
# The same sheet by month, headed as a Chinese export writes it (1月..12月),
python3 - "$Q/targets.csv" "$Q/cn.csv" <<'PY'
import sys
rows = [l.strip().split(",") for l in open(sys.argv[1])][1:]
out = ["Email,Year," + ",".join("%d月" % m for m in range(1, 13))]
for r in rows:
    q = [int(x) // 3 for x in r[2:]]
    out.append(",".join(r[:2] + [str(q[(m - 1) // 3]) for m in range(1, 13)]))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
run_merit "$Q/out2" "$Q/err2" init --hr "$Q/hr.csv" --sales "$Q/sales.csv" --targets "$Q/cn.csv" \
	-o "$Q/cn.ini"
got="$(python3 "$splice" --map "$Q/cn.ini" input.targets layout) $(python3 "$splice" --map "$Q/cn.ini" columns.targets months)"
if [ "$got" = "wide 1月, 2月, 3月, 4月, 5月, 6月, 7月, 8月, 9月, 10月, 11月, 12月" ]; then
	pass "init on a quota sheet by month (1月..12月): layout = wide, the twelve columns in order"
else
	fail "init on a monthly quota sheet" "got '$got' $(head -c 300 "$Q/err2")"
fi

# --- salary_period is judged as the run judges it, by the median: nine
# people at 5,000.00 and a chief executive at 2,000,000.00 average 204,500
# (a "year's pay") but are paid by the month ---------------------------------
P=$(scratch init-median)
python3 - "$P" <<'PY'
import sys
d = sys.argv[1]
rows = ["E%d,Person %d,Sales,sales,5000.00,2020-01-01" % (i, i) for i in range(1, 10)]
rows.append("E10,Chief,Board,sales,2000000.00,2020-01-01")
open(d + "/hr.csv", "w").write("employee_id,name,department,role,Salary,hire_date\n" + "\n".join(rows) + "\n")
open(d + "/sales.csv", "w").write("record_id,employee_id,date,stage,amount\nS1,E1,2026-10-05,won,100.00\n")
PY
run_merit "$P/out" "$P/err" init --hr "$P/hr.csv" --sales "$P/sales.csv" -o "$P/merit.ini"
if [ -s "$P/merit.ini" ] && ! grep -q '^salary_period' "$P/merit.ini"; then
	pass "init: a few executives' pay does not make monthly salaries yearly (median, as the run judges)"
else
	fail "init: salary_period by the median" "$(grep -B1 '^salary_period' "$P/merit.ini") $(head -c 300 "$P/err")"
fi
