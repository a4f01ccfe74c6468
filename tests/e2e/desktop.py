#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The enrolled desktop through AT-SPI only: "Your SmartCA".

  desktop.py PROGRAM BUILD_ROOT

A built-in citizen is enrolled on this desktop beforehand (enroll-tool: the
key handle in this run's gnome-keyring, the checkpoint in its data
directory), against a smartca-sandbox run as a real service; the program then
starts with the service's addresses, as a configured desktop does, and must
open on "Your SmartCA". A public-service portal (the sandbox's control
endpoint) asks for a signature: it is approved with the PIN, and the portal's
transaction then holds a signature that openssl verifies against the
citizen's certificate. A second request is rejected: the portal reads
SIGNER_REJECTED. The PIN is changed: the old one then fails, the new one
signs. Prints TAP; saves screenshots in BUILD_ROOT/tests/e2e/screenshots/desktop.
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
CITIZEN = "001093000001"
PIN, NEW_PIN = "274913", "583061"
WINDOW = "Your SmartCA"

shots = os.path.join(BUILD, "tests", "e2e", "screenshots", "desktop")
os.makedirs(shots, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="enr-desktop-")
tap = at.Tap()
sandbox = sbx.Sandbox(BUILD, os.path.join(tmp, "sandbox"), os.path.join(shots, "sandbox.log"))
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
                           "--sandbox", sandbox.line, "--citizen", CITIZEN, "--pin", PIN],
                          capture_output=True, text=True)
tap.check(enrolled.returncode == 0, "the citizen is enrolled on this desktop", enrolled.stderr)
if enrolled.returncode != 0:
    finish(1)
serial = enrolled.stdout.strip()

env = dict(os.environ)
env["LANGUAGE"] = "en"
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = subprocess.Popen([PROGRAM] + sandbox.program_args(), env=env,
                           stdout=subprocess.DEVNULL, stderr=log)
ui = None


def request_row_text(description):
    return ui.text_of_role("label", description)


def wait_request(description):
    # The window looks every few seconds; a person may also press the button.
    ui.press("Check for Requests")
    at.wait_for(lambda: request_row_text(description) is not None,
                "the request “%s” in the list" % description, seen=lambda: "it missing")


def approve(description, pin):
    """Approve… on the request's row, then the PIN in the dialog."""
    for obj in ui.visible():
        if obj.getRoleName() == "push button" and "Approve" in obj.name:
            described = obj.getRelationSet()
            ui.click(obj)
            break
    ui.use("Approve the Signing Request")
    tap.check(ui.has_text(description), "the dialog shows the request's description")
    ui.type_into("Your PIN", pin)
    ui.press("Approve and Sign")


try:
    ui = Windows(program, shots=shots, log_path=log_path)
    ui.use(WINDOW)
    tap.check(True, "a desktop that keeps a key handle opens on “Your SmartCA”")
    ui.wait_text(sbx.CITIZENS[CITIZEN]["name"])
    ui.wait_text(serial)
    tap.check(ui.has_text(serial), "it shows the certificate's serial (%s)" % serial)
    tap.check(not ui.has_text(CITIZEN), "it masks the citizen ID")
    ui.wait_text("Valid, ready to sign")
    tap.check(True, "SmartCA reports the certificate valid")
    ui.check_names(tap)

    # --- Approved with the PIN ---
    certificate = sandbox.credential(CITIZEN)[0]
    description = "Hồ sơ đăng ký kinh doanh hộ cá thể"
    tran_id, digests = sandbox.portal_request(
        CITIZEN, description, [("don-dang-ky.pdf", b"Don dang ky ho kinh doanh"),
                               ("ban-sao-cccd.pdf", b"Ban sao can cuoc")])
    wait_request(description)
    tap.check(ui.has_text("don-dang-ky.pdf") and ui.has_text("ban-sao-cccd.pdf"),
              "the request shows its documents' names")
    hex_hash = digests[0].hex().upper()
    tap.check(ui.has_text(" ".join(hex_hash[i:i + 4] for i in range(0, 16, 4))),
              "and their SHA-256")
    ui.check_names(tap)
    ui.shot("your-smartca")
    approve(description, PIN)
    ui.wait_gone("Approve the Signing Request")
    ui.use(WINDOW)
    transaction = sandbox.wait_transaction(tran_id, 1)
    tap.check(transaction.get("tranStatusDesc") == "SUCCESS",
              "the portal's transaction is signed", transaction)
    signatures = [base64.b64decode(d["sig"]) for d in transaction.get("documents", [])]
    tap.check(len(signatures) == 2 and all(
        sbx.verify_signature(certificate, digest, sig) for digest, sig in zip(digests, signatures)),
        "both signatures verify with openssl against the citizen's certificate")
    tap.check(at.wait_until(lambda: request_row_text(description) is None),
              "the approved request leaves the list")

    # --- Rejected ---
    description = "Tờ khai lệ phí trước bạ"
    tran_id, _ = sandbox.portal_request(CITIZEN, description, [("to-khai.pdf", b"To khai")])
    wait_request(description)
    ui.press("Reject")
    transaction = sandbox.wait_transaction(tran_id, 4002)
    tap.check(transaction.get("tranStatusDesc") == "SIGNER_REJECTED",
              "a rejected request reads SIGNER_REJECTED at the portal", transaction)

    # --- Change PIN ---
    ui.press("Change PIN")
    ui.use("Change Your PIN")
    ui.check_names(tap)
    ui.type_into("Current PIN", PIN)
    ui.type_into("New PIN", NEW_PIN)
    ui.type_into("The same PIN again", NEW_PIN)
    ui.press("Change the PIN")
    ui.wait_gone("Change Your PIN")
    ui.use(WINDOW)
    tap.check(True, "the PIN is changed")

    description = "Giấy đề nghị cấp bản sao"
    tran_id, digests = sandbox.portal_request(CITIZEN, description,
                                              [("de-nghi.pdf", b"De nghi cap ban sao")])
    wait_request(description)
    approve(description, PIN)
    ui.wait_text("The PIN is wrong")
    tap.check(True, "the old PIN is refused")
    tap.check(sandbox.portal_transaction(tran_id)["tranStatus"] == 4000,
              "and nothing is signed")
    ui.shot("approve-dialog-wrong-pin")
    ui.type_into("Your PIN", NEW_PIN)
    ui.press("Approve and Sign")
    ui.wait_gone("Approve the Signing Request")
    ui.use(WINDOW)
    transaction = sandbox.wait_transaction(tran_id, 1)
    signature = base64.b64decode(transaction["documents"][0]["sig"])
    tap.check(sbx.verify_signature(certificate, digests[0], signature),
              "the new PIN signs, and the signature verifies")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    at.screenshot(shots, "failure")
    tap.check(False, "the desktop flow went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
