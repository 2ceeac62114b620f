#!/usr/bin/python3
"""Checks mailed review letters with Python's own email package (not ours).

    mail_check.py DIR LETTERS HR_CSV [--envelope] [--bcc ADDR]
                  [--subject-zh FMT] [--subject-en FMT] [--count N]

DIR holds NNNN.eml (+ NNNN.json envelopes when --envelope, as written by
tests/smtp_sink.py) or <id>.eml files (merit mail --dry-run). LETTERS is the
run's letters folder, HR_CSV the HR export (UTF-8 or GB18030; the id, email
and locale columns are found by header name).

For every message: it parses; it has exactly one application/pdf part,
named <id>.pdf; that id has a letter whose SHA-256 equals the attachment's;
the To address is the HR email of that id, and so is the envelope (plus
--bcc, nothing else); the decoded Subject equals FMT for the employee's
locale with {name} filled in. Then: every letter was delivered exactly once
(or, with --count N, exactly N messages in total; the newest per id must
match the letter). Prints "ok: N messages" or one "bad: ..." line per
problem, exit status 1 if any.
"""
import argparse
import csv
import email
import email.policy
import email.utils
import hashlib
import io
import json
import os
import sys


def read_hr(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text)))
    head = [h.strip().lower() for h in rows[0]]

    def col(*names):
        for n in names:
            if n in head:
                return head.index(n)
        raise SystemExit("mail_check: no column %s in %s" % (names, path))

    ci, cn, ce = col("employee_id", "工号"), col("name", "姓名"), col("email", "邮箱")
    cl = col("locale", "语言")
    return {r[ci]: {"name": r[cn], "email": r[ce], "locale": r[cl] or "zh"}
            for r in rows[1:] if r and r[ci]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("letters")
    ap.add_argument("hr")
    ap.add_argument("--envelope", action="store_true")
    ap.add_argument("--bcc")
    ap.add_argument("--subject-zh")
    ap.add_argument("--subject-en")
    ap.add_argument("--count", type=int)
    a = ap.parse_args()

    hr = read_hr(a.hr)
    letters = {f[:-4]: hashlib.sha256(open(os.path.join(a.letters, f), "rb").read()).hexdigest()
               for f in os.listdir(a.letters) if f.endswith(".pdf")}
    bad = []
    seen = {}
    names = sorted(f for f in os.listdir(a.dir) if f.endswith(".eml"))
    for fn in names:
        path = os.path.join(a.dir, fn)
        msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
        if msg.defects:
            bad.append("%s: parse defects %s" % (fn, msg.defects))
        pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
        if len(pdfs) != 1:
            bad.append("%s: %d PDF attachments" % (fn, len(pdfs)))
            continue
        att = pdfs[0]
        eid = (att.get_filename() or "")[:-4]
        if eid not in letters:
            bad.append("%s: attachment %r is no letter of this run" % (fn, att.get_filename()))
            continue
        data = att.get_content()
        sha = hashlib.sha256(data).hexdigest()
        seen.setdefault(eid, []).append((fn, sha))
        emp = hr[eid]
        to = [addr for _, addr in email.utils.getaddresses(msg.get_all("To", []))]
        if to != [emp["email"]]:
            bad.append("%s: To %s, but %s's HR email is %s" % (fn, to, eid, emp["email"]))
        if msg.get("Bcc") is not None or msg.get("Cc") is not None:
            bad.append("%s: has a Cc or Bcc header" % fn)
        if a.envelope:
            env = json.load(open(path[:-4] + ".json"))
            want = [emp["email"]] + ([a.bcc] if a.bcc else [])
            if env["rcpt_tos"] != want:
                bad.append("%s: envelope to %s, want %s" % (fn, env["rcpt_tos"], want))
        fmt = a.subject_en if emp["locale"] == "en" else a.subject_zh
        if fmt is not None and str(msg["Subject"]) != fmt.format(name=emp["name"]):
            bad.append("%s: subject %r, want %r" % (fn, str(msg["Subject"]),
                                                    fmt.format(name=emp["name"])))
        body = msg.get_body(("plain",))
        if body is None or emp["name"] not in body.get_content():
            bad.append("%s: text part missing or does not greet %s" % (fn, emp["name"]))

    total = sum(len(v) for v in seen.values())
    for eid, sha in letters.items():
        got = seen.get(eid, [])
        if not got:
            bad.append("%s: no message" % eid)
        elif got[-1][1] != sha:
            bad.append("%s: attachment differs from the letter (%s)" % (eid, got[-1][0]))
        elif a.count is None and len(got) != 1:
            bad.append("%s: %d messages" % (eid, len(got)))
    if a.count is not None and total != a.count:
        bad.append("%d messages, want %d" % (total, a.count))
    for b in bad:
        print("bad: " + b)
    if not bad:
        print("ok: %d messages" % total)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
