# SPDX-License-Identifier: GPL-3.0-or-later
"""AT-SPI as a screen reader user meets the program: find by role and name, press,
type, read; or, in keyboard mode, reach everything with Tab and act with Space,
Enter and typing. Notes for GTK 4.8: STATE_SHOWING is not reported below the
window, so the current page is told by its heading; a button's name reads
"_Label Label"; a control without a name reads as its type ("GtkLabel")."""

import os
import re
import subprocess
import sys
import time

import pyatspi

import e2e_program
from e2e_wait import DEFAULT, START, limit, wait_for, wait_until  # noqa: F401 - for the drivers

# libatspi gives up on a call that the program has not answered in 0.8 s
# (15 s while it starts), raising "Did not receive a reply": a program whose
# main loop is busy a second (GL on llvmpipe compiling a shader), on a
# loaded machine, is not a failure. As long as any other wait.
pyatspi.setTimeout(int(limit(DEFAULT) * 1000), int(limit(START) * 1000))

KEY_TAB = 0xff09
KEY_SPACE = 0x20
KEY_RETURN = 0xff0d
UNNAMED = re.compile(r"^(|Gtk[A-Za-z]+|Enr[A-Za-z]+)$")


class Tap:
    def __init__(self):
        self.results = []
        self.ok = True

    def check(self, ok, name, detail=None):
        self.results.append((bool(ok), name, detail))
        if not ok:
            self.ok = False
        print(f"{'ok' if ok else 'not ok'} {len(self.results)} {name}", flush=True)
        if detail and not ok:
            for line in str(detail).splitlines():
                print(f"# {line}", flush=True)

    def done(self):
        print(f"1..{len(self.results)}", flush=True)


def children(obj):
    # Not `for c in obj`: pyatspi's item access asks the program for the
    # child count again before each child and once more past the last one,
    # each a D-Bus round trip; the walks of the window spend most of their
    # time there. The count is asked once here. A child that went meanwhile
    # (the window changing) ends the list there, as an IndexError did.
    try:
        count = obj.get_child_count()
    except Exception:  # noqa: BLE001
        return []
    found = []
    for i in range(count):
        try:
            child = obj.get_child_at_index(i)
        except Exception:  # noqa: BLE001
            break
        if child is not None:
            found.append(child)
    return found


def states(obj):
    try:
        return obj.getState()
    except Exception:  # noqa: BLE001
        return None


def focused(obj):
    s = states(obj)
    return s is not None and s.contains(pyatspi.STATE_FOCUSED)


def describe(obj):
    try:
        return "%s “%s”" % (obj.getRoleName(), obj.name)
    except Exception:  # noqa: BLE001
        return "nothing"


def text_length(obj):
    try:
        return obj.queryText().characterCount
    except Exception:  # noqa: BLE001
        return -1


def text_of(obj):
    try:
        text = obj.queryText()
        return text.getText(0, text.characterCount)
    except Exception:  # noqa: BLE001
        return ""


def extents(obj):
    """(x, y, width, height) in the window's coordinates (GTK 4.8 knows no other)."""
    box = obj.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return (box.x, box.y, box.width, box.height)


def inside(inner, outer):
    """Whether the box @inner (x, y, width, height) shows whole inside @outer."""
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return w > 0 and h > 0 and x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def shows_in(inner, outer):
    """Whether @inner shows whole inside @outer or, bigger than it, fills it."""
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    seen_w = min(x + w, ox + ow) - max(x, ox)
    seen_h = min(y + h, oy + oh) - max(y, oy)
    return w > 0 and h > 0 and seen_w >= min(w, ow) and seen_h >= min(h, oh)


def screenshot(shots, name):
    """The whole screen, in @shots/@name.png; nothing where
    ENR_E2E_NO_SCREENSHOTS=1 (the stall benchmark: grabbing the screen
    keeps the X server busy, and the program waits for it)."""
    path = "%s/%s.png" % (shots, name)
    if os.environ.get("ENR_E2E_NO_SCREENSHOTS") == "1":
        return
    subprocess.run(["import", "-window", "root", path], check=False, stderr=subprocess.DEVNULL)
    print("# screenshot %s" % path, file=sys.stderr, flush=True)


