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
checks each file holds exactly what the service issued, and that the page's
status line says where each went. --latency MS holds back the sandbox's
answers (its faults control) on each of the five actions that wait (send
the login code, log in, confirm, sign the contract, sign the acceptance
record), checks the spinner's sentence, the page marked busy and Back
visible but insensitive, and then lets the answer through (setting the
faults again answers what they hold): MS only bounds the wait. --wrong-codes types a wrong SMS code at the login
and the contract and a wrong PIN on the acceptance record first: the field
is marked invalid and its message shows whole beside it.

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
import urllib.request

import e2e_session

e2e_session.prepare()

import atspi_helpers as at  # noqa: E402 - pyatspi, once the session's bus is chosen
import e2e_program  # noqa: E402
import pyatspi  # noqa: E402

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
parser.add_argument("--latency", type=int, default=0, help="ms the sandbox waits to answer")
parser.add_argument("--wrong-codes", action="store_true")
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
    at.wait_for(lambda: "Took ownership" in open(errors).read(),
                "xsettingsd to take the XSETTINGS selection",
                seen=lambda: "its log: %r" % open(errors).read())
    return daemon


xsettings = start_text_scaling(args.text_scale) if args.text_scale != 1.0 else None

env = dict(os.environ)
env["LANGUAGE"] = args.language
env.pop("GSETTINGS_BACKEND", None)
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = subprocess.Popen([args.program, "--sandbox"], env=env, stdout=subprocess.PIPE,
                           stderr=log)


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
    sandbox = json.loads(e2e_program.first_line(program, "the program's sandbox line", log_path))
except (ValueError, AssertionError) as error:
    tap.check(False, "the program starts a sandbox and says where", str(error))
    finish(1)
tls = ssl.create_default_context(cafile=sandbox["trust_anchor"])


def outbox(purpose):
    """The newest code of @purpose sent to the citizen's phone."""
    url = sandbox["control_url"] + "/outbox?phone=" + citizen["phone"]

    def sent():
        with urllib.request.urlopen(url, context=tls) as reply:
            return json.load(reply)
    return at.wait_for(lambda: next((sms["code"] for sms in sent() if sms["purpose"] == purpose),
                                    None),
                       "a %s code in the sandbox's outbox" % purpose, interval=0.2,
                       seen=lambda: "only %s" % [sms["purpose"] for sms in sent()])


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
    """An item of the key handle's schema at the sandbox's SmartCA, named by
    opaque attributes only: the citizen ID is in none of its attributes nor
    its label (its secret, encrypted by the keyring, holds the personal
    data; secret-tool prints it, and it is never looked at here). With the
    attributes seen, for the log."""
    found = subprocess.run(["secret-tool", "search", "--all", "service-url",
                            sandbox["smartca_url"]], capture_output=True)
    said = (found.stdout + found.stderr).decode(errors="replace")
    public = [line for line in said.splitlines()
              if line.startswith(("label = ", "schema = ", "attribute."))]
    return ("schema = vn.smartca.Enroll.KeyHandle" in public and
            any(line.startswith("attribute.handle-id = ") for line in public) and
            not any(args.citizen in line for line in public),
            "\n".join(public) or "no item")


def check_fits(primary):
    """The window is no bigger than the screen, and the page's primary button
    lies inside it (a page scrolls, not the window): at 100%, and at a large
    text size or on a small screen above all."""
    width, height = (int(n) for n in args.screen.split("x"))
    _, _, frame_w, frame_h = at.extents(ui.frame())
    button = ui.wait_find("push button", label(primary))
    box = at.extents(button)
    # Kept for note_primary, which most pages call next: one walk less.
    fitted[primary] = button
    tap.check(frame_w <= width and frame_h <= height and at.inside(box, (0, 0, frame_w, frame_h)),
              "at %d%% text on %s the window (%dx%d) fits the screen and shows “%s”"
              % (round(args.text_scale * 100), args.screen, frame_w, frame_h, label(primary)),
              "button at %r in a window of %dx%d" % (box, frame_w, frame_h))


# The primary button check_fits found, by its label, until note_primary takes it.
fitted = {}

# The primary button's bottom-right corner on each page: the same everywhere.
primary_corners = {}


def note_primary(primary):
    button = fitted.pop(primary, None) or ui.wait_find("push button", label(primary))
    box = at.extents(button)
    primary_corners[ui.page_title or primary] = (box[0] + box[2], box[1] + box[3])


