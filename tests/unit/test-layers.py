#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The layering rules a grep can see (README, "Architecture").

  test-layers.py SOURCE_ROOT

Prints TAP. Fails on:
- a file of src/ui that includes a header of a layer below src/enroll
  (src/service, src/crypto, src/store): what a page shows comes through the
  session, the one owner of the enrollment's state;
- g_object_set_data() and its kin in src/enroll or src/ui: an operation's
  state is a typed struct, the task's own data;
- enr-session-impl.h (the session's fields) included anywhere but
  src/enroll/enr-session*.c, and enr-session-private.h (its friends'
  header) in src/ui.
"""

import os
import re
import sys

SRC = os.path.join(sys.argv[1], "src")
UI_MAY_INCLUDE = ("ui", "enroll", "common", "sandbox-runner")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SIDE_STORAGE = re.compile(r"\bg_object_(set|get|steal|dup|replace)_(q)?data(_full)?\s*\(")

results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def sources(folder):
    for root, _dirs, files in os.walk(os.path.join(SRC, folder)):
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.join(root, name)


# Where each project header lives: its layer is the first folder under src.
layer_of = {}
for root, _dirs, files in os.walk(SRC):
    for name in files:
        if name.endswith(".h"):
            layer_of.setdefault(name, os.path.relpath(root, SRC).split(os.sep)[0])


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


for path in sources("ui"):
    rel = os.path.relpath(path, SRC)
    wrong = [h for h in includes(path)
             if h in layer_of and layer_of[h] not in UI_MAY_INCLUDE]
    check(not wrong, "%s includes only ui, enroll, common and sandbox-runner" % rel,
          ", ".join(wrong))
    check("enr-session-private.h" not in includes(path),
          "%s leaves the session's friends' header alone" % rel)

for folder in ("enroll", "ui"):
    for path in sources(folder):
        rel = os.path.relpath(path, SRC)
        found = [m.group(0) for m in SIDE_STORAGE.finditer(text(path))]
        check(not found, "%s keeps no state in object data" % rel, ", ".join(found))

for root, _dirs, files in os.walk(SRC):
    for name in sorted(files):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, SRC)
        if "enr-session-impl.h" in includes(path):
            allowed = (rel.startswith("enroll" + os.sep + "enr-session") and name.endswith(".c"))
            check(allowed, "%s may see the session's fields" % rel)

print("1..%d" % len(results))
for i, (ok, name, detail) in enumerate(results, 1):
    print("%s %d %s" % ("ok" if ok else "not ok", i, name))
    if not ok and detail:
        print("# " + detail)
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
