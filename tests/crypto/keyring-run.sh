#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a test program with a keyring of its own, so keyring tests can run
# in parallel and never touch the user's:
#
#   keyring-run.sh MODE PROGRAM [ARGS...]
#
# MODE: gnome-keyring   a private bus with gnome-keyring, its login keyring unlocked
#       file            libsecret's file backend, in the temporary home
#       no-keyring      no bus at all
#       locked-keyring  gnome-keyring with no way to show an unlock prompt
#
# HOME and the XDG directories point into a fresh temporary directory,
# removed afterwards; ENR_TEST_KEYRING names the mode for the program.
set -u

mode=$1
shift

tmp=$(mktemp -d "${TMPDIR:-/tmp}/enr-keyring-XXXXXX") || exit 1
# The document portal, which a private bus may start, mounts its FUSE file
# system on $XDG_RUNTIME_DIR/doc and can still hold it as the bus ends:
# unmounted (lazily) first, or the directory is left behind.
cleanup () {
  if mountpoint -q "$tmp/run/doc" 2>/dev/null; then
    fusermount3 -u -z "$tmp/run/doc" 2>/dev/null || fusermount -u -z "$tmp/run/doc" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export HOME="$tmp/home"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$tmp/run"
export ENR_TEST_KEYRING="$mode"
export ENR_TEST_HOME="$HOME"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# Inside the private bus: gnome-keyring in the foreground, so that it is
# stopped by its pid afterwards (a daemonised one can outlive a bus that
# ends while it starts), its login keyring unlocked (an empty stdin does
# not unlock it; a newline does), and the program run once the keyring
# owns its bus name, so that the bus never starts a second, locked one.
# A loaded machine may take long to start it: five minutes (times
# SMARTCA_E2E_PATIENCE), then the run fails, saying what the bus held.
with_keyring='
echo | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring=$!
limit=$(awk "BEGIN { print int(300 * ${SMARTCA_E2E_PATIENCE:-1}) }")
started=$(date +%s)
until gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
      grep -q true; do
  if ! kill -0 "$keyring" 2>/dev/null || [ $(($(date +%s) - started)) -ge "$limit" ]; then
    echo "keyring-run.sh: waited $(($(date +%s) - started)) s for gnome-keyring to own" \
         "org.freedesktop.secrets; the daemon $(kill -0 "$keyring" 2>/dev/null &&
         echo runs || echo has exited); the bus has:" \
         "$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
              --method org.freedesktop.DBus.ListNames 2>&1)" >&2
    kill "$keyring" 2>/dev/null
    exit 1
  fi
  sleep 0.1
done
"$@" 1>&3 3>&-
status=$?
kill "$keyring" 2>/dev/null
wait "$keyring" 2>/dev/null
exit "$status"
'

# The services a private bus starts (the accessibility bus, its registry)
# write to the bus's standard output; that goes to stderr, and only the
# program's own output (TAP, for many tests) to this script's stdout, fd 3.
exec 3>&1

case "$mode" in
  gnome-keyring)
    dbus-run-session -- sh -c "$with_keyring" sh "$@" >&2
    ;;
  file)
    export SECRET_BACKEND=file
    export SECRET_FILE_TEST_PATH="$XDG_DATA_HOME/keyrings/enr-test.keyring"
    export SECRET_FILE_TEST_PASSWORD=enr-test-password
    mkdir -p "$XDG_DATA_HOME/keyrings"
    dbus-run-session -- sh -c '"$@" 1>&3 3>&-' sh "$@" >&2
    ;;
  no-keyring)
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus"
    unset DISPLAY WAYLAND_DISPLAY
    "$@"
    ;;
  locked-keyring)
    # Without a display the unlock prompt cannot show, as on a headless
    # session: the keyring stays locked.
    unset DISPLAY WAYLAND_DISPLAY
    dbus-run-session -- sh -c "$with_keyring" sh "$@" >&2
    ;;
  *)
    echo "keyring-run.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
