#!/usr/bin/env python3
"""
make_samples.py: writes the sample company of samples/ (示例贸易有限公司 |
Example Trading Co., period 2026-10) in the shapes docs/SAMPLE-NAMES.md pins.

The committed CSVs are this script's output; it is kept so the samples can
be regenerated after a change of the contract (python3 samples/make_samples.py
from the repository root, or from samples/). It is deterministic: a fixed
seed, no clock. hr.csv is written as UTF-8 into a temporary file and
converted with `iconv -f UTF-8 -t GB18030`, the way the HR system's export
arrives; the UTF-8 master is not kept.

Every special case (mid-month hire, leaver, probation, missing target,
missing metric, single peer review, refunds, open deals, out-of-period rows)
is listed in samples/README.md with its employee id; keep the two in step.
"""

import csv
import io
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta

OUT = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(202610)

PERIOD = "2026-10"
DOMAIN = "example-trading.cn"

# Departments: name, dept_type (HR's Chinese value), role label (HR's
# Chinese value), role NAME, cost centre.
DEPTS = [
    ("销售一部", "业务", "销售", "sales", "CC-1101"),
    ("销售二部", "业务", "销售", "sales", "CC-1102"),
    ("市场拓展部", "业务", "市场拓展", "market_expansion", "CC-1201"),
    ("客户服务部", "服务", "客户服务", "customer_service", "CC-1301"),
    ("人力资源部", "管理", "人力资源", "hr", "CC-2101"),
    ("财务部", "管理", "财务", "finance", "CC-2201"),
    ("行政部", "管理", "行政", "admin", "CC-2301"),
    ("研发部", "业务", "研发", "rnd", "CC-3101"),
    ("生产部", "业务", "生产", "production", "CC-3201"),
]

