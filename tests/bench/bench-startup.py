#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up as a citizen meets it, measured from outside the program.

  bench-startup.py BUILDDIR [--runs 15] [--compare OTHER_BUILDDIR]   (run by tests/bench/run.py)

Each start is a fresh process with a fresh HOME, under its own Xvfb, in a
D-Bus session whose services are already up (gnome-keyring unlocked, the
accessibility bus, the desktop portal), as a logged-in desktop has them.
map-watch times it from exec to the X MapNotify of its window; the resident
memory is read 3 s after that map. Four programs, each in three columns
whose settings are named: GSK_RENDERER=cairo; GSK_RENDERER=cairo with
GDK_DEBUG=gl-disable (no OpenGL set up at all), which smartca-enroll sets
itself on a computer without a GPU render node (src/ui/enr-renderer.h) and
the bare GtkAssistant does not; and GSK_RENDERER=gl (llvmpipe here):

  bare            bare-assistant: one main(), a GtkAssistant of 3 label pages
  application     bare-assistant --application: the same assistant as the
                  window of a unique GtkApplication, as smartca-enroll's is:
                  what the framework alone adds to a start
  configured      smartca-enroll pointed at a smartca-sandbox started once
                  beforehand (--vneid-url, --smartca-url, --trust-anchor)
  sandbox         smartca-enroll --sandbox (a sandbox of its own, each start)
  compared        with --compare OTHER_BUILDDIR, that build's smartca-enroll,
                  services configured: a change measured against the program
                  before it, in the same rounds

15 starts of each (--runs), in 3 rounds in which they alternate start by
start, so that a drift of the machine's speed falls on all alike; medians.

Where the time goes: smartca-enroll and bare-assistant note when they pass
the marks of a start (src/ui/enr-startup-marks.h) in a file named by
SMARTCA_ENROLL_STARTUP_MARKS, on the clock map-watch times exec with. Each
start's time is cut at them into the phases of PHASES; their medians make a
second table, and rows of their own for smartca-enroll against the bare
GtkApplication.

One JSON object per figure on stdout, as run.py expects, and the tables
themselves on stderr. Build with --buildtype=release for the figures.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))

parser = argparse.ArgumentParser()
parser.add_argument("build")
parser.add_argument("--runs", type=int, default=15)
parser.add_argument("--compare", metavar="OTHER_BUILDDIR",
                    help="also start OTHER_BUILDDIR's smartca-enroll (services configured) "
                         "in the same rounds, and give this build's time over that one's")
args = parser.parse_args()
build = os.path.abspath(args.build)

if os.environ.get("ENR_BENCH_STARTUP_INSIDE") != "1":
    # A display, a session bus with an unlocked keyring and a HOME of our
    # own (keyring-run.sh), then this script again inside.
    env = dict(os.environ, ENR_BENCH_STARTUP_INSIDE="1")
    sys.exit(subprocess.call(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
         "sh", os.path.join(SOURCE, "tests", "crypto", "keyring-run.sh"), "gnome-keyring",
         sys.executable] + sys.argv, env=env))

import e2e_session  # noqa: E402

e2e_session.prepare()

import e2e_program  # noqa: E402 - pyatspi, once the session's bus is chosen
import e2e_sandbox  # noqa: E402

# Each column: its name and the environment it sets. GTK 4.8 sets up
# OpenGL as it opens the display whatever the renderer, unless GDK_DEBUG
# says gl-disable: on a computer without a GPU render node smartca-enroll
# sets both itself (src/ui/enr-renderer.h), as in the second column.
RENDERERS = [("cairo", {"GSK_RENDERER": "cairo"}),
             ("cairo without OpenGL", {"GSK_RENDERER": "cairo", "GDK_DEBUG": "gl-disable"}),
             ("GL", {"GSK_RENDERER": "gl"})]
ROUNDS = 3
RSS_AFTER_S = 3
MARKS = "marks.json"
# The phases of a start, between the marks the programs note (their names
# in enr-startup-marks.h's callers) and the two map-watch sees. The X
# server maps the window before gtk_window_present() returns, so the
# "window shown" mark (after it) ends no phase here.
PHASES = [("exec", "main", "libraries loaded (exec → main())"),
          ("main", "toolkit started", "toolkit started (GtkApplication, display, theme)"),
          ("toolkit started", "window built", "window built"),
          ("window built", "mapped", "window measured, realized and mapped")]
