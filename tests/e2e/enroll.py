#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole enrollment through AT-SPI only, as a screen reader user would do it.

  enroll.py PROGRAM BUILD_ROOT [--language en|vi] [--keyboard] [--citizen ID]

Starts `PROGRAM --sandbox` (smartca-enroll), completes the six steps for a
built-in citizen, typing into fields and pressing buttons through AT-SPI
(or, with --keyboard, with key presses only: Tab, Space, Enter and typing),
reading the SMS codes from the sandbox's outbox, and checks that the
certificate page shows the citizen's name and the serial the sandbox
issued, and that the key handle is in the keyring. Saves a screenshot of
every page in BUILD_ROOT/tests/e2e/screenshots. Every focusable control of
every page must have an accessible name. Prints TAP.

Runs inside its own D-Bus session with an unlocked gnome-keyring
(tests/crypto/keyring-run.sh) under Xvfb.
"""

import argparse
import gettext
import json
import os
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.request


def use_own_accessibility_bus():
    """This session's accessibility bus, named to both sides. Left to find it
    through the X display, the program and this driver may each pick up the
    bus of an outer session (the test runner's, if a GTK test started one)."""
    os.environ.pop("GSETTINGS_BACKEND", None)
    subprocess.run(["gsettings", "set", "org.gnome.desktop.interface",
                    "toolkit-accessibility", "true"], check=False)
    reply = subprocess.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                            "--object-path", "/org/a11y/bus", "--method", "org.a11y.Bus.GetAddress"],
                           capture_output=True, text=True, timeout=60).stdout
    address = reply.strip().strip("(),").strip("'")
    if address:
        os.environ["AT_SPI_BUS_ADDRESS"] = address


use_own_accessibility_bus()

import pyatspi  # noqa: E402 - after the bus is chosen

import atspi_helpers as at  # noqa: E402

CITIZENS = {
    "001093000001": {"name": "Nguyễn Văn An", "password": "Matkhau@123", "phone": "0912345678"},
    "079301000123": {"name": "Trần Thị Bích Ngọc", "password": "Matkhau@123",
                     "phone": "0987654321"},
}
PIN = "274913"

parser = argparse.ArgumentParser()
parser.add_argument("program")
parser.add_argument("build_root")
parser.add_argument("--language", default="en", choices=["en", "vi"])
parser.add_argument("--keyboard", action="store_true")
parser.add_argument("--citizen", default="001093000001")
args = parser.parse_args()

citizen = CITIZENS[args.citizen]
mode = ("keyboard-" if args.keyboard else "") + args.language
shots = os.path.join(args.build_root, "tests", "e2e", "screenshots", mode)
os.makedirs(shots, exist_ok=True)

if args.language == "vi":
    catalogue = gettext.translation("smartca-enroll", os.path.join(args.build_root, "po"),
                                    languages=["vi"])
    _ = catalogue.gettext
else:
    def _(text):
        return text


def label(text):
    """What a control is called on screen: translated, without its mnemonic."""
    return _(text).replace("_", "")


tap = at.Tap()


# --- The session: accessibility on, the portal up before the program -------

subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.portal.Desktop",
                "--object-path", "/org/freedesktop/portal/desktop",
                "--method", "org.freedesktop.DBus.Peer.Ping"],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False)

env = dict(os.environ)
env["LANGUAGE"] = args.language
env.pop("GSETTINGS_BACKEND", None)
log = open(os.path.join(shots, "program.log"), "w")
program = subprocess.Popen([args.program, "--sandbox"], env=env, stdout=subprocess.PIPE,
                           stderr=log, text=True)


def finish(code):
    program.terminate()
    try:
        program.wait(timeout=30)
    except subprocess.TimeoutExpired:
        program.kill()
    tap.done()
    sys.exit(code)


try:
    sandbox = json.loads(program.stdout.readline())
except ValueError:
    tap.check(False, "the program starts a sandbox and says where")
    finish(1)
tls = ssl.create_default_context(cafile=sandbox["trust_anchor"])


def outbox(purpose, after=None):
    """The newest code of @purpose sent to the citizen's phone, newer than @after."""
    url = sandbox["control_url"] + "/outbox?phone=" + citizen["phone"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, context=tls) as reply:
            for sms in json.load(reply):
                if sms["purpose"] == purpose and sms["code"] != after:
                    return sms["code"]
        time.sleep(0.2)
    raise AssertionError("no %s code in the outbox" % purpose)


def issued_serial():
    db = sqlite3.connect(os.path.join(sandbox["data_dir"], "sandbox.db"))
    try:
        row = db.execute("SELECT serial_number FROM credentials WHERE citizen_id = ?",
                         (args.citizen,)).fetchone()
        return row[0] if row else None
    finally:
        db.close()


def key_handle_in_keyring():
    """An item of the key handle's schema for the citizen (its secret, the
    PIN-protected key, is binary and never printed)."""
    found = subprocess.run(["secret-tool", "search", "--all", "citizen-id", args.citizen],
                           capture_output=True)
    return b"schema = vn.smartca.Enroll.KeyHandle" in found.stdout