# Per department: (name, email local part, gender, locale, grade, monthly
# base salary, hire date, leave date, status). The first is the head.
PEOPLE = {
    "销售一部": [
        ("王建国", "wang.jianguo", "男", "zh", "M2", 28000, "2015/04/01", "", "在职"),
        ("李娜", "li.na", "女", "zh", "P5", 15000, "2018/07/09", "", "在职"),
        ("张伟", "zhang.wei", "男", "zh", "P4", 12000, "2020/03/16", "", "在职"),
        ("刘洋", "liu.yang", "男", "zh", "P4", 11500, "2021/05/10", "", "在职"),
        ("陈静", "chen.jing", "女", "zh", "P3", 9500, "2023/02/20", "", "在职"),
        # The leaver: last day 2026-10-20.
        ("杨帆", "yang.fan", "男", "zh", "P3", 9000, "2022/09/01", "2026/10/20", "离职"),
        ("赵敏", "zhao.min", "女", "zh", "P4", 12500, "2019/11/04", "", "在职"),
        ("黄磊", "huang.lei", "男", "zh", "P5", 16000, "2017/06/12", "", "在职"),
        ("周婷", "zhou.ting", "女", "zh", "P3", 9000, "2024/03/15", "", "在职"),
    ],
    "销售二部": [
        ("孙丽华", "sun.lihua", "女", "zh", "M2", 27000, "2016/08/22", "", "在职"),
        ("Emily Carter", "emily.carter", "女", "en", "P5", 18000, "2021/09/01", "", "在职"),
        ("吴强", "wu.qiang", "男", "zh", "P4", 12000, "2020/10/12", "", "在职"),
        ("郑晓明", "zheng.xiaoming", "男", "zh", "P4", 11000, "2022/04/18", "", "在职"),
        ("冯雪", "feng.xue", "女", "zh", "P3", 9500, "2023/07/03", "", "在职"),
        # The mid-month hire: experienced hire from a group company, probation waived.
        ("何俊", "he.jun", "男", "zh", "P4", 12000, "2026/10/16", "", "在职"),
        ("马超", "ma.chao", "男", "zh", "P4", 12500, "2019/03/25", "", "在职"),
        ("林晓燕", "lin.xiaoyan", "女", "zh", "P3", 9800, "2024/01/08", "", "在职"),
    ],
    "市场拓展部": [
        ("高志远", "gao.zhiyuan", "男", "zh", "M1", 24000, "2017/02/13", "", "在职"),
        ("罗佳", "luo.jia", "女", "zh", "P4", 13000, "2020/06/01", "", "在职"),
        ("谢振宇", "xie.zhenyu", "男", "zh", "P3", 10500, "2022/11/14", "", "在职"),
        # On probation; no leads target yet (the deliberate missing target).
        ("宋雨萱", "song.yuxuan", "女", "zh", "P3", 10000, "2026/08/03", "", "试用"),
        ("Daniel Brooks", "daniel.brooks", "男", "en", "P4", 14500, "2023/04/10", "", "在职"),
        ("唐慧", "tang.hui", "女", "zh", "P3", 10000, "2024/05/20", "", "在职"),
    ],
    "客户服务部": [
        ("许芳", "xu.fang", "女", "zh", "M1", 20000, "2016/05/09", "", "在职"),
        ("韩梅", "han.mei", "女", "zh", "P3", 8800, "2021/03/01", "", "在职"),
        ("邓超", "deng.chao", "男", "zh", "P3", 8500, "2022/07/18", "", "在职"),
        ("曹颖", "cao.ying", "女", "zh", "P2", 8000, "2024/09/02", "", "在职"),
        # No csat row this month (the deliberate missing metric).
        ("彭飞", "peng.fei", "男", "zh", "P3", 8600, "2021/12/06", "", "在职"),
        ("曾丽", "zeng.li", "女", "zh", "P2", 8000, "2025/02/17", "", "在职"),
        ("Sophie Martin", "sophie.martin", "女", "en", "P3", 9500, "2023/10/09", "", "在职"),
    ],
    "人力资源部": [
        ("萧红梅", "xiao.hongmei", "女", "zh", "M2", 26000, "2014/09/15", "", "在职"),
        ("田浩", "tian.hao", "男", "zh", "P4", 14000, "2019/04/22", "", "在职"),
        ("董琳", "dong.lin", "女", "zh", "P3", 11000, "2021/08/30", "", "在职"),
        ("袁野", "yuan.ye", "男", "zh", "P3", 10500, "2023/03/13", "", "在职"),
        ("潘悦", "pan.yue", "女", "zh", "P3", 10000, "2024/06/24", "", "在职"),
    ],
    "财务部": [
        ("蒋国华", "jiang.guohua", "男", "zh", "M2", 30000, "2013/11/18", "", "在职"),
        ("蔡文静", "cai.wenjing", "女", "zh", "P5", 20000, "2017/10/09", "", "在职"),
        ("余波", "yu.bo", "男", "zh", "P4", 15000, "2020/02/24", "", "在职"),
        ("杜娟", "du.juan", "女", "zh", "P3", 12000, "2022/05/16", "", "在职"),
        ("叶晨", "ye.chen", "男", "zh", "P3", 11000, "2024/08/05", "", "在职"),
    ],
    "行政部": [
        ("程秀英", "cheng.xiuying", "女", "zh", "M1", 18000, "2015/01/12", "", "在职"),
        ("魏东", "wei.dong", "男", "zh", "P3", 9000, "2020/09/07", "", "在职"),
        ("苏晴", "su.qing", "女", "zh", "P2", 8000, "2023/11/20", "", "在职"),
        ("吕鹏", "lv.peng", "男", "zh", "P3", 8500, "2021/06/28", "", "在职"),
        # Left in September: out of scope for 2026-10.
        ("丁丽", "ding.li", "女", "zh", "P2", 8200, "2022/02/14", "2026/09/18", "离职"),
    ],
    "研发部": [
        ("沈建华", "shen.jianhua", "男", "zh", "M3", 45000, "2014/03/03", "", "在职"),
        ("任志强", "ren.zhiqiang", "男", "zh", "P6", 38000, "2016/07/11", "", "在职"),
        ("姚琳", "yao.lin", "女", "zh", "P5", 32000, "2018/09/17", "", "在职"),
        ("卢俊杰", "lu.junjie", "男", "zh", "P5", 30000, "2019/05/06", "", "在职"),
        ("Michael Chen", "michael.chen", "男", "en", "P5", 33000, "2020/01/13", "", "在职"),
        ("傅晓", "fu.xiao", "女", "zh", "P4", 25000, "2021/10/25", "", "在职"),
        ("钟磊", "zhong.lei", "男", "zh", "P4", 22000, "2022/08/08", "", "在职"),
        ("汪洁", "wang.jie", "女", "zh", "P3", 18000, "2024/07/01", "", "在职"),
        # Joins in November: out of scope for 2026-10.
        ("范一鸣", "fan.yiming", "男", "zh", "P3", 17000, "2026/11/02", "", "试用"),
    ],
    "生产部": [
        ("石大勇", "shi.dayong", "男", "zh", "M1", 22000, "2012/06/18", "", "在职"),
        ("廖春生", "liao.chunsheng", "男", "zh", "P3", 9500, "2016/03/21", "", "在职"),
        ("邹小红", "zou.xiaohong", "女", "zh", "P2", 8200, "2020/07/13", "", "在职"),
        ("熊斌", "xiong.bin", "男", "zh", "P2", 8500, "2019/10/28", "", "在职"),
        ("金凤", "jin.feng", "女", "zh", "P2", 8000, "2023/05/08", "", "在职"),
        ("陆海涛", "lu.haitao", "男", "zh", "P3", 9200, "2018/12/03", "", "在职"),
        ("郝建", "hao.jian", "男", "zh", "P2", 8300, "2025/03/17", "", "在职"),
        ("孔令辉", "kong.linghui", "男", "zh", "P3", 9800, "2017/08/14", "", "在职"),
    ],
}


