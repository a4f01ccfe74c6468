# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop session a driver runs the program in, made ready as a real
session is before a program starts: accessibility on, this session's own
accessibility bus named to both sides, and the desktop portal up (GTK 4.8
waits for the portal at start-up).

Call prepare() before importing pyatspi: pyatspi connects to the
accessibility bus it finds at import. Left to find it through the X
display, the program and the driver may each pick up an outer session's
bus (the test runner's, if a GTK test started one)."""

import os
import subprocess

from gi.repository import Gio, GLib

import e2e_wait

PORTAL = "org.freedesktop.portal.Desktop"


def session_bus():
    return Gio.bus_get_sync(Gio.BusType.SESSION, None)


def bus_call(bus, name, path, interface, method, args=None, reply="()", timeout_s=25):
    return bus.call_sync(name, path, interface, method, args, GLib.VariantType(reply),
                         Gio.DBusCallFlags.NONE, int(timeout_s * 1000), None).unpack()


def dbus_call(bus, method, args=None, reply="()"):
    """A method of the bus itself (org.freedesktop.DBus)."""
    return bus_call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", method, args, reply)


def names(bus):
    return dbus_call(bus, "ListNames", reply="(as)")[0]


def has_owner(bus, name):
    return dbus_call(bus, "NameHasOwner", GLib.Variant("(s)", (name,)), "(b)")[0]


def accessibility_bus_address(bus):
    return bus_call(bus, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                    reply="(s)")[0]


def start_service(bus, name):
    """Asks the bus to start @name; an activation that the bus gave up on
    (its own 25 s limit, on a loaded machine) is asked for again."""
    def started():
        if has_owner(bus, name):
            return True
        try:
            dbus_call(bus, "StartServiceByName", GLib.Variant("(su)", (name, 0)), "(u)")
        except GLib.Error:
            return False
        return has_owner(bus, name)
    e2e_wait.wait_for(started, "the session bus to start %s" % name,
                      seen=lambda: "the bus names %s" % sorted(
                          n for n in names(bus) if not n.startswith(":")),
                      timeout=e2e_wait.START, interval=1)


def prepare():
    os.environ.pop("GSETTINGS_BACKEND", None)
    bus = session_bus()
    start_service(bus, "ca.desrt.dconf")
    subprocess.run(["gsettings", "set", "org.gnome.desktop.interface",
                    "toolkit-accessibility", "true"], check=True)
    start_service(bus, "org.a11y.Bus")
    address = e2e_wait.wait_for(lambda: accessibility_bus_address(bus),
                                "the accessibility bus's address (org.a11y.Bus.GetAddress)",
                                timeout=e2e_wait.START, interval=1)
    os.environ["AT_SPI_BUS_ADDRESS"] = address
    start_service(bus, PORTAL)
