#!/bin/sh
# Runs the whole suite through meson and prints one closing line
# "N passed, N failed" counting each TAP result and each plain test.
set -u
build=${1:-build}
setup=${2:-default}
cd "$(dirname "$0")/.."
meson test -C "$build" --setup="$setup" --print-errorlogs --num-processes 2
status=$?
python3 tests/summary.py "$build/meson-logs/testlog-$setup.json" "$build/meson-logs/testlog.json"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
