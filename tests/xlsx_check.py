#!/usr/bin/env python3
"""Checks a merit workbook with openpyxl, as finance would read it.

    python3 tests/xlsx_check.py WORKBOOK.xlsx EXPECTED.json
    python3 tests/xlsx_check.py WORKBOOK.xlsx results.csv

EXPECTED.json (written by tests/unit/test_xlsx.c):
    {"pool": "1000.00",
     "employees": {"E1": {"name": "...", "rating": "Excellent", "bonus": "333.34"}, ...}}
results.csv (SPEC 10): employee_id, name, department, role, proration, eligible,
raw_score, norm_score, rating, bonus, ...; the pool is then taken as the
bonus total plus the workbook's Unallocated.

Asserts: every sheet exists; each in-scope employee's rating and bonus (and
name, as a text cell); every formula cell carries a cached value; the
Payroll total equals the pool less the unallocated to the cent and the check
cell is 0; the Pool defined name exists; frozen panes and autofilters on the
data sheets; column widths fit their text (CJK counted double); nothing that
came from an input is a formula. Prints "xlsx_check: ok" or the failures,
exit status 0 or 3 (anything else: the checker
itself broke).
"""
import csv
import json
import sys
import unicodedata
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

SHEETS = ["Summary", "Employees", "KPI detail", "Departments", "Payroll", "Audit"]
# Employees headers in either locale.
HEAD = {
    "id": ("工号", "Employee ID"),
    "name": ("姓名", "Name"),
    "rating": ("评级", "Rating"),
    "bonus": ("奖金", "Bonus"),
}

failures = []


def fail(msg):
    failures.append(msg)


def cents(v):
    return int((Decimal(str(v)) * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def defined_name(wb, name):
    """(sheet, coordinate) of a defined name, for openpyxl 3.0 and 3.1."""
    dn = wb.defined_names
    d = dn.get(name) if hasattr(dn, "get") else None
    if d is None and hasattr(dn, "definedName"):
        d = next((x for x in dn.definedName if x.name == name), None)
    if d is None:
        return None
    for sheet, coord in d.destinations:
        return sheet, coord.replace("$", "")
    return None


def load_expected(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            exp = json.load(f)
        return cents(exp["pool"]), exp["employees"]
    emps = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            emps[row["employee_id"]] = {"name": row["name"], "rating": row["rating"],
                                        "bonus": row["bonus"]}
    return None, emps


def header_columns(ws):
    cols = {}
    for cell in ws[1]:
        for key, names in HEAD.items():
            if cell.value in names and key not in cols:
                cols[key] = cell.column
    return cols


def check_employees(ws, emps):
    cols = header_columns(ws)
    for key in HEAD:
        if key not in cols:
            fail(f"Employees: no '{key}' column (headers {[c.value for c in ws[1]]})")
            return
    seen = set()
    for r in range(2, ws.max_row + 1):
        eid = ws.cell(r, cols["id"]).value
        if eid is None:
            continue
        seen.add(eid)
        if eid not in emps:
            fail(f"Employees: unexpected employee {eid!r}")
            continue
        exp = emps[eid]
        name = ws.cell(r, cols["name"])
        if name.data_type != "s" or name.value != exp["name"]:
            fail(f"Employees: {eid} name is {name.value!r} ({name.data_type}), "
                 f"wanted text {exp['name']!r}")
        rating = ws.cell(r, cols["rating"]).value or ""
        if rating != exp["rating"]:
            fail(f"Employees: {eid} rating {rating!r}, wanted {exp['rating']!r}")
        bonus = ws.cell(r, cols["bonus"]).value or 0
        if cents(bonus) != cents(exp["bonus"]):
            fail(f"Employees: {eid} bonus {bonus}, wanted {exp['bonus']}")
        letter = get_column_letter(cols["name"])
        w = ws.column_dimensions[letter].width or 0
        if w < width(exp["name"]):
            fail(f"Employees: column {letter} width {w} < name {exp['name']!r} ({width(exp['name'])})")
    missing = set(emps) - seen
    if missing:
        fail(f"Employees: missing {sorted(missing)}")


def check_formulas(wb_f, wb_v):
    """Every formula has a cached value; text from inputs is never a formula."""
    n = 0
    for ws in wb_f.worksheets:
        wv = wb_v[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    n += 1
                    if wv[cell.coordinate].value is None:
                        fail(f"{ws.title}!{cell.coordinate}: formula {cell.value} has no cached value")
    return n


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    book, expected = sys.argv[1], sys.argv[2]
    pool, emps = load_expected(expected)
    wb_f = openpyxl.load_workbook(book)                  # formulas
    wb_v = openpyxl.load_workbook(book, data_only=True)  # cached values

    for name in SHEETS:
        if name not in wb_f.sheetnames:
            fail(f"no sheet {name!r} (sheets: {wb_f.sheetnames})")
    if failures:
        return report()

    check_employees(wb_f["Employees"], emps)
    if check_formulas(wb_f, wb_v) < 3:
        fail("fewer than 3 formula cells: totals should be SUM formulas")

    where = {k: defined_name(wb_f, k) for k in ("Pool", "PayrollTotal", "PayrollCheck")}
    for k, v in where.items():
        if v is None:
            fail(f"no defined name {k}")
    if failures:
        return report()
    val = {k: wb_v[s][c].value for k, (s, c) in where.items()}
    total_formula = wb_f[where["PayrollTotal"][0]][where["PayrollTotal"][1]].value
    if not str(total_formula).startswith("=SUM("):
        fail(f"Payroll total is {total_formula!r}, not a SUM formula")
    check_formula = str(wb_f[where["PayrollCheck"][0]][where["PayrollCheck"][1]].value)
    if "Pool" not in check_formula:
        fail(f"Payroll check {check_formula!r} does not refer to Pool")
    if val["PayrollCheck"] != 0:
        fail(f"Payroll check cell is {val['PayrollCheck']}, wanted 0")
    bonus_sum = sum(cents(e["bonus"]) for e in emps.values())
    if cents(val["PayrollTotal"]) != bonus_sum:
        fail(f"Payroll total {val['PayrollTotal']} != sum of bonuses {bonus_sum / 100:.2f}")
    if pool is not None and cents(val["Pool"]) != pool:
        fail(f"Pool {val['Pool']} != expected {pool / 100:.2f}")
    # Payroll rows add up to the total (the cached SUM is not taken on trust).
    ws = wb_v["Payroll"]
    tr = int("".join(ch for ch in where["PayrollTotal"][1] if ch.isdigit()))
    rows = sum(cents(ws.cell(r, 5).value or 0) for r in range(2, tr - 1))
    if rows != cents(val["PayrollTotal"]):
        fail(f"Payroll lines add up to {rows / 100:.2f}, total says {val['PayrollTotal']}")

    for name in ("Employees", "KPI detail", "Departments", "Payroll"):
        ws = wb_f[name]
        if not ws.freeze_panes:
            fail(f"{name}: no frozen header")
        if not ws.auto_filter or not ws.auto_filter.ref:
            fail(f"{name}: no autofilter")
    return report()


def report():
    for f in failures:
        print("xlsx_check: " + f)
    if not failures:
        print("xlsx_check: ok")
    return 3 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
