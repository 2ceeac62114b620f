#!/usr/bin/python3
"""Checks every letter of a run against results.csv and the config.

    letters_check.py OUT_DIR CONFIG_INI

For each employee in OUT_DIR/results.csv: letters/<id>.pdf exists and is
0600; its text (pdftotext) holds the name, the rating (either half of the
band's label, since a letter is in the employee's own language), the bonus
formatted as the workbook does (¥1,234.56) and every KPI label of the
employee's role (either half); `qpdf --check` passes; `pdffonts` shows an
embedded font; pdftotext, pdffonts and qpdf print no warning; the font's
/ToUnicode is a real ToUnicode CMap (bfchar/bfrange, no begincidrange: the
libharu 2.3.0 defect, issue 15) mapping every code the pages draw, no two
codes to the same character (letter_pdf.c gives each character of a letter
its own code), and the CIDToGIDMap covers every code drawn.
Prints one line per problem and exits 1 if there was any.
"""
import csv
import os
import re
import stat
import subprocess
import sys


def read_ini(path):
    """[section] -> {key: value}, with iniparser's '\\' continuations and
    ';' comments (values here hold no ';')."""
    sections, cur, pending = {}, None, ""
    for raw in open(path, encoding="utf-8"):
        line = pending + raw.rstrip("\n")
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        line = line.split(";", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            cur = sections.setdefault(line[1:line.index("]")].strip().lower(), {})
        elif "=" in line and cur is not None:
            k, v = line.split("=", 1)
            cur[k.strip().lower()] = v.strip()
    return sections


def to_unicode_problems(pdf):
    """What is wrong with the letter's /ToUnicode, or []."""
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                         capture_output=True).stdout.decode("latin-1")
    m = re.search(r"/ToUnicode (\d+) 0 R", qdf)
    if not m:
        return ["no /ToUnicode"]
    obj = re.search(r"\n%s 0 obj\n.*?stream\n(.*?)endstream" % m.group(1), qdf, re.S)
    if not obj:
        return ["/ToUnicode is not a stream"]
    cmap, out = obj.group(1), []
    if "begincidrange" in cmap or "begincidchar" in cmap:
        out.append("/ToUnicode maps to CIDs (begincidrange), not to Unicode")
    mapped = {}
    for blk in re.findall(r"beginbfrange\n(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<(\w+)> <(\w+)> <(\w+)>", blk):
            for c in range(int(lo, 16), int(hi, 16) + 1):
                mapped[c] = int(dst, 16) + c - int(lo, 16)
    for blk in re.findall(r"beginbfchar\n(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<(\w+)> <(\w+)>", blk):
            mapped[int(src, 16)] = int(dst, 16)
    codes = set()
    for hexs in re.findall(r"<([0-9a-fA-F]+)> Tj", qdf):
        codes.update(int(hexs[i:i + 4], 16) for i in range(0, len(hexs), 4))
    if not codes:
        out.append("no text drawn")
    unmapped = sorted(c for c in codes if c not in mapped)
    if unmapped:
        out.append("codes without a character in /ToUnicode: " +
                   ", ".join("%04X" % c for c in unmapped[:5]))
    chars = [mapped[c] for c in codes if c in mapped]
    if len(set(chars)) != len(chars):
        out.append("two codes drawn map to the same character")
    m = re.search(r"/CIDToGIDMap (\d+) 0 R", qdf)
    if m:
        length = re.search(r"\n%s 0 obj\n<<.*?/Length (\d+) 0 R" % m.group(1), qdf, re.S)
        size = length and re.search(r"\n%s 0 obj\n(\d+)\n" % length.group(1), qdf)
        if not size or (codes and int(size.group(1)) < 2 * (max(codes) + 1)):
            out.append("the CIDToGIDMap does not cover every code drawn")
    return out


def halves(label):
    return [h.strip() for h in label.split("|")]


def money_and_bands(cfg):
    """The currency symbol, and each half of a band label -> both halves
    (a letter shows the half of its reader's language)."""
    symbol = "¥" if cfg.get("bonus", {}).get("currency", "CNY") == "CNY" else "$"
    bands = {}
    for part in cfg["rating"]["bands"].split(","):
        label = part.rsplit(":", 1)[0]
        for h in halves(label):
            bands[h] = halves(label)
    return symbol, bands


def main():
    out, ini = sys.argv[1], sys.argv[2]
    cfg = read_ini(ini)
    symbol, bands = money_and_bands(cfg)
    problems = 0

    def bad(msg):
        nonlocal problems
        problems += 1
        print("letters_check: " + msg)

    rows = list(csv.DictReader(open(os.path.join(out, "results.csv"), encoding="utf-8")))
    for r in rows:
        pdf = os.path.join(out, "letters", r["employee_id"] + ".pdf")
        if not os.path.exists(pdf):
            bad(f"{r['employee_id']}: no letter")
            continue
        if stat.S_IMODE(os.stat(pdf).st_mode) != 0o600:
            bad(f"{r['employee_id']}: letter is not 0600")
        run = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                             text=True)
        text = run.stdout
        if run.stderr:
            bad(f"{r['employee_id']}: pdftotext says {run.stderr.strip()[:200]}")
        for why in to_unicode_problems(pdf):
            bad(f"{r['employee_id']}: {why}")
        flat = re.sub(r"\s+", "", text)
        want = [r["name"]]
        cents = round(float(r["bonus"]) * 100)
        want.append(f"{symbol}{cents // 100:,}.{cents % 100:02d}")
        for w in want:
            if re.sub(r"\s+", "", w) not in flat:
                bad(f"{r['employee_id']}: '{w}' not in the letter")
        if not any(h in flat for h in bands.get(r["rating"], [r["rating"]])):
            bad(f"{r['employee_id']}: rating '{r['rating']}' not in the letter")
        role = cfg.get("role." + r["role"].lower())
        if role is None:
            bad(f"{r['employee_id']}: role '{r['role']}' not in the config")
            continue
        for item in role["kpis"].split(","):
            kpi = item.split(":")[0].strip()
            label = cfg.get("kpi." + kpi, {}).get("label", kpi)
            if not any(re.sub(r"\s+", "", h) in flat for h in halves(label)):
                bad(f"{r['employee_id']}: KPI label '{label}' not in the letter")
        # qpdf exits 3 on warnings: only 0 is clean.
        if subprocess.run(["qpdf", "--check", pdf], capture_output=True).returncode != 0:
            bad(f"{r['employee_id']}: qpdf --check fails or warns")
        run = subprocess.run(["pdffonts", pdf], capture_output=True, text=True)
        if run.stderr:
            bad(f"{r['employee_id']}: pdffonts says {run.stderr.strip()[:200]}")
        fonts = run.stdout
        if not re.search(r"\byes\s+yes\b", fonts):
            bad(f"{r['employee_id']}: no embedded font subset")
    print(f"letters_check: {len(rows)} letters checked, {problems} problems")
    return 1 if problems or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
