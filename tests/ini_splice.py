#!/usr/bin/env python3
"""Splices INI files section by section, for the init and xlsx e2e tests.

    ini_splice.py BASE TAKE OUT [--prefix input. --prefix columns. ...]

OUT is BASE with every section whose name starts with one of the prefixes
replaced by TAKE's sections of those prefixes (BASE's own are dropped only
when TAKE has a section of the same name, or for input./columns.: always).
Comments and key order are kept; nothing is parsed beyond section headers.

    ini_splice.py --map INI SECTION KEY     prints KEY's value in [SECTION]
"""
import re
import sys


def sections(path):
    """[(name or None, [lines])] in file order."""
    out, name, lines = [], None, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if m:
            out.append((name, lines))
            name, lines = m.group(1).strip(), []
        lines.append(line)
    out.append((name, lines))
    return out


def value(path, section, key):
    for name, lines in sections(path):
        if name != section:
            continue
        for line in lines:
            m = re.match(r"\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$", line)
            if m and m.group(1) == key:
                return m.group(2)
    return None


def main(argv):
    if argv[1] == "--map":
        v = value(argv[2], argv[3], argv[4])
        print("" if v is None else v)
        return 0
    base, take, out = argv[1], argv[2], argv[3]
    prefixes = [argv[i + 1] for i in range(4, len(argv), 2) if argv[i] == "--prefix"]
    taken = [(n, l) for n, l in sections(take)
             if n and any(n.startswith(p) for p in prefixes)]
    names = {n for n, _ in taken}
    with open(out, "w", encoding="utf-8") as f:
        for n, lines in sections(base):
            drop = n and any(n.startswith(p) for p in prefixes) and (
                n in names or n.startswith(("input.", "columns.")))
            if not drop:
                f.writelines(lines)
        f.write("\n")
        for _, lines in taken:
            f.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
