#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The key handle across restarts and kills, against a real keyring.

Run inside keyring-run.sh (gnome-keyring or file mode), with the path of
key-store-tool; every tool run is a fresh start of the program. Prints TAP.

- five wrong PINs lock the handle, counted across restarts;
- change-PIN killed (SIGKILL) at each step, and at random moments, always
  leaves one handle that opens with the old PIN or the new one;
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
CITIZEN = "001093000001"
PIN_A = "246810"
PIN_B = "482913"
WRONG = "135792"
STEPS = ["counted", "unwrapped", "rewrapped", "stored"]

results = []


def tool(*args, env=None):
    proc = subprocess.run([TOOL] + list(args), stdout=subprocess.PIPE, text=True, env=env,
                          timeout=120)
    line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    return proc.returncode, json.loads(line)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def service(name):
    return "https://127.0.0.1:8443/smartca/" + name


def opens_with(svc, pin):
    code, out = tool("unlock", CITIZEN, svc, pin)
    check(code == 0, f"unlock exited {code}")
    return out


def count(svc):
    code, out = tool("count", CITIZEN, svc)
    check(code == 0, f"count exited {code}")
    return out["count"]


def test_lockout_across_restarts():
    svc = service("lockout")
    _, created = tool("create", CITIZEN, svc, PIN_A)
    check(created["result"] == "ok", created)
    for i in range(1, 5):
        out = opens_with(svc, WRONG)
        check(out["result"] == "wrong-pin" and out["attempts_left"] == 5 - i, out)
    out = opens_with(svc, WRONG)
    check(out["result"] == "locked" and out["attempts_left"] == 0, out)
    out = opens_with(svc, PIN_A)
    check(out["result"] == "locked", f"the right PIN opened a locked handle: {out}")


def test_right_pin_resets_across_restarts():
    svc = service("reset")
    tool("create", CITIZEN, svc, PIN_A)
    for _ in range(3):
        check(opens_with(svc, WRONG)["result"] == "wrong-pin", "wrong PIN")
    check(opens_with(svc, PIN_A)["result"] == "ok", "right PIN")
    out = opens_with(svc, WRONG)
    check(out["attempts_left"] == 4, f"the count did not start again: {out}")


def which_pin_opens(svc, first, second, spki):
    """The PIN that opens the handle now, trying @first then @second."""
    for pin in (first, second):
        out = opens_with(svc, pin)
        if out["result"] == "ok":
            check(out["spki"] == spki, "a different key came out")
            return pin
        check(out["result"] == "wrong-pin", f"neither a key nor a wrong PIN: {out}")
    raise AssertionError("neither the old nor the new PIN opens the handle")


def test_change_pin_killed_at_each_step():
    for step in STEPS:
        svc = service("killed-" + step)
        _, created = tool("create", CITIZEN, svc, PIN_A)
        code, _ = tool("change-pin", CITIZEN, svc, PIN_A, PIN_B, step)
        check(code == -signal.SIGKILL, f"change-pin was not killed at {step} ({code})")
        check(count(svc) == 1, f"not one handle after a kill at {step}")
        expected = PIN_B if step == "stored" else PIN_A
        other = PIN_A if expected == PIN_B else PIN_B
        opened = which_pin_opens(svc, expected, other, created["spki"])
        check(opened == expected, f"killed at {step}: {opened} opens, {expected} expected")


def test_change_pin_killed_at_random():
    svc = service("killed-random")
    env = dict(os.environ, ENR_TEST_ITERATIONS="40000")
    _, created = tool("create", CITIZEN, svc, PIN_A, env=env)
    # How long one change takes, to aim the kills inside it.
    started = time.monotonic()
    code, out = tool("change-pin", CITIZEN, svc, PIN_A, PIN_B, env=env)
    check(out["result"] == "ok", out)
    duration = time.monotonic() - started
    current, other = PIN_B, PIN_A
    rng = random.Random(4)
    killed = 0
    for _ in range(12):
        proc = subprocess.Popen([TOOL, "change-pin", CITIZEN, svc, current, other],
                                stdout=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(signal.SIGKILL)
        if proc.wait() == -signal.SIGKILL:
            killed += 1
        check(count(svc) == 1, "not one handle after a kill")
        opened = which_pin_opens(svc, current, other, created["spki"])
        if opened == other:
            current, other = other, current
    check(killed > 0, "no run was killed")


def windows(data):
    return {data[i:i + 8] for i in range(len(data) - 7)}


def find_window(data, secret_windows):
    for i in range(len(data) - 7):
        if data[i:i + 8] in secret_windows:
            return i
    return -1


def test_no_key_bytes_anywhere():
    svc = service("windows")
    _, created = tool("create", CITIZEN, svc, PIN_A)
    secrets = {name: bytes.fromhex(created[name]) for name in ("pkcs8", "p", "q", "d")}
    check(all(len(v) >= 128 for v in secrets.values()), "short secrets")
    secret_windows = set()
    for value in secrets.values():
        secret_windows |= windows(value)
    # The scanner finds what it looks for.
    check(find_window(b"xx" + secrets["q"][40:48] + b"yy", secret_windows) == 2, "control")

    # Exercise the handle: a wrong PIN, an unlock, a change of PIN.
    opens_with(svc, WRONG)
    check(opens_with(svc, PIN_A)["result"] == "ok", "unlock")
    check(tool("change-pin", CITIZEN, svc, PIN_A, PIN_B)[1]["result"] == "ok", "change")

    _, dumped = tool("dump", CITIZEN, svc)
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
    test_lockout_across_restarts,
    test_right_pin_resets_across_restarts,
    test_change_pin_killed_at_each_step,
    test_change_pin_killed_at_random,
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