def ymd(s):
    if not s:
        return None
    y, m, d = (int(x) for x in s.split("/"))
    return date(y, m, d)


P_FIRST, P_LAST = date(2026, 10, 1), date(2026, 10, 31)


class Emp:
    pass


def build_employees():
    emps = []
    n = 1001
    for dept, dtype, rlabel, rname, cc in DEPTS:
        head = None
        for i, p in enumerate(PEOPLE[dept]):
            e = Emp()
            e.id = "E%d" % n
            n += 1
            (e.name, e.mail, e.gender, e.locale, e.grade, e.salary,
             e.hire, e.leave, e.status) = p
            e.dept, e.dtype, e.rlabel, e.role, e.cc = dept, dtype, rlabel, rname, cc
            e.manager = "" if i == 0 else head.id
            e.is_head = i == 0
            if i == 0:
                head = e
            h, lv = ymd(e.hire), ymd(e.leave)
            e.in_scope = h <= P_LAST and (lv is None or lv >= P_FIRST)
            e.first_day = max(h, P_FIRST)
            e.last_day = min(lv, P_LAST) if lv else P_LAST
            emps.append(e)
    return emps


EMPS = build_employees()
BY_ID = {e.id: e for e in EMPS}


def who(name):
    return next(e for e in EMPS if e.name == name)


LEAVER = who("杨帆")
MID_HIRE = who("何俊")
PROBATION = who("宋雨萱")
NOV_HIRE = who("范一鸣")
SEP_LEAVER = who("丁丽")
NO_CSAT = who("彭飞")
ONE_PEER = who("钟磊")


def write_csv(path, header, rows, crlf=False, bom=False):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path, "wb") as f:
        f.write(data)


def write_hr():
    header = ["工号", "姓名", "邮箱", "部门", "部门类型", "岗位", "职级", "直属上级",
              "月基本工资", "入职日期", "离职日期", "状态", "性别", "语言", "成本中心"]
    rows = []
    for e in EMPS:
        rows.append([e.id, e.name, "%s@%s" % (e.mail, DOMAIN), e.dept, e.dtype,
                     e.rlabel, e.grade, e.manager, "%.2f" % e.salary, e.hire,
                     e.leave, e.status, e.gender, e.locale, e.cc])
    # The HR system exports GB18030 with CRLF, as Excel in China does.
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as tmp:
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
        tmp.write(buf.getvalue().encode("utf-8"))
    try:
        with open(os.path.join(OUT, "hr.csv"), "wb") as f:
            subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030", tmp.name],
                           stdout=f, check=True)
    finally:
        os.unlink(tmp.name)


