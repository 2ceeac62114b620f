#!/usr/bin/env python3
"""Checks that man/merit.ini.5 and config/merit.ini list the same sections
and keys, so the manual cannot drift from the documented default config.

    python3 tests/man_check.py config/merit.ini man/merit.ini.5

Prints one "file:line: ..." message and a "hint:" per difference; exit 1 if
there is any. What counts as a key:

config/merit.ini: a `key = value` line, or a commented example written
    exactly `; key = value` (one space after ';'; indented prose such as
    `;   key = what it means` is not an example), below a `[section]` line
    or a commented `; [section]` line (alone on its line).
man/merit.ini.5: a `.SS [section]` line starts a section; a `.TP` followed
    by a `.B key`, `.BI key ...` or `.BR key ...` line documents a key.
    A section family is written with an upper-case placeholder:
    [metric.NAME] covers [metric.revenue] and [metric.cac].

Sections whose keys are data, not settings ([columns.*] and [defaults.*]:
field names, both checked against the fields listed under [columns.NAME];
[values.*]: canonical values) are checked one way only: every key used in
config/merit.ini must be one the manual lists for that family. Keys of
[bonus.pools] (departments) and [values.role] (role names) are not
checked. Every other section both ways.
"""
import re
import sys

# Families whose keys are names of fields, values or departments.
DATA_FAMILIES = ("columns", "defaults", "values", "bonus.pools")
# Sections whose keys are names the configuration chooses (departments,
# [role.NAME]s): not checked at all.
FREE_SECTIONS = ("bonus.pools", "values.role")

INI_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*(?:[;#].*)?$")
INI_COMMENTED_SECTION = re.compile(r"^[;#] \[([a-z0-9_.]+)\]\s*$")
INI_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")
INI_COMMENTED_KEY = re.compile(r"^[;#] ([a-z_][a-z0-9_]*) = ")
# A department in [bonus.pools] may be any text.
INI_ANY_KEY = re.compile(r"^\s*([^=;#\s][^=]*?)\s*=")

MAN_SECTION = re.compile(r'^\.SS\s+"?\[([^\]]+)\]"?\s*$')
MAN_KEY = re.compile(r'^\.(?:B|BI|BR)\s+"?([a-z_][a-z0-9_]*)')


def read_ini(path):
    """{section: {key: line}}; sections keep their names as written."""
    secs = {}
    cur = None
    cont = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if cont:
                cont = line.rstrip().endswith("\\")
                continue
            m = INI_SECTION.match(line) or INI_COMMENTED_SECTION.match(line)
            if m:
                cur = m.group(1).strip().lower()
                secs.setdefault(cur, {})
                continue
            if cur is None:
                continue
            m = INI_COMMENTED_KEY.match(line)
            if not m and not line.lstrip().startswith((";", "#")):
                m = INI_KEY.match(line)
                if not m and cur == "bonus.pools":
                    m = INI_ANY_KEY.match(line)
                cont = line.rstrip().endswith("\\")
            if m:
                secs[cur].setdefault(m.group(1).lower(), n)
    return secs


def read_man(path):
    """{section: {key: line}}, plus the line of each section."""
    secs, sec_line = {}, {}
    cur = None
    after_tp = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = MAN_SECTION.match(line)
            if m:
                cur = m.group(1)
                secs.setdefault(cur, {})
                sec_line[cur] = n
                after_tp = False
                continue
            if line.startswith(".SH"):
                cur = None
            if line.startswith((".TP", ".TQ")):
                after_tp = True
                continue
            if after_tp and cur is not None:
                m = MAN_KEY.match(line)
                if m:
                    # ".BR won \", \" lost" documents several names.
                    for k in re.findall(r'(?:^\.BR?I?\s+|"\s*,\s*"\s*)"?([a-z_][a-z0-9_]*)', line):
                        secs[cur].setdefault(k, n)
            after_tp = False
    return secs, sec_line


def family(ini_sec, man_secs):
    """The man page section documenting an INI section, or None."""
    if ini_sec in man_secs:
        return ini_sec
    head = ini_sec.split(".", 1)[0]
    if "." in ini_sec:
        for s in man_secs:
            h, _, tail = s.partition(".")
            if h == head and tail and tail.isupper():
                return s
    return None


def main():
    ini_path, man_path = sys.argv[1], sys.argv[2]
    ini = read_ini(ini_path)
    man, man_line = read_man(man_path)
    problems = 0

    def report(msg, hint):
        nonlocal problems
        problems += 1
        print(msg)
        print("hint: " + hint)

    used = {}  # man section -> {key: (ini section, line)}
    for sec, keys in ini.items():
        fam = family(sec, man)
        if fam is None:
            placeholder = sec.split(".", 1)[0] + ".NAME" if "." in sec else sec
            report("%s: section [%s] is not documented in %s"
                   % (ini_path, sec, man_path),
                   "add a '.SS [%s]' section to %s with a '.TP' entry per key"
                   % (placeholder, man_path))
            continue
        for k, n in keys.items():
            used.setdefault(fam, {}).setdefault(k, (sec, n))
            if sec in FREE_SECTIONS:
                continue
            # [defaults.X] keys are the fields listed under [columns.NAME].
            doc = man[fam]
            if fam.startswith("defaults."):
                doc = man.get(family("columns." + sec.split(".", 1)[1], man) or fam, doc)
            if k not in doc:
                report("%s:%d: key '%s' of [%s] is not documented in %s under [%s]"
                       % (ini_path, n, k, sec, man_path, fam),
                       "add to %s after line %d ('.SS [%s]'): '.TP', then '.BI %s \" = VALUE\"', "
                       "then what it does" % (man_path, man_line[fam], fam, k))

    for fam, keys in man.items():
        if fam.startswith(DATA_FAMILIES):
            continue
        for k, n in keys.items():
            if k in used.get(fam, {}):
                continue
            if fam not in used:
                where = "no section [%s] exists" % fam
            else:
                where = "no [%s] section has it" % fam
            report("%s:%d: key '%s' of [%s] is documented but not in %s (%s)"
                   % (man_path, n, k, fam, ini_path, where),
                   "add it to %s under a [%s] section, set or as a commented example "
                   "'; %s = VALUE' (exactly one space after ';'), or remove it from %s"
                   % (ini_path, fam.replace(".NAME", ".<name>"), k, man_path))

    if problems:
        print("%d difference(s) between %s and %s" % (problems, ini_path, man_path))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
