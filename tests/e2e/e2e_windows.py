# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's windows beyond the wizard, through AT-SPI: "Your SmartCA",
its dialogs, the change of device, a kiosk's "Are you still there?". A window
is told by its name (its title)."""

import atspi_helpers as at


class Windows(at.App):
    """at.App, aimed at one top-level window of the program at a time."""

    def __init__(self, process, keyboard=False, shots=".", log_path=None):
        self.target = None
        super().__init__(process, keyboard=keyboard, shots=shots, log_path=log_path)

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

    def use(self, name, timeout=at.DEFAULT):
        """Aims at the window titled @name once it is there."""
        self.target = name
        at.wait_for(lambda: self.frame() is not None, "the window “%s”" % name,
                    seen=lambda: "the windows %s" % self.window_names(), timeout=timeout)

    def wait_gone(self, name, timeout=at.DEFAULT):
        at.wait_for(lambda: name not in self.window_names(), "the window “%s” to close" % name,
                    seen=lambda: "it open", timeout=timeout)

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
