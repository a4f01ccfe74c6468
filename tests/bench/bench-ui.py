#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's own worst stall while a citizen uses it.

  bench-ui.py BUILDDIR        (run by tests/bench/run.py, in its own Xvfb)

Runs two end-to-end drivers through AT-SPI, each in its own D-Bus session
with an unlocked keyring (keyring-run.sh), with the program's stall watch on
(SMARTCA_ENROLL_STALL_REPORT, src/ui/enr-stall-watch.c: a 1 ms timer on the
main context, its worst lateness, and the windows' frames told from the
rest):

  enrollment   tests/e2e/enroll.py --language en: smartca-enroll --sandbox,
               the language switched twice, the six steps, Finish, Close
  approval     tests/e2e/desktop.py: "Your SmartCA" on an enrolled desktop,
               a portal's request approved with the PIN, one rejected, the
               PIN changed, a request refused the old PIN and approved

Each with GSK_RENDERER=cairo (what the program picks itself on a computer
without a GPU render node, as here: src/ui/enr-renderer.h) and with
GSK_RENDERER=gl (here on llvmpipe, which compiles each new shader with LLVM
on the main thread: what GTK 4.8 would choose here unasked). For
each: the worst stall (goal under 10 ms), how many ticks came more than
10 ms late, and when the worst came; the worst frame (layout, snapshot and
drawing of a window) and the worst stall less the frames in it; for the enrollment also the program's
peak memory. The drivers take no screenshots here (ENR_E2E_NO_SCREENSHOTS).
One JSON object per figure on stdout, as run.py expects. The start-up
figures are bench-startup.py's.
"""

import json
import os
import subprocess
import sys

build = os.path.abspath(sys.argv[1])
source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
program = os.path.join(build, "src", "ui", "smartca-enroll")
reports = os.path.join(build, "tests", "bench")

if os.environ.get("ENR_BENCH_UI_INSIDE") != "1":
    env = dict(os.environ, ENR_BENCH_UI_INSIDE="1")
    sys.exit(subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                              sys.executable] + sys.argv, env=env))

RUNS = [
    ("enrollment", "an AT-SPI enrollment (smartca-enroll --sandbox, English, the language "
     "switched twice)", ["enroll.py", program, build, "--language", "en"]),
    ("approval", "portal approvals in “Your SmartCA” (two approved, one rejected, the PIN "
     "changed)", ["desktop.py", program, build]),
]


def row(figure, value, unit, how, goal=None, met=None):
    print(json.dumps({"figure": figure, "value": value, "unit": unit, "how": how,
                      "goal": goal, "pass": met}), flush=True)


RENDERERS = [("cairo", "cairo"), ("GL", "gl")]


def run(name, argv, renderer):
    """The driver's exit status and the program's stall report."""
    report = os.path.join(reports, "stall-%s.json" % name)
    if os.path.exists(report):
        os.remove(report)
    # No screenshots: ImageMagick grabbing the whole screen keeps the X
    # server (and a core) busy, and the program's next X round trip waits
    # for it; a citizen's desktop does none of that.
    env = dict(os.environ, SMARTCA_ENROLL_STALL_REPORT=report,
               PYTHONPATH=os.path.join(source, "tests", "e2e"), ENR_E2E_NO_SCREENSHOTS="1")
    env.pop("GSK_RENDERER", None)
    if renderer:
        env["GSK_RENDERER"] = renderer
    with open(os.path.join(reports, "bench-ui-%s.log" % name), "w") as log:
        status = subprocess.run(["sh", os.path.join(source, "tests", "crypto", "keyring-run.sh"),
                                 "gnome-keyring", sys.executable,
                                 os.path.join(source, "tests", "e2e", argv[0])] + argv[1:],
                                env=env, stdout=log, stderr=subprocess.STDOUT, timeout=1800,
                                check=False).returncode
    try:
        with open(report) as f:
            return status, json.load(f)
    except (OSError, ValueError):
        return status, None


for (name, what, argv), (renderer_name, renderer) in (
        (flow, renderer) for flow in RUNS for renderer in RENDERERS):
    name = "%s-%s" % (name, renderer)
    status, stalls = run(name, argv, renderer)
    if status != 0 or stalls is None:
        row("ui (%s): %s" % (renderer_name, what), None, "",
            "the run failed (status %s): see bench-ui-%s.log" % (status, name), met=False)
        continue
    worst = stalls["worst_ms"]
    row("ui (%s): worst main-context stall through %s" % (renderer_name, what),
        round(worst, 1), "ms",
        "the program's 1 ms timer, its latest tick (SMARTCA_ENROLL_STALL_REPORT), %.1f s "
        "after its start; %d ticks over 10 ms" % (stalls["worst_at_s"], stalls["over_10ms"]),
        goal="< 10", met=worst < 10)
    row("ui (%s): worst frame through %s" % (renderer_name, what),
        round(stalls["worst_frame_ms"], 1), "ms",
        "a window's frame clock from before-paint to after-paint (GTK's layout, snapshot "
        "and drawing), %.1f s after the start, in “%s”; %d of %d frames over 10 ms"
        % (stalls["worst_frame_at_s"], stalls["worst_frame_window"],
           stalls["frames_over_10ms"], stalls["frames"]))
    # Each stall notes the active window's title (a wizard's is its page's).
    by_window = {}
    for _, _, framed, title in stalls["stalls"]:
        if framed > 0:
            by_window[title] = max(by_window.get(title, 0), framed)
    row("ui (%s): windows with a stall of frames over 10 ms through %s" % (renderer_name, what),
        len(by_window), "windows",
        "the frames of the longest such stall in each, as the window was titled: "
        + "; ".join("“%s” %.1f ms" % item for item in by_window.items()))
    row("ui (%s): worst stall outside frames through %s" % (renderer_name, what),
        round(stalls["worst_outside_frames_ms"], 1), "ms",
        "a tick's lateness less the frames drawn in it: the handlers of the program and of "
        "GTK, windows built and torn down; %.1f s after the start"
        % stalls["worst_outside_frames_at_s"])

try:
    with open(os.path.join(build, "tests", "e2e", "screenshots", "en", "report.json")) as f:
        peak = json.load(f)["peak_rss_kb"]
    row("ui: peak memory through the enrollment", round(peak / 1024, 1), "MiB",
        "VmHWM of smartca-enroll --sandbox at the end of the enrollment (the GL run, the last)")
except (OSError, ValueError):
    pass
