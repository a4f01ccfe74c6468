#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The key handle across restarts and kills, against a real keyring.

Run inside keyring-run.sh (gnome-keyring or file mode), with the path of
key-store-tool; every tool run is a fresh start of the program. The test
plays SmartCA's part of the PIN guard: it holds the share, and says which
PIN it accepts. Prints TAP.

- a change of PIN killed (SIGKILL) at each step of the store's part, and
  at random moments, always leaves one handle that opens with whichever
  PIN SmartCA accepts (the old one when it never heard of the change, the
  new one when it did), and the open that follows keeps that wrapping alone;
- no 8-byte window of the key's PKCS#8 DER, p, q or d is in the stored
  secret, the keyring's files, or any file under the test's home.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

TOOL = sys.argv[1]
HOME = os.environ["ENR_TEST_HOME"]
ROOT = os.path.dirname(HOME)
PIN_A = "246810"
PIN_B = "482913"
SHARE = "a5" * 32
ADD_STEPS = ["unwrapped", "rewrapped", "pending-stored"]
OPEN_STEPS = ["opened", "settled"]

def tool(*args, env=None):
    proc = subprocess.run([TOOL] + list(args), stdout=subprocess.PIPE, text=True, env=env,
                          timeout=120)
    line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    return proc.returncode, json.loads(line)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def handle(name):
    return "handle-" + name


def service(name):
    return "https://127.0.0.1:8443/smartca/" + name


def opens(name, pin, env=None):
    code, out = tool("open", handle(name), service(name), pin, SHARE, env=env)
    check(code == 0, f"open exited {code}")
    return out


def count(name):
    code, out = tool("count", service(name))
    check(code == 0, f"count exited {code}")
    return out["count"]


def create(name, env=None):
    code, created = tool("create", handle(name), service(name), PIN_A, SHARE, env=env)
    check(code == 0 and created["result"] == "ok", created)
    return created


def settle_with(name, accepted, refused, spki, env=None):
    """SmartCA accepts @accepted: it opens, keeps one wrapping; @refused no longer opens."""
    out = opens(name, accepted, env=env)
    check(out["result"] == "ok" and out["spki"] == spki, f"{accepted} does not open: {out}")
    check(not out["pending"], f"two wrappings are left after an open: {out}")
    out = opens(name, refused, env=env)
    check(out["result"] == "not-opened", f"{refused} still opens: {out}")


def test_add_pending_killed_at_each_step():
    for step in ADD_STEPS:
        # SmartCA never heard of the change: the old PIN's key opens.
        for accepted, refused in ((PIN_A, PIN_B), (PIN_B, PIN_A)):
            if step != "pending-stored" and accepted == PIN_B:
                continue   # SmartCA is asked only once the new wrapping is kept
            name = f"add-{step}-{accepted}"
            created = create(name)
            code, _ = tool("add-pending", handle(name), service(name), PIN_A, PIN_B, SHARE, step)
            check(code == -signal.SIGKILL, f"add-pending was not killed at {step} ({code})")
            check(count(name) == 1, f"not one handle after a kill at {step}")
            settle_with(name, accepted, refused, created["spki"])


def test_settle_killed_at_each_step():
    for step in OPEN_STEPS:
        for accepted, refused in ((PIN_A, PIN_B), (PIN_B, PIN_A)):
            name = f"settle-{step}-{accepted}"
            created = create(name)
            code, out = tool("add-pending", handle(name), service(name), PIN_A, PIN_B, SHARE)
            check(code == 0 and out["result"] == "ok", out)
            code, _ = tool("open", handle(name), service(name), accepted, SHARE, step)
            check(code == -signal.SIGKILL, f"open was not killed at {step} ({code})")
            check(count(name) == 1, f"not one handle after a kill at {step}")
            settle_with(name, accepted, refused, created["spki"])


def test_change_killed_at_random():
    name = "killed-random"
    env = dict(os.environ, ENR_TEST_ITERATIONS="40000")
    created = create(name, env=env)
    # How long one change takes, to aim the kills inside it.
    started = time.monotonic()
    code, out = tool("add-pending", handle(name), service(name), PIN_A, PIN_B, SHARE, env=env)
    check(out["result"] == "ok", out)
    settle_with(name, PIN_B, PIN_A, created["spki"], env=env)
    duration = time.monotonic() - started
    current, other = PIN_B, PIN_A
    rng = random.Random(4)
    killed = 0
    for _ in range(12):
        proc = subprocess.Popen([TOOL, "add-pending", handle(name), service(name), current,
                                 other, SHARE], stdout=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(signal.SIGKILL)
        if proc.wait() == -signal.SIGKILL:
            killed += 1
        check(count(name) == 1, "not one handle after a kill")
        # Half the time SmartCA took the change before the kill.
        if rng.random() < 0.5:
            out = opens(name, other, env=env)
            if out["result"] == "ok":
                current, other = other, current
                continue
        out = opens(name, current, env=env)
        check(out["result"] == "ok" and out["spki"] == created["spki"], out)
    check(killed > 0, "no run was killed")


def windows(data):
    return {data[i:i + 8] for i in range(len(data) - 7)}


def find_window(data, secret_windows):
    for i in range(len(data) - 7):
        if data[i:i + 8] in secret_windows:
            return i
    return -1


def test_no_key_bytes_anywhere():
    name = "windows"
    created = create(name)
    secrets = {name: bytes.fromhex(created[name]) for name in ("pkcs8", "p", "q", "d")}
    check(all(len(v) >= 128 for v in secrets.values()), "short secrets")
    secret_windows = set()
    for value in secrets.values():
        secret_windows |= windows(value)
    # The scanner finds what it looks for.
    check(find_window(b"xx" + secrets["q"][40:48] + b"yy", secret_windows) == 2, "control")

    # Exercise the handle: an open, a change of PIN, an open that settles it.
    check(opens(name, PIN_A)["result"] == "ok", "open")
    check(tool("add-pending", handle(name), service(name), PIN_A, PIN_B, SHARE)[1]["result"]
          == "ok", "change")
    check(opens(name, PIN_B)["result"] == "ok", "settle")

    _, dumped = tool("dump", handle(name), service(name))
    stored = bytes.fromhex(dumped["secret"])
    check(len(stored) > 1200, "stored secret")
    at = find_window(stored, secret_windows)
    check(at < 0, f"the stored secret holds key bytes at {at}")

    scanned = 0
    keyring_files = 0
    for directory, _, names in os.walk(ROOT):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            scanned += 1
            if "keyrings" in directory:
                keyring_files += 1
            at = find_window(data, secret_windows)
            check(at < 0, f"{os.path.relpath(path, ROOT)} holds key bytes at {at}")
    check(keyring_files > 0, "no keyring file was written")
    print(f"# scanned {scanned} files ({keyring_files} in keyrings)")


TESTS = [
    test_add_pending_killed_at_each_step,
    test_settle_killed_at_each_step,
    test_change_killed_at_random,
    test_no_key_bytes_anywhere,
]


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for number, test in enumerate(TESTS, 1):
        name = test.__name__[len("test_"):].replace("_", "-")
        try:
            test()
            print(f"ok {number} {name}")
        except Exception as error:  # a failed check or a tool that broke
            failed += 1
            print(f"not ok {number} {name}")
            print(f"# {type(error).__name__}: {error}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