# ---------------------------------------------------------------- sales

NOTES = [
    "",
    "",
    "",
    "",
    "Customer asked for \"net 60\" payment terms, approved by finance",
    "客户要求分两批发货，\n第一批10月底前到货",
    "Follow-up call booked; decision maker: Mr. Li, procurement",
    "Renewal of annual contract, price +3%",
    "竞品报价低8%，\n已申请特价，待审批",
    "Trade show lead (Canton Fair), sample sent",
    "老客户转介绍，首单试用",
    "Invoice requested in two parts: goods, installation",
    "客户反馈：“服务响应快”，计划追加订单",
]

LOST_NOTES = [
    "Lost to competitor on delivery time,\nasked to be contacted for next tender",
    "Budget frozen until Q1, \"revisit in January\"",
    "客户选择了本地供应商，价格差距约12%",
]

REFUND_NOTES = [
    "Partial refund: damaged goods on arrival, see RMA-2026-0412",
    "退货退款，质量问题，\n已由客服部确认",
    "Credit note for price adjustment, \"goodwill\" agreed by sales head",
    "Refund of duplicate invoice",
    "退款：客户取消部分订单",
]


def money(x, style):
    """Amount as a CRM export writes it; refunds as accounting negatives."""
    if x < 0:
        return "(%s)" % format(-x, ",.2f")
    if style == 0:
        return "¥" + format(x, ",.2f")
    if style == 1:
        return format(x, ",.2f")
    return "%.2f" % x


def rand_day(first, last):
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def us(d):
    return d.strftime("%m/%d/%Y")


# Per salesperson: (deal count in October, mean deal size in CNY).
SALES_PROFILE = {}


def gen_sales():
    sellers = [e for e in EMPS if e.role == "sales"]
    rows = []
    accounts = {}
    next_acc = [20001]
    won_oct = {e.id: 0.0 for e in sellers}

    def new_account():
        a = "ACC-%05d" % next_acc[0]
        next_acc[0] += 1
        return a

    for e in sellers:
        accounts[e.id] = [new_account() for _ in range(rng.randint(6, 12))]

    def add(e, day, stage, amount, newc, cost, note, style=None):
        if newc:
            acc = new_account()
            accounts[e.id].append(acc)
        else:
            acc = rng.choice(accounts[e.id])
        if style is None:
            style = rng.choice([0, 0, 0, 1, 2])
        amt = "" if amount is None else money(amount, style)
        c = ""
        if cost is not None:
            c = money(cost, rng.choice([0, 2]))
        rows.append([day or date(2026, 12, 31), e.id, acc, us(day) if day else "", stage, amt,
                     "Yes" if newc else "No", c, note])
        if (day and P_FIRST <= day <= P_LAST and stage == "Closed Won"
                and amount is not None):
            won_oct[e.id] += amount

    for e in sellers:
        mean = 70000 if e.is_head else rng.choice([18000, 22000, 26000, 30000, 35000])
        n_oct = 18 if e.is_head else rng.randint(22, 30)
        # Working days only for the partial month.
        span = (e.last_day - e.first_day).days + 1
        n_oct = max(4, round(n_oct * span / 31))
        SALES_PROFILE[e.id] = (n_oct, mean)
        win_p = rng.uniform(0.35, 0.6)

        def one(first, last, force_stage=None):
            day = rand_day(first, last)
            r = rng.random()
            stage = force_stage or ("Closed Won" if r < win_p else
                                    "Closed Lost" if r < win_p + 0.25 else "Negotiation")
            amount = round(rng.lognormvariate(0, 0.6) * mean / 100) * 100.0
            newc = rng.random() < 0.25
            cost = None
            if newc or rng.random() < 0.15:
                cost = float(rng.choice([200, 350, 500, 800, 1200, 1800, 2600]))
            note = rng.choice(NOTES)
            if stage == "Closed Lost" and rng.random() < 0.5:
                note = rng.choice(LOST_NOTES)
            if stage == "Negotiation":
                # Open deals: most carry no close date yet, some no amount.
                if rng.random() < 0.6:
                    day = None
                if rng.random() < 0.25:
                    amount = None
            elif stage == "Closed Lost" and rng.random() < 0.05:
                amount = None  # a lost deal whose value was never entered
            add(e, day, stage, amount, newc, cost, note)

        for _ in range(n_oct):
            one(e.first_day, e.last_day)
        # History from September (out of period) for those employed then.
        if ymd(e.hire) <= date(2026, 9, 30):
            for _ in range(rng.randint(2, 6)):
                one(date(2026, 9, 1), date(2026, 9, 30))
        # Early November (the export ran on 2026-11-05), not for the leaver.
        if e.leave == "":
            for _ in range(rng.randint(1, 3)):
                one(date(2026, 11, 2), date(2026, 11, 5))

    # Refunds: won rows with accounting negatives, dated in October.
    for e, amt in [(who("张伟"), -1200.0), (who("Emily Carter"), -3450.5),
                   (who("黄磊"), -8000.0), (who("马超"), -560.0),
                   (who("王建国"), -12800.0)]:
        add(e, rand_day(date(2026, 10, 3), date(2026, 10, 28)), "Closed Won", amt,
            False, None, rng.choice(REFUND_NOTES))
    # One September refund (out of period).
    add(who("李娜"), date(2026, 9, 22), "Closed Won", -2300.0, False, None,
        REFUND_NOTES[3])

    # The CRM numbers opportunities in the order they were created, which
    # roughly follows the close date; open deals were created last.
    rng.shuffle(rows)
    rows.sort(key=lambda r: r[0])
    for i, r in enumerate(rows):
        r[0] = "OPP-%d" % (100001 + i)
    write_csv(os.path.join(OUT, "sales.csv"),
              ["Opportunity ID", "Owner Employee ID", "Account ID", "Close Date",
               "Stage", "Amount", "New Customer", "Acquisition Cost", "Notes"],
              rows, crlf=True, bom=True)
    return won_oct


