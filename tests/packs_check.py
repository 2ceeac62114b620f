#!/usr/bin/python3
"""Checks the managers' team packs of a run against results.csv and HR.

    packs_check.py OUT_DIR CONFIG_INI

Teams come from the HR export named by the config ([input.hr] file,
encoding, [columns.hr] employee_id and manager_id): a manager is an HR
employee with at least one direct report in results.csv (the in-scope
people). Asserts: managers/ holds exactly one <id>.pdf per manager and
nothing else (nobody without reports gets a pack); each is 0600 and passes
`qpdf --check`; in its text (pdftotext -layout) the team table has, for
each direct report, one line holding the report's id, name, score (the
norm_score of results.csv at 2 decimals, or 4 near a band edge), rating
(either half of the band's label) and bonus (as the letters print it,
¥1,234.56). Prints one line per problem and exits 1 if there was any.
"""
import csv
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from letters_check import money_and_bands, read_ini  # noqa: E402


def hr_teams(cfg, ini):
    """manager id -> [report ids] for every HR row naming a manager."""
    hr = cfg["input.hr"]
    path = os.path.join(os.path.dirname(os.path.abspath(ini)), hr["file"])
    enc = {"gb18030": "gb18030"}.get(hr.get("encoding", "utf-8").lower(), "utf-8-sig")
    cols = cfg["columns.hr"]
    teams = {}
    with open(path, encoding=enc, newline="") as f:
        for row in csv.DictReader(f):
            mgr = (row.get(cols["manager_id"]) or "").strip()
            if mgr:
                teams.setdefault(mgr, []).append(row[cols["employee_id"]].strip())
    return teams


def score_texts(s):
    v = float(s)
    return {f"{v:.2f}", f"{v:.4f}"}


def main():
    out, ini = sys.argv[1], sys.argv[2]
    cfg = read_ini(ini)
    symbol, bands = money_and_bands(cfg)
    results = {r["employee_id"]: r for r in
               csv.DictReader(open(os.path.join(out, "results.csv"), encoding="utf-8"))}
    problems = 0

    def bad(msg):
        nonlocal problems
        problems += 1
        print("packs_check: " + msg)

    teams = {m: [e for e in reps if e in results] for m, reps in hr_teams(cfg, ini).items()}
    managers = {m for m, reps in teams.items() if reps and m not in reps}
    pdir = os.path.join(out, "managers")
    have = {f[:-4] for f in os.listdir(pdir) if f.endswith(".pdf")} if os.path.isdir(pdir) else set()
    for m in sorted(have - managers):
        bad(f"{m}: has a pack but no in-scope direct report")
    reports = 0
    for m in sorted(managers):
        pdf = os.path.join(pdir, m + ".pdf")
        if m not in have:
            bad(f"{m}: manager of {', '.join(teams[m])} has no pack")
            continue
        if stat.S_IMODE(os.stat(pdf).st_mode) != 0o600:
            bad(f"{m}: pack is not 0600")
        if subprocess.run(["qpdf", "--check", pdf], capture_output=True).returncode != 0:
            bad(f"{m}: qpdf --check fails")
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                              text=True).stdout
        lines = text.splitlines()
        for e in teams[m]:
            r = results[e]
            reports += 1
            cents = round(float(r["bonus"]) * 100)
            money = f"{symbol}{cents // 100:,}.{cents % 100:02d}"
            # The team table's row: the id between spaces, with the name.
            rows = [ln for ln in lines if re.search(rf"(^|\s){re.escape(e)}(\s|$)", ln)
                    and r["name"] in ln]
            ok = [ln for ln in rows
                  if money in ln and any(s in ln for s in score_texts(r["norm_score"]))
                  and any(h in ln for h in bands.get(r["rating"], [r["rating"]]))]
            if not ok:
                bad(f"{m}: no team-table line for {e} with {r['name']}, score "
                    f"{r['norm_score']}, rating {r['rating']}, bonus {money}; "
                    f"lines naming {e}: {rows[:2]}")
    print(f"packs_check: {len(managers)} packs, {reports} reports checked, {problems} problems")
    return 1 if problems or not managers else 0


if __name__ == "__main__":
    sys.exit(main())