# --- The flow ----------------------------------------------------------------

ui = at.App("smartca-enroll", keyboard=args.keyboard, shots=shots)
try:
    ui.wait_page(label("Welcome"))
    tap.check(True, "the welcome page is shown in %s" % args.language)
    ui.check_names(tap)
    ui.shot("0-welcome")
    if args.language == "en" and not args.keyboard:
        # The language switches on the welcome page, without a restart.
        ui.press("Tiếng Việt")
        ui.wait_page("Chào mừng")
        tap.check(ui.has_text("Đăng ký chữ ký số VNPT SmartCA"),
                  "“Tiếng Việt” rebuilds the window in Vietnamese")
        ui.shot("0-welcome-vi")
        ui.press("English")
        ui.wait_page("Welcome")
        tap.check(ui.has_text("Register Your VNPT SmartCA Digital Signature"),
                  "“English” brings English back")
    ui.press(label("_Start"))

    # 1. Đăng nhập VNeID
    page = ui.wait_page(label("Log In to VNeID"))
    tap.check(ui.frame_name() == label("Log In to VNeID"), "step 1 is titled " + page)
    ui.wait_name_contains("image", label("QR code to scan with the VNeID app"))
    ui.check_names(tap)
    ui.shot("1-login")
    ui.type_into(label("_Citizen ID number"), args.citizen)
    ui.type_into(label("_VNeID password"), citizen["password"])
    ui.press(label("_Send Me a Code"))
    code = outbox("vneid-login")
    ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
    ui.shot("1-login-code")
    ui.press_default(label("_Log In"))

    # 2. Xác nhận việc đăng ký
    page = ui.wait_page(label("Confirm the Registration"))
    tap.check(ui.has_text(citizen["name"]), "step 2 shows the citizen's name")
    ui.check_names(tap)
    ui.shot("2-confirm")
    ui.toggle(label("I _agree that VNeID shares the information above (my name, date of birth, "
                    "gender, citizen ID number, nationality, place of residence, phone number "
                    "and e-mail) with VNPT SmartCA, so that VNPT SmartCA can register my "
                    "digital signature certificate.")[:30])
    ui.press(label("_Confirm"))

    # 3. Khởi tạo dịch vụ VNPT SmartCA
    ui.wait_page(label("Set Up the VNPT SmartCA Service"))
    ui.check_names(tap)
    ui.shot("3-initialize")
    ui.press(label("_Open the VNPT SmartCA App"))

    # 4. Ký hợp đồng điện tử
    ui.wait_page(label("Sign the Electronic Contract"), timeout=90)
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    ui.shot("4-contract")
    ui.toggle(label("I have _read the contract and I agree to it"))
    ui.press(label("Send the _Code"))
    code = outbox("contract")
    ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
    ui.press_default(label("_Sign the Contract"))

    # 5. Kích hoạt dịch vụ
    ui.wait_page(label("Activate the Service"), timeout=90)
    ui.check_names(tap)
    ui.shot("5-activate")
    ui.type_into(label("New _PIN"), PIN)
    ui.type_into(label("The same PIN _again"), PIN)
    ui.press_default(label("_Activate"))
    ui.wait_find("push button", label("_Sign the Acceptance Record"), timeout=180)
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    ui.shot("5-acceptance-record")
    ui.type_into(label("Your _PIN"), PIN)
    ui.press_default(label("_Sign the Acceptance Record"))

    # 6. Kiểm tra thông tin chứng thư số
    ui.wait_page(label("Check the Certificate"), timeout=180)
    ui.wait_text(label("Your VNPT SmartCA Service Is Ready"), timeout=120)
    serial = issued_serial()
    tap.check(serial is not None, "the sandbox issued a certificate")
    tap.check(ui.has_text(citizen["name"]), "the certificate page shows the holder's name")
    tap.check(serial is not None and ui.has_text(serial),
              "the certificate page shows the serial the sandbox issued (%s)" % serial)
    tap.check(not ui.has_text(args.citizen), "the certificate page masks the citizen ID")
    tap.check(key_handle_in_keyring(), "the key handle is in the keyring")
    ui.check_names(tap)
    ui.shot("6-certificate")
    ui.press(label("_Finish"))

    ui.wait_page(label("Done"))
    ui.check_names(tap)
    ui.shot("7-done")
    # For the benchmark (tests/bench/bench-ui.py): the program's peak memory
    # through the enrollment, and its longest stall as AT-SPI saw it.
    with open("/proc/%d/status" % program.pid) as status:
        peak = next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), -1)
    with open(os.path.join(shots, "report.json"), "w") as report:
        json.dump({"peak_rss_kb": peak, "longest_stall_ms": round(ui.longest_call_ms, 1)},
                  report)
    ui.press(label("_Close"))
    tap.check(at.wait_until(lambda: program.poll() is not None, 30),
              "Close ends the program")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    ui.shot("failure")
    tap.check(False, "the flow went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