# ---------------------------------------------------------------- targets

# Achievement each salesperson should land on, so ratings spread.
ACHIEVE = [0.62, 0.71, 0.78, 0.84, 0.88, 0.92, 0.95, 0.98, 1.0, 1.03, 1.07,
           1.1, 1.15, 1.2, 1.25, 1.3, 0.9]


def round_to(x, step):
    return int(round(x / step)) * step


def gen_targets(won_oct):
    rows = []
    sellers = [e for e in EMPS if e.role == "sales" and e.in_scope]
    ach = ACHIEVE[:]
    rng.shuffle(ach)
    total = 0
    for e, a in zip(sellers, ach):
        # Targets are set before the month; the mid-month hire's is a
        # half-month target agreed at hiring.
        t = max(10000, round_to(won_oct[e.id] / a, 5000))
        total += t
        rows.append(["employee", e.id, "sales_achievement", PERIOD, t])
        if e is not LEAVER:
            nxt = t if e is not MID_HIRE else t * 2
            rows.append(["employee", e.id, "sales_achievement", "2026-11",
                         round_to(nxt * 1.05, 10000)])
            rows.append(["employee", e.id, "sales_achievement", "2026-Q4",
                         round_to(nxt * 3.1, 10000)])
    rows.append(["role", "sales", "new_customers", PERIOD, 3])
    rows.append(["role", "sales", "new_customers", "2026-11", 3])
    rows.append(["role", "sales", "new_customers", "2026-Q4", 9])
    # Heads develop their team's accounts: a higher new-customer goal.
    for e in sellers:
        if e.is_head:
            rows.append(["employee", e.id, "new_customers", PERIOD, 4])
    rows.append(["company", "", "company_revenue", PERIOD, round_to(total, 100000)])
    rows.append(["company", "", "company_revenue", "2026-11",
                 round_to(total * 1.08, 100000)])
    rows.append(["company", "", "company_revenue", "2026-Q4",
                 round_to(total * 3.2, 100000)])

    # Leads: per person only (no role row), so the probation hire without
    # a row is a real missing target.
    for e in EMPS:
        if e.role != "market_expansion" or not e.in_scope or e is PROBATION:
            continue
        t = 60 if e.is_head else rng.choice([120, 140, 150, 160])
        rows.append(["employee", e.id, "leads", PERIOD, t])
        rows.append(["employee", e.id, "leads", "2026-11", t + 10])
    # Process savings: a role target, the finance head carries more.
    rows.append(["role", "finance", "process_savings", PERIOD, 20000])
    rows.append(["role", "finance", "process_savings", "2026-11", 20000])
    rows.append(["employee", who("蒋国华").id, "process_savings", PERIOD, 50000])
    rows.append(["role", "finance", "process_savings", "2026-Q4", 60000])
    # Output: a department target per person; the head runs the line.
    rows.append(["department", "生产部", "output", PERIOD, 1200])
    rows.append(["department", "生产部", "output", "2026-11", 1250])
    rows.append(["department", "生产部", "output", "2026-Q4", 3700])
    rows.append(["employee", who("石大勇").id, "output", PERIOD, 600])
    write_csv(os.path.join(OUT, "targets.csv"),
              ["scope", "key", "kpi", "period", "target"], rows)
    return rows