def report_primary():
    corners = set(primary_corners.values())
    tap.check(len(corners) == 1, "the primary button stands in the same place on the %d pages"
              % len(primary_corners), repr(primary_corners))


def check_nothing_selected():
    """No page opens with text selected: the focus is a control, or a label
    with no selection."""
    obj = ui.focused()
    selected = 0
    if obj is not None and obj.getRoleName() == "label":
        try:
            selected = obj.queryText().getNSelections()
        except NotImplementedError:
            selected = 0
    tap.check(selected == 0, "“%s” opens with nothing selected (the focus: %s “%s”)"
              % (ui.page_title, obj.getRoleName() if obj else None, obj.name if obj else None))


def status_line(page):
    """The page's status line (the page's last child: a spinner, a label, a
    Cancel), read without walking the window: AT-SPI walks take seconds."""
    kids = at.children(page)
    return at.children(kids[-1]) if len(kids) > 1 else []


def status_text(page):
    for obj in status_line(page):
        if obj.getRoleName() == "label":
            return at.text_of(obj)
    return None


def wait_action(button, sentence, back=None, shot=None, keyboard_default=False):
    """Presses @button on a slowed sandbox: while it waits the page shows
    @sentence (and is busy for AT-SPI), the focus is on it or its Cancel,
    and Back, where the page has one, stays visible and insensitive. Then
    the sandbox answers at once, and runs at full speed until the next."""
    if args.latency:
        control_post("/faults", {"latencyMs": args.latency})
    page = ui.current_page() if args.latency else None
    back_button = ui.find("push button", label(back)) if args.latency and back else None
    if keyboard_default:
        ui.press_default(label(button))
    else:
        ui.press(label(button))
    if not args.latency:
        return
    text = label(sentence)
    shown = at.wait_until(lambda: status_text(page) == text, 10, interval=0.05)
    busy = at.states(page).contains(at.pyatspi.STATE_BUSY)
    focused = [o.getRoleName() for o in status_line(page)
               if at.states(o).contains(at.pyatspi.STATE_FOCUSED)]
    back_ok = back_button is None or (
        at.states(back_button).contains(at.pyatspi.STATE_VISIBLE) and
        not at.states(back_button).contains(at.pyatspi.STATE_SENSITIVE))
    if shot:
        ui.shot(shot)
    tap.check(shown, "while it waits, “%s” says “%s”" % (ui.page_title, text),
              "the status line says %r" % (status_text(page),))
    tap.check(busy, "while it waits, “%s” is marked busy for assistive technology (%s)"
              % (ui.page_title, "STATE_BUSY"))
    tap.check(focused, "the focus is on the sentence or its Cancel, for a screen reader to read "
              "(%s)" % ", ".join(focused))
    if back is not None:
        tap.check(back_button is not None and back_ok,
                  "“%s” stays in its place, insensitive, while the page waits" % label(back))
    control_post("/faults", {})


def wrong_entry(field, wrong, message, shot, press=None, clear=False):
    """Types @wrong into @field and goes on: the field is marked invalid, its
    message (starting with @message) shows whole, in the window and its
    views, beside it."""
    ui.type_into(label(field), wrong)
    if press is not None:
        ui.press_default(label(press))
    prefix = label(message)
    found = []

    def message_label():
        for obj in ui.visible():
            if obj.getRoleName() == "label" and at.text_of(obj).startswith(prefix):
                found.append(obj)
                return True
        return False
    if not at.wait_until(message_label):
        tap.check(False, "a wrong entry in “%s” says “%s”" % (label(field), prefix))
        return
    # The last of these roles that finds one, as a loop of finds had it.
    entry = ui.find_any(("entry", "password text", "text"), label(field), exact=True)
    # GTK 4.8 says STATE_INVALID (later versions STATE_INVALID_ENTRY); the
    # message is the field's description, which a screen reader reads.
    invalid = entry is not None and at.wait_until(
        lambda: at.states(entry).contains(pyatspi.STATE_INVALID) or
        at.states(entry).contains(pyatspi.STATE_INVALID_ENTRY))
    tap.check(invalid and (entry.description or "").startswith(prefix),
              "“%s” is marked invalid for assistive technology, its message its description"
              % label(field), "description: %r" % (entry.description if entry else None,))
    obj = found[-1]
    frame = at.extents(ui.frame())

    def shows():
        boxes = [at.extents(obj)] + [at.extents(v) for v in ui.views_of(obj)] + \
                [(0, 0, frame[2], frame[3])]
        return all(at.shows_in(inner, outer) for inner, outer in zip(boxes, boxes[1:]))
    tap.check(at.wait_until(shows),
              "on %s at %d%% text, “%s…” shows whole under its field"
              % (args.screen, round(args.text_scale * 100), prefix[:40]),
              "message at %r" % (at.extents(obj),))
    ui.shot(shot)
    if clear:
        # Refused as typed, the field keeps what was typed: empty it again.
        if ui.keyboard:
            for _ in wrong:
                ui.key(0xff08)
        else:
            ui.type_into(label(field), "")


