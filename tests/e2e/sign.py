#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Signing the citizen's own documents through AT-SPI and the keyboard only.

  sign.py PROGRAM BUILD_ROOT

A built-in citizen is enrolled on this desktop beforehand (enroll-tool),
against a smartca-sandbox run as a real service; the program then starts as
`smartca-enroll --sign letter.pdf notice.pdf` with the service's addresses.
It must open "Your SmartCA" and, over it, "Sign Documents" with both files.
With key presses only: the signature's box is moved on the letter's page with
the arrow keys, a reason is typed, Continue shows both documents with their
fingerprints before the PIN, the PIN signs both, and the window says where
each file went. Both -signed.pdf files exist beside the originals and pdfsig
finds one signature in each, which `smartca-enroll --check --json` finds valid
with a trusted time. Closed, it opens again, empty, from "Sign Documents…"
in Your SmartCA; and `--sign` alone (the desktop file's action) opens it
empty. Prints TAP; screenshots in
BUILD_ROOT/tests/e2e/screenshots/sign.
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
import e2e_sandbox as sbx  # noqa: E402
from e2e_windows import Windows  # noqa: E402

PROGRAM, BUILD = sys.argv[1], sys.argv[2]
SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CITIZEN = "001093000001"
PIN = "274913"
WINDOW = "Sign Documents"
KEY_UP = 0xff52

shots = os.path.join(BUILD, "tests", "e2e", "screenshots", "sign")
os.makedirs(shots, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="enr-sign-")
tap = at.Tap()
sandbox = sbx.Sandbox(BUILD, os.path.join(tmp, "sandbox"), os.path.join(shots, "sandbox.log"))
program = None


def finish(code):
    sbx.stop(program, sandbox)
    tap.done()
    sys.exit(code)


enrolled = sandbox.enroll(BUILD, CITIZEN, PIN)
tap.check(enrolled.returncode == 0, "the citizen is enrolled on this desktop", enrolled.stderr)
if enrolled.returncode != 0:
    finish(1)

documents = os.path.join(tmp, "documents")
os.makedirs(documents)
for name in ("letter.pdf", "notice.pdf"):
    shutil.copy(os.path.join(SOURCE, "ui", "data", name), documents)

env = dict(os.environ)
env["LANGUAGE"] = "en"
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = subprocess.Popen([PROGRAM] + sandbox.program_args() +
                           ["--tsa-url", sandbox.urls["tsa_url"], "--sign",
                            os.path.join(documents, "letter.pdf"),
                            os.path.join(documents, "notice.pdf")],
                           env=env, stdout=subprocess.DEVNULL, stderr=log)


def check_names():
    """ui.check_names, but for the insides of the placer's "Place" list:
    GTK 4.8's GtkDropDown names itself, not the button that takes the focus
    or its popover's rows, and 4.8 has no API to name them (4.12 has)."""
    unnamed = []
    for obj in ui.visible():
        s = at.states(obj)
        if s is None or not s.contains(at.pyatspi.STATE_FOCUSABLE):
            continue
        if not at.UNNAMED.match(obj.name or ""):
            continue
        # This window has no toggle button of its own.
        if obj.name in ("GtkListItemWidget", "GtkToggleButton"):
            continue
        unnamed.append("%s (%s)" % (obj.getRoleName(), obj.name))
    tap.check(not unnamed, "every focusable control on “%s” has a name" % ui.frame_name(),
              "\n".join(unnamed))


def page_description():
    for obj in ui.visible():
        if obj.getRoleName() == "image" and obj.name == "Where your signature goes":
            return obj.description or ""
    return ""


ui = None
try:
    ui = Windows(program, keyboard=True, shots=shots, log_path=log_path)
    ui.use(WINDOW, timeout=120)
    tap.check(True, "--sign opens “Sign Documents” once the enrolled desktop is found")
    ui.wait_text("letter.pdf")
    tap.check(ui.has_text("notice.pdf"), "with both files in the list")
    at.wait_for(lambda: "page 3 of 3" in page_description(), "the letter's last page",
                seen=page_description)
    tap.check("bottom right" in page_description(),
              "the signature goes on the last page, bottom right, by default")
    check_names()
    ui.shot("choose")

    # The box, by the keyboard: the page takes the arrow keys.
    ui.tab_to(lambda o: o.getRoleName() == "image" and o.name == "Where your signature goes",
              "the page")
    ui.key(KEY_UP)
    ui.key(KEY_UP)
    at.wait_for(lambda: "56 from the bottom" in page_description(),
                "the box 20 points up", seen=page_description)
    tap.check(True, "the arrow keys move the box (the page says where it is)")
    ui.type_into("Reason (if you want one)", "I agree")

    ui.press("Continue")
    ui.wait_text("Check What You Sign", timeout=120)
    fingerprints = [obj for obj in ui.visible() if obj.getRoleName() == "label" and
                    (at.text_of(obj) or "").startswith("Fingerprint (SHA-256): ")]
    tap.check(len(fingerprints) == 2, "the confirmation lists two fingerprints",
              [at.text_of(o) for o in fingerprints])
    tap.check(ui.has_text("letter.pdf") and ui.has_text("notice.pdf"), "and both names")
    check_names()
    ui.shot("confirm")

    ui.type_into("Your PIN", PIN)
    ui.press("Sign")
    ui.wait_text("Your Documents Are Signed", timeout=180)
    ui.shot("done")
    folder = os.path.basename(documents)
    for name in ("letter", "notice"):
        path = os.path.join(documents, name + "-signed.pdf")
        # Waited for: the rows may reach the accessibility bus after the heading.
        saved = "Saved as “%s-signed.pdf” in %s" % (name, folder)
        tap.check(at.wait_until(lambda: ui.has_text(saved)),
                  "the window says where %s-signed.pdf went" % name)
        tap.check(os.path.exists(path), "%s-signed.pdf is beside the original" % name)
        checked = subprocess.run(["pdfsig", path], capture_output=True, text=True)
        tap.check("Signature #1" in checked.stdout, "pdfsig finds the signature in %s" % name,
                  checked.stdout + checked.stderr)
        # And the program's own check, as an integrator's script runs it.
        verdict = subprocess.run([PROGRAM, "--check", path, "--json", "--signing-trust-anchor",
                                  sandbox.urls["trust_anchor"]], capture_output=True, text=True)
        try:
            report = json.loads(verdict.stdout)
        except ValueError:
            report = {}
        signatures = report.get("signatures", [])
        tap.check(verdict.returncode == 0 and len(signatures) == 1 and
                  signatures[0].get("timeSource") == "trusted",
                  "smartca-enroll --check --json finds %s-signed.pdf's one signature valid, "
                  "with a trusted time" % name, verdict.stdout[-600:] + verdict.stderr[-300:])
    tap.check(ui.has_text("Signed, with a trusted time."), "with a trusted time")
    check_names()

    # Again from Your SmartCA, which stayed open under it.
    ui.press("Close")
    ui.wait_gone(WINDOW)
    ui.use("Your SmartCA")
    ui.press("Sign Documents")
    ui.use(WINDOW)
    ui.wait_text("No document chosen yet.")
    tap.check(True, "“Sign Documents…” in Your SmartCA opens the window anew")

    # The desktop file's action: `--sign` and no file, from a cold start.
    sbx.stop(program, None)
    program = subprocess.Popen([PROGRAM] + sandbox.program_args() + ["--sign"],
                               env=env, stdout=subprocess.DEVNULL, stderr=log)
    ui = Windows(program, keyboard=True, shots=shots, log_path=log_path)
    ui.use(WINDOW, timeout=120)
    ui.wait_text("No document chosen yet.")
    tap.check(True, "--sign alone (the desktop file's action) opens the window empty")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    at.screenshot(shots, "failure")
    tap.check(False, "the signing went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
