#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's process and linux fields that shape the container's
# program (docs/oci.md): the PATH of process.env, additionalGids,
# rlimits, umask, noNewPrivileges, sysctl, capabilities and seccomp, for
# the program and for exec'd processes; hooks run on the host. Each bad
# value gets one error naming it, exit 1, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
B=$TMP/b

# bad NAME EXPECTED-MESSAGE PYTHON: run fails with one line naming the
# field, exit 1, nothing left in --root.
bad() {
	cfg "$TMP/bad" "$3"
	out=$(oci run --bundle "$TMP/bad" bad1 2>&1)
	rc=$?
	left=$(ls -A "$ROOT")
	if [ "$rc" = 1 ] && [ -z "$left" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		printf '%s' "$out" | grep -qF "$2"; then
		ok "bad config: $1"
	else
		not_ok "bad config: $1" "exit $rc, expected 1" "output: $out" "expected: $2" \
			"left in --root: $left"
	fi
}

# ---- process.env's PATH finds the program ----
mkdir -p "$TMP/custom"
printf '#!/bin/sh\necho custom program\n' >"$TMP/custom/only-here"
chmod 755 "$TMP/custom/only-here"
cfg "$B" "$(args '["only-here"]')
d['mounts'].append({'destination': '/custom/bin', 'type': 'bind', 'source': '$TMP/custom', 'options': ['rbind', 'ro']})
d['process']['env'] = ['PATH=/custom/bin:/bin', 'TERM=xterm']"
check "process.env's PATH finds the program" "custom program" "$(oci run --bundle "$B" p1 2>&1)"
cfg "$B" "$(args '["only-here"]')
d['mounts'].append({'destination': '/custom/bin', 'type': 'bind', 'source': '$TMP/custom', 'options': ['rbind', 'ro']})
d['process']['env'] = ['PATH=/bin:/usr/bin']"
out=$(oci run --bundle "$B" p1 2>&1)
rc=$?
check_rc "a program outside process.env's PATH: 127" 127 "$rc"
check_contains "... and the error names it" "only-here: No such file or directory" "$out"

done_testing
