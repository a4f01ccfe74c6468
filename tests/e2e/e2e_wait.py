# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting by condition, never by the clock alone.

Every wait of the end-to-end drivers polls a condition and gives up only
after a limit that a loaded machine does not reach: two minutes for
anything the window does, more where a step's work is long. Each limit is
multiplied by $SMARTCA_E2E_PATIENCE (1 by default) for a slower machine. A
wait that gives up says what it waited for and what it saw instead."""

import os
import time

PATIENCE = float(os.environ.get("SMARTCA_E2E_PATIENCE", "1"))
# What the window does in answer to a citizen's action.
DEFAULT = 120
# A process's start, from exec to its window on the accessibility bus.
START = 300


def limit(seconds):
    """@seconds of waiting, as this machine's patience has it."""
    return seconds * PATIENCE


class Timeout(AssertionError):
    """A condition that did not come within its limit."""


class Gone(AssertionError):
    """Raised by a condition that can no longer come (the process it waits
    for has exited): the wait ends at once with it."""


def wait_until(condition, timeout=DEFAULT, interval=0.1):
    """Polls @condition (exceptions count as false: the accessible objects
    come and go as the window changes) until it holds; False when it has not
    within limit(@timeout) seconds."""
    deadline = time.monotonic() + limit(timeout)
    while True:
        try:
            if condition():
                return True
        except Gone:
            raise
        except Exception:  # noqa: BLE001
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_for(condition, what, seen=None, timeout=DEFAULT, interval=0.1):
    """Polls @condition until it returns a true value, and returns that.
    After limit(@timeout) seconds raises Timeout: "waited N s for @what",
    with what @seen() (a callable) says was there instead."""
    started = time.monotonic()
    deadline = started + limit(timeout)
    error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Gone:
            raise
        except Exception as e:  # noqa: BLE001
            error = e
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    message = "waited %.0f s for %s" % (time.monotonic() - started, what)
    if seen is not None:
        try:
            message += "; saw " + str(seen())
        except Exception as e:  # noqa: BLE001
            message += "; could not tell what was there (%r)" % e
    if error is not None:
        message += "; the last check raised %r" % error
    raise Timeout(message)
