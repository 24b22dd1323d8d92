#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Processes: the guest's fds, its pid namespace, and that host processes are
# out of its reach. (lifecycle.sh covers signals to runsc-c and teardown.)
. "$(dirname "$0")/lib.sh"

# ---- the guest starts with fds 0, 1, 2 only ----
listfds='import os; print(sorted(os.listdir("/proc/self/fd"), key=int))'
# Natively: the same program started with every other fd closed.
native=$(guest_env python3 -c 'import subprocess, sys
sys.exit(subprocess.run(sys.argv[1:], close_fds=True).returncode)' python3 -c "$listfds" </dev/null 2>&1)
check "natively, python lists fds 0-3 (3 is the listing's own)" "['0', '1', '2', '3']" "$native"
# The sandbox gets extra fds from this shell on purpose: none may reach the guest.
out=$(runsc -- python3 -c "$listfds" 2>&1 7</dev/null 8>&1 9>"$TMP/fd9")
check "the guest's /proc/self/fd lists what Linux lists" "$native" "$out"
# shellcheck disable=SC2016
out=$(runsc -- sh -c 'for fd in 3 4 5 6 7 8 9 10 11 12 20 63 100 255 1023; do
	if { true >&$fd; } 2>/dev/null; then echo "fd $fd open"; fi; done' 2>&1 7</dev/null 9>"$TMP/fd9")
check "fds 3 and up are closed in the guest" "" "$out"

# ---- the guest's scheduling policy is the caller's ----
# The sentry runs as SCHED_BATCH; the guest, which it spawns, must not.
sched='import os; print(os.sched_getscheduler(0), os.sched_getscheduler(os.getppid()))'
native=$(guest_env python3 -c "$sched" 2>&1)
out=$(runsc -- sh -c "python3 -c '$sched'" 2>&1)
check "the guest's scheduling policy (and its shell's) as natively" "$native" "$out"

# ---- the cwd of children and unshared threads ----
differential_data "a fork's cwd is its own; one an exited parent had stays usable; unshare(CLONE_FS)" \
	'python3 "$1/cwd_share.py"'

# ---- the pid namespace ----
out=$(runsc -- busybox ps 2>&1)
lines=$(printf '%s\n' "$out" | wc -l)
if [ "$lines" -ge 2 ] && [ "$lines" -le 4 ]; then ok "busybox ps shows only the guest's few processes"; else
	not_ok "busybox ps shows only the guest's few processes" "$out"; fi
pids=$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | sort -n | tr '\n' ' ')
check "guest pids start at 1" "1 2 " "$pids"
host_init=$(tr '\0' ' ' </proc/1/cmdline)
guest_init=$(runsc -- sh -c 'tr "\0" " " </proc/1/cmdline' 2>&1)
if [ -n "$guest_init" ] && [ "$guest_init" != "$host_init" ]; then
	ok "/proc/1 inside is not the host's init"
else
	not_ok "/proc/1 inside is not the host's init" "host: $host_init" "guest: $guest_init"
fi
# shellcheck disable=SC2016
out=$(runsc -- sh -c 'for d in /proc/[0-9]*; do tr "\0" " " <$d/cmdline; echo; done' 2>&1)
check_lacks "no guest process has the host init's command line" "$host_init" "$out"
# ls alone reads /proc (a pipeline's later stages may or may not have
# started by then): init, sh and ls.
# (The list goes to a name of this test's own: the guest sees the host's /tmp.)
out=$(runsc -- sh -c 'ls /proc >"$1"; grep -E "^[0-9]+$" "$1" | sort -n | tr "\n" " "' sh "$TMP/proc.list" 2>&1)
check "/proc lists only the guest's pids" "1 2 3 " "$out"
out=$(SECRET_API_KEY=x runsc -- sh -c 'cat /proc/1/environ /proc/self/environ | tr "\0" "\n"' 2>&1)
check_lacks "/proc/1 and /proc/self show none of the launcher's environment" "SECRET_API_KEY" "$out"
check_contains "/proc/self/environ shows the guest's own environment" "LANG=C.UTF-8" "$out"

# ---- host processes cannot be signalled ----
sleep 300 &
host_sleep=$!
cleanup_later "$host_sleep"
out=$(runsc -- sh -c "kill -0 $host_sleep 2>&1; echo status \$?" 2>&1)
check_contains "kill -0 of a host pid fails inside" "status 1" "$out"
out=$(runsc -- python3 -c "
import ctypes, os, signal, sys, time
if ctypes.CDLL(None).prctl(21) != 2:
    sys.exit('not in a seccomp sandbox: refusing kill(-1)')
try:
    os.kill($host_sleep, signal.SIGKILL)
    print('killed the host pid')
except OSError as e:
    print('kill(host pid):', e.strerror)
child = os.fork()
if child == 0:
    time.sleep(60)
    os._exit(0)
os.kill(-1, signal.SIGKILL)
_, status = os.waitpid(child, 0)
print('kill(-1) killed the guest child:', os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9)
" 2>&1)
check "kill(host pid) fails and kill(-1, SIGKILL) stays in the guest's pid namespace" \
	"kill(host pid): No such process
kill(-1) killed the guest child: True" "$out"
if kill -0 "$host_sleep" 2>/dev/null; then ok "the host's sleep survives kill(-1, SIGKILL) from inside"; else
	not_ok "the host's sleep survives kill(-1, SIGKILL) from inside"; fi
kill "$host_sleep" 2>/dev/null

# SIGCHLD wakes the sentry while it waits for the guest's next call in the
# seccomp receive: the guest's death, and a fork's ptrace stops, both come
# while no notification is on its way. Were it missed, the sandbox would
# hang (the bounds below only catch a hang).
marker=4247$$
"$RUNSC_C" do --quiet -- sleep "$marker" </dev/null >/dev/null 2>&1 &
idle_pid=$!
cleanup_later "$idle_pid"
if wait_until 20 pgrep -f "^sleep $marker\$" >/dev/null; then
	sleep 0.3 # the sentry is idle in its receive now
	pkill -KILL -f "^sleep $marker\$"
	idle_exited() {
		st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ]
	}
	wait_until 30 idle_exited "$idle_pid" || kill -9 "$idle_pid"
	wait "$idle_pid"
	check_rc "the sentry sees its guest killed from outside while it waits idle" 137 $?
else
	not_ok "the sentry sees its guest killed from outside while it waits idle" "the guest's sleep never ran"
fi
out=$(RUNSC_BOUND=$((60 * TIME_SCALE)) runsc -- sh -c 'sleep 0.3; /bin/true & sleep 0.2 & wait; echo forked and reaped' 2>&1)
check_rc "a fork from an idle guest is resumed" 0 $?
check "the idle guest's children ran and were reaped" "forked and reaped" "$out"

# An open answered while a child's exit sends the sentry SIGCHLD: the fd
# must be installed all the same (an fd installation the signal interrupted
# would answer the open with 0 and no fd).
out=$(runsc -- python3 -c '
import os, threading
stop = False
def churn():
    while not stop:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
t = threading.Thread(target=churn)
t.start()
want = open("/etc/os-release", "rb").read()
bad = 0
for i in range(1500):
    fd = os.open("/etc/os-release", os.O_RDONLY)
    if fd <= 2 or os.read(fd, len(want) + 1) != want:
        bad += 1
    if fd > 2:
        os.close(fd)
stop = True
t.join()
print("bad opens:", bad)' 2>&1)
check "opens made while children exit all get their fd" "bad opens: 0" "$out"

# SIGCHLDs sent to the sentry from outside, as fast as a shell can send
# them, while it installs the fds of creating opens and of lookups: each
# open gets one fd, of the file it made. A lost fd answers 0 (or another
# file); a doubled one leaves an extra fd open at the end.
timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -- python3 -c '
import os
os.makedirs("/tmp/sigopen", exist_ok=True)
before = sorted(os.listdir("/proc/self/fd"))
bad = 0
for i in range(3000):
    name = "/tmp/sigopen/f%d" % i
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    if fd <= 2 or os.fstat(fd).st_ino != os.stat(name).st_ino:
        bad += 1
    if fd > 2:
        os.close(fd)
    fd = os.open("/tmp/sigopen", os.O_RDONLY | os.O_DIRECTORY)
    if fd <= 2 or os.fstat(fd).st_ino != os.stat("/tmp/sigopen").st_ino:
        bad += 1
    if fd > 2:
        os.close(fd)
    os.unlink(name)
after = sorted(os.listdir("/proc/self/fd"))
print("bad opens:", bad, "fds as before:", before == after)' </dev/null >"$TMP/sigopen.out" 2>&1 &
sig_top=$!
cleanup_later "$sig_top"
sig_sentry=""
# shellcheck disable=SC2016
wait_until 20 sh -c 'pgrep -x runsc-c-sentry -P "$(pgrep -P "$1" | head -1)" >/dev/null' sh "$sig_top" &&
	sig_sentry=$(pgrep -x runsc-c-sentry -P "$(pgrep -P "$sig_top" | head -1)" | head -1)
sent=0
while [ -n "$sig_sentry" ] && kill -CHLD "$sig_sentry" 2>/dev/null; do sent=$((sent + 1)); done
wait "$sig_top"
check "opens answered while SIGCHLD floods the sentry ($sent sent) get one fd each" \
	"bad opens: 0 fds as before: True" "$(cat "$TMP/sigopen.out")"
if [ "$sent" -gt 100 ]; then ok "the sentry got a flood of SIGCHLD ($sent) during the opens"; else
	not_ok "the sentry got a flood of SIGCHLD during the opens" "sent $sent (sentry: '$sig_sentry')"; fi

# ---- the command's PATH search is execvp's ----
# Natively env(1) searches with glibc's execvp; inside, the guest's init
# probes candidates before it execs one: the same command must run, or
# the same error end the search. A directory and a file without an x bit
# come first (execvp skips both, remembering EACCES), then a script
# without "#!" (ENOEXEC: execvp runs it with /bin/sh).
pdir="$TMP/pathsearch"
mkdir -p "$pdir/dir/probe" "$pdir/noexec" "$pdir/script" "$pdir/shebang" "$pdir/empty"
printf 'echo noexec ran\n' >"$pdir/noexec/probe"
printf 'echo script ran from "$0"\n' >"$pdir/script/probe"
printf '#!/bin/sh\necho shebang ran\n' >"$pdir/shebang/probe"
chmod 644 "$pdir/noexec/probe"
chmod 755 "$pdir/script/probe" "$pdir/shebang/probe"
for case in "dir:noexec:script:shebang" "empty:shebang:script" "dir:noexec" "empty" \
	"empty:/nonexistent:noexec/probe:shebang"; do
	search=$(printf '%s' "$case" | sed "s|[^:]*|$pdir/&|g; s|$pdir//|/|g")
	(cd / && guest_env env PATH="$search" probe) </dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -e PATH="$search" -- probe >"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "PATH search over $case runs what execvp runs, or fails as it does"
done

# ---- a new task's own pid, as /proc shows it, from its first call on ----
# A forked child's and a thread's ids in the guest's pid namespace are
# read when first needed, not at their creation.
# shellcheck disable=SC2016
out=$(runsc -- sh -c 'sh -c "echo \$\$; exec readlink /proc/self" | uniq | wc -l' 2>&1)
check "a forked shell's /proc/self is its own pid" "1" "$out"
ids='import os, threading
def run():
    print(threading.get_native_id() == int(os.readlink("/proc/thread-self").split("/")[-1]),
          os.getpid() == int(os.readlink("/proc/self")))
t = threading.Thread(target=run); t.start(); t.join()
if os.fork() == 0:
    run(); os._exit(0)
os.wait()'
native=$(guest_env python3 -c "$ids" 2>&1)
out=$(runsc -- python3 -c "$ids" 2>&1)
check "a thread's and a child's /proc/thread-self and /proc/self, as natively" "$native" "$out"

# ---- a dead gofer stops the sandbox, also while the guest makes no call ----
# The guest sleeps (no notification, no ptrace stop): only runsc-c's word
# that the gofer died can end the sentry's wait.
"$RUNSC_C" do --quiet -- sleep 60 </dev/null >"$TMP/gofer.out" 2>"$TMP/gofer.err" &
top=$!
sentry="" gofer=""
for _ in $(seq 100); do
	for kid in $(pgrep -P "$top"); do
		if [ -n "$(pgrep -P "$kid")" ]; then sentry=$kid; else gofer=$kid; fi
	done
	[ -n "$sentry" ] && [ -n "$gofer" ] && [ -n "$(pgrep -P "$sentry")" ] && break
	sentry="" gofer=""
	sleep 0.1
done
if [ -n "$gofer" ]; then
	kill -KILL "$gofer"
	# Bounded only to turn a hang into a failure, not to time anything.
	for _ in $(seq $((300 * TIME_SCALE))); do kill -0 "$top" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$top" 2>/dev/null; then
		kill -KILL "$top"
		not_ok "a killed gofer stops a sleeping guest's sandbox" "runsc-c still runs"
	else
		wait "$top"
		rc=$?
		if [ "$rc" -ne 0 ] && grep -q "gofer died" "$TMP/gofer.err"; then
			ok "a killed gofer stops a sleeping guest's sandbox"
		else
			not_ok "a killed gofer stops a sleeping guest's sandbox" "exit $rc" "$(cat "$TMP/gofer.err")"
		fi
	fi
else
	kill -KILL "$top" 2>/dev/null
	wait "$top"
	not_ok "a killed gofer stops a sleeping guest's sandbox" "no gofer found"
fi

done_testing
