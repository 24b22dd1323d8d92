#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run and create --preserve-fds N (docs/oci.md): the caller's fds 3 to
# 2 + N are the program's, at the same numbers and open across its exec,
# and no other fd of the caller's is; compared with crun for run. Bad
# values are one error naming the flag, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
echo in-three >"$TMP/in"

PROBE='cat <&3; echo to-four >&4; ls /proc/self/fd | tr "\n" " "; echo; (echo x >&5) 2>&1 | sed "s/.*: //"'
cfg "$TMP/b" "d['process']['args'] = ['sh', '-c', '''$PROBE''']"

: >"$TMP/out"
oci run --preserve-fds 2 --bundle "$TMP/b" p1 3<"$TMP/in" 4>>"$TMP/out" 5<"$TMP/in" \
	>"$TMP/runsc.out" 2>&1
check_rc "run --preserve-fds 2: the program runs" 0 "$?" "$(tail -3 "$TMP/runsc.out")"
check "fds 3 and 4 are the program's, fd 5 is not" "in-three
0 1 2 3 4 5 
Bad file descriptor" "$(cat "$TMP/runsc.out")"
check "what the program wrote to fd 4 reaches the caller's file" "to-four" "$(cat "$TMP/out")"

# crun, the reference: the same bundle and fds.
CRUN=$(command -v crun)
if [ -z "$CRUN" ]; then
	skip "same as crun" "crun is not installed"
else
	cp -a "$ROOTFS" "$TMP/rootfs-crun"
	cfg "$TMP/c" "d['process']['args'] = ['sh', '-c', '''$PROBE''']
d['root']['path'] = '$TMP/rootfs-crun'"
	: >"$TMP/out-crun"
	crun_run "$TMP/c" c1 --preserve-fds 2 3<"$TMP/in" 4>>"$TMP/out-crun" 5<"$TMP/in" \
		>"$TMP/crun.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		skip "same as crun" "crun cannot run here (exit $rc: $(tail -1 "$TMP/crun.out"))"
	else
		check "same as crun" "$(cat "$TMP/crun.out") $(cat "$TMP/out-crun")" \
			"$(cat "$TMP/runsc.out") $(cat "$TMP/out")"
	fi
fi

# create + start: the monitor holds the fd until start.
cfg "$TMP/b2" "d['process']['args'] = ['sh', '-c', 'cat <&3']"
oci create --preserve-fds 1 --bundle "$TMP/b2" p2 3<"$TMP/in" >"$TMP/p2.out" 2>&1
check_rc "create --preserve-fds 1" 0 "$?" "$(cat "$TMP/p2.out")"
oci start p2 >/dev/null 2>&1
wait_until 10 grep -q in-three "$TMP/p2.out"
check "create, start: fd 3 is the program's" "in-three" "$(cat "$TMP/p2.out")"
wait_until 10 sh -c "'$RUNSC_C' --root '$ROOT' state p2 2>/dev/null | grep -q stopped"
oci delete --force p2 >/dev/null 2>&1

# ---- bad values ----
bad() {
	out=$(oci "$@" 2>&1)
	rc=$?
	check_rc "$1 $2 $3: exit 1" 1 "$rc"
	check_contains "$1 $2 $3: the error names the flag" "--preserve-fds" "$out"
	check "$1 $2 $3: no state left" "" "$(ls -A "$ROOT" 2>/dev/null)"
}
bad run --preserve-fds abc --bundle "$TMP/b" p3
bad run --preserve-fds -1 --bundle "$TMP/b" p3
bad run --preserve-fds 99999 --bundle "$TMP/b" p3
bad create --preserve-fds 3 --bundle "$TMP/b" p3
check_contains "a preserved fd that is not open is named" "fd 3 is not open" \
	"$(oci run --preserve-fds 1 --bundle "$TMP/b" p3 2>&1)"

done_testing
