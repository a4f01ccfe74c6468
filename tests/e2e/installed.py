#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The program as `meson install` lays it out, run from there.

  installed.py MESON BUILD_ROOT PREFIX

Installs the build into a temporary DESTDIR (compiling its schemas, as a
package's trigger would), then runs DESTDIR/PREFIX/bin/smartca-enroll
--sandbox --language vi with nothing pointing into the build tree: it must
start the smartca-sandbox installed beside it (and its PDF and HTTP modules
must be where it looks for them), read its own settings schema,
show its windows (UI resources) and speak Vietnamese (its catalogue).
Then once more without its HTTP module: the citizen is told what is wrong.
Prints TAP.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import e2e_session  # noqa: E402

e2e_session.prepare()

import atspi_helpers as at  # noqa: E402 - pyatspi, once the session's bus is chosen
import e2e_program  # noqa: E402
import e2e_wait  # noqa: E402

MESON, BUILD, PREFIX = sys.argv[1], sys.argv[2], sys.argv[3]
tap = at.Tap()
destdir = tempfile.mkdtemp(prefix="enr-install-test-")
root = destdir + PREFIX
program = None
sandbox_pids = []


def finish():
    if program is not None:
        program.terminate()
        try:
            program.wait(timeout=30)
        except subprocess.TimeoutExpired:
            program.kill()
    for pid in sandbox_pids:
        try:
            os.kill(pid, 15)
        except OSError:
            pass
    shutil.rmtree(destdir, ignore_errors=True)
    tap.done()
    sys.exit(0 if tap.ok else 1)


def sandboxes(process):
    """The smartca-sandbox processes that @process started."""
    return [pid for pid in children_of(process.pid)
            if os.readlink("/proc/%d/exe" % pid).endswith("/smartca-sandbox")]


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(child) for child in f.read().split()]
    except OSError:
        return []


try:
    install = subprocess.run([MESON, "install", "-C", BUILD, "--no-rebuild", "--quiet",
                              "--destdir", destdir], capture_output=True, text=True,
                             timeout=600)
    tap.check(install.returncode == 0, "meson install --destdir succeeds", install.stderr)
    wanted = ["bin/smartca-enroll", "bin/smartca-sandbox",
              "share/glib-2.0/schemas/vn.smartca.Enroll.gschema.xml",
              "share/locale/vi/LC_MESSAGES/smartca-enroll.mo",
              "share/applications/vn.smartca.Enroll.desktop",
              "share/metainfo/vn.smartca.Enroll.metainfo.xml",
              "share/icons/hicolor/scalable/apps/vn.smartca.Enroll.svg",
              "share/icons/hicolor/symbolic/apps/vn.smartca.Enroll-symbolic.svg"]
    # The modules, where the program looks for them: PREFIX/LIBDIR/smartca-enroll.
    options = json.loads(subprocess.run([MESON, "introspect", "--buildoptions", BUILD],
                                        capture_output=True, text=True, check=True).stdout)
    libdir = next(o["value"] for o in options if o["name"] == "libdir")
    modules = os.path.join(root, libdir, "smartca-enroll")
    wanted.append(os.path.join(libdir, "smartca-enroll", "libenr-pdf-poppler.so"))
    wanted.append(os.path.join(libdir, "smartca-enroll", "libenr-http-soup.so"))
    missing = [path for path in wanted if not os.path.exists(os.path.join(root, path))]
    tap.check(not missing, "it installs the program, the sandbox, the PDF and HTTP modules, "
              "the schema, the catalogue, the desktop file, the metainfo and both icons",
              "missing: %s" % missing)
    schemas = os.path.join(root, "share", "glib-2.0", "schemas")
    subprocess.run(["glib-compile-schemas", "--strict", schemas], check=True)

    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GSETTINGS_SCHEMA_DIR", "SMARTCA_", "ENR_", "MESON_"))
           and key not in ("LANGUAGE", "XDG_DATA_DIRS")}
    env["XDG_DATA_DIRS"] = "/usr/share"      # not the DESTDIR: the program finds its own
    program = subprocess.Popen([os.path.join(root, "bin", "smartca-enroll"), "--sandbox",
                                "--language", "vi"], env=env, cwd=destdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = e2e_program.first_line(program, "the installed program's sandbox line")
        announced = json.loads(line)
    except (ValueError, AssertionError) as error:
        line, announced = str(error), None
    tap.check(announced is not None and "vneid_url" in announced,
              "the installed program starts a sandbox and announces it", line)
    sandbox_pids = sandboxes(program)
    sandbox_pid = sandbox_pids[0] if sandbox_pids else None
    where = os.readlink("/proc/%d/exe" % sandbox_pid) if sandbox_pid else None
    tap.check(where == os.path.join(root, "bin", "smartca-sandbox"),
              "the sandbox it runs is the one installed beside it", where)

    ui = at.App(program)
    ui.wait_page("Chào mừng")
    tap.check(ui.has_text("Bắt đầu") or ui.find("push button", "Bắt đầu") is not None,
              "its window shows, in Vietnamese, from the installed catalogue")
    # The sandbox banner reads the practice phone's messages once the sandbox
    # listens, through the HTTP module: the installed one, not the build tree's.
    def http_modules():
        with open("/proc/%d/maps" % program.pid) as maps:
            return {line.split()[-1] for line in maps if "libenr-http-soup" in line}

    e2e_wait.wait_until(http_modules)
    tap.check(http_modules() == {os.path.join(modules, "libenr-http-soup.so")},
              "it loads the HTTP module installed beside it", str(http_modules()))
    program.terminate()
    program.wait(timeout=60)
    errors = program.stderr.read().decode("utf-8", "replace")
    program = None
    tap.check("schema" not in errors and "CRITICAL" not in errors
              and "cannot load" not in errors,
              "it reads its installed settings schema and finds its modules, without a warning",
              errors)

    # An installation that lost its HTTP module (a package half removed):
    # the citizen is told that a part of the program is missing, and the
    # connection check tells whoever looks after the computer which part.
    http_module = os.path.join(modules, "libenr-http-soup.so")
    os.rename(http_module, http_module + ".away")
    program = subprocess.Popen([os.path.join(root, "bin", "smartca-enroll"), "--sandbox",
                                "--language", "en"], env=env, cwd=destdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    e2e_program.first_line(program, "the sandbox line of the program without its HTTP module")
    sandbox_pids += sandboxes(program)
    ui = at.App(program)
    ui.wait_page("Welcome")
    ui.press("Start")
    ui.wait_page("Log In to VNeID")
    ui.wait_text("a part of it is missing")
    tap.check(ui.has_text("Install it again, or ask the person who looks after this computer."),
              "without its HTTP module, the login page says a part of the program is missing "
              "and who can install it again")
    ui.press("Check the Connection")
    told = e2e_wait.wait_until(lambda: ui.window_has_text(
        "Check the Connection", "HTTP module cannot be loaded: its installation is incomplete"))
    tap.check(told, "and “Check the Connection” names the HTTP module")
    program.terminate()
    program.wait(timeout=60)
    program = None
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    tap.check(False, "the installed program ran: %r" % error)
finish()