# ---------------------------------------------------------------- metrics

def pct(x):
    """Some systems export ratios as '92%', others as 0.92."""
    if rng.random() < 0.4:
        return "%.1f%%" % (x * 100)
    return "%.3f" % x


def gen_metrics():
    rows = []
    for period in ("2026-09", PERIOD):
        for e in EMPS:
            if period == PERIOD and not e.in_scope:
                continue
            if period == "2026-09" and (ymd(e.hire) > date(2026, 9, 30) or
                                       (e.leave and ymd(e.leave) < date(2026, 9, 1))):
                continue
            r = e.role

            def put(metric, value):
                rows.append([e.id, "", period, metric, value])
            if r == "customer_service":
                if not (e is NO_CSAT and period == PERIOD):
                    put("csat", pct(rng.uniform(0.84, 0.98)))
                put("first_response_minutes", "%.1f" % rng.uniform(6, 22))
            elif r in ("hr", "finance", "admin"):
                put("email_reply_hours", "%.1f" % rng.uniform(3, 30))
                put("decision_accuracy", pct(rng.uniform(0.7, 0.97)))
                if r == "finance":
                    base = 50000 if e.is_head else 20000
                    v = round(base * rng.uniform(0.6, 1.35), -2)
                    put("process_savings",
                        "¥" + format(v, ",.2f") if rng.random() < 0.5 else "%.2f" % v)
            elif r == "market_expansion":
                leads = rng.randint(45, 75) if e.is_head else rng.randint(90, 190)
                put("leads", str(leads))
                put("valid_leads", str(round(leads * rng.uniform(0.45, 0.75))))
            elif r == "rnd":
                put("milestone_completion", "%.2f" % rng.uniform(0.75, 1.0))
                put("defect_rate", "%.3f" % rng.uniform(0.005, 0.035))
            elif r == "production":
                put("output_units", str(rng.randint(520, 680) if e.is_head
                                        else rng.randint(950, 1450)))
                put("defect_rate", "%.3f" % rng.uniform(0.006, 0.03))
                put("on_time_delivery", pct(rng.uniform(0.88, 1.0)))
    # Every row is per employee: a department row (employee_id empty) would
    # blur the one deliberate missing metric (E1028's csat).
    write_csv(os.path.join(OUT, "metrics.csv"),
              ["employee_id", "department", "period", "metric", "value"], rows)
    return rows


# ---------------------------------------------------------------- reviews

COMMENTS = {
    5: ["目标完成出色，主动承担额外工作", "Consistently exceeds expectations; a role model for the team",
        "客户评价很高，值得大家学习", "Outstanding ownership of the Q4 launch"],
    4: ["工作认真负责，沟通顺畅", "Reliable and easy to work with", "按时完成任务，质量稳定",
        "Good progress this month, keep it up", "协作积极，乐于分享经验"],
    3: ["基本达到要求，时间管理可以加强", "Meets expectations; could follow up faster",
        "Solid work, but documentation is often late", "需要在跨部门沟通上多花心思"],
    2: ["多次延误交付，需要改进", "Missed several deadlines; let's agree on a plan",
        "工作态度需要端正，\"差不多\"心态要改"],
    1: ["未达到岗位基本要求", "Below expectations in most areas"],
}
DIMS = ["results", "efficiency", "attitude"]


