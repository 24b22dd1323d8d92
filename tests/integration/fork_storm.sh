#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fork storms: hundreds of guest tasks making trapped calls while the
# sandbox starts, runs and is torn down. No call may fail with an errno
# Linux would not give: the sentry serves every trapped call until the last
# guest task is gone (a task still running once the sentry's listener
# closed would get ENOSYS, "Function not implemented", from the kernel),
# and it does not run out of fds with a task count its pids limit allows.
. "$(dirname "$0")/lib.sh"

# storm TIMEOUT SCRIPT: runs SCRIPT under --timeout, stderr in $TMP/err.
storm() {
	runsc --timeout "$1" -- sh -c "$2" >/dev/null 2>"$TMP/err"
	rc=$?
}

# ---- the timeout ends a sandbox whose tasks are busy in trapped calls ----
# 300 background subshells, each opening /dev/null over and over (an
# openat the sentry answers), all running when the timeout strikes.
# shellcheck disable=SC2016
busy='i=0
while [ $i -lt 300 ]; do
	(while :; do : </dev/null; done) &
	i=$((i + 1))
done
wait'
for run in 1 2 3; do
	storm 1.5 "$busy"
	check_rc "busy subshells, run $run: --timeout gives 124" 124 "$rc" "$(head -c 2000 "$TMP/err")"
	check "busy subshells, run $run: no guest error at teardown" "" "$(head -c 2000 "$TMP/err")"
done

# ---- dash's `b(){ b|b& }` storm, bounded in depth ----
# Each level forks a pipeline of two in the background; a background job's
# stdin is /dev/null, which dash opens through the sentry.
# shellcheck disable=SC2016
tree='b() {
	if [ "$1" -eq 0 ]; then
		while :; do : </dev/null; done
	fi
	b $(($1 - 1)) | b $(($1 - 1)) &
}
b 8
wait
sleep 30'
storm 2 "$tree"
check_rc "a fork tree of 500 tasks: --timeout gives 124" 124 "$rc" "$(head -c 2000 "$TMP/err")"
check_lacks "a fork tree of 500 tasks: no call fails with ENOSYS" "Function not implemented" \
	"$(cat "$TMP/err")"

# ---- the sentry's fds: one per task's cwd, one pidfd ----
# 400 tasks alive at once, each with a cwd of its own and calls that need
# the sentry to fetch a guest fd, under a soft RLIMIT_NOFILE of 256: the
# sentry raises its soft limit to the hard one.
# shellcheck disable=SC2016
many='i=0
while [ $i -lt 400 ]; do
	(cd /tmp && read -r x </dev/null; sleep 2; cd / && ls -d . >/dev/null) &
	i=$((i + 1))
done
wait
echo done'
# shellcheck disable=SC3045
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 4096 ]; then
	out=$(ulimit -Sn 256 && runsc -- sh -c "$many" 2>"$TMP/err")
	rc=$?
	check_rc "400 tasks under a soft fd limit of 256: exit 0" 0 "$rc" "$(head -c 2000 "$TMP/err")"
	check "400 tasks under a soft fd limit of 256: all ran" "done" "$out"
	check "400 tasks under a soft fd limit of 256: no errors" "" "$(head -c 2000 "$TMP/err")"
else
	skip "400 tasks under a soft fd limit of 256" "hard RLIMIT_NOFILE below 4096"
fi
# ---- fds in flight elsewhere do not end a sandbox ----
# Linux refuses to send an fd (ETOOMANYREFS) while the fds the sender's
# user has in flight, host-wide, exceed the sender's soft RLIMIT_NOFILE. A
# process of root's holding 300 fds in flight on a socket it never reads
# must not make the gofer of a running sandbox started under a soft limit
# of 256 fail its answers (the gofer raises its soft limit to the hard
# one). The holder starts once the sandbox runs; 300 stays below the soft
# limit of the tests that may run beside this one.
cat >"$TMP/inflight.py" <<'EOP'
import array, os, socket, sys, time
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
fds = array.array("i", [os.open("/dev/null", os.O_RDONLY) for _ in range(150)])
for _ in range(2):
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
open(sys.argv[1], "w").write("ready")
time.sleep(120)
EOP
# shellcheck disable=SC3045
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 4096 ]; then
	mkdir "$TMP/gate"
	(ulimit -Sn 256 && runsc -v "$TMP/gate:/gate" -- sh -c \
		'touch /gate/running; while [ ! -e /gate/go ]; do read -r x </dev/null; done
		for d in /tmp /etc /usr /bin; do cd $d && ls -d .; done' >"$TMP/inflight.out" 2>&1) &
	sandbox=$!
	i=0
	while [ ! -e "$TMP/gate/running" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	python3 "$TMP/inflight.py" "$TMP/inflight.ready" &
	holder=$!
	cleanup_later $holder
	i=0
	while [ ! -s "$TMP/inflight.ready" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	touch "$TMP/gate/go"
	wait $sandbox
	rc=$?
	kill $holder 2>/dev/null
	wait $holder 2>/dev/null
	check "300 fds in flight elsewhere, a soft fd limit of 256: the sandbox's files open" \
		"0 . . . ." "$rc $(tr '\n' ' ' <"$TMP/inflight.out" | sed 's/ $//')"
else
	skip "300 fds in flight elsewhere" "hard RLIMIT_NOFILE below 4096"
fi

# With the hard limit at 256 as well the sentry runs out: the sandbox lives
# on, and the calls that needed an fd fail with ENOMEM, never with an errno
# that names something else (ENOSYS, ESRCH, EBADF, ENOENT; dash's cd names
# none). The dynamic loader searches on after a failed open of a library and
# reports the errno of its last candidate directory, so its "error while
# loading shared libraries" names ENOENT for what was ENOMEM: its line is
# let through. dash writes its "sh: N: cd: " prefix apart from the rest of
# the message, so with 400 writers on one pipe a prefix can stand alone on a
# line: prefixes are taken out first.
# shellcheck disable=SC3045
out=$(ulimit -n 256 && runsc -- sh -c "$many" 2>"$TMP/err")
check "400 tasks under a hard fd limit of 256: the sandbox lives on" "done" "$out"
bad=$(sed 's/sh: [0-9]*: cd: //g' "$TMP/err" | grep -v -e 'Cannot allocate memory' -e "can't cd to" \
	-e 'error while loading shared libraries' -e '^$')
check "400 tasks under a hard fd limit of 256: failures are ENOMEM" "" "$(printf '%s' "$bad" | head -c 2000)"

done_testing
