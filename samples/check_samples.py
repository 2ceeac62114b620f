#!/usr/bin/env python3
"""
check_samples.py: checks that samples/ keeps the promises of samples/README.md
and docs/SAMPLE-NAMES.md, independently of merit: encodings, headers, unique
ids, every reference points at an HR employee, the deliberate special cases
are present and no other gap exists. Prints a short summary; exits 1 on the
first broken promise.

    python3 samples/check_samples.py [DIR]
"""

import csv
import io
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import date

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
P_FIRST, P_LAST = date(2026, 10, 1), date(2026, 10, 31)
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        print("FAIL: " + msg)
        failures += 1


def read(name, enc="utf-8"):
    raw = open(os.path.join(DIR, name), "rb").read()
    return raw, list(csv.reader(io.StringIO(raw.decode(enc), newline="")))


def num(s):
    s = s.strip()
    neg = s.startswith("(") and s.endswith(")")
    s = s.strip("()").replace("¥", "").replace(",", "")
    pct = s.endswith("%")
    v = float(s.rstrip("%"))
    v = v / 100 if pct else v
    return -v if neg else v


def d(s, fmt):
    if not s:
        return None
    if fmt == "ymd/":
        y, m, dd = s.split("/")
    elif fmt == "mdy":
        m, dd, y = s.split("/")
    else:
        y, m, dd = s.split("-")
    return date(int(y), int(m), int(dd))


# HR
raw, hr = read("hr.csv", "gb18030")
check(not raw.startswith(b"\xef\xbb\xbf"), "hr.csv has no BOM")
try:
    raw.decode("utf-8")
    check(False, "hr.csv must not be valid UTF-8 (it is GB18030)")
except UnicodeDecodeError:
    pass
check(hr[0] == ["工号", "姓名", "邮箱", "部门", "部门类型", "岗位", "职级", "直属上级",
                "月基本工资", "入职日期", "离职日期", "状态", "性别", "语言", "成本中心"],
      "hr.csv headers")
emps = {}
for r in hr[1:]:
    check(len(r) == 15, "hr row width %r" % r)
    check(r[0] not in emps, "duplicate employee id " + r[0])
    emps[r[0]] = r
for r in hr[1:]:
    check(r[7] == "" or r[7] in emps, "manager of %s exists" % r[0])
    check(8000 <= num(r[8]) <= 45000, "salary range " + r[0])
    check(r[4] in ("业务", "管理", "服务") and r[11] in ("在职", "试用", "离职")
          and r[12] in ("男", "女") and r[13] in ("zh", "en"), "hr values " + r[0])
    check((r[11] == "离职") == (r[10] != ""), "leave date iff 离职: " + r[0])
in_scope = {k for k, r in emps.items()
            if d(r[9], "ymd/") <= P_LAST and (not r[10] or d(r[10], "ymd/") >= P_FIRST)}
roles = Counter(emps[k][5] for k in in_scope)
depts = Counter(emps[k][3] for k in in_scope)
check(len(roles) == 8, "all eight roles present")
check(len(depts) >= 8, "at least 8 departments")
role_of = {k: r[5] for k, r in emps.items()}
print("hr: %d rows, %d in scope, %d departments, roles %s" %
      (len(emps), len(in_scope), len(depts), dict(roles)))

# Sales
raw, sales = read("sales.csv", "utf-8-sig")
check(raw.startswith(b"\xef\xbb\xbf"), "sales.csv has a BOM")
check(b"\r\n" in raw and raw.count(b"\r\n") == len(sales), "sales.csv records end in CRLF")
check(sales[0] == ["Opportunity ID", "Owner Employee ID", "Account ID", "Close Date",
                   "Stage", "Amount", "New Customer", "Acquisition Cost", "Notes"],
      "sales.csv headers")
ids = Counter(r[0] for r in sales[1:])
check(max(ids.values()) == 1, "sales record ids unique")
stats = Counter()
revenue = defaultdict(float)
for r in sales[1:]:
    check(r[1] in emps, "sales owner %s exists" % r[1])
    check(r[4] in ("Closed Won", "Closed Lost", "Negotiation"), "stage " + r[4])
    check(r[6] in ("Yes", "No"), "new customer " + r[6])
    day = d(r[3], "mdy")
    amt = num(r[5]) if r[5] else None
    if day is None:
        stats["no date"] += 1
    elif not P_FIRST <= day <= P_LAST:
        stats["outside 2026-10"] += 1
    if amt is None:
        stats["no amount"] += 1
    if amt is not None and amt < 0:
        stats["refunds"] += 1
    if "\n" in r[8]:
        stats["multi-line notes"] += 1
    if day and P_FIRST <= day <= P_LAST and r[4] == "Closed Won" and amt is not None:
        revenue[r[1]] += amt
        hd, ld = d(emps[r[1]][9], "ymd/"), d(emps[r[1]][10], "ymd/")
        check(day >= hd and (ld is None or day <= ld), "sale inside employment " + r[0])