ENROLL = os.path.join(build, "src", "ui", "smartca-enroll")
work = tempfile.mkdtemp(prefix="enr-bench-startup-")
log_path = os.path.join(build, "tests", "bench", "bench-startup.log")
log = open(log_path, "w")
sandbox = e2e_sandbox.Sandbox(build, os.path.join(work, "sandbox"),
                              os.path.join(work, "sandbox.log"))
PROGRAMS = [
    ("bare", "bare GtkAssistant", [os.path.join(build, "tests", "bench", "bare-assistant")]),
    ("application", "bare GtkApplication",
     [os.path.join(build, "tests", "bench", "bare-assistant"), "--application"]),
    ("configured", "smartca-enroll, services configured", [ENROLL] + sandbox.program_args()),
    ("sandbox", "smartca-enroll --sandbox", [ENROLL, "--sandbox"]),
]
if args.compare:
    PROGRAMS.append(("compared", "%s's smartca-enroll, services configured" % args.compare,
                     [os.path.join(os.path.abspath(args.compare), "src", "ui", "smartca-enroll")]
                     + sandbox.program_args()))


def fresh_env(renderer):
    """The session's environment with a new, empty HOME: nothing cached
    from the start before (fonts and shaders are the system's or none)."""
    home = tempfile.mkdtemp(prefix="home-", dir=work)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_STATE_HOME=os.path.join(home, ".local", "state"), LANGUAGE="en")
    # As in a logged-in session, the program finds the accessibility bus
    # through the session bus.
    env.pop("AT_SPI_BUS_ADDRESS", None)
    env.pop("GSK_RENDERER", None)
    env.pop("GDK_DEBUG", None)
    env.update(RENDERERS[renderer][1])
    env["SMARTCA_ENROLL_STARTUP_MARKS"] = os.path.join(home, MARKS)
    return env


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def phases(marks_path, mapped):
    """The milliseconds of each phase of PHASES, by name; {} from a program
    that notes no marks (a build before them, with --compare)."""
    try:
        with open(marks_path) as marks_file:
            at = json.load(marks_file)
    except FileNotFoundError:
        return {}
    at["exec"] = mapped["exec_at_ms"]
    at["mapped"] = mapped["exec_at_ms"] + mapped["mapped_ms"]
    return {name: at[end] - at[start] for start, end, name in PHASES
            if start in at and end in at}


def start_once(argv, renderer):
    """One start: (milliseconds from exec to MapNotify, KiB resident 3 s
    after, the milliseconds of each phase)."""
    log.write("--- %s %s\n" % (" ".join(argv), RENDERERS[renderer][0]))
    log.flush()
    env = fresh_env(renderer)
    watch = subprocess.Popen([os.path.join(build, "tests", "bench", "map-watch")] + argv,
                             env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=log)
    try:
        mapped = json.loads(e2e_program.first_line(watch, "the window's MapNotify", log_path))
        # A measurement's definition, not a wait for something to happen
        # (the marks are written a second after the window is shown).
        time.sleep(RSS_AFTER_S)
        rss = rss_kb(mapped["pid"])
    finally:
        watch.stdin.close()
        watch.wait(timeout=60)
    return mapped["mapped_ms"], rss, phases(env["SMARTCA_ENROLL_STARTUP_MARKS"], mapped)


def row(figure, value, unit, how, goal=None, met=None):
    print(json.dumps({"figure": figure, "value": value, "unit": unit, "how": how,
                      "goal": goal, "pass": met}), flush=True)


