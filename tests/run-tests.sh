#!/bin/sh
# Runs the whole suite through meson, once per build given as BUILD:SETUP
# (e.g. build:default build-asan:asan), and prints one closing line
# "N passed, N failed" counting each TAP result and each plain test (then
# ", N skipped" and ", N known differences", TAP TODOs, where there are any).
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- build:default
# Without the kernel features runsc-c is built on, nearly every test would
# fail: say once what is missing instead.
if ! python3 tests/kernel-check.py; then
	echo "0 passed, 1 failed"
	exit 1
fi
status=0
logs=""
for spec in "$@"; do
	build=${spec%%:*}
	setup=${spec#*:}
	echo "== meson test -C $build --setup=$setup"
	rm -f "$build/meson-logs/testlog-$setup.json" "$build/meson-logs/testlog.json"
	meson test -C "$build" --setup="$setup" --print-errorlogs --num-processes 2 || status=1
	log="$build/meson-logs/testlog-$setup.json"
	[ -e "$log" ] || log="$build/meson-logs/testlog.json"
	logs="$logs $log"
done
# shellcheck disable=SC2086
python3 tests/summary.py $logs || status=1
exit $status
