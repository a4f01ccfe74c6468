#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole enrollment through AT-SPI only, as a screen reader user would do it.

  enroll.py PROGRAM BUILD_ROOT [--language en|vi] [--keyboard] [--citizen ID]
            [--login password|qr] [--text-scale F] [--save]

Starts `PROGRAM --sandbox` (smartca-enroll), completes the six steps for a
built-in citizen, typing into fields and pressing buttons through AT-SPI
(or, with --keyboard, with key presses only: Tab, Space, Enter and typing),
reading the SMS codes from the sandbox's outbox, and checks that the
certificate page shows the citizen's name and the serial the sandbox
issued, and that the key handle is in the keyring. Saves a screenshot of
every page in BUILD_ROOT/tests/e2e/screenshots. Every focusable control of
every page must have an accessible name. Prints TAP.

--login qr logs in by the QR code instead: the code is shown with its user
code in large type and a live countdown; a login refused on the phone is
said with the way on, an expired code is renewed, and the sandbox banner's
button approves it, as a person trying the program would; the run ends at
step 2 (the sandbox's clock, moved for the expiry, is then ahead). --text-scale 2
runs the program with text twice its size, as a desktop's text scaling
factor makes it, and checks that the window and its primary button fit the
screen. --save saves a copy of every document through the file chooser and
checks each file holds exactly what the service issued.

Runs inside its own D-Bus session with an unlocked gnome-keyring
(tests/crypto/keyring-run.sh) under Xvfb.
"""

import argparse
import base64
import gettext
import hashlib
import json
import os
import re
import shutil
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
parser.add_argument("--login", default="password", choices=["password", "qr"])
parser.add_argument("--text-scale", type=float, default=1.0)
parser.add_argument("--screen", default="1280x1024", help="the display's size, as Xvfb has it")
parser.add_argument("--save", action="store_true")
args = parser.parse_args()

citizen = CITIZENS[args.citizen]
mode = ("keyboard-" if args.keyboard else "") + args.language
if args.login == "qr":
    mode = "qr-" + mode
if args.text_scale != 1.0:
    mode = "text-%d%%-%s" % (round(args.text_scale * 100), mode)
if args.screen != parser.get_default("screen"):
    mode = "screen-%s-%s" % (args.screen, mode)
shots = os.path.join(args.build_root, "tests", "e2e", "screenshots", mode)
os.makedirs(shots, exist_ok=True)
for old in os.listdir(shots):
    if old.endswith(".png"):
        os.remove(os.path.join(shots, old))

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



def start_text_scaling(factor):
    """Text @factor times its size, as a desktop asks for it. GNOME's
    text-scaling-factor reaches an X11 program as the XSETTINGS value
    Xft/DPI, 96 × factor × 1024 (gsd-xsettings), which GTK takes as its
    gtk-xft-dpi; on Wayland GTK computes the same from the setting itself.
    Under Xvfb nobody publishes XSETTINGS, and GTK 4.8 keeps 96 dpi
    whatever its settings.ini says: xsettingsd plays the desktop's part."""
    conf = os.path.join(shots, "xsettingsd.conf")
    with open(conf, "w") as out:
        out.write("Xft/DPI %d\n" % round(96 * 1024 * factor))
    errors = os.path.join(shots, "xsettingsd.log")
    daemon = subprocess.Popen(["xsettingsd", "--config", conf], stderr=open(errors, "w"))
    if not at.wait_until(lambda: "Took ownership" in open(errors).read(), 30):
        raise AssertionError("xsettingsd did not take the XSETTINGS selection")
    return daemon


xsettings = start_text_scaling(args.text_scale) if args.text_scale != 1.0 else None

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
    if xsettings is not None:
        xsettings.terminate()
        xsettings.wait(timeout=30)
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


def control_post(path, body):
    request = urllib.request.Request(sandbox["control_url"] + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, context=tls) as reply:
        return json.load(reply)


def sandbox_row(query):
    db = sqlite3.connect(os.path.join(sandbox["data_dir"], "sandbox.db"))
    try:
        return db.execute(query, (args.citizen,)).fetchone()
    finally:
        db.close()


def issued_serial():
    row = sandbox_row("SELECT serial_number FROM credentials WHERE citizen_id = ?")
    return row[0] if row else None


def key_handle_in_keyring():
    """An item of the key handle's schema for the citizen (its secret, the
    PIN-protected key, is binary and never printed)."""
    found = subprocess.run(["secret-tool", "search", "--all", "citizen-id", args.citizen],
                           capture_output=True)
    return b"schema = vn.smartca.Enroll.KeyHandle" in found.stdout


def check_fits(primary):
    """The window is no bigger than the screen, and the page's primary button
    lies inside it (a page scrolls, not the window): at 100%, and at a large
    text size or on a small screen above all."""
    width, height = (int(n) for n in args.screen.split("x"))
    _, _, frame_w, frame_h = at.extents(ui.frame())
    button = ui.wait_find("push button", label(primary))
    box = at.extents(button)
    tap.check(frame_w <= width and frame_h <= height and at.inside(box, (0, 0, frame_w, frame_h)),
              "at %d%% text on %s the window (%dx%d) fits the screen and shows “%s”"
              % (round(args.text_scale * 100), args.screen, frame_w, frame_h, label(primary)),
              "button at %r in a window of %dx%d" % (box, frame_w, frame_h))


# Page title -> [the controls Tab reached, those it left out of sight].
reached = {}


def focus_in_view(obj):
    """A control that Tab reaches shows: inside the window and inside every
    scrolled view it is in (scrolled into view), whole, or, bigger than a
    view, filling it."""
    seen, hidden = reached.setdefault(ui.page_title or "", [set(), []])
    key = (obj.getRoleName(), obj.name)
    if key in seen:
        return
    seen.add(key)
    frame = at.extents(ui.frame())
    views = ui.views_of(obj)

    def shows():
        # The control in its view, that view in the next one, the last in
        # the window.
        boxes = [at.extents(obj)] + [at.extents(view) for view in views] + \
                [(0, 0, frame[2], frame[3])]
        return all(at.shows_in(inner, outer) for inner, outer in zip(boxes, boxes[1:]))
    if not at.wait_until(shows, 5):
        hidden.append("%s “%s” at %r; its views at %s" % (
            key[0], key[1], at.extents(obj), ", ".join(repr(at.extents(v)) for v in views)))


def report_in_view():
    for title, (seen, hidden) in reached.items():
        tap.check(not hidden, "on “%s” each of the %d controls Tab reached showed whole"
                  % (title, len(seen)), "\n".join(hidden))


USER_CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


def shown_user_code():
    """The code under the QR code, as a person reads it."""
    for obj in ui.visible():
        if obj.getRoleName() == "label" and USER_CODE.match(at.text_of(obj)):
            return obj
    return None


def wait_user_code(other_than=None):
    found = []

    def new_code():
        obj = shown_user_code()
        if obj is not None and at.text_of(obj) != other_than:
            found.append(obj)
            return True
        return False
    if not at.wait_until(new_code, 60):
        raise AssertionError("no new QR login code is shown (the old one: %s)" % other_than)
    return found[-1]


def countdown_label():
    prefix = label("This code is renewed in %s.").split("%s")[0]
    for obj in ui.visible():
        if obj.getRoleName() == "label" and at.text_of(obj).startswith(prefix):
            return obj
    return None


def countdown_text():
    obj = countdown_label()
    return at.text_of(obj) if obj is not None else None


def seconds_of(countdown):
    match = re.search(r"(\d+):(\d\d)", countdown or "")
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def log_in_by_qr():
    """Step 1 by the QR code: shown, refused, renewed, approved."""
    ui.wait_name_contains("image", label("QR code to scan with the VNeID app"))
    code = wait_user_code()
    user_code = at.text_of(code)
    # The countdown under it is one line of the page's ordinary text.
    countdown = countdown_label()
    tap.check(at.extents(code)[3] >= 1.5 * at.extents(countdown)[3],
              "the user code %s is in large type" % user_code,
              "code %r, a line of text %r" % (at.extents(code), at.extents(countdown)))
    first = countdown_text()
    at.wait_until(lambda: countdown_text() != first, 5)
    second = countdown_text()
    tap.check(seconds_of(first) is not None and seconds_of(second) is not None and
              seconds_of(second) < seconds_of(first),
              "the countdown runs (“%s”, then “%s”)" % (first, second))
    ui.shot("1-login-qr")

    # Refused on the phone (the banner's other button): said in the page,
    # with the way on.
    ui.press(label("Test _Citizens and Codes"))
    ui.wait_text(label("Built-in citizens: choose one."))
    ui.shot("1-login-qr-banner")
    ui.check_names(tap)
    ui.press(label("Re_fuse the QR Login"))
    ui.wait_text(label("The login was refused in the VNeID app.")[:20], timeout=60)
    tap.check(ui.find("push button", label("Re_fuse the QR Login")) is None,
              "the banner's menu closes once the login is refused")
    ui.shot("1-login-qr-denied")
    ui.check_names(tap)
    tap.check(ui.find("push button", label("Show a New _QR Code")) is None,
              "the refusal offers one way on, beside it")
    ui.press(label("_Try Again"))
    code = wait_user_code(other_than=user_code)
    tap.check(not ui.has_text(label("The login was refused in the VNeID app.")[:20]),
              "after a refusal, a new code (%s) replaces the message" % at.text_of(code))
    user_code = at.text_of(code)

    # Expired unanswered: renewed without a word from the citizen.
    control_post("/clock", {"advanceSeconds": 601})
    code = wait_user_code(other_than=user_code)
    tap.check(seconds_of(countdown_text()) is not None and seconds_of(countdown_text()) > 540,
              "an expired code is renewed (%s, “%s”)" % (at.text_of(code), countdown_text()))
    user_code = at.text_of(code)

    # Approved, as the VNeID app would, through the sandbox banner.
    ui.press(label("Test _Citizens and Codes"))
    ui.wait_text(label("Built-in citizens: choose one."))
    ui.press(label("_Approve the QR Login as This Citizen"))


def open_in_program(path):
    """Whether the program holds @path open (writing it)."""
    fds = "/proc/%d/fd" % program.pid
    for fd in os.listdir(fds):
        try:
            if os.readlink(os.path.join(fds, fd)) == path:
                return True
        except OSError:
            pass
    return False


def save_copy(button, title, name):
    path = os.path.join(saved, name)
    ui.save_as(label(button), label(title), path)
    # The chooser closes, then the program writes: a new file is created
    # and written in place, so it is whole once the program has closed it.
    if not at.wait_until(lambda: os.path.exists(path) and not open_in_program(path), 30):
        raise AssertionError("“%s” wrote no %s" % (label(button), path))
    with open(path, "rb") as copy:
        return copy.read()


def client_file(name):
    with open(os.path.join(sandbox["data_dir"], "client", name), "rb") as kept:
        return kept.read()


def pdfsig(name):
    """What pdfsig says of a saved PDF, trusting the sandbox's root (an NSS
    database of its own, made once)."""
    db = "sql:" + os.path.join(saved, "nssdb")
    if not os.path.isdir(db[4:]):
        os.makedirs(db[4:])
        subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True,
                       capture_output=True)
        subprocess.run(["certutil", "-A", "-d", db, "-n", "sandbox-root", "-t", "CT,C,C",
                        "-i", sandbox["trust_anchor"]], check=True, capture_output=True)
    return subprocess.run(["pdfsig", "-nssdir", db, os.path.join(saved, name)],
                          capture_output=True, text=True).stdout


