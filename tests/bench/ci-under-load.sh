#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Whether CI holds on a loaded machine: `.ci/run` N times in a row (3 unless
# told) on a clean clone of HEAD, with a busy loop pinned to each of the
# first two CPUs beside it, as other work on a 2-core machine would be.
# Prints each run's time and last line ("N passed, N failed"), keeps the
# logs, and exits non-zero when a run failed.
#
#   tests/bench/ci-under-load.sh [N]
set -uo pipefail
cd "$(dirname "$0")/../.."

runs=${1:-3}
commit=$(git rev-parse HEAD)
# In the checkout (git ignores _build-*), not under /tmp or /var/tmp: the
# kiosk e2e runs the program with private ones, where a build tree there
# would not be found.
work=$PWD/_build-under-load
rm -rf "$work"
mkdir -p "$work"

taskset -c 0 sh -c 'while :; do :; done' &
loop0=$!
taskset -c 1 sh -c 'while :; do :; done' &
loop1=$!
trap 'kill "$loop0" "$loop1" 2>/dev/null' EXIT

echo "$runs runs of .ci/run on $commit, beside two busy loops; logs in $work"
status=0
for i in $(seq 1 "$runs"); do
  rm -rf "$work/clone"
  git clone -q . "$work/clone" && git -C "$work/clone" checkout -q "$commit" || exit 1
  started=$(date +%s)
  (cd "$work/clone" && bash .ci/run) >"$work/run$i.log" 2>&1
  rc=$?
  echo "run $i: $(($(date +%s) - started)) s, exit $rc, load $(cut -d' ' -f1-3 /proc/loadavg):" \
       "$(tail -n 1 "$work/run$i.log")"
  [ "$rc" -eq 0 ] || status=1
done
rm -rf "$work/clone"
exit $status
