#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Vietnamese translation is complete, and every file with strings is in POTFILES.in.

  test-po.py SOURCE_ROOT BUILD_ROOT

Prints TAP. Extracts the strings the way the build does (xgettext with the
GLib keywords and the ITS rules for .ui, .gschema.xml and metainfo files),
merges po/vi.po with them, and fails on any untranslated or fuzzy message,
on a translation whose format or accelerator does not match its source, and
on a source file with strings that POTFILES.in does not list. Then checks
that the built catalogue really turns English into Vietnamese.
"""

import gettext
import os
import re
import subprocess
import sys
import tempfile

SRC, BUILD = sys.argv[1], sys.argv[2]
KEYWORDS = ["--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
            "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
            "--keyword=g_dpgettext2:2c,3"]
# What marks a string for translation in each kind of file.
MARKERS = {
    ".c": re.compile(r"(?<![A-Za-z0-9_])(N?C?_|g_dngettext|g_dcgettext|g_dpgettext2)\s*\("),
    ".ui": re.compile(r'translatable="yes"'),
    ".xml": re.compile(r"<(summary|description)>"),
    ".in": re.compile(r"^(Name|GenericName|Comment|Keywords)=|<(name|summary|p)>", re.M),
}
# The sandbox's Vietnamese lives in its documents and fixtures, not in gettext.
NOT_TRANSLATED = ("src/sandbox/",)

results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def potfiles():
    with open(os.path.join(SRC, "po", "POTFILES.in")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def files_with_strings():
    found = []
    for top in ("src", "data"):
        for dirpath, _, names in os.walk(os.path.join(SRC, top)):
            for name in names:
                path = os.path.relpath(os.path.join(dirpath, name), SRC)
                if path.startswith(NOT_TRANSLATED):
                    continue
                ext = os.path.splitext(name)[1]
                marker = MARKERS.get(ext)
                if marker is None or (ext == ".xml" and not name.endswith(".gschema.xml")):
                    continue
                with open(os.path.join(SRC, path), encoding="utf-8") as f:
                    if marker.search(f.read()):
                        found.append(path)
    return sorted(found)


listed = potfiles()
missing_files = [p for p in listed if not os.path.exists(os.path.join(SRC, p))]
check(not missing_files, "every file POTFILES.in lists exists", " ".join(missing_files))
unlisted = [p for p in files_with_strings() if p not in listed]
check(not unlisted, "every file with translatable strings is in POTFILES.in", " ".join(unlisted))

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "smartca-enroll.pot")
    merged = os.path.join(tmp, "vi.po")
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", "--package-name=smartca-enroll",
                    "--directory=" + SRC, "--files-from=" + os.path.join(SRC, "po", "POTFILES.in"),
                    "--output=" + pot] + KEYWORDS, check=True)
    subprocess.run(["msgmerge", "--quiet", "--output-file=" + merged,
                    os.path.join(SRC, "po", "vi.po"), pot], check=True)
    stats = subprocess.run(["msgfmt", "--check", "--check-accelerators=_", "--statistics",
                            "--output-file=/dev/null", merged],
                           capture_output=True, text=True)
    report = stats.stderr.strip()
    check(stats.returncode == 0, "msgfmt --check accepts po/vi.po", report)
    untranslated = re.search(r"(\d+) untranslated", report)
    fuzzy = re.search(r"(\d+) fuzzy", report)
    translated = re.search(r"(\d+) translated", report)
    check(translated is not None and untranslated is None and fuzzy is None,
          "po/vi.po has no untranslated and no fuzzy message", report)

# What a Vietnamese locale sees: the built catalogue, read as gettext reads it.
localedir = os.path.join(BUILD, "po")
try:
    vi = gettext.translation("smartca-enroll", localedir=localedir, languages=["vi"])
    check(vi.gettext("The PIN is wrong.") == "Mã PIN không đúng.",
          "the built catalogue turns English into Vietnamese")
except OSError as e:
    check(False, "the built catalogue turns English into Vietnamese", str(e))

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} {name}")
    if detail and not ok:
        for line in str(detail).splitlines():
            print(f"# {line}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