def gen_reviews():
    rows = []
    by_dept = {}
    for e in EMPS:
        if e.in_scope:
            by_dept.setdefault(e.dept, []).append(e)
    heads = [v[0] for v in by_dept.values()]
    level = {e.id: rng.choice([3, 4, 4, 4, 5]) for e in EMPS}
    level[who("吕鹏").id] = 2

    def review(rv, re, rel):
        for i, dim in enumerate(DIMS):
            s = max(1, min(5, level[re.id] + rng.choice([-1, 0, 0, 0, 1])))
            if rel == "self":
                s = min(5, s + rng.choice([0, 1]))
            c = ""
            if i == 0 and rng.random() < 0.6:
                c = rng.choice(COMMENTS[s])
            rows.append([rv.id, re.id, rel, dim, s, c])

    for dept, members in by_dept.items():
        head = members[0]
        staff = members[1:]
        for e in members:
            if e is MID_HIRE:
                # Two weeks in: only the manager's review and a self review.
                review(BY_ID[e.manager], e, "manager")
                review(e, e, "self")
                continue
            if e.manager:
                review(BY_ID[e.manager], e, "manager")
            pool = [p for p in (staff if e is not head else heads)
                    if p is not e and p is not MID_HIRE]
            npeer = 1 if e is ONE_PEER else min(len(pool), rng.randint(2, 3))
            for p in rng.sample(pool, npeer):
                review(p, e, "peer")
            if e is head:
                subs = [s for s in staff if s is not MID_HIRE]
                for s in rng.sample(subs, min(len(subs), 3)):
                    review(s, e, "subordinate")
            if rng.random() < 0.8:
                review(e, e, "self")
    write_csv(os.path.join(OUT, "reviews.csv"),
              ["reviewer_id", "reviewee_id", "relation", "dimension", "score", "comment"],
              rows)
    return rows


# ---------------------------------------------------------------- training

COURSES = [
    ("大客户销售技巧", 8), ("Excel 数据分析进阶", 6), ("Negotiation Skills", 4),
    ("信息安全意识培训", 2), ("新员工入职培训", 16), ("Lean Production Basics", 8),
    ("客户服务礼仪", 4), ("劳动法实务", 6), ("Leadership for New Managers", 12),
    ("Git & Code Review", 4), ("安全生产规范", 4), ("Business English", 10),
]


def gen_training():
    rows = []
    pick = [e for e in EMPS if e.in_scope and e is not MID_HIRE]
    for i in range(40):
        e = rng.choice(pick)
        course, hours = rng.choice(COURSES)
        if i < 30:
            day = rand_day(date(2026, 10, 1), date(2026, 10, 31))
        elif i < 36:
            day = rand_day(date(2026, 9, 1), date(2026, 9, 30))
        else:
            day = rand_day(date(2026, 11, 2), date(2026, 11, 5))
        ok = rng.random() < 0.85
        passed = rng.choice(["yes", "yes", "是"]) if ok else rng.choice(["no", "否"])
        rows.append([e.id, course, day.isoformat(), hours, passed])
    # The mid-month hire's onboarding course, on their first day.
    rows.append([MID_HIRE.id, "新员工入职培训", "2026-10-16", 16, "是"])
    rows.sort(key=lambda r: (r[2], r[0]))
    write_csv(os.path.join(OUT, "training.csv"),
              ["employee_id", "course", "date", "hours", "passed"], rows)
    return rows


def main():
    write_hr()
    won = gen_sales()
    gen_targets(won)
    gen_metrics()
    gen_reviews()
    gen_training()
    for e in (LEAVER, MID_HIRE, PROBATION, NOV_HIRE, SEP_LEAVER, NO_CSAT, ONE_PEER):
        print("%s %s" % (e.id, e.name), file=sys.stderr)


if __name__ == "__main__":
    main()
