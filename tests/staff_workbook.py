"""Writes the workbook an HR system exports for the three people of
tests/fixtures/exports: a notes sheet "说明", then "花名册" with a title row
above the header (header_row = 2), salaries as numbers and hire dates as
Excel dates. tests/cases make theirs with it at run time (a `setup` file),
so no generated workbook is kept in the tree.

    staff_workbook.py OUT.xlsx [E2_BASE_SALARY]   (default 8000; '8k' for a bad cell)
"""
import datetime
import sys

import openpyxl


def main():
    out = sys.argv[1]
    e2_salary = sys.argv[2] if len(sys.argv) > 2 else "8000"
    try:
        e2_salary = int(e2_salary)
    except ValueError:
        pass  # a text cell, as a typo in the HR system would leave it
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["HR export, 2026-10"])
    ws = wb.create_sheet("花名册")
    ws.append(["Staff list 2026-10"])
    ws.append(["employee_id", "name", "department", "role", "base_salary", "hire_date"])
    hired = datetime.datetime(2020, 1, 1)
    ws.append(["E1", "Ann Lee", "Sales", "sales", 10000, hired])
    ws.append(["E2", "Bob Wu", "Sales", "sales", e2_salary, hired])
    ws.append(["E3", "Cy Ng", "Sales", "sales", 6000, hired])
    wb.save(out)


if __name__ == "__main__":
    main()
