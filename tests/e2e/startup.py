#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The marks of a start (src/ui/enr-startup-marks.h), as the start-up
benchmark (tests/bench/bench-startup.py) reads them: smartca-enroll started
with SMARTCA_ENROLL_STARTUP_MARKS=FILE writes FILE once its first window is
shown, each mark once, in the order of a start, on CLOCK_MONOTONIC. And the
stall watch the UI benchmark reads (src/ui/enr-stall-watch.h): with
SMARTCA_ENROLL_STALL_REPORT=FILE it times the window's frames.

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


def read_json(path):
    with open(path) as json_file:
        return json.load(json_file)


try:
    home = os.path.join(work, "home")
    marks_path = os.path.join(work, "marks.json")
    stalls_path = os.path.join(work, "stalls.json")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_STATE_HOME=os.path.join(home, ".local", "state"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"), LANGUAGE="en",
               SMARTCA_ENROLL_STARTUP_MARKS=marks_path,
               SMARTCA_ENROLL_STALL_REPORT=stalls_path)
    with open(os.path.join(work, "program.log"), "w") as log:
        before = time.monotonic() * 1000
        program = subprocess.Popen([PROGRAM], env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
        came = e2e_wait.wait_until(lambda: written(marks_path), timeout=e2e_wait.START)
        after = time.monotonic() * 1000
        # Written as each new worst comes: the first frame is one.
        framed = e2e_wait.wait_until(lambda: read_json(stalls_path)["frames"] >= 1)
        stalls = read_json(stalls_path) if framed else {}
        program.terminate()
        program.wait(timeout=60)
    with open(os.path.join(work, "program.log")) as log:
        tap.check(came, "the marks are written once the window is shown", log.read())
    marks = {}
    if came:
        marks = read_json(marks_path)
    tap.check(list(marks) == MARKS, "each mark of a start, once, in order", repr(marks))
    times = list(marks.values())
    tap.check(times == sorted(times) and all(before <= t <= after for t in times),
              "the marks follow each other on the clock the benchmark reads",
              "%r, started at %.3f, read at %.3f" % (marks, before, after))
    tap.check(framed and 0 < stalls["worst_frame_ms"] <= stalls["seconds"] * 1000
              and stalls["worst_outside_frames_ms"] <= stalls["worst_ms"],
              "the stall watch times the window's frames apart from the rest", repr(stalls))
    tap.check(framed and stalls["worst_frame_window"] != "",
              "the stall watch names the window a frame was drawn in", repr(stalls))
finally:
    shutil.rmtree(work, ignore_errors=True)
    tap.done()
sys.exit(0 if tap.ok else 1)
