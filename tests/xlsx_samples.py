#!/usr/bin/env python3
"""Converts CSV exports into typed .xlsx workbooks, as HR systems and CRMs
export them, for the xlsx e2e tests:

    xlsx_samples.py SRC_DIR DST_DIR

Each X.csv becomes X.xlsx with a title row above the header (so
header_row = 2), dates as Excel dates (date style), money and numbers as
numbers, everything else as text. hr.xlsx has a cover sheet "说明" first
and the data on sheet "花名册" (so `sheet =` is needed); sales.xlsx uses
the 1904 date system (Excel for Mac), the rest 1900. A cell that does not
parse stays text, exactly as in the CSV, so every problem the CSV run
reports the xlsx run meets too.
"""
import csv
import datetime
import os
import re
import sys

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

DATE_COLS = {"入职日期", "离职日期", "Close Date", "date"}
MONEY_COLS = {"月基本工资", "Amount", "Acquisition Cost"}
NUMBER_COLS = {"target", "value", "score", "hours"}
ENCODINGS = {"hr.csv": "gb18030"}


def as_date(text, us):
    for fmt in (["%m/%d/%Y"] if us else []) + ["%Y-%m-%d", "%Y/%m/%d"]:
        try:
            return datetime.datetime.strptime(text.strip(), fmt)
        except ValueError:
            pass
    return None


def as_money(text):
    t = text.strip().replace("¥", "").replace("￥", "").replace(",", "")
    if re.fullmatch(r"-?\d+(\.\d{1,2})?", t):
        return float(t)
    return None


def convert(src, dst, name):
    rows = list(csv.reader(open(src, encoding=ENCODINGS.get(name, "utf-8-sig"), newline="")))
    wb = openpyxl.Workbook()
    if name == "sales.csv":
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    if name == "hr.csv":
        ws.title = "说明"
        ws.append(["员工花名册见下一页"])
        ws = wb.create_sheet("花名册")
    else:
        ws.title = os.path.splitext(name)[0].capitalize()
    header = rows[0]
    ws.append(["导出 export " + name])        # the title row above the header
    ws.append(header)
    us = name == "sales.csv"
    for r in rows[1:]:
        out = []
        for h, v in zip(header, r):
            cell = v
            if v.strip() and h in DATE_COLS and as_date(v, us):
                cell = as_date(v, us)
            elif v.strip() and h in MONEY_COLS and as_money(v) is not None:
                cell = as_money(v)
            elif v.strip() and h in NUMBER_COLS and as_money(v) is not None:
                cell = as_money(v)
            out.append(cell if cell != "" else None)
        out += [None] * (len(r) - len(out))
        ws.append(out)
        for c in ws[ws.max_row]:
            if isinstance(c.value, datetime.datetime):
                c.number_format = "yyyy/m/d"
    wb.save(dst)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.endswith(".csv"):
            convert(os.path.join(src, name), os.path.join(dst, name[:-4] + ".xlsx"), name)


if __name__ == "__main__":
    main()
