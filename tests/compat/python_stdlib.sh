#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Python's own test suite as an outside judge of compatibility: each module
# of the standard library's tests (Debian's libpython3.11-testsuite) runs
# natively and under `runsc-c do`, as the same user (root) with the guest's
# default environment. A module that passes natively must pass in the
# sandbox; one that fails natively is skipped. Each run has its own time
# bound (PYTHON_STDLIB_BOUND seconds, 600 by default).
#
# Usage: python_stdlib.sh [MODULE...]   (default: the list below)
# With PYTHON_STDLIB_DOC=FILE it rewrites the markdown table of results
# between FILE's two marker lines (`make python-stdlib` does so for
# docs/python-stdlib.md).
. "$(dirname "$0")/../integration/lib.sh"

PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import test.test_os' 2>/dev/null; then
	echo "1..0 # SKIP no $PY with its test suite (libpython3.11-testsuite)"
	exit 0
fi
[ $# -gt 0 ] || set -- test_os test_posix test_shutil test_tempfile test_signal test_logging \
	test_subprocess test_io test_fileio test_fcntl test_select test_selectors test_mmap \
	test_pty test_pathlib test_glob test_tarfile test_zipfile test_threading \
	test_socket test_asyncio test_uuid test_getpass test_resource test_stat test_file \
	test_genericpath test_posixpath test_filecmp test_fnmatch test_zipimport test_compileall \
	test_multiprocessing_forkserver test_concurrent_futures test_sys test_time
BOUND=$((${PYTHON_STDLIB_BOUND:-600} * TIME_SCALE))
table=$TMP/table.md
printf '| module | native | sandbox |\n| --- | --- | --- |\n' >"$table"

# run WHERE MODULE: "pass", "fail" or "timeout"; the log in $TMP/WHERE.log.
run() {
	if [ "$1" = native ]; then
		(cd / && guest_env timeout -s KILL "$BOUND" "$PY" -m test "$2") \
			</dev/null >"$TMP/$1.log" 2>&1
	else
		timeout -s KILL "$BOUND" "$RUNSC_C" do --quiet -- "$PY" -m test "$2" \
			</dev/null >"$TMP/$1.log" 2>&1
	fi
	case $? in
	0) echo pass ;;
	137) echo timeout ;;
	*) echo fail ;;
	esac
}

for module in "$@"; do
	native=$(run native "$module")
	sandbox=$(run sandbox "$module")
	printf '| %s | %s | %s |\n' "$module" "$native" "$sandbox" >>"$table"
	if [ "$native" != pass ]; then
		skip "$module passes in the sandbox" "it does not pass natively ($native)"
	elif [ "$sandbox" = pass ]; then
		ok "$module passes in the sandbox"
	else
		not_ok "$module passes in the sandbox" "sandbox: $sandbox" \
			"$(grep -E '^(FAIL|ERROR):|Error|error' "$TMP/sandbox.log" | head -20)"
	fi
done
if [ -n "${PYTHON_STDLIB_DOC:-}" ]; then
	begin='<!-- python-stdlib table: begin -->'
	end='<!-- python-stdlib table: end -->'
	awk -v b="$begin" -v e="$end" -v t="$table" '
		$0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$PYTHON_STDLIB_DOC" >"$TMP/doc.md" &&
		cat "$TMP/doc.md" >"$PYTHON_STDLIB_DOC"
fi
done_testing
