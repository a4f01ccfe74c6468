#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A change of PIN killed at every point, against a sandbox and a real keyring.

Run inside tests/crypto/keyring-run.sh gnome-keyring, with the paths of
pin-tool and smartca-sandbox: every tool run is a start of the program (a
session resumed from the state directory and the keyring). Prints TAP.

PROTOCOL.md ("PIN guard"): the client keeps the KAK wrapped under the new
PIN beside the old wrapping before it calls ssa/sic/pin/change, and after
any unlock keeps the wrapping that opens with the share SmartCA gave. So
wherever the program dies, the key then opens with whichever PIN SmartCA
accepts: the old one when it died before the call, the new one after.
A kill within a renewal of the SmartCA login loses the login (SmartCA has
voided the refresh token the keyring holds), never the key: after the new
VNeID login the program asks for, it opens as before.
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

TOOL, SANDBOX = sys.argv[1], sys.argv[2]
CITIZEN = "001093000001"
PIN_A, PIN_B = "274913", "583061"
# The key store's steps, in order; SmartCA is asked between the third and
# the fourth.
BEFORE_CALL = ["unwrapped", "rewrapped", "pending-stored"]
AFTER_CALL = ["opened", "settled"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Sandbox:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="enr-pin-change-")
        self.log = open(os.path.join(self.dir, "sandbox.log"), "w")
        self.proc = subprocess.Popen([SANDBOX, "--listen", "127.0.0.1:0", "--data-dir",
                                      os.path.join(self.dir, "data"), "--sync-delay-ms", "0"],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.line = self.proc.stdout.readline().strip()
        check(self.line.startswith("{"), "the sandbox did not start")
        json.loads(self.line)
        self.state = os.path.join(self.dir, "state")
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def tool(sandbox, *args):
    proc = subprocess.run([TOOL, sandbox.line, sandbox.state] + list(args),
                          stdout=subprocess.PIPE, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    return proc.returncode, json.loads(lines[-1]) if lines else {}


def which_pin_opens(sandbox, first, second, logins=None):
    """The PIN the key opens with now, trying @first then @second; the open
    that worked left one wrapping. With @logins (a list), a lost SmartCA
    login is not a failure: the citizen logs in to VNeID again, as the
    program then asks, and the login is appended to @logins."""
    for pin in (first, second):
        code, out = tool(sandbox, "unlock", pin)
        check(code == 0, f"unlock exited {code}")
        if out["result"] == "logged-out" and logins is not None:
            code, login = tool(sandbox, "login", CITIZEN)
            check(code == 0 and login["result"] == "ok", f"the new login failed: {login}")
            logins.append(pin)
            code, out = tool(sandbox, "unlock", pin)
            check(code == 0, f"unlock exited {code}")
        if out["result"] == "ok":
            check(not out["pending"], f"two wrappings left after an unlock: {out}")
            return pin
        check(out["result"] == "wrong-pin", f"neither the key nor a wrong PIN: {out}")
    raise AssertionError("neither the old nor the new PIN opens the key")


def test_killed_at_each_point(sandbox):
    current, other = PIN_A, PIN_B
    for step in BEFORE_CALL + AFTER_CALL:
        code, _ = tool(sandbox, "change", current, other, step)
        check(code == -signal.SIGKILL, f"the change was not killed at {step} ({code})")
        expected = other if step in AFTER_CALL else current
        unexpected = current if expected == other else other
        opened = which_pin_opens(sandbox, expected, unexpected)
        check(opened == expected, f"killed at {step}: {opened} opens, {expected} expected")
        # The key opens with the other PIN not at all: SmartCA takes one. (The
        # next change's check of the right PIN resets the count it costs.)
        code, out = tool(sandbox, "unlock", unexpected)
        check(out["result"] == "wrong-pin", f"killed at {step}: {unexpected} opens too: {out}")
        current, other = expected, unexpected
    # And a change left alone goes through.
    code, out = tool(sandbox, "change", current, other)
    check(code == 0 and out["result"] == "ok" and not out["pending"], out)
    check(which_pin_opens(sandbox, other, current) == other, "after a whole change")
    return other


def test_killed_at_random(sandbox, current):
    other = PIN_A if current == PIN_B else PIN_B
    started = time.monotonic()
    code, out = tool(sandbox, "change", current, other)
    check(out["result"] == "ok", out)
    duration = time.monotonic() - started
    current, other = other, current
    rng = random.Random(13)
    killed = 0
    # Every start renews the SmartCA login, and SmartCA voids the old
    # refresh token as it hands out the new one (PROTOCOL.md, "Token"): a
    # kill after its answer and before the keyring has the new token loses
    # the login. The key is not lost: after a new VNeID login it opens.
    logins = []
    for _ in range(6):
        proc = subprocess.Popen([TOOL, sandbox.line, sandbox.state, "change", current, other],
                                stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(signal.SIGKILL)
        if proc.wait() == -signal.SIGKILL:
            killed += 1
        opened = which_pin_opens(sandbox, current, other, logins)
        if opened == other:
            current, other = other, current
    check(killed > 0, "no run was killed")
    print(f"# {killed} of 6 runs killed; {len(logins)} of them lost the SmartCA login "
          "(killed within a renewal) and the citizen logged in again")
    return current


def test_login_lost(sandbox, current):
    """A kill within a renewal, made certain: the login is lost, the key is not."""
    other = PIN_A if current == PIN_B else PIN_B
    code, out = tool(sandbox, "renew-unkept")
    check(code == 0 and out["result"] == "ok", f"the renewal failed: {out}")
    # The first unlock finds the login lost (the voided token no longer
    # logs in), and the one after the new login opens the key.
    logins = []
    opened = which_pin_opens(sandbox, current, other, logins)
    check(logins == [current], f"the voided refresh token still logs in (logins: {logins})")
    check(opened == current, f"after a new login {opened} opens, {current} expected")
    code, out = tool(sandbox, "unlock", other)
    check(out["result"] == "wrong-pin", f"after a new login {other} opens too: {out}")


def main():
    print("1..3")
    failed = 0
    with Sandbox() as sandbox:
        code, out = tool(sandbox, "enroll", CITIZEN, PIN_A)
        if out.get("result") != "ok":
            print(f"Bail out! the enrollment failed: {out}")
            return 1
        current = PIN_A
        for number, (name, run) in enumerate(
                [("killed-at-each-point", lambda: test_killed_at_each_point(sandbox)),
                 ("killed-at-random", lambda: test_killed_at_random(sandbox, current)),
                 ("login-lost", lambda: test_login_lost(sandbox, current))], 1):
            try:
                result = run()
                if isinstance(result, str):
                    current = result
                print(f"ok {number} {name}")
            except Exception as error:  # a failed check or a tool that broke
                failed += 1
                print(f"not ok {number} {name}")
                print(f"# {type(error).__name__}: {error}")
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