def main():
    results = {(key, renderer): []
               for key, _, _ in PROGRAMS for renderer in range(len(RENDERERS))}
    per_round = max(1, args.runs // ROUNDS)
    for _ in range(ROUNDS):
        for _ in range(per_round):
            for key, _, argv in PROGRAMS:
                for renderer in range(len(RENDERERS)):
                    results[(key, renderer)].append(start_once(argv, renderer))

    runs = per_round * ROUNDS
    how = "median of %d fresh starts, %d interleaved rounds" % (runs, ROUNDS)
    table = ["| | " + " | ".join("%s: exec → MapNotify | RSS %d s after" % (name, RSS_AFTER_S)
                                  for name, _ in RENDERERS) + " |",
             "|---|" + "---|---|" * len(RENDERERS)]
    for key, title, _ in PROGRAMS:
        cells = []
        for renderer, (name, _) in enumerate(RENDERERS):
            ms = statistics.median(r[0] for r in results[(key, renderer)])
            rss = statistics.median(r[1] for r in results[(key, renderer)])
            bare_ms = statistics.median(r[0] for r in results[("bare", renderer)])
            bare_rss = statistics.median(r[1] for r in results[("bare", renderer)])
            cells.append("%.0f ms (%.2f×) | %.1f MiB (%.2f×)"
                         % (ms, ms / bare_ms, rss / 1024, rss / bare_rss))
            report(key, title, name, renderer, results, how)
        table.append("| %s | %s |" % (title, " | ".join(cells)))
    print("\n".join(table), file=sys.stderr)
    print_phases(results, how)


def phase_median(results, key, renderer, name):
    """The median of one phase over the starts that noted it, or None."""
    values = [r[2][name] for r in results[(key, renderer)] if name in r[2]]
    return statistics.median(values) if values else None


def print_phases(results, how):
    """Where the time goes: a table of each phase's median, programs side
    by side, and rows for smartca-enroll's phases beside the bare
    GtkApplication's."""
    keys = [key for key, _, _ in PROGRAMS if key != "compared"]
    titles = dict((key, title) for key, title, _ in PROGRAMS)
    for renderer, (column, _) in enumerate(RENDERERS):
        table = ["", "%s, where the time goes (medians, ms):" % column, "",
                 "| phase | " + " | ".join(titles[key] for key in keys) + " |",
                 "|---|" + "---|" * len(keys)]
        for _, _, name in PHASES:
            cells = [phase_median(results, key, renderer, name) for key in keys]
            table.append("| %s | %s |" % (name, " | ".join(
                "–" if cell is None else "%.1f" % cell for cell in cells)))
            ours = phase_median(results, "configured", renderer, name)
            floor = phase_median(results, "application", renderer, name)
            if ours is not None and floor is not None:
                row("start-up (%s): smartca-enroll, services configured, %s" % (column, name),
                    round(ours, 1), "ms", "%s; bare GtkApplication: %.1f ms" % (how, floor))
        print("\n".join(table), file=sys.stderr)


def report(key, title, name, renderer, results, how):
    """The figures of one program with one renderer, as run.py rows."""
    def median(program, index):
        return statistics.median(r[index] for r in results[(program, renderer)])

    ms, rss = median(key, 0), median(key, 1)
    if key == "bare":
        row("start-up (%s): %s, exec → window mapped" % (name, title), round(ms, 1), "ms", how)
        row("start-up (%s): %s, memory %d s after" % (name, title, RSS_AFTER_S),
            round(rss / 1024, 1), "MiB", how)
        return
    ratio = ms / median("bare", 0)
    row("start-up (%s): %s / bare GtkAssistant, exec → window mapped" % (name, title),
        round(ratio, 2), "×", "%s: %.0f ms vs %.0f ms" % (how, ms, median("bare", 0)),
        goal="<= 1.2" if key == "configured" else None,
        met=ratio <= 1.2 if key == "configured" else None)
    rss_ratio = rss / median("bare", 1)
    row("start-up (%s): %s / bare GtkAssistant, memory %d s after" % (name, title, RSS_AFTER_S),
        round(rss_ratio, 2), "×", "%s: %.1f MiB vs %.1f MiB"
        % (how, rss / 1024, median("bare", 1) / 1024),
        goal="<= 1.3" if key == "configured" else None,
        met=rss_ratio <= 1.3 if key == "configured" else None)
    if key == "configured":
        floor = median("application", 0)
        row("start-up (%s): %s / bare GtkApplication, exec → window mapped" % (name, title),
            round(ms / floor, 2), "×", "%s: %.0f ms vs %.0f ms" % (how, ms, floor))
    if key == "compared":
        this = median("configured", 0)
        row("start-up (%s): smartca-enroll, services configured / %s, exec → window mapped"
            % (name, title), round(this / ms, 3), "×",
            "%s: %.1f ms vs %.1f ms" % (how, this, ms))
    if key == "sandbox":
        to_configured = ms / median("configured", 0)
        row("start-up (%s): smartca-enroll --sandbox / services configured, exec → window "
            "mapped" % name, round(to_configured, 2), "×", how, goal="<= 1.3",
            met=to_configured <= 1.3)


try:
    main()
finally:
    sandbox.stop()
    shutil.rmtree(work, ignore_errors=True)
