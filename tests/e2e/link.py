#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The way home after a kiosk: "Use My SmartCA on This Computer", through AT-SPI.

  link.py PROGRAM BUILD_ROOT

A built-in citizen is enrolled at a kiosk (enroll-tool --kiosk: the very
session a kiosk runs, keeping nothing), against a smartca-sandbox run as a
real service. On a fresh desktop the program opens on the wizard; the citizen
chooses "Use My SmartCA on This Computer", logs in to VNeID with password and
SMS code, consents, receives the device code, chooses a new PIN and links the
computer (the change of device). "Your SmartCA" then opens, SmartCA holds this
desktop's key for the credential, and a portal's request approved from here
carries a signature that openssl verifies against the citizen's certificate.
Prints TAP.
"""

import base64
import os
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
CITIZEN = "079301000123"
KIOSK_PIN, PIN = "274913", "650284"
LINK = "Use My SmartCA on This Computer"

shots = os.path.join(BUILD, "tests", "e2e", "screenshots", "link")
os.makedirs(shots, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="enr-link-")
tap = at.Tap()
sandbox = sbx.Sandbox(BUILD, os.path.join(tmp, "sandbox"), os.path.join(shots, "sandbox.log"))
citizen = sbx.CITIZENS[CITIZEN]
program = None


def finish(code):
    if program is not None:
        program.terminate()
        try:
            program.wait(timeout=30)
        except subprocess.TimeoutExpired:
            program.kill()
    sandbox.stop()
    tap.done()
    sys.exit(code)


enrolled = subprocess.run([os.path.join(BUILD, "tests", "enroll", "enroll-tool"),
                           "--sandbox", sandbox.line, "--citizen", CITIZEN, "--pin", KIOSK_PIN,
                           "--kiosk"], capture_output=True, text=True)
tap.check(enrolled.returncode == 0, "the citizen is enrolled at a kiosk", enrolled.stderr)
if enrolled.returncode != 0:
    finish(1)
tap.check(sandbox.credential(CITIZEN)[2] == "linux-kiosk", "SmartCA holds the kiosk's key")

env = dict(os.environ)
env["LANGUAGE"] = "en"
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = subprocess.Popen([PROGRAM] + sandbox.program_args(), env=env,
                           stdout=subprocess.DEVNULL, stderr=log)

try:
    ui = Windows(program, shots=shots, log_path=log_path)
    ui.use("Welcome")
    ui.press("Use My SmartCA on This Computer")
    ui.use(LINK)
    ui.wait_find("text", "Citizen ID number")
    ui.check_names(tap)
    ui.shot("1-login")
    ui.type_into("Citizen ID number", CITIZEN)
    ui.type_into("VNeID password", citizen["password"])
    # The kiosk's login sent a code before: wait for the new one.
    previous = sandbox.latest(citizen["phone"], "vneid-login")
    ui.press("Send the Code")
    code = sandbox.outbox(citizen["phone"], "vneid-login", after=previous)
    ui.type_into("Code from the SMS (mã OTP)", code)
    ui.press_default("Log In")

    ui.wait_text("You are logged in to VNeID as " + citizen["name"])
    tap.check(True, "after the VNeID login, the window names the citizen")
    ui.check_names(tap)
    ui.toggle("I agree that VNeID shares my identity")
    ui.press("Find My Certificate")
    ui.wait_text("Your certificate")
    # The heading can show a moment before the certificate's details.
    serial = sandbox.credential(CITIZEN)[1]
    tap.check(at.wait_until(lambda: ui.has_text(serial)),
              "the certificate found is the one issued at the kiosk")
    # The login page's button has the same name (one label for sending a
    # code everywhere) and stays in the window's stack: this step's is the
    # last one.
    sends = [o for o in ui.visible()
             if o.getRoleName() == "push button" and "Send the Code" in o.name]
    ui.click(sends[-1])
    device_code = sandbox.outbox(citizen["phone"], "device")
    ui.wait_text("Sent to")
    ui.type_into("Code from the SMS (mã OTP)", device_code)
    ui.type_into("New PIN", PIN)
    ui.type_into("The same PIN again", PIN)
    ui.check_names(tap)
    ui.shot("2-code-and-pin")
    ui.press("Link This Computer")

    ui.use("Your SmartCA", timeout=300)
    ui.wait_text(citizen["name"])
    tap.check(True, "once linked, “Your SmartCA” opens")
    tap.check(sandbox.credential(CITIZEN)[2] == "linux-desktop",
              "SmartCA now holds this desktop's key for the credential")

    certificate = sandbox.credential(CITIZEN)[0]
    description = "Đơn đề nghị cấp phiếu lý lịch tư pháp"
    tran_id, digests = sandbox.portal_request(CITIZEN, description,
                                              [("don-de-nghi.pdf", b"Don de nghi")])
    ui.press("Check for Requests")
    ui.wait_text(description)
    for obj in ui.visible():
        if obj.getRoleName() == "push button" and "Approve" in obj.name:
            ui.click(obj)
            break
    ui.use("Approve the Signing Request")
    ui.type_into("Your PIN", PIN)
    ui.press("Approve and Sign")
    ui.wait_gone("Approve the Signing Request")
    transaction = sandbox.wait_transaction(tran_id, 1)
    tap.check(transaction.get("tranStatusDesc") == "SUCCESS",
              "a request approved from the linked desktop is signed", transaction)
    signature = base64.b64decode(transaction["documents"][0]["sig"])
    tap.check(sbx.verify_signature(certificate, digests[0], signature),
              "and its signature verifies with openssl against the citizen's certificate")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    at.screenshot(shots, "failure")
    tap.check(False, "the change of device went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
