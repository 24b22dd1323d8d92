#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Lifecycle: after a normal exit, --timeout, SIGTERM, SIGINT, and kill -9 of
# runsc-c, of the sentry or of the gofer, nothing is left: no runsc-c process,
# no guest process, no mount, no temporary file.
#
# The test runs itself in a private mount namespace with an empty /tmp of its
# own, so that what other programs on the machine do in /tmp is never taken
# for a leftover, and a mount runsc-c leaked would show in this namespace.
if [ -z "${RUNSC_C_LIFECYCLE_NS:-}" ]; then
	RUNSC_C_LIFECYCLE_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
# The host's /tmp stays reachable under /mnt/host-tmp (the build tree may be there).
if ! mount -t tmpfs -o mode=0755,size=1m runsc-c-test /mnt ||
	! mkdir /mnt/host-tmp || ! mount --bind /tmp /mnt/host-tmp ||
	! mount -t tmpfs -o mode=1777,size=64m runsc-c-test /tmp; then
	echo "not ok 1 - setting up a private /tmp for the lifecycle test"
	echo "1..1"
	exit 1
fi
remap() { case $1 in /tmp/*) echo "/mnt/host-tmp/${1#/tmp/}" ;; *) echo "$1" ;; esac; }
here=$(remap "$here")
RUNSC_C=$(remap "$RUNSC_C")
[ -n "${SOURCE_ROOT:-}" ] && SOURCE_ROOT=$(remap "$SOURCE_ROOT")
export RUNSC_C SOURCE_ROOT
. "$here/lib.sh"

marker_base=31$$

# This namespace is private: every mount in it counts. The host's initial
# namespace is shared with the rest of the machine, where others mount and
# unmount meanwhile: there only the places runsc-c mounts on count, where a
# mount of its would land if it ever propagated out: the directories the gofer
# stages its view on (gofer/view.c: /tmp, /mnt, /var/tmp, /opt, and the view
# below <dir>/root) and /tmp, where the sentry and init mount theirs.
runsc_mount_points='^/(tmp|mnt|var/tmp|opt)(/root(/.*)?)?$'
state_snapshot() {
	grep -v ' - tmpfs runsc-c-test ' /proc/self/mountinfo | cut -d' ' -f4- | sort \
		>"$1.mounts-self"
	awk -v re="$runsc_mount_points" '$5 ~ re' /proc/1/mountinfo | cut -d' ' -f4- | sort \
		>"$1.mounts-1"
	ls -A /tmp | grep -v '^runsc-c-test\.' | sort >"$1.tmp"
}
no_marker_procs() { ! pgrep -f "$1" >/dev/null; }
# left_behind MARKER: prints what a sandbox left: processes with MARKER on
# their command line, new mounts here or in the host's initial namespace,
# new entries in /tmp.
left_behind() {
	# Processes go away asynchronously after a SIGKILL: give them 5 s.
	wait_until 5 no_marker_procs "$1"
	pgrep -af "$1" | sed 's/^/process: /'
	state_snapshot "$TMP/after"
	for ns in self 1; do
		comm -13 "$TMP/before.mounts-$ns" "$TMP/after.mounts-$ns" | sed "s/^/mount ($ns): /"
	done
	comm -13 "$TMP/before.tmp" "$TMP/after.tmp" | sed 's|^|tmp: /tmp/|'
}
# start_sandbox MARKER [FLAGS]: runs `sleep MARKER` in the background and waits
# until the guest's sleep runs. Sets $pid to runsc-c's pid.
start_sandbox() {
	m=$1
	shift
	"$RUNSC_C" do --quiet "$@" -- sleep "$m" </dev/null >/dev/null 2>&1 &
	pid=$!
	cleanup_later "$pid"
	wait_until 20 pgrep -f "^sleep $m\$" >/dev/null
}
# exited PID: the process is gone or a zombie waiting for its parent.
exited() {
	st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
# wait_rc PID: waits for a background job of this shell, at most 20 s (then
# kills it), and sets $rc to its exit status.
wait_rc() {
	wait_until 20 exited "$1" || kill -9 "$1"
	wait "$1"
	rc=$?
}

state_snapshot "$TMP/before"
start=$(date +%s)
runsc --timeout 1 -- sleep "${marker_base}1" >/dev/null 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
check_rc "--timeout 1 -- sleep: exit status 124" 124 "$rc"
if [ "$elapsed" -le 10 ]; then ok "--timeout 1 ends the sandbox within seconds"; else
	not_ok "--timeout 1 ends the sandbox within seconds" "took ${elapsed}s"; fi
check "--timeout: nothing is left" "" "$(left_behind "${marker_base}1")"

state_snapshot "$TMP/before"
m=${marker_base}2
start_sandbox "$m"
kill -TERM "$pid"
wait_rc "$pid"
check_rc "SIGTERM to runsc-c: the guest's sleep dies of SIGTERM (143)" 143 "$rc"
check "SIGTERM: nothing is left" "" "$(left_behind "$m")"

state_snapshot "$TMP/before"
m=${marker_base}9
"$RUNSC_C" do --quiet -- sh -c "trap 'exit 42' TERM; sleep $m & wait" </dev/null >/dev/null 2>&1 &
pid=$!
cleanup_later "$pid"
wait_until 20 pgrep -f "^sleep $m\$" >/dev/null
kill -TERM "$pid"
wait_rc "$pid"
check_rc "SIGTERM reaches the guest: its TERM trap's exit status comes back" 42 "$rc"
check "SIGTERM with a trap: nothing is left" "" "$(left_behind "$m")"

state_snapshot "$TMP/before"
m=${marker_base}3
start_sandbox "$m"
kill -INT "$pid"
wait_rc "$pid"
check_rc "SIGINT to runsc-c: the guest's sleep dies of SIGINT (130)" 130 "$rc"
check "SIGINT: nothing is left" "" "$(left_behind "$m")"

state_snapshot "$TMP/before"
m=${marker_base}4
runsc -- sh -c "sleep $m & sleep 0.2; echo done" >/dev/null 2>&1
check_rc "normal exit with a background child: exit status 0" 0 "$?"
check "normal exit: nothing is left (not even the orphaned sleep)" "" "$(left_behind "$m")"

state_snapshot "$TMP/before"
m=${marker_base}5
start_sandbox "$m"
kill -KILL "$pid"
wait_rc "$pid"
check_rc "kill -9 of runsc-c: it dies of SIGKILL" 137 "$rc"
check "kill -9 of runsc-c: nothing is left" "" "$(left_behind "$m")"

for part in sentry gofer; do
	state_snapshot "$TMP/before"
	m=${marker_base}6
	[ "$part" = gofer ] && m=${marker_base}7
	start_sandbox "$m"
	victim=$(pgrep -P "$pid" -x "runsc-c-$part")
	if [ -z "$victim" ]; then
		not_ok "kill -9 of the $part: found the process" "$(pgrep -af "$m")"
		kill -9 "$pid"
		continue
	fi
	# The sentry and the gofer run under their own seccomp allowlists.
	# The test itself may already run under filters (a service manager's,
	# a container's): the sentry and gofer add one of their own.
	own=$(awk '/^Seccomp_filters:/ {print $2}' /proc/self/status)
	check "the $part runs under a seccomp filter of its own" "Seccomp:	2 Seccomp_filters:	$((${own:-0} + 1))" \
		"$(grep -E '^Seccomp(_filters)?:' "/proc/$victim/status" | tr '\n' ' ' | sed 's/ $//')"
	# The sentry is not to preempt the gofer or the guest thread that
	# wakes it: it runs as SCHED_BATCH (policy 3 in /proc/PID/stat); the
	# gofer as a normal task (0).
	policy=$(sed 's/.*) //' "/proc/$victim/stat" | awk '{print $39}')
	want="0 SCHED_OTHER"
	[ "$part" = sentry ] && want="3 SCHED_BATCH"
	check "the $part's scheduling policy is ${want#* }" "${want% *}" "$policy"
	kill -KILL "$victim"
	# The sandbox stops by itself (its guest makes no call that would
	# notice): the sentry is told, or is the one that died.
	if wait_until 20 exited "$pid"; then ok "kill -9 of the $part: the sandbox stops by itself"; else
		not_ok "kill -9 of the $part: the sandbox stops by itself" "still running after 20 s"; fi
	wait_rc "$pid"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 127 ]; then ok "kill -9 of the $part: runsc-c fails (exit $rc)"; else
		not_ok "kill -9 of the $part: runsc-c fails" "exit $rc"; fi
	check "kill -9 of the $part: nothing is left" "" "$(left_behind "$m")"
done

# kill -9 of the sentry while the guest makes calls the sentry answers: the
# calls wait until the guest is gone; not one is answered ENOSYS by the
# kernel (the launcher holds the guest's listener until its init is dead).
# Three rounds: without the listener held, most rounds show such calls, not
# every one.
out=$TMP/trapped.out
all_ready() { [ "$(grep -c '^ready$' "$out")" -ge 8 ]; }
for round in 1 2 3; do
	state_snapshot "$TMP/before"
	m=${marker_base}0$round
	"$RUNSC_C" do --quiet -- python3 -c "$(cat "$DATA/trapped_loop.py")" "$m" \
		</dev/null >"$out" 2>/dev/null &
	pid=$!
	cleanup_later "$pid"
	name="kill -9 of a busy guest's sentry (round $round)"
	if wait_until 20 all_ready; then
		# Let the loops run a while: each makes thousands of calls.
		sleep 0.3
		kill -KILL "$(pgrep -P "$pid" -x runsc-c-sentry)"
		wait_rc "$pid"
		if [ "$rc" -ne 0 ]; then ok "$name: runsc-c fails (exit $rc)"; else
			not_ok "$name: runsc-c fails" "exit $rc"; fi
		check "$name: no call of the guest failed" "" \
			"$(grep -v '^ready$' "$out" | sort | uniq -c)"
	else
		not_ok "$name: the guest's loops run" "$(cat "$out")"
		kill -9 "$pid"
	fi
	check "$name: nothing is left" "" "$(left_behind "$m")"
done

# SIGRTMAX to runsc-c kills the guest while the sentry answers (what OCI's
# kill KILL sends the monitor): exit 137, no call of the guest failed.
state_snapshot "$TMP/before"
m=${marker_base}04
"$RUNSC_C" do --quiet -- python3 -c "$(cat "$DATA/trapped_loop.py")" "$m" \
	</dev/null >"$out" 2>/dev/null &
pid=$!
cleanup_later "$pid"
if wait_until 20 all_ready; then
	sleep 0.3
	kill -s "$(kill -l 64)" "$pid"
	wait_rc "$pid"
	check_rc "SIGRTMAX to runsc-c: the guest dies of SIGKILL (137)" 137 "$rc"
	check "SIGRTMAX to runsc-c: no call of the guest failed" "" \
		"$(grep -v '^ready$' "$out" | sort | uniq -c)"
else
	not_ok "SIGRTMAX to runsc-c: the guest's loops run" "$(cat "$out")"
	kill -9 "$pid"
fi
check "SIGRTMAX to runsc-c: nothing is left" "" "$(left_behind "$m")"

# A guest that ignores SIGTERM still ends on --timeout.
state_snapshot "$TMP/before"
m=${marker_base}8
runsc --timeout 1 -- sh -c "trap '' TERM INT; sleep $m; sleep $m" >/dev/null 2>&1
check_rc "--timeout kills a guest that ignores SIGTERM" 124 "$?"
check "--timeout of a stubborn guest: nothing is left" "" "$(left_behind "$m")"

done_testing
