#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A public-counter kiosk through AT-SPI: two citizens, and nothing of the
first left for the second.

  kiosk.py PROGRAM BUILD_ROOT

The kiosk runs as the README tells fleets to: `smartca-enroll --kiosk` with
glibc's malloc perturbation and GLib's slices on malloc (so that freed memory
is overwritten), its services configured (a smartca-sandbox run as a real
service, never the program's --sandbox), in a session with a private home
and an unlocked gnome-keyring. It runs in bubblewrap with the whole file
system read-only but its home, its runtime directory and private /tmp,
/var/tmp and /dev/shm: those are the only places it can write, and all of
them are searched. The first citizen enrolls in full, typing on
the keyboard and on the kiosk's on-screen keypad (every PIN and SMS code),
and walks away: "Are You Still There?" counts down, then the kiosk starts
over. Afterwards: the welcome page in the kiosk's default language, no
keyring item, no file written during the run (caches included) that holds
the citizen's name or ID, and neither in a core dump of the running kiosk
(gcore). The second citizen then logs in and meets only their own data.
Prints TAP; writes the list of files written during the run, and where in
memory anything was found, to BUILD_ROOT/tests/e2e/screenshots/kiosk.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import e2e_session  # noqa: E402

e2e_session.prepare()

import atspi_helpers as at  # noqa: E402 - pyatspi, once the session's bus is chosen
import e2e_sandbox as sbx  # noqa: E402
from e2e_windows import Windows  # noqa: E402

PROGRAM, BUILD = sys.argv[1], sys.argv[2]
FIRST, SECOND = "001093000001", "079301000123"
PIN = "274913"
# Twice the schema's smallest (30 s): on a loaded machine the driver's waits
# between two inputs (a page's answer, an SMS) are long, and only the walk-away
# is meant to reach it.
IDLE_TIMEOUT = 60
MEMORY_SETTINGS = {        # README, "Kiosk mode"
    "GLIBC_TUNABLES": "glibc.malloc.perturb=165:glibc.malloc.tcache_count=0",
    "G_SLICE": "always-malloc",
}

shots = os.path.join(BUILD, "tests", "e2e", "screenshots", "kiosk")
shutil.rmtree(shots, ignore_errors=True)
os.makedirs(shots)
work = tempfile.mkdtemp(prefix="enr-kiosk-test-")     # the test's own: not scanned
tap = at.Tap()
started = time.time()
sandbox = sbx.Sandbox(BUILD, os.path.join(work, "sandbox"), os.path.join(shots, "sandbox.log"))

# Where the kiosk can write: its home and runtime directory (keyring-run.sh
# made both private, in one directory) and private /tmp, /var/tmp, /dev/shm.
# Everything else is read-only to it; the sockets it needs are let through.
home = os.environ["HOME"]
session_dir = os.path.dirname(home)
writable = {"/tmp": os.path.join(work, "tmp"), "/var/tmp": os.path.join(work, "var-tmp"),
            "/dev/shm": os.path.join(work, "shm")}
for path in writable.values():
    os.makedirs(path)


def socket_paths():
    paths = ["/tmp/.X11-unix", os.environ.get("XAUTHORITY", "")]
    for variable in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS"):
        for part in os.environ.get(variable, "").split(";"):
            for item in part.split(","):
                if item.startswith("unix:path="):
                    paths.append(item[len("unix:path="):])
    return [p for p in paths if p and os.path.exists(p) and not p.startswith(session_dir)]


let_through = socket_paths()
confine = ["bwrap", "--ro-bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc"]
for inside, outside in writable.items():
    confine += ["--bind", outside, inside]
for path in let_through:
    confine += ["--bind", path, path]
confine += ["--bind", session_dir, session_dir,
            "--ro-bind", os.path.dirname(sandbox.urls["trust_anchor"]),
            os.path.dirname(sandbox.urls["trust_anchor"]), "--"]

env = dict(os.environ)
env.update(MEMORY_SETTINGS)
env.pop("LANGUAGE", None)
log_path = os.path.join(shots, "program.log")
log = open(log_path, "w")
program = subprocess.Popen(
    confine + [PROGRAM, "--kiosk", "--language", "vi", "--idle-timeout", str(IDLE_TIMEOUT)] +
    sandbox.program_args(), env=env, stdout=subprocess.DEVNULL, stderr=log)


def kiosk_pid():
    """The kiosk itself, bubblewrap's child: the process on the accessibility bus."""
    return ui.pid


def finish(code):
    program.terminate()
    try:
        program.wait(timeout=30)
    except subprocess.TimeoutExpired:
        program.kill()
    sandbox.stop()
    shutil.rmtree(work, ignore_errors=True)
    tap.done()
    sys.exit(code)


ui = None


def keypad(field, digits):
    """Types @digits into @field on the kiosk's on-screen keypad, as a finger
    would, and waits for each. GTK answers an AT-SPI click a moment later (a
    button shows itself pressed for a quarter of a second first, and
    ignores another click meanwhile), and the keypad types into the field
    that has the focus then: a key clicked again too soon, or the focus
    moved on too soon, would lose a digit or put it in the next field.
    Returns the field."""
    focus(field)
    entry = ui.find_any(("text", "password text", "entry"), field, exact=True)
    start = len(at.text_of(entry))
    for count, digit in enumerate(digits, 1):
        ui.click(ui.wait_find("push button", digit, exact=True))
        at.wait_for(lambda: len(at.text_of(entry)) >= start + count,
                    "the keypad to type digit %d of %d in “%s”" % (count, len(digits), field),
                    seen=lambda: "%d characters there" % len(at.text_of(entry)))
    return entry


def focus(field):
    """Tab to @field: the keypad comes to the field that has the focus (a
    finger would tap it; GTK 4.8 takes no focus through AT-SPI)."""
    type_on_keyboard(field, "")


def type_on_keyboard(field, text):
    """Real key presses: nothing of it travels in an accessibility message."""
    ui.keyboard = True
    try:
        ui.type_into(field, text)
    finally:
        ui.keyboard = False


def log_in(citizen_id, before_typing=None):
    """Step 1 as a citizen at the kiosk does it: the ID and password on the
    keyboard, the SMS code on the on-screen keypad."""
    citizen = sbx.CITIZENS[citizen_id]
    ui.press("Start")
    ui.wait_page("Log In to VNeID")
    if before_typing is not None:
        before_typing()
    type_on_keyboard("Citizen ID number", citizen_id)
    type_on_keyboard("VNeID password", citizen["password"])
    previous = sandbox.latest(citizen["phone"], "vneid-login")
    ui.press("Send the Code")
    code = sandbox.outbox(citizen["phone"], "vneid-login", after=previous)
    field = keypad("Code from the SMS (mã OTP)", code)
    typed = at.wait_until(lambda: "".join(filter(str.isdigit, at.text_of(field))) == code)
    tap.check(typed, "the on-screen keypad typed the SMS code (%s)" % citizen["name"],
              "the field holds %d digits of %d, on “%s”; windows %s" % (
                  len("".join(filter(str.isdigit, at.text_of(field)))), len(code),
                  ui.frame_name(), ui.window_names()))
    if not typed:
        raise AssertionError("the SMS code was not typed")
    ui.press_default("Log In")
    ui.wait_page("Confirm the Registration")


def enroll(citizen_id):
    citizen = sbx.CITIZENS[citizen_id]
    log_in(citizen_id)
    tap.check(ui.has_text(citizen["name"]), "step 2 shows the citizen's own name")
    ui.toggle("I agree that VNeID shares the information above")
    ui.press("Confirm")
    ui.wait_page("Set Up the VNPT SmartCA Service")
    ui.press("Open the VNPT SmartCA App")

    ui.wait_page("Sign the Electronic Contract")
    ui.wait_name_contains("image", "Page 1")
    ui.toggle("I have read the contract and I agree to it")
    previous = sandbox.latest(citizen["phone"], "contract")
    ui.press("Send the Code")
    code = sandbox.outbox(citizen["phone"], "contract", after=previous)
    keypad("Code from the SMS (mã OTP)", code)
    ui.press("Sign the Contract")

    ui.wait_page("Activate the Service")
    keypad("New PIN", PIN)
    keypad("The same PIN again", PIN)
    ui.shot("5-activate-keypad")
    ui.press("Activate")
    ui.wait_find("push button", "Sign the Acceptance Record", timeout=300)
    keypad("Your PIN", PIN)
    ui.press("Sign the Acceptance Record")

    ui.wait_page("Check the Certificate", timeout=300)
    ui.wait_text("Your VNPT SmartCA Service Is Ready")
    tap.check(ui.find("push button", "Save") is None, "a kiosk saves nothing to a file")
    ui.press("Continue")
    ui.wait_page("Done")


# --- Where things are ----------------------------------------------------------------

def countdown():
    """The seconds "Are You Still There?" shows, or None."""
    text = ui.text_of_role("timer", "")
    return int(text) if text is not None and text.strip().isdigit() else None


def keyring_items():
    """Every item in every collection of the session's keyring, by label."""
    import gi
    gi.require_version("Secret", "1")
    from gi.repository import Secret
    service = Secret.Service.get_sync(Secret.ServiceFlags.LOAD_COLLECTIONS, None)
    found = []
    for collection in service.get_collections() or []:
        collection.load_items_sync(None)
        found += ["%s: %s %s" % (collection.get_label(), item.get_label(), item.get_attributes())
                  for item in collection.get_items() or []]
    return found


def written_files():
    """Every file in the places the kiosk can write to (the sockets let
    through are not files), as the kiosk named them."""
    found = []
    for top in [session_dir] + list(writable.values()):
        for dirpath, _, names in os.walk(top):
            for name in names:
                path = os.path.join(dirpath, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    found.append(path)
    inside = {outside: inside for inside, outside in writable.items()}
    named = []
    for path in sorted(found):
        for outside, mount in inside.items():
            if path.startswith(outside + "/"):
                path = mount + path[len(outside):]
        named.append((path, os.path.getsize(path) if os.path.exists(path) else -1))
    return sorted(found), named


def needles(citizen_id):
    name = sbx.CITIZENS[citizen_id]["name"]
    return {"name (UTF-8)": name.encode("utf-8"),
            "name (upper case)": name.upper().encode("utf-8"),
            "name (UTF-16)": name.encode("utf-16-le"),
            "citizen ID": citizen_id.encode(),
            "citizen ID (UTF-16)": citizen_id.encode("utf-16-le")}


def search_file(path, wanted):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    return [what for what, needle in wanted.items() if needle in data]


def core_segments(core):
    """The core's PT_LOAD segments: (file offset, size, address)."""
    with open(core, "rb") as f:
        header = f.read(64)
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    segments = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", table,
                                                                       i * phentsize)
        if p_type == 1 and p_filesz > 0:
            segments.append((p_offset, p_filesz, p_vaddr))
    return segments


def where(maps, address):
    for line in maps:
        span, rest = line.split(" ", 1)
        low, high = (int(x, 16) for x in span.split("-"))
        if low <= address < high:
            return line.strip()
    return "?"


def search_core(pid, wanted):
    """gcore of the running kiosk, searched; each hit with the mapping it lies in."""
    with open("/proc/%d/maps" % pid) as f:
        maps = f.readlines()
    core = os.path.join(work, "kiosk.core")
    subprocess.run(["gcore", "-o", core, str(pid)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=300)
    core = "%s.%d" % (core, pid)
    hits = []
    size = os.path.getsize(core)
    with open(core, "rb") as f:
        data = f.read()
    for what, needle in wanted.items():
        start = data.find(needle)
        while start >= 0:
            for offset, length, address in core_segments(core):
                if offset <= start < offset + length:
                    hits.append((what, hex(address + start - offset),
                                 where(maps, address + start - offset)))
                    break
            start = data.find(needle, start + 1)
    del data
    os.unlink(core)
    return size, hits


# --- The run ---------------------------------------------------------------------------

try:
    ui = Windows(program, shots=shots, log_path=log_path)
    ui.wait_page("Chào mừng")
    tap.check(True, "the kiosk opens on the welcome page, in its own language (Vietnamese)")
    tap.check(not ui.has_text("Use My SmartCA on This Computer") and
              not ui.has_text("Dùng SmartCA của tôi trên máy tính này"),
              "a kiosk offers no linking of this computer")
    ui.press("English")
    ui.wait_page("Welcome")
    tap.check(True, "the first citizen switches to English")

    enroll(FIRST)
    tap.check(ui.has_text("nothing of yours stays on this kiosk"),
              "the closing page says nothing stays, and how to link a computer later")
    ui.press("Print a Receipt")
    ui.wait_text("No receipt printer is set up at this kiosk")
    tap.check(True, "with no printer the receipt is refused, never written to a file")
    ui.check_names(tap)
    ui.shot("7-done")

    # The citizen walks away.
    ui.use("Are You Still There?", timeout=IDLE_TIMEOUT + at.DEFAULT)
    first_count = countdown()
    ui.shot("8-still-there")
    # However slow the machine, the next second shows before the reset.
    at.wait_until(lambda: countdown() not in (None, first_count))
    later_count = countdown()
    tap.check(first_count is not None and later_count is not None and
              0 <= later_count < first_count <= 30,
              "“Are You Still There?” counts down (%s, then %s)" % (first_count, later_count))
    tap.check(ui.has_text("erases everything you entered"), "and says what happens at 0")
    here = ui.wait_find("push button", "I Am Still Here")
    tap.check(at.states(here).contains(at.pyatspi.STATE_FOCUSED),
              "its answer has the keyboard focus")
    ui.wait_gone("Are You Still There?")
    ui.target = None
    # The kiosk builds its new welcome page once the reset is over (the
    # revocations answered, the last session gone: enr-kiosk.c).
    ui.wait_page("Chào mừng")
    tap.check(True, "the kiosk starts over, on the welcome page, in Vietnamese again")

    # Nothing of the first citizen is left.
    items = keyring_items()
    tap.check(not items, "no keyring item exists (the kiosk's keyring is empty)", items)
    files, named = written_files()
    with open(os.path.join(shots, "files-written.txt"), "w") as report:
        report.write("".join("%8d %s\n" % (size, path) for path, size in named))
    holding = [(path, search_file(path, needles(FIRST))) for path in files]
    holding = [(path, what) for path, what in holding if what]
    tap.check(not holding, "no file written during the run (%d, caches included) holds the "
              "first citizen's name or ID" % len(files), holding)
    # What the kiosk shows now must be found: the search itself is checked.
    shown = {"the welcome page's heading": "Đăng ký chữ ký số VNPT SmartCA".encode()}
    wanted = dict(needles(FIRST))
    wanted.update(shown)
    size, hits = search_core(kiosk_pid(), wanted)
    control = [hit for hit in hits if hit[0] in shown]
    hits = [hit for hit in hits if hit[0] not in shown]
    with open(os.path.join(shots, "core-hits.json"), "w") as report:
        json.dump({"core_bytes": size, "hits": hits, "control": control[:5]}, report, indent=1)
    tap.check(control, "the core dump holds what the kiosk shows now (its welcome heading)")
    tap.check(not hits, "the first citizen's name and ID are absent from a core dump of the "
              "kiosk (%d MB)" % (size // 1000000), "\n".join(map(str, hits[:20])))

    # The next citizen meets only their own data. On a loaded machine the
    # searches above can outlast the idle timeout: the kiosk then asks
    # whether anyone is there, and the citizen who has just walked up
    # answers (a real click, which the idle watch counts as activity).
    if "Are You Still There?" in ui.window_names():
        ui.target = "Are You Still There?"
        here = ui.find("push button", "I Am Still Here")
        if here is not None:
            ui.click(here)
        ui.target = None
        ui.wait_gone("Are You Still There?")
        ui.wait_page("Chào mừng")
    ui.press("English")
    ui.wait_page("Welcome")
    log_in(SECOND, before_typing=lambda: tap.check(
        not ui.has_text(FIRST), "the login page holds nothing of the first citizen"))
    citizen = sbx.CITIZENS[SECOND]
    tap.check(ui.has_text(citizen["name"]) and not ui.has_text(sbx.CITIZENS[FIRST]["name"]),
              "the second citizen sees their own identity, and nothing of the first")
except Exception as error:  # noqa: BLE001 - the test reports any failure as TAP
    at.screenshot(shots, "failure")
    tap.check(False, "the kiosk run went through: %r" % error)
    finish(1)

finish(0 if tap.ok else 1)