print("sales: %d rows, %s" % (len(sales) - 1, dict(stats)))

# Targets
_, tg = read("targets.csv")
check(tg[0] == ["scope", "key", "kpi", "period", "target"], "targets headers")
T = defaultdict(dict)
for r in tg[1:]:
    T[(r[0], r[1], r[2])][r[3]] = float(r[4])
    if r[0] == "employee":
        check(r[1] in emps, "target employee exists " + r[1])


def target(e, kpi, period="2026-10"):
    for key in (("employee", e, kpi), ("role", {"销售": "sales", "市场拓展": "market_expansion",
                "财务": "finance", "生产": "production"}.get(role_of[e], ""), kpi),
                ("department", emps[e][3], kpi), ("company", "", kpi)):
        if period in T.get(key, {}):
            return T[key][period]
    return None


NEEDS = {"销售": ["sales_achievement", "new_customers"], "市场拓展": ["leads"],
         "财务": ["process_savings"], "生产": ["output"]}
missing = []
for e in sorted(in_scope):
    for k in NEEDS.get(role_of[e], []) + ["company_revenue"]:
        if target(e, k) is None:
            missing.append((e, k))
print("targets: %d rows; missing table targets: %s" % (len(tg) - 1, missing))
check(missing == [("E1021", "leads")], "exactly one missing target (E1021 leads)")
ach = sorted(round(revenue[e] / target(e, "sales_achievement") * 100)
             for e in in_scope if role_of[e] == "销售")
print("sales achievement %%: %s" % ach)
check(55 <= ach[0] and ach[-1] <= 135, "achievements within 55..135 %")

# Metrics
_, mt = read("metrics.csv")
check(mt[0] == ["employee_id", "department", "period", "metric", "value"], "metrics headers")
have = defaultdict(set)
for r in mt[1:]:
    check(r[0] == "" or r[0] in emps, "metric employee exists " + r[0])
    num(r[4])
    if r[2] == "2026-10" and r[0]:
        have[r[0]].add(r[3])
MNEEDS = {"客户服务": {"csat", "first_response_minutes"},
          "人力资源": {"email_reply_hours", "decision_accuracy"},
          "行政": {"email_reply_hours", "decision_accuracy"},
          "财务": {"email_reply_hours", "decision_accuracy", "process_savings"},
          "市场拓展": {"leads", "valid_leads"},
          "研发": {"milestone_completion", "defect_rate"},
          "生产": {"output_units", "defect_rate", "on_time_delivery"}}
mmiss = [(e, m) for e in sorted(in_scope) for m in sorted(MNEEDS.get(role_of[e], set()) - have[e])]
print("metrics: %d rows; missing: %s" % (len(mt) - 1, mmiss))
check(mmiss == [("E1028", "csat")], "exactly one missing metric (E1028 csat)")

# Reviews
_, rv = read("reviews.csv")
check(rv[0] == ["reviewer_id", "reviewee_id", "relation", "dimension", "score", "comment"],
      "reviews headers")
peers = defaultdict(set)
reviewed = set()
for r in rv[1:]:
    check(r[0] in in_scope and r[1] in in_scope, "reviewer/reviewee in scope " + str(r[:2]))
    check(r[2] in ("self", "peer", "manager", "subordinate"), "relation " + r[2])
    check(r[3] in ("results", "efficiency", "attitude"), "dimension " + r[3])
    check(1 <= int(r[4]) <= 5, "score range")
    reviewed.add(r[1])
    if r[2] == "peer":
        peers[r[1]].add(r[0])
one_peer = sorted(e for e in in_scope if len(peers[e]) == 1)
print("reviews: %d rows, %d reviewees; one peer only: %s; no peers: %s" %
      (len(rv) - 1, len(reviewed), one_peer,
       sorted(e for e in in_scope if not peers[e])))
check(one_peer == ["E1052"], "exactly one reviewee with a single peer (E1052)")

# Training
_, tr = read("training.csv")
check(tr[0] == ["employee_id", "course", "date", "hours", "passed"], "training headers")
inside = 0
for r in tr[1:]:
    check(r[0] in emps, "trainee exists")
    check(r[4] in ("yes", "no", "是", "否"), "passed value")
    inside += P_FIRST <= d(r[2], "iso") <= P_LAST
print("training: %d rows, %d in 2026-10" % (len(tr) - 1, inside))

print("OK" if failures == 0 else "%d FAILURES" % failures)
sys.exit(1 if failures else 0)
