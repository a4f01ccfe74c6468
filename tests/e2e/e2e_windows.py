# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's windows beyond the wizard, through AT-SPI: "Your SmartCA",
its dialogs, the change of device, a kiosk's "Are you still there?". A window
is told by its name (its title)."""

import time

import pyatspi

import atspi_helpers as at


class Windows(at.App):
    """at.App, aimed at one top-level window of the program at a time."""

    def __init__(self, name, keyboard=False, shots="."):
        self.target = None
        super().__init__(name, keyboard=keyboard, shots=shots)

    def windows(self):
        return [child for child in at.children(self._app())
                if child.getRoleName() in ("frame", "filler", "window", "dialog", "alert")]

    def window_names(self):
        return [w.name for w in self.windows()]

    def frame(self):
        windows = self.windows()
        if self.target is not None:
            for window in windows:
                if window.name == self.target:
                    return window
            return None
        return windows[0] if windows else None

    def use(self, name, timeout=60):
        """Aims at the window titled @name once it is there."""
        self.target = name
        if not at.wait_until(lambda: self.frame() is not None, timeout):
            raise AssertionError("no window “%s”; there are %s" % (name, self.window_names()))
        time.sleep(0.3)

    def wait_gone(self, name, timeout=60):
        if not at.wait_until(lambda: name not in self.window_names(), timeout):
            raise AssertionError("the window “%s” stays open" % name)

    def visible(self):
        # The wizard keeps its pages that are not shown in the tree; the other
        # windows hide what they do not show.
        if self.target is not None and not any(
                p.name == "EnrWelcomePage" for p in self._pages()):
            return self._walk(self.frame())
        return super().visible()

    def text_of_role(self, role, contains):
        for obj in self.visible():
            if obj.getRoleName() == role:
                text = at.text_of(obj) or obj.name or ""
                if contains in text:
                    return text
        return None

    def click(self, obj):
        self._click(obj)
        time.sleep(0.2)
