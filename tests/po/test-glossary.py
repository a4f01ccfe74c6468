#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Vietnamese catalogue uses one term per thing, the glossary's.

  test-glossary.py SOURCE_ROOT

Prints TAP. Reads the three tables of po/GLOSSARY.md and po/vi.po (as msgcat
reads it, no fuzzy or obsolete message): a message whose English has a term
of "Terms" (whole words, any case; not where it has one of the row's "Not
when" phrases) says the term's Vietnamese (mnemonic underscores aside); no
message says what a row's "Avoid" lists; each message of "VNPT's six steps"
and "Buttons" reads exactly as the table has it.
"""

import os
import re
import subprocess
import sys

SRC = sys.argv[1]


def tables(path):
    """{heading: [[cell, …], …]} for each Markdown table under a ## heading."""
    found, heading = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                heading = line[3:].strip()
            elif line.startswith("|") and heading is not None:
                cells = [c.strip() for c in line.strip("|").split("|")]
                if all(set(c) <= set("-: ") for c in cells):
                    continue
                found.setdefault(heading, []).append(cells)
    # Drop each table's header row.
    return {h: rows[1:] for h, rows in found.items()}


def messages(path):
    """[(msgid, [msgstr, …])] of the catalogue's translated messages."""
    out = subprocess.run(["msgattrib", "--translated", "--no-fuzzy", "--no-obsolete",
                          "--no-wrap", path], capture_output=True, text=True, check=True).stdout
    result, msgid, strs, key = [], None, [], None

    def flush():
        if msgid:
            result.append((msgid, strs))

    for line in out.splitlines():
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            key, text = m.group(1), bytes(m.group(2), "utf-8").decode("unicode_escape")
            text = text.encode("latin-1").decode("utf-8")
            if key == "msgid":
                flush()
                msgid, strs = text, []
            elif key.startswith("msgstr"):
                strs.append(text)
    flush()
    return result


def plain(text):
    return text.replace("_", "")


def split(cell):
    return [p.strip() for p in cell.split(",") if p.strip()]


glossary = tables(os.path.join(SRC, "po", "GLOSSARY.md"))
catalogue = messages(os.path.join(SRC, "po", "vi.po"))
by_id = {msgid: strs for msgid, strs in catalogue}
results = []

for vietnamese, english, not_when, avoid, _source in glossary["Terms"]:
    terms = split(english)
    exceptions = split(not_when)
    pattern = re.compile(r"(?<![\w-])(?:%s)(?!\w)" % "|".join(re.escape(t) for t in terms),
                         re.IGNORECASE)
    missing = []
    for msgid, strs in catalogue:
        if not pattern.search(msgid) or any(e.lower() in msgid.lower() for e in exceptions):
            continue
        for s in strs:
            if vietnamese.lower() not in plain(s).lower():
                missing.append("%s\n    → %s" % (msgid, s))
    results.append((not missing, "“%s” says “%s”" % (english, vietnamese), "\n".join(missing)))
    used = []
    for word in split(avoid):
        avoid_re = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(word), re.IGNORECASE)
        used += ["“%s” in: %s" % (word, s) for _, strs in catalogue for s in strs
                 if avoid_re.search(plain(s))]
    if avoid:
        results.append((not used, "no message says %s" % avoid, "\n".join(used)))

for table in ("VNPT's six steps", "Buttons"):
    for vietnamese, english in glossary[table]:
        strs = by_id.get(english)
        ok = strs is not None and all(plain(s) == vietnamese for s in strs)
        results.append((ok, "“%s” reads “%s”" % (english, vietnamese),
                        "the catalogue has %r" % (strs,)))

print("1..%d" % len(results))
for i, (ok, name, detail) in enumerate(results, 1):
    print("%s %d %s" % ("ok" if ok else "not ok", i, name))
    if not ok and detail:
        for line in detail.splitlines():
            print("# " + line)
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