# The session's message for a wrong SMS code (attempts left follow it).
WRONG_CODE = "The code is wrong. Check the SMS and type it again."


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
    if not at.wait_until(shows):
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
    at.wait_for(new_code, "a new QR login code (the old one: %s)" % other_than,
                seen=lambda: "the code %r" % at.text_of(shown_user_code()))
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
    at.wait_until(lambda: countdown_text() != first)
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
    ui.wait_text(label("The login was refused in the VNeID app.")[:20])
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


def save_copy(button, title, name, menu=None):
    path = os.path.join(saved, name)
    if os.path.exists(path):
        os.remove(path)   # a copy from an earlier run is not this one
    if menu is not None:
        ui.press(label(menu))
        # The formats are revealed once the press is handled (GTK answers an
        # AT-SPI click a moment later, and marks the button expanded then): a
        # format's button pressed before that is one not shown yet, and GTK
        # ignores it.
        menu_button = ui.wait_find("push button", label(menu))
        at.wait_for(lambda: at.states(menu_button).contains(pyatspi.STATE_EXPANDED),
                    "“%s” to show the formats" % label(menu), seen=lambda: "it not expanded")
    ui.save_as(label(button), label(title), path)
    # The chooser closes, then the program writes: a new file is created
    # and written in place, so it is whole once the program has closed it.
    at.wait_for(lambda: os.path.exists(path) and not open_in_program(path),
                "“%s” to write %s and close it" % (label(button), path),
                seen=lambda: "it %s" % ("open" if os.path.exists(path) else "not there"))
    saved_to = label("Saved: %s").replace("%s", path)
    tap.check(at.wait_until(lambda: ui.has_text(saved_to)),
              "the page's status line says where the copy went (“%s”)" % saved_to)
    with open(path, "rb") as copy:
        return copy.read()


def kept_sealed(name):
    """Whether the copy the program keeps beside its checkpoint is sealed
    (issue 13): neither a PDF nor the citizen's name or ID in clear."""
    with open(os.path.join(sandbox["data_dir"], "client", name), "rb") as kept:
        data = kept.read()
    return (len(data) > 0 and not data.startswith(b"%PDF-") and
            args.citizen.encode() not in data and citizen["name"].encode() not in data)


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

