#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The marks of a start (src/ui/enr-startup-marks.h), as the start-up
benchmark (tests/bench/bench-startup.py) reads them: smartca-enroll started
with SMARTCA_ENROLL_STARTUP_MARKS=FILE writes FILE once its first window is
shown, each mark once, in the order of a start, on CLOCK_MONOTONIC.

  startup.py SMARTCA_ENROLL

Runs the program with no service configured (its welcome page says so), in
the session e2e_session prepares. Prints TAP.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import e2e_session  # noqa: E402

e2e_session.prepare()

import atspi_helpers as at  # noqa: E402 - pyatspi, once the session's bus is chosen
import e2e_wait  # noqa: E402

PROGRAM = sys.argv[1]
MARKS = ["main", "toolkit started", "window built", "window shown"]
tap = at.Tap()
work = tempfile.mkdtemp(prefix="enr-startup-marks-")


def written(path):
    return os.path.exists(path) and os.path.getsize(path) > 0


try:
    home = os.path.join(work, "home")
    marks_path = os.path.join(work, "marks.json")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_STATE_HOME=os.path.join(home, ".local", "state"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"), LANGUAGE="en",
               SMARTCA_ENROLL_STARTUP_MARKS=marks_path)
    with open(os.path.join(work, "program.log"), "w") as log:
        before = time.monotonic() * 1000
        program = subprocess.Popen([PROGRAM], env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
        came = e2e_wait.wait_until(lambda: written(marks_path), timeout=e2e_wait.START)
        after = time.monotonic() * 1000
        program.terminate()
        program.wait(timeout=60)
    with open(os.path.join(work, "program.log")) as log:
        tap.check(came, "the marks are written once the window is shown", log.read())
    marks = {}
    if came:
        with open(marks_path) as marks_file:
            marks = json.load(marks_file)
    tap.check(list(marks) == MARKS, "each mark of a start, once, in order", repr(marks))
    times = list(marks.values())
    tap.check(times == sorted(times) and all(before <= t <= after for t in times),
              "the marks follow each other on the clock the benchmark reads",
              "%r, started at %.3f, read at %.3f" % (marks, before, after))
finally:
    shutil.rmtree(work, ignore_errors=True)
    tap.done()
sys.exit(0 if tap.ok else 1)
