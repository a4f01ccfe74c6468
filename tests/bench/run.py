#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The project's one benchmark: runs every benchmark program and prints one table.

Each benchmark is a program in the build tree that prints one JSON object per
line, one per figure:

  {"figure": "...", "value": 1.23, "unit": "ms", "how": "median of 10",
   "goal": "<= 1.2" | null, "pass": true | false | null}

This script runs them in order, prints a Markdown table of every figure, and
exits non-zero when a figure misses its goal.

  python3 tests/bench/run.py [BUILDDIR] [--only NAME]
"""

import argparse
import json
import os
import subprocess
import sys
import time

# Benchmark programs, relative to the build directory, in the order they run.
# Each entry: (name, argv relative to builddir, extra environment).
BENCHMARKS = [
    ("crypto", ["tests/bench/bench-crypto"], {}),
    ("enroll", ["tests/bench/bench-enroll"], {}),
    # Issue #8: 50 citizens at once, one client each.
    ("load", ["tests/bench/bench-enroll", "--load", "50"], {}),
    ("session", ["tests/bench/bench-session"], {}),
    # A Python benchmark lives in the source tree and is given the build directory.
    # Issue #16: start-up from outside, against a bare GtkAssistant.
    ("startup", ["tests/bench/bench-startup.py"], {}),
    # Issue #16: a frame of the cairo renderer beside a rendered page
    # (GTK's render nodes need gtk_init(), so a display).
    ("page-draw", ["xvfb-run", "-a", "tests/bench/bench-page-draw"], {}),
    # Issue #16: a border on some sides only, in two colors and in one.
    ("border-draw", ["xvfb-run", "-a", "tests/bench/bench-border-draw"], {}),
    # Issue #16: a wrapping label in a check button, laid out by its box and
    # by a grid layout.
    ("wrap-layout", ["xvfb-run", "-a", "tests/bench/bench-wrap-layout"], {}),
    # Issue #16: the program's own worst stall, enrolling and approving.
    ("ui", ["tests/bench/bench-ui.py"], {}),
    # Issue #14: signing the citizen's own PDFs, below the session.
    ("sign", ["tests/bench/bench-sign.py"], {}),
    # Issue #14: the same through the session: PIN guard, SmartCA, TSA, PDF work.
    ("sign-session", ["tests/bench/bench-document-signing"], {}),
]


SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_one(builddir, name, argv, extra_env):
    wrapper = []
    if argv[0] == "xvfb-run":
        wrapper, argv = argv[:2], argv[2:]
    if argv[0].endswith(".py"):
        path = os.path.join(SOURCE_ROOT, argv[0])
        command = wrapper + [sys.executable, path, os.path.abspath(builddir)] + argv[1:]
    else:
        path = os.path.join(builddir, argv[0])
        command = wrapper + [path] + argv[1:]
    if not os.path.exists(path):
        return [{"figure": f"{name}: not built", "value": None, "unit": "",
                 "how": path, "goal": None, "pass": False}]
    env = dict(os.environ)
    env.update(extra_env)
    env.setdefault("MESON_BUILD_ROOT", os.path.abspath(builddir))
    env.setdefault("MESON_SOURCE_ROOT",
                   os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    started = time.monotonic()
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                          stderr=sys.stderr, text=True, timeout=1800)
    rows = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
    if proc.returncode != 0:
        rows.append({"figure": f"{name}: exited {proc.returncode}", "value": None,
                     "unit": "", "how": "", "goal": None, "pass": False})
    print(f"# {name}: {len(rows)} figures in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    return rows


def format_value(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("builddir", nargs="?", default="_build")
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()

    rows = []
    for name, argv, extra_env in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        rows.extend(run_one(args.builddir, name, argv, extra_env))

    print("| figure | value | unit | how | goal | met |")
    print("|---|---|---|---|---|---|")
    missed = 0
    for row in rows:
        met = row.get("pass")
        if met is False:
            missed += 1
        print("| {} | {} | {} | {} | {} | {} |".format(
            row.get("figure", "?"), format_value(row.get("value")), row.get("unit", ""),
            row.get("how", ""), row.get("goal") or "reported",
            "yes" if met else ("NO" if met is False else "—")))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
