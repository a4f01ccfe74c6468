#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a test program on an X server of its own:
#
#   display-run.sh WIDTHxHEIGHT PROGRAM [ARGS...]
#
# so that end-to-end runs can go side by side: each one's key presses
# reach its own window, and the accessibility bus each one publishes on the
# screen's root window (AT_SPI_BUS) is its own. Xvfb picks a free display
# itself (-displayfd), so two runs started at once never race for one, as
# xvfb-run -a can. The server is stopped when PROGRAM ends.
set -u

size=$1
shift

tmp=$(mktemp -d "${TMPDIR:-/tmp}/enr-display-XXXXXX") || exit 1
Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp -noreset 3>"$tmp/display" \
  2>"$tmp/xvfb.log" &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Xvfb writes its display number once it accepts connections. A loaded
# machine may take long: two minutes (times SMARTCA_E2E_PATIENCE).
limit=$(awk "BEGIN { print int(120 * ${SMARTCA_E2E_PATIENCE:-1}) }")
started=$(date +%s)
until grep -q '^[0-9][0-9]*$' "$tmp/display" 2>/dev/null; do
  if ! kill -0 "$xvfb" 2>/dev/null || [ $(($(date +%s) - started)) -ge "$limit" ]; then
    echo "display-run.sh: Xvfb gave no display in $(($(date +%s) - started)) s:" >&2
    cat "$tmp/xvfb.log" >&2
    exit 1
  fi
  sleep 0.05
done

DISPLAY=:$(cat "$tmp/display")
export DISPLAY
# The server has no cookie; one for another display would only be refused.
unset XAUTHORITY
"$@"
status=$?
exit "$status"