try:
    ui = at.App(program, keyboard=args.keyboard, shots=shots, log_path=log_path,
                on_focus=focus_in_view if args.keyboard else None)
    ui.wait_page(label("Welcome"))
    tap.check(True, "the welcome page is shown in %s" % args.language)
    ui.check_names(tap)
    check_fits("_Start")
    note_primary("_Start")
    check_nothing_selected()
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
    tap.check(ui.has_text("1. " + label("Log In to VNeID")) and
              ui.has_text("6. " + label("Check the Certificate")),
              "the sidebar numbers VNPT's six steps as the welcome page does")
    tap.check(not any(obj.getRoleName() == "label" and "://" in at.text_of(obj)
                      for obj in ui.visible()),
              "the QR login shows no web address, only the code and what to do in the app")
    check_nothing_selected()
    ui.shot("1-login")
    if args.login == "qr":
        log_in_by_qr()
    else:
        ui.type_into(label("_Citizen ID number"), args.citizen)
        ui.type_into(label("_VNeID password"), citizen["password"])
        wait_action("Send the _Code",
                    "Checking your password with VNeID and sending a code to your phone…",
                    back="_Back", shot="1-login-sending")
        code = outbox("vneid-login")
        if args.wrong_codes:
            wrong_entry("C_ode from the SMS (mã OTP)", str((int(code) + 1) % 1000000).zfill(6),
                        WRONG_CODE, "1-login-wrong-code", press="_Log In")
        ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
        check_fits("_Log In")
        note_primary("_Log In")
        ui.shot("1-login-code")
        wait_action("_Log In", "Logging you in to VNeID…", back="_Back",
                    shot="1-login-logging-in", keyboard_default=True)

    # 2. Xác nhận việc đăng ký
    page = ui.wait_page(label("Confirm the Registration"))
    tap.check(ui.has_text(citizen["name"]), "step 2 shows the citizen's name")
    ui.check_names(tap)
    check_fits("_Confirm")
    check_nothing_selected()
    tap.check(ui.find("push button", label("_Back")) is not None,
              "“%s” is offered on step 2, before anything is sent" % label("_Back"))
    ui.shot("2-confirm")
    if args.login == "qr":
        # The sandbox's clock is 10 minutes ahead now, and the rest of the
        # flow is the other runs': the window closes here, the step kept.
        ui.press("Close")
        tap.check(at.wait_until(lambda: program.poll() is not None),
                  "the window's Close ends the program at step 2")
        finish(0 if tap.ok else 1)
    ui.toggle(label("I _agree that VNeID shares the information above (my name, date of birth, "
                    "gender, citizen ID number, nationality, place of residence, phone number "
                    "and e-mail) with VNPT SmartCA, so that VNPT SmartCA can register my "
                    "digital signature certificate.")[:30])
    note_primary("_Confirm")
    wait_action("_Confirm", "Sending your registration to VNeID…", back="_Back",
                shot="2-confirm-sending")

    # 3. Khởi tạo dịch vụ VNPT SmartCA
    ui.wait_page(label("Set Up the VNPT SmartCA Service"))
    ui.check_names(tap)
    check_fits("_Open the VNPT SmartCA App")
    note_primary("_Open the VNPT SmartCA App")
    check_nothing_selected()
    ui.shot("3-initialize")
    initialize_page = ui.current_page()
    ui.press(label("_Open the VNPT SmartCA App"))
    if at.wait_until(lambda: status_text(initialize_page) in (
            label("Handing your registration over to VNPT SmartCA…"),
            label("VNPT SmartCA is receiving your registration from VNeID…")), 10, interval=0.05):
        ui.shot("3-initialize-waiting")

    # 4. Ký hợp đồng điện tử
    ui.wait_page(label("Sign the Electronic Contract"))
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    check_fits("_Sign the Contract")
    note_primary("_Sign the Contract")
    check_nothing_selected()
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
    if args.wrong_codes:
        wrong_entry("C_ode from the SMS (mã OTP)", str((int(code) + 1) % 1000000).zfill(6),
                    WRONG_CODE, "4-contract-wrong-code", press="_Sign the Contract")
    ui.type_into(label("C_ode from the SMS (mã OTP)"), code)
    ui.shot("4-contract-code")
    wait_action("_Sign the Contract", "Signing the contract…", shot="4-contract-signing",
                keyboard_default=True)

    # 5. Kích hoạt dịch vụ
    ui.wait_page(label("Activate the Service"))
    ui.check_names(tap)
    check_fits("_Activate")
    note_primary("_Activate")
    check_nothing_selected()
    ui.shot("5-activate")
    if args.wrong_codes:
        wrong_entry("New _PIN", "123456", "The PIN cannot be digits in a row, such as 123456 or "
                    "987654. Choose digits that are harder to guess.", "5-activate-refused-pin",
                    clear=True)
    ui.type_into(label("New _PIN"), PIN)
    ui.type_into(label("The same PIN _again"), PIN)
    activate_page = ui.current_page()
    ui.press_default(label("_Activate"))
    if at.wait_until(lambda: status_text(activate_page) == label(
            "Making the key that approves your signatures, protecting it with your PIN, and "
            "asking VNPT SmartCA for your certificate…"), 10, interval=0.05):
        ui.shot("5-activate-waiting")
    ui.wait_find("push button", label("_Sign the Acceptance Record"), timeout=300)
    ui.wait_name_contains("image", label("Page %u of %u").replace("%u", "1", 1)[:6])
    ui.check_names(tap)
    check_fits("_Sign the Acceptance Record")
    note_primary("_Sign the Acceptance Record")
    tap.check(ui.has_text(label("The PIN you have just chosen.")),
              "the acceptance record's PIN hint speaks of the PIN just chosen, not “above”")
    ui.shot("5-acceptance-record")
    if args.wrong_codes:
        wrong_entry("Your _PIN", "135792", "The PIN is wrong.", "5-acceptance-wrong-pin",
                    press="_Sign the Acceptance Record")
    ui.type_into(label("Your _PIN"), PIN)
    wait_action("_Sign the Acceptance Record", "Signing the acceptance record…",
                shot="5-acceptance-signing", keyboard_default=True)

    # 6. Kiểm tra thông tin chứng thư số
    ui.wait_page(label("Check the Certificate"), timeout=300)
    ui.wait_text(label("Your VNPT SmartCA Service Is Ready"))
    serial = issued_serial()
    tap.check(serial is not None, "the sandbox issued a certificate")
    tap.check(ui.has_text(citizen["name"]), "the certificate page shows the holder's name")
    tap.check(ui.has_text(label("Valid, ready to sign")),
              "the certificate page leads with its status: “%s”" % label("Valid, ready to sign"))
    check_nothing_selected()
    ui.shot("6-certificate")
    ui.expand(label("_Details"))
    tap.check(serial is not None and at.wait_until(lambda: ui.has_text(serial)),
              "under “%s”, the serial the sandbox issued (%s)" % (label("_Details"), serial))
    tap.check(not ui.has_text(args.citizen), "the certificate page masks the citizen ID")
    in_keyring, secret_tool_said = key_handle_in_keyring()
    tap.check(in_keyring, "the key handle is in the keyring", secret_tool_said)
    ui.check_names(tap)
    check_fits("_Continue")
    note_primary("_Continue")
    ui.shot("6-certificate-details")
    if args.save:
        issued = sandbox_row("SELECT certificate FROM credentials WHERE citizen_id = ?")[0]
        pem = save_copy("The Certificate, _PEM File (.pem)…", "Save the Certificate",
                        "certificate.pem", menu="Save a _Copy…")
        body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
        tap.check(openssl_serial(pem, "PEM") == serial and base64.b64decode(body) == issued,
                  "the PEM copy is the issued certificate: openssl reads serial %s"
                  % openssl_serial(pem, "PEM"))
        der = save_copy("The Certificate, _DER File (.cer)…", "Save the Certificate",
                        "certificate.cer", menu="Save a _Copy…")
        tap.check(der == issued and openssl_serial(der, "DER") == serial,
                  "the DER copy is the issued certificate: openssl reads serial %s"
                  % openssl_serial(der, "DER"))
        contract = save_copy("The Signed _Contract (PDF)…", "Save the Signed Contract",
                             "signed-contract.pdf", menu="Save a _Copy…")
        signed = sandbox_row("SELECT c.signed_pdf FROM contracts c JOIN registrations r "
                             "USING (registration_id) WHERE r.citizen_id = ?")
        tap.check(contract == signed[0],
                  "the signed contract's copy is the one signed (%d bytes)" % len(contract))
        tap.check(kept_sealed("signed-contract.pdf"),
                  "the signed contract the program keeps is sealed: no PDF, no name or ID in clear")
        # Signed with the SMS code, not a certificate: its last page names
        # the SHA-256 of the very contract the citizen read and saved.
        digest = base64.b64encode(hashlib.sha256(contract_copy).digest()).decode()
        text = subprocess.run(["pdftotext", os.path.join(saved, "signed-contract.pdf"), "-"],
                              capture_output=True, text=True).stdout
        tap.check(contract.startswith(b"%PDF-") and digest in "".join(text.split()),
                  "pdftotext reads, in the signed contract, the SHA-256 of the copy saved at "
                  "step 4 (%s)" % digest, text[-600:])
        record = save_copy("The Signed Acceptance _Record (PDF)…",
                           "Save the Signed Acceptance Record", "signed-acceptance-record.pdf",
                           menu="Save a _Copy…")
        ui.shot("6-certificate-saved")
        tap.check(record.startswith(b"%PDF-") and kept_sealed("signed-acceptance-record.pdf"),
                  "the signed acceptance record's copy is a PDF (%d bytes), and the one the program "
                  "keeps is sealed" % len(record))
        valid, out = signature_valid("signed-acceptance-record.pdf")
        tap.check(valid and citizen["name"] in out,
                  "pdfsig finds the acceptance record signed by %s, valid and trusted"
                  % citizen["name"], out)
    ui.press(label("_Continue"))

    ui.wait_page(label("Done"))
    ui.check_names(tap)
    check_nothing_selected()
    note_primary("_Close")
    report_primary()
    ui.shot("7-done")
    # For the benchmark (tests/bench/bench-ui.py): the program's peak memory
    # through the enrollment.
    with open("/proc/%d/status" % program.pid) as status:
        peak = next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), -1)
    with open(os.path.join(shots, "report.json"), "w") as report:
        json.dump({"peak_rss_kb": peak}, report)
    report_in_view()
    ui.press(label("_Close"))
    tap.check(at.wait_until(lambda: program.poll() is not None),
              "Close ends the program")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    at.screenshot(shots, "failure")
    tap.check(False, "the flow went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
