#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The states a whole enrollment does not pass through, through AT-SPI (issue 15).

  states.py PROGRAM BUILD_ROOT [--language en|vi]

1. No service configured (no URLs, no --sandbox): the welcome page says so
   at once, with what to do and the command on one line, and offers no Start.
2. A level-1 VNeID account: the confirm page says at once that it cannot
   get a certificate, in place of the consent and Confirm, with one way on
   (Back); Back takes the citizen to a new login.
3. `--sandbox` with a sandbox that is slow to start (held by a wrapper until
   the test lets it go): the window shows before the sandbox listens, with
   Start enabled; Start waits, saying "Starting the practice service…", on
   the welcome page, and goes on to the login once the sandbox listens.

Saves a screenshot of each in BUILD_ROOT/tests/e2e/screenshots/states-LANGUAGE.
Prints TAP.
"""

import argparse
import gettext
import json
import os
import select
import shlex
import ssl
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import e2e_session  # noqa: E402

e2e_session.prepare()

import pyatspi  # noqa: E402 - once the session's bus is chosen

import atspi_helpers as at  # noqa: E402
import e2e_program  # noqa: E402

LEVEL_1 = {"id": "092099001122", "password": "Matkhau@123", "phone": "0978222333"}

parser = argparse.ArgumentParser()
parser.add_argument("program")
parser.add_argument("build_root")
parser.add_argument("--language", default="en", choices=["en", "vi"])
args = parser.parse_args()

shots = os.path.join(args.build_root, "tests", "e2e", "screenshots", "states-" + args.language)
os.makedirs(shots, exist_ok=True)
for old in os.listdir(shots):
    if old.endswith(".png"):
        os.remove(os.path.join(shots, old))

if args.language == "vi":
    _ = gettext.translation("smartca-enroll", os.path.join(args.build_root, "po"),
                            languages=["vi"]).gettext
else:
    def _(text):
        return text


def label(text):
    return _(text).replace("_", "")


tap = at.Tap()
env = dict(os.environ)
env["LANGUAGE"] = args.language
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = None


def start(*extra):
    global program
    program = subprocess.Popen([args.program, "--language", args.language] + list(extra),
                               env=env, stdout=subprocess.PIPE, stderr=log)
    return program


def stop():
    """Ends the program and waits until it has left the accessibility bus:
    the next one must not be taken for it."""
    pid = program.pid
    program.terminate()
    try:
        program.wait(timeout=at.limit(30))
    except subprocess.TimeoutExpired:
        program.kill()
        program.wait()
    at.wait_for(lambda: not any(p == pid for _, p, _, _ in
                                e2e_program.accessible_applications()),
                "the program (pid %d) to leave the accessibility bus" % pid)


def lines_of(obj, reference):
    """How many lines @obj takes, in lines of the @reference label's height
    (a one-line label)."""
    return at.extents(obj)[3] / max(1, at.extents(reference)[3])


try:
    # 1. Not configured: said on the welcome page, before Start.
    start()
    ui = at.App(program, shots=shots, log_path=log_path)
    ui.wait_page(label("Welcome"))
    ui.wait_text(label("This computer is not set up to register yet: it does not know the "
                       "address of the VNeID and VNPT SmartCA services. Ask the person who looks "
                       "after this computer to set them up.")[:30])
    command = ui.wait_find("label", "smartca-enroll --sandbox")
    heading = ui.wait_find("label", "Ngôn ngữ / Language", exact=True)
    tap.check(at.text_of(command) == "smartca-enroll --sandbox" and
              lines_of(command, heading) < 1.5,
              "the welcome page gives the command on one line, unbroken",
              "command %r, a line %r" % (at.extents(command), at.extents(heading)))
    start_button = ui.find("push button", label("_Start"))
    tap.check(start_button is None or not at.states(start_button).contains(pyatspi.STATE_SHOWING),
              "with no service configured the welcome page offers no Start")
    ui.check_names(tap)
    ui.shot("0-welcome-not-configured")
    stop()

    # 2. A level-1 account: refused when the confirm page opens.
    start("--sandbox")
    sandbox = json.loads(e2e_program.first_line(program, "the program's sandbox line", log_path))
    tls = ssl.create_default_context(cafile=sandbox["trust_anchor"])
    ui = at.App(program, shots=shots, log_path=log_path)
    ui.wait_page(label("Welcome"))
    ui.press(label("_Start"))
    ui.wait_page(label("Log In to VNeID"))
    ui.type_into(label("_Citizen ID number"), LEVEL_1["id"])
    ui.type_into(label("_VNeID password"), LEVEL_1["password"])
    ui.press(label("Send the _Code"))

    def sent():
        url = sandbox["control_url"] + "/outbox?phone=" + LEVEL_1["phone"]
        with urllib.request.urlopen(url, context=tls) as reply:
            return json.load(reply)
    code = at.wait_for(lambda: next((sms["code"] for sms in sent()
                                     if sms["purpose"] == "vneid-login"), None),
                       "a VNeID login code in the sandbox's outbox", interval=0.2)
    ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
    ui.press_default(label("_Log In"))
    ui.wait_page(label("Confirm the Registration"))
    refusal = label("Your VNeID account is level 1. A SmartCA certificate needs a level 2 "
                    "account: activate it at the police office of your ward or commune, then "
                    "come back.")[:40]
    tap.check(at.wait_until(lambda: ui.has_text(refusal)),
              "a level-1 account reads at once: “%s…”" % refusal)
    consent = label("I _agree that VNeID shares the information above (my name, date of birth, "
                    "gender, citizen ID number, nationality, place of residence, phone number "
                    "and e-mail) with VNPT SmartCA, so that VNPT SmartCA can register my "
                    "digital signature certificate.")[:20]
    tap.check(ui.find("check box", consent) is None,
              "no consent is asked for a certificate that cannot be had")
    tap.check(ui.find("push button", label("_Confirm")) is None, "and there is no Confirm")
    ways = [o for o in ui.visible() if o.getRoleName() == "push button" and
            (label("_Start Over") in o.name or label("_Back") in o.name)]
    tap.check(len(ways) == 1 and label("_Back") in ways[0].name,
              "one way on: “%s”" % label("_Back"), [o.name for o in ways])
    ui.check_names(tap)
    ui.shot("2-confirm-level-1")
    ui.press(label("_Back"))
    ui.wait_page(label("Log In to VNeID"))
    tap.check(ui.find("text", label("_Citizen ID number"), exact=True) is not None,
              "Back from the refusal leads to a new login")
    ui.shot("1-login-after-back")
    stop()

    # 3. The sandbox slow to start: the window does not wait for it.
    gate = os.path.join(shots, "sandbox-may-start")
    if os.path.exists(gate):
        os.remove(gate)
    real = env.get("SMARTCA_SANDBOX") or os.path.join(args.build_root, "src", "sandbox",
                                                      "smartca-sandbox")
    held = os.path.join(shots, "held-sandbox")
    with open(held, "w") as script:
        script.write("#!/bin/sh\nwhile [ ! -e %s ]; do sleep 0.1; done\nexec %s \"$@\"\n"
                     % (shlex.quote(gate), shlex.quote(real)))
    os.chmod(held, 0o755)
    env["SMARTCA_SANDBOX"] = held
    start("--sandbox")
    ui = at.App(program, shots=shots, log_path=log_path)
    ui.wait_page(label("Welcome"))
    tap.check(not select.select([program.stdout], [], [], 0)[0],
              "with --sandbox the window shows before the sandbox listens")
    ui.press(label("_Start"))
    starting = label("Starting the practice service…")
    ui.wait_text(starting)
    tap.check(ui.frame_name() == label("Welcome"),
              "Start waits for the sandbox on the welcome page, saying “%s”" % starting)
    ui.shot("0-welcome-service-starting")
    open(gate, "w").close()
    sandbox = json.loads(program.stdout.readline())
    ui.wait_page(label("Log In to VNeID"))
    tap.check("vneid_url" in sandbox, "once the sandbox listens, Start goes on to the login")
    stop()
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    subprocess.run(["import", "-window", "root", os.path.join(shots, "failure.png")], check=False)
    tap.check(False, "the states went through: %r" % error)
    if program is not None and program.poll() is None:
        program.kill()
    tap.done()
    sys.exit(1)

tap.done()
sys.exit(0 if tap.ok else 1)