class App:
    """The window of the program that @process started, once it is there
    (e2e_program.wait_for_program: on the session bus, then on the
    accessibility bus with a window)."""

    def __init__(self, process, name="smartca-enroll", keyboard=False, shots=".",
                 on_focus=None, log_path=None):
        self.name = name
        self.keyboard = keyboard
        # Called with each control that Tab gives the focus to.
        self.on_focus = on_focus
        self.shots = shots
        self.count = 0
        self.page_title = None
        # The program's application object as last found, and the page last
        # found current with the window and title it was found for: asked
        # again first, as the same answer is the likely one (see _app and
        # current_page).
        self._app_seen = None
        self._page_seen = (None, None, None, None)
        self.pid = e2e_program.wait_for_program(process, name, log_path)

    def _is_ours(self, app):
        try:
            return app.name == self.name and app.get_process_id() == self.pid
        except Exception:  # noqa: BLE001 - an application that just left
            return False

    def _app(self):
        # The one seen last, if it still answers as ours: listing every
        # application on the bus costs a round trip or three each.
        if self._app_seen is not None and self._is_ours(self._app_seen):
            return self._app_seen
        for app in children(pyatspi.Registry.getDesktop(0)):
            if self._is_ours(app):
                self._app_seen = app
                return app
        return None

    def gone(self):
        """Whether the program has left the accessibility bus."""
        return self._app() is None

    def frame(self):
        # The window rebuilt for another language reads as a "filler" in
        # GTK 4.8: the program's one top-level, whatever its role.
        for child in children(self._app()):
            if child.getRoleName() in ("frame", "filler", "window"):
                return child
        return None

    def window(self, title):
        """Another top-level of the program (a dialog), by its title."""
        for child in children(self._app()):
            if child.name == title:
                return child
        return None

    def window_has_text(self, title, text):
        """Whether the top-level titled @title (a dialog) shows @text."""
        window = self.window(title)
        return window is not None and any(
            text in (obj.name or "") or (obj.getRoleName() == "label" and text in text_of(obj))
            for obj in self._walk(window))

    def frame_name(self):
        frame = self.frame()
        return frame.name if frame is not None else None

    # --- where we are ---------------------------------------------------

    def _pages(self):
        found = []

        def walk(obj, depth):
            if depth > 8:
                return
            for child in children(obj):
                if child.getRoleName() == "filler" and re.match(r"^Enr[A-Za-z]+Page$", child.name):
                    found.append(child)
                else:
                    walk(child, depth + 1)
        walk(self.frame(), 0)
        return found

    def _heading(self, page, title):
        return next((obj for obj in self._walk(page)
                     if obj.getRoleName() == "heading" and obj.name == title), None)

    @staticmethod
    def _still_heading(heading, page, title):
        """Whether @heading is still a heading named @title inside @page: a
        few calls up its parents instead of a walk of the page."""
        try:
            if heading.getRoleName() != "heading" or heading.name != title:
                return False
            obj = heading.parent
            for _ in range(32):
                if obj is None:
                    return False
                if obj == page:
                    return True
                obj = obj.parent
        except Exception:  # noqa: BLE001 - gone with its window
            pass
        return False

    def current_page(self):
        """The page whose heading is the window's title (the welcome page has its own)."""
        frame = self.frame()
        title = frame.name if frame is not None else None
        # A title names one page (that is how the shown page is told), so the
        # page found last for this window and title is the answer while its
        # heading is still there, named so: a few calls instead of a walk
        # through every page hidden before it.
        seen_frame, seen_title, seen_page, seen_heading = self._page_seen
        if (frame is not None and frame == seen_frame and title == seen_title and
                self._still_heading(seen_heading, seen_page, title)):
            return seen_page
        pages = self._pages()
        for page in pages:
            heading = self._heading(page, title)
            if heading is not None:
                self._page_seen = (frame, title, page, heading)
                return page
        for page in pages:
            if page.name == "EnrWelcomePage":
                return page
        return None

    def _walk(self, root, skip_pages=False, current=None):
        # Between two windows (a page's rebuild, a language switch) the
        # program may have no top-level for a moment: then nothing is there.
        stack = [root] if root is not None else []
        while stack:
            obj = stack.pop()
            yield obj
            for child in reversed(children(obj)):
                if (skip_pages and child.getRoleName() == "filler" and
                        child.name.startswith("Enr") and child.name.endswith("Page") and
                        child != current):
                    continue
                stack.append(child)

    def views_of(self, obj):
        """The scrolled views that @obj is in, innermost first."""
        views = []
        obj = obj.parent
        while obj is not None and obj.getRoleName() not in ("frame", "application"):
            if obj.getRoleName() == "scroll pane":
                views.append(obj)
            obj = obj.parent
        return views

    def visible(self):
        """The window without the pages that are not shown."""
        return self._walk(self.frame(), skip_pages=True, current=self.current_page())

    def wait_page(self, title, timeout=DEFAULT):
        """The page titled @title, shown. (Its shown() may still move the
        focus, in an idle: in keyboard mode every Tab and key press waits
        for its own effect, and says where the focus went if it went astray.)"""
        wait_for(lambda: self.frame_name() == title and self.current_page() is not None,
                 "the page “%s”" % title, seen=lambda: "the window shows “%s”" % self.frame_name(),
                 timeout=timeout)
        self.page_title = title
        return title

    def find(self, role, name, exact=False):
        for obj in self.visible():
            if obj.getRoleName() != role:
                continue
            if (obj.name == name) if exact else (name in obj.name):
                return obj
        return None

    def find_any(self, roles, name, exact=False):
        """What find(role, @name) gives for the first of @roles that finds
        anything, in one walk instead of one a role."""
        first = {}
        for obj in self.visible():
            role = obj.getRoleName()
            if role not in roles or role in first:
                continue
            if (obj.name == name) if exact else (name in obj.name):
                first[role] = obj
                if role == roles[0]:
                    break
        return next((first[role] for role in roles if role in first), None)

    def wait_find(self, role, name, exact=False, timeout=DEFAULT):
        return wait_for(lambda: self.find(role, name, exact), "a %s named “%s”" % (role, name),
                        seen=lambda: "none on “%s”" % self.frame_name(), timeout=timeout)

    def wait_name_contains(self, role, name, timeout=DEFAULT):
        return self.wait_find(role, name, timeout=timeout)

    def has_text(self, text):
        for obj in self.visible():
            if text in (obj.name or "") or (obj.getRoleName() in ("label", "heading") and
                                            text in text_of(obj)):
                return True
        return False

    def wait_text(self, text, timeout=DEFAULT):
        wait_for(lambda: self.has_text(text), "the text “%s”" % text,
                 seen=lambda: "the window “%s” without it" % self.frame_name(), timeout=timeout)

    def wait_button(self, name, timeout=DEFAULT):
        button = self.wait_find("push button", name, timeout=timeout)
        wait_for(lambda: states(button).contains(pyatspi.STATE_SENSITIVE),
                 "the button “%s” to be enabled" % name,
                 seen=lambda: "it disabled on “%s”" % self.frame_name(), timeout=timeout)
        return button

    # --- keyboard ---------------------------------------------------------

    def focused(self):
        for obj in self.visible():
            if focused(obj):
                return obj
        return None

    def key(self, keysym):
        pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)

    def tab(self, before):
        """Tab from @before (the control with the focus, or None), and the
        control the focus goes to."""
        self.key(KEY_TAB)
        if before is not None:
            # One call a poll, not a walk of the window: @before lets go.
            wait_for(lambda: not focused(before), "Tab to move the focus",
                     seen=lambda: "it stays on %s" % describe(before))
        return wait_for(lambda: self._focus_moved_from(before), "the focus on a control",
                        seen=lambda: "none has it after %s" % describe(before))

    def _focus_moved_from(self, before):
        now = self.focused()
        return now if now is not None and now != before else None

    def type_keys(self, text):
        """One key press per character (KEY_STRING synthesis fails on Xvfb),
        each once the field shows the one before."""
        field = self.focused()
        for char in text:
            count = text_length(field)
            pyatspi.Registry.generateKeyboardEvent(ord(char), None, pyatspi.KEY_SYM)
            wait_for(lambda: text_length(field) > count, "“%s” to take a key press" % field.name,
                     seen=lambda: "%d characters in it, the focus on %s"
                     % (text_length(field), describe(self.focused())))

    def tab_to(self, predicate, what):
        obj = self.focused()
        for _ in range(120):
            if obj is not None and self.on_focus is not None:
                self.on_focus(obj)
            if obj is not None and predicate(obj):
                return obj
            obj = self.tab(obj)
        raise AssertionError("Tab never reached %s on “%s”" % (what, self.frame_name()))

    # --- acting -------------------------------------------------------------

    def _click(self, obj):
        action = obj.queryAction()
        for i in range(action.nActions):
            if action.getName(i) in ("click", "activate", "press", "toggle"):
                action.doAction(i)
                return
        action.doAction(0)

    def press(self, name, timeout=DEFAULT):
        button = self.wait_button(name, timeout)
        if self.keyboard:
            self.tab_to(lambda o: o.getRoleName() == "push button" and name in o.name,
                        "the button “%s”" % name)
            self.key(KEY_SPACE)
        else:
            self._click(button)

    def press_default(self, name, timeout=DEFAULT):
        """Next, from the field just typed into: Enter, in keyboard mode."""
        self.wait_button(name, timeout)
        if self.keyboard:
            self.key(KEY_RETURN)
        else:
            self.press(name, timeout)

    def toggle(self, name):
        box = self.wait_find("check box", name)
        # GTK 4.8 gives a check box no AT-SPI action: Space, as a screen
        # reader user toggles it, in both modes.
        self.tab_to(lambda o: o.getRoleName() == "check box" and name in o.name,
                    "the check box “%s”" % name)
        self.key(KEY_SPACE)
        wait_for(lambda: states(box).contains(pyatspi.STATE_CHECKED),
                 "the check box “%s” to check" % name, seen=lambda: "it unchecked")

    def expand(self, name):
        """Opens an expander (GTK 4.8 gives it no AT-SPI action): Space on it,
        as a screen reader user opens it, in both modes."""
        roles = ("push button", "toggle button")
        if not wait_until(lambda: any(self.find(r, name) for r in roles)):
            raise AssertionError("no expander named “%s”" % name)
        self.tab_to(lambda o: o.getRoleName() in roles and name in o.name,
                    "the expander “%s”" % name)
        self.key(KEY_SPACE)
        # What it opens is waited for by the caller, as for any content.

    def type_into(self, name, text):
        field = self.find_any(("text", "password text", "entry"), name, exact=True)
        if field is None:
            field = self.wait_find("text", name, exact=True)
        if self.keyboard:
            self.tab_to(lambda o: o.getRoleName() in ("text", "password text") and o.name == name,
                        "the field “%s”" % name)
            self.type_keys(text)
        else:
            # GTK 4.8 implements no Component.GrabFocus; the text goes in anyway.
            field.queryEditableText().setTextContents(text)

    # --- checking -----------------------------------------------------------

    def check_names(self, tap):
        """Every focusable control of the page has an accessible name."""
        unnamed = []
        for obj in self.visible():
            s = states(obj)
            if s is None or not s.contains(pyatspi.STATE_FOCUSABLE):
                continue
            if UNNAMED.match(obj.name or ""):
                unnamed.append("%s (%s)" % (obj.getRoleName(), obj.name))
        tap.check(not unnamed, "every focusable control on “%s” has a name" % self.frame_name(),
                  "\n".join(unnamed))

    def save_as(self, button, title, path):
        """A "Save…" button, and the file chooser it opens (GTK's own dialog:
        outside a sandbox GTK 4.8 uses no portal), answered with @path."""
        self.press(button)
        dialog = wait_for(lambda: self.window(title), "“%s” to open the dialog “%s”"
                          % (button, title), seen=lambda: "the windows %s"
                          % [c.name for c in children(self._app())])
        name = next((o for o in self._walk(dialog)
                     if o.getRoleName() == "text" and o.name == "Name:"), None)
        save = next((o for o in self._walk(dialog)
                     if o.getRoleName() == "push button" and "Save" in o.name), None)
        if name is None or save is None:
            raise AssertionError("the dialog “%s” has no name field or no Save button" % title)
        name.queryEditableText().setTextContents(path)
        self._click(save)
        # The file first, from the file system: asking the accessibility bus
        # about the program's windows while GTK 4.8 tears the dialog's down
        # can meet a window whose accessible is already gone (a GLib
        # critical in GTK's AT-SPI code, fatal under the tests).
        wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 0,
                 "“%s” to write %s" % (button, path), seen=lambda: "no such file, or empty")
        wait_for(lambda: self.window(title) is None, "the dialog “%s” to close" % title,
                 seen=lambda: "it open")

    def shot(self, name):
        self.count += 1
        screenshot(self.shots, "%02d-%s" % (self.count, name))
