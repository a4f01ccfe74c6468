# SPDX-License-Identifier: GPL-3.0-or-later
"""The program under test, started and waited for by condition: first its
connection to the session bus (and the bus names it holds), then its
accessible application, with a window, on the accessibility bus. It is
told by its process, never by its name alone: a program killed a moment ago
may still be listed under the same name."""

import os
import select

import pyatspi
from gi.repository import GLib

import e2e_session
import e2e_wait


def process_tree(pid):
    """@pid and every process below it (bubblewrap starts the kiosk as its child)."""
    pids = [pid]
    for parent in pids:
        try:
            tasks = os.listdir("/proc/%d/task" % parent)
        except OSError:
            continue
        for task in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (parent, task)) as f:
                    pids += [int(child) for child in f.read().split()]
            except OSError:
                pass
    return pids


def bus_names(bus, pids):
    """The names on the session bus whose connection belongs to one of @pids."""
    held = []
    for name in e2e_session.names(bus):
        try:
            owner = e2e_session.dbus_call(bus, "GetConnectionUnixProcessID",
                                          GLib.Variant("(s)", (name,)), "(u)")[0]
        except GLib.Error:
            continue
        if owner in pids:
            held.append(name)
    return held


def accessible_applications():
    """(name, pid, windows) of each application on the accessibility bus."""
    found = []
    for app in pyatspi.Registry.getDesktop(0):
        if app is None:
            continue
        try:
            found.append((app.name, app.get_process_id(), app.childCount, app))
        except Exception:  # noqa: BLE001 - an application that just left
            pass
    return found


def application(name, pids):
    """The accessible application @name of one of @pids, once it has a window."""
    for app_name, pid, windows, app in accessible_applications():
        if app_name == name and pid in pids and windows > 0:
            return app
    return None


def log_tail(path, lines=15):
    if path is None:
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "; its log ends:\n" + "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def wait_for_program(process, name="smartca-enroll", log_path=None):
    """Waits for the program that @process started to be on the session bus,
    then on the accessibility bus with a window. Returns its pid."""
    bus = e2e_session.session_bus()

    def running():
        if process.poll() is not None:
            raise e2e_wait.Gone("%s (pid %d) exited with %s before its window showed%s"
                                % (name, process.pid, process.returncode, log_tail(log_path)))
        return process_tree(process.pid)

    def on_session_bus():
        return bus_names(bus, running())

    held = e2e_wait.wait_for(
        on_session_bus, "%s (pid %d) to connect to the session bus" % (name, process.pid),
        seen=lambda: "processes %s, none of them on the bus%s"
        % (process_tree(process.pid), log_tail(log_path)),
        timeout=e2e_wait.START, interval=0.2)

    def on_accessibility_bus():
        pids = running()
        app = application(name, pids)
        return app is not None and app.get_process_id()

    def seen():
        return ("%s on the session bus as %s; on the accessibility bus: %s%s"
                % (name, bus_names(bus, process_tree(process.pid)) or held,
                   [(a, p, "%d windows" % w) for a, p, w, _ in accessible_applications()],
                   log_tail(log_path)))

    return e2e_wait.wait_for(
        on_accessibility_bus,
        "%s (pid %d, on the session bus as %s) to show its accessible application and a "
        "window on the accessibility bus" % (name, process.pid, held),
        seen=seen, timeout=e2e_wait.START, interval=0.2)


def first_line(process, what, log_path=None):
    """The first line @process writes on its stdout (a pipe), where @what
    is what that line tells: the program's or the sandbox's JSON."""
    line = b""

    def whole_line():
        nonlocal line
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if not ready:
            return False
        chunk = os.read(process.stdout.fileno(), 1)
        if not chunk:
            raise e2e_wait.Gone("pid %d closed its output (exit status %s) before %s; it wrote "
                                "%r%s" % (process.pid, process.wait(), what, line,
                                          log_tail(log_path)))
        line += chunk
        return line.endswith(b"\n")

    e2e_wait.wait_for(whole_line, what, interval=0,
                      seen=lambda: "pid %d running, having written %r%s"
                      % (process.pid, line, log_tail(log_path)), timeout=e2e_wait.START)
    return line.decode("utf-8", "replace").strip()