def signature_valid(name):
    out = pdfsig(name)
    return ("Signature Validation: Signature is Valid." in out and
            "Certificate Validation: Certificate is Trusted." in out), out


def openssl_serial(data, form):
    out = subprocess.run(["openssl", "x509", "-inform", form, "-noout", "-serial"], input=data,
                         capture_output=True).stdout.decode()
    return out.strip().partition("=")[2] or None


saved = os.path.join(shots, "saved")
if args.save:
    shutil.rmtree(saved, ignore_errors=True)
    os.makedirs(saved)


# --- The flow ----------------------------------------------------------------

ui = at.App("smartca-enroll", keyboard=args.keyboard, shots=shots,
            on_focus=focus_in_view if args.keyboard else None)
try:
    ui.wait_page(label("Welcome"))
    tap.check(True, "the welcome page is shown in %s" % args.language)
    ui.check_names(tap)
    check_fits("_Start")
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
    if args.login == "qr":
        log_in_by_qr()
    else:
        ui.type_into(label("_Citizen ID number"), args.citizen)
        ui.type_into(label("_VNeID password"), citizen["password"])
        ui.press(label("Send the _Code"))
        code = outbox("vneid-login")
        ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
        check_fits("_Log In")
        ui.shot("1-login-code")
        ui.press_default(label("_Log In"))

    # 2. Xác nhận việc đăng ký
    page = ui.wait_page(label("Confirm the Registration"))
    tap.check(ui.has_text(citizen["name"]), "step 2 shows the citizen's name")
    ui.check_names(tap)
    check_fits("_Confirm")
    ui.shot("2-confirm")
    if args.login == "qr":
        # The sandbox's clock is 10 minutes ahead now, and the rest of the
        # flow is the other runs': the window closes here, the step kept.
        ui.press("Close")
        tap.check(at.wait_until(lambda: program.poll() is not None, 30),
                  "the window's Close ends the program at step 2")
        finish(0 if tap.ok else 1)
    ui.toggle(label("I _agree that VNeID shares the information above (my name, date of birth, "
                    "gender, citizen ID number, nationality, place of residence, phone number "
                    "and e-mail) with VNPT SmartCA, so that VNPT SmartCA can register my "
                    "digital signature certificate.")[:30])
    ui.press(label("_Confirm"))

    # 3. Khởi tạo dịch vụ VNPT SmartCA
    ui.wait_page(label("Set Up the VNPT SmartCA Service"))
    ui.check_names(tap)
    check_fits("_Open the VNPT SmartCA App")
    ui.shot("3-initialize")
    ui.press(label("_Open the VNPT SmartCA App"))

    # 4. Ký hợp đồng điện tử
    ui.wait_page(label("Sign the Electronic Contract"), timeout=90)
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    check_fits("_Sign the Contract")
    ui.shot("4-contract")
    if args.save:
        contract_copy = save_copy("Save a _Copy…", "Save a Copy of the Contract", "contract.pdf")
        served = sandbox_row("SELECT c.pdf FROM contracts c JOIN registrations r "
                             "USING (registration_id) WHERE r.citizen_id = ?")
        tap.check(served is not None and contract_copy == served[0] and
                  contract_copy.startswith(b"%PDF-"),
                  "“Save a Copy…” writes the contract the service sent (%d bytes)"
                  % len(contract_copy))
    ui.toggle(label("I have _read the contract and I agree to it"))
    ui.press(label("Send the _Code"))
    code = outbox("contract")
    ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
    ui.shot("4-contract-code")
    ui.press_default(label("_Sign the Contract"))

    # 5. Kích hoạt dịch vụ
    ui.wait_page(label("Activate the Service"), timeout=90)
    ui.check_names(tap)
    check_fits("_Activate")
    ui.shot("5-activate")
    ui.type_into(label("New _PIN"), PIN)
    ui.type_into(label("The same PIN _again"), PIN)
    ui.press_default(label("_Activate"))
    ui.wait_find("push button", label("_Sign the Acceptance Record"), timeout=180)
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    check_fits("_Sign the Acceptance Record")
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
    check_fits("_Finish")
    ui.shot("6-certificate")
    if args.save:
        issued = sandbox_row("SELECT certificate FROM credentials WHERE citizen_id = ?")[0]
        pem = save_copy("Save the Certificate (_PEM)…", "Save the Certificate",
                        "certificate.pem")
        body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
        tap.check(openssl_serial(pem, "PEM") == serial and base64.b64decode(body) == issued,
                  "the PEM copy is the issued certificate: openssl reads serial %s"
                  % openssl_serial(pem, "PEM"))
        der = save_copy("Save the Certificate (_DER)…", "Save the Certificate", "certificate.cer")
        tap.check(der == issued and openssl_serial(der, "DER") == serial,
                  "the DER copy is the issued certificate: openssl reads serial %s"
                  % openssl_serial(der, "DER"))
        contract = save_copy("Save the Signed _Contract…", "Save the Signed Contract",
                             "signed-contract.pdf")
        signed = sandbox_row("SELECT c.signed_pdf FROM contracts c JOIN registrations r "
                             "USING (registration_id) WHERE r.citizen_id = ?")
        tap.check(contract == client_file("signed-contract.pdf") and contract == signed[0],
                  "the signed contract's copy is the one signed (%d bytes)" % len(contract))
        # Signed with the SMS code, not a certificate: its last page names
        # the SHA-256 of the very contract the citizen read and saved.
        digest = base64.b64encode(hashlib.sha256(contract_copy).digest()).decode()
        text = subprocess.run(["pdftotext", os.path.join(saved, "signed-contract.pdf"), "-"],
                              capture_output=True, text=True).stdout
        tap.check(contract.startswith(b"%PDF-") and digest in "".join(text.split()),
                  "pdftotext reads, in the signed contract, the SHA-256 of the copy saved at "
                  "step 4 (%s)" % digest, text[-600:])
        record = save_copy("Save the Signed Acceptance _Record…",
                           "Save the Signed Acceptance Record", "signed-acceptance-record.pdf")
        tap.check(record == client_file("signed-acceptance-record.pdf") and
                  record.startswith(b"%PDF-"),
                  "the signed acceptance record's copy is the session's (%d bytes)" % len(record))
        valid, out = signature_valid("signed-acceptance-record.pdf")
        tap.check(valid and citizen["name"] in out,
                  "pdfsig finds the acceptance record signed by %s, valid and trusted"
                  % citizen["name"], out)
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
    report_in_view()
    ui.press(label("_Close"))
    tap.check(at.wait_until(lambda: program.poll() is not None, 30),
              "Close ends the program")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    ui.shot("failure")
    tap.check(False, "the flow went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
