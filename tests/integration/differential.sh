#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Differential tests: each command gives the same stdout and exit status
# natively and under `runsc-c do`. The native result is the expected one.
# Listings are of directories the view leaves alone (not /etc, whose hidden
# files change its link count, nor /, /tmp, /root, /home, /run).
. "$(dirname "$0")/lib.sh"

differential "busybox sh: echo hi | wc -c" busybox sh -c 'echo hi | wc -c'
differential "sh: exit status 7" sh -c 'exit 7'
check_rc "sh: exit status 7 is passed through" 7 "$(cat "$TMP/sandbox.rc")"
differential "sh: death by SIGTERM is 128+15" sh -c 'kill -TERM $$'
check_rc "sh: SIGTERM gives exit status 143" 143 "$(cat "$TMP/sandbox.rc")"
differential "sh: death by SIGKILL is 128+9" sh -c 'kill -KILL $$'

for dir in /usr/share/doc/bash /usr/include/linux/netfilter /usr/lib/x86_64-linux-gnu/gconv \
	/usr/bin /usr/lib/python3/dist-packages; do
	if [ -d "$dir" ]; then
		differential "ls -la $dir" ls -la --time-style=full-iso "$dir"
	else
		skip "ls -la $dir" "not on this host"
	fi
done
differential "ls -lan of symlinks and devices" ls -lan /bin /lib64 /dev/null /dev/zero
differential "cat /etc/os-release" cat /etc/os-release
differential "find /usr/share/doc -name copyright | wc -l" \
	sh -c 'find /usr/share/doc -name copyright | wc -l'
differential "stat of files with their owners" \
	sh -c 'stat -c "%n %U %G %a %s %h %Y" /etc/passwd /usr/bin/passwd /usr/bin/su /var/log /usr/share'
differential "sha256sum of binaries" sh -c 'sha256sum /bin/busybox /usr/bin/python3 | cut -c1-16'
differential "du -s of a tree" du -s --apparent-size /usr/include/linux
differential "readlink -f through symlinks" readlink -f /bin/sh /lib64/ld-linux-x86-64.so.2 /usr/bin/python3
differential "test and [ on missing files" \
	sh -c '[ -e /nonexistent ]; echo $?; test -d /usr; echo $?; ls /nonexistent; echo $?'

differential_data "bash script: pipes, subshells, jobs, traps, here-docs" 'bash "$1/script.sh"'
check_rc "bash script: exit status 5" 5 "$(cat "$TMP/sandbox.rc")"
requires "python3: sqlite3, threads, subprocess, tempfile, pathlib, symlinks" python3 &&
	differential_data "python3: sqlite3, threads, subprocess, tempfile, pathlib, symlinks" \
		'/usr/bin/python3 "$1/py_workload.py"'
requires "gcc hello.c -o /tmp/h && /tmp/h" gcc &&
	differential_data "gcc hello.c -o /tmp/h && /tmp/h" \
		'gcc "$1/hello.c" -o "$2/h" && "$2/h" one "two words"'
requires "a failing compile reports the same status" gcc &&
	differential_data "a failing compile reports the same status" \
		'printf "int main(void) { return undeclared; }\n" >"$2/bad.c"; gcc -c "$2/bad.c" -o "$2/bad.o" 2>/dev/null; echo "gcc status $?"'
differential_data "exec: Linux's errors, #! scripts, posix_spawn, vfork, threads, memfd" \
	'mkdir "$2/exec" && python3 "$1/exec_probe.py" "$2/exec"'
# A thread's umask() is seen by every file its siblings create afterwards.
requires "umask: files made after another thread's umask() returned use it" gcc &&
	differential_data "umask: files made after another thread's umask() returned use it" \
		'gcc -O2 -pthread "$1/umask_race.c" -o "$2/umask_race" && "$2/umask_race" "$2"'
# The stat of an fd itself (newfstatat and statx with AT_EMPTY_PATH, which the
# sentry answers) agrees with fstat (native) on every kind of fd, fails as
# Linux does, and never answers for a file the fd did not name while another
# thread swaps it with dup2 and closes it.
requires "fd stat: every kind of fd, errors, a dup2/close race" gcc &&
	differential_data "fd stat: every kind of fd, errors, a dup2/close race" \
		'gcc -O2 -pthread "$1/fdstat_probe.c" -o "$2/fdstat_probe" && "$2/fdstat_probe" "$1" "$2"'
# Datagrams sent by name to a unix socket (sendto with a path, as syslog and
# sd_notify send) reach it through the view, relative names, .. and symlinks
# included, and names that reach no socket fail as on Linux.
requires "unix sockets by path: sendto, its errors" gcc &&
	differential_data "unix sockets by path: sendto, its errors" \
		'gcc -O2 "$1/unix_path_probe.c" -o "$2/unix_path_probe" && "$2/unix_path_probe" "$2"'
# A connect that waits (full backlog) must not stall the sandbox's other threads.
differential_data "connect: waiting connects hold only their thread; non-blocking connects" \
	'python3 "$1/connect_wait.py"'

# capget claims only what holds: a root whose capabilities the kernel does
# not honour (the host's initial user namespace checks them) is not told it
# has them.
requires "capabilities: capget claims what the kernel honours" python3 &&
	differential_data "capabilities: capget claims what the kernel honours" \
		'python3 "$1/caps_probe.py"'

# Exec recomputes the effective capabilities; the sentry refreshes the ids
# it keeps for the thread at the exec (capget), as the kernel left them.
requires "capabilities across exec: dropped, then back after exec" python3 &&
	differential_data "capabilities across exec: dropped, then back after exec" \
		'python3 "$1/exec_caps_probe.py" "$2"'

# /proc/sys: the subset the sandbox serves, read-only as it is for the root
# of an unprivileged user namespace.
requires "/proc/sys: values, modes, listings, writes refused" python3 &&
	differential_userns "/proc/sys: values, modes, listings, writes refused" \
		'python3 "$1/procsys_probe.py"'

# clone3: the sentry checks the struct as Linux does and rewrites the call
# into clone, putting the argument registers back in parent and child;
# glibc's pthread_create and posix_spawn use it. Natively as the root of an
# unprivileged user namespace, whom set_tid is refused as in the sandbox.
requires "clone3: Linux's errors, children, pidfds, tid stores, registers, libc" gcc &&
	differential_userns "clone3: Linux's errors, children, pidfds, tid stores, registers, libc" \
		'gcc -O2 -pthread "$1/clone3_probe.c" -o "$2/clone3_probe" && "$2/clone3_probe" common'
if requires "clone3: the sandbox's own refusals" gcc; then
	out=$(runsc -v "$DATA:/data:ro" -- sh -c \
		'gcc -O2 -pthread /data/clone3_probe.c -o /tmp/clone3_probe && /tmp/clone3_probe sandbox' 2>&1)
	check "clone3: the sandbox's own refusals" "CLONE_NEWUSER: EPERM
CLONE_NEWNET: EPERM
CLONE_UNTRACED: EPERM
CLONE_CLEAR_SIGHAND: EINVAL
set_tid: EPERM" "$out"
fi

# fchmodat2: fchmodat with flags; a symlink's own mode cannot change.
requires "fchmodat2: flags, symlinks (EOPNOTSUPP), AT_EMPTY_PATH, errors" python3 &&
	differential_data "fchmodat2: flags, symlinks (EOPNOTSUPP), AT_EMPTY_PATH, errors" \
		'python3 "$1/fchmodat2_probe.py" "$2"'

# socket and socketpair that make no socket: Linux's errno and order of
# checks (flags, family, type, protocol), natively without CAP_NET_RAW over
# the network namespace, as in the sandbox.
requires "socket, socketpair: errnos of what makes no socket" python3 &&
	differential_userns "socket, socketpair: errnos of what makes no socket" \
		'python3 "$1/socket_errno_probe.py" common'
if requires "socket: what the sandbox does not offer answers as a kernel without it" python3; then
	out=$(runsc -v "$DATA:/data:ro" -- python3 /data/socket_errno_probe.py sandbox 2>&1)
	check "socket: what the sandbox does not offer answers as a kernel without it" \
		"socket inet stream, MPTCP: EPROTONOSUPPORT
socket inet stream, SCTP: EPROTONOSUPPORT
socket inet seqpacket: ESOCKTNOSUPPORT
socket inet dgram, UDP-Lite: EPROTONOSUPPORT
socket netlink raw, netfilter: EPROTONOSUPPORT
socket alg seqpacket: EAFNOSUPPORT
socket vsock stream: EAFNOSUPPORT
socketpair inet stream, SCTP: EPROTONOSUPPORT" "$out"
fi

# bind: the sentry binds the guest's socket with its own capabilities, so it
# checks the caller's: a user without CAP_NET_BIND_SERVICE gets EACCES for
# ports below 1024, as natively.
if requires "bind: ports below 1024 need CAP_NET_BIND_SERVICE" python3; then
	(cd / && guest_env setpriv --reuid=65534 --regid=65534 --clear-groups \
		/usr/bin/python3 "$DATA/bind_port_probe.py") </dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc --user 65534:65534 -v "$DATA:/data:ro" -- /usr/bin/python3 /data/bind_port_probe.py \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "bind: ports below 1024 need CAP_NET_BIND_SERVICE"
fi

# pidfd_send_signal: a /proc/<pid> directory fd is a pidfd of its process.
requires "pidfd_send_signal: /proc/<pid> directory fds, pidfds, other fds" python3 &&
	differential_data "pidfd_send_signal: /proc/<pid> directory fds, pidfds, other fds" \
		'python3 "$1/pidfd_probe.py"'

# renameat2: flag combinations are refused before any name is looked up.
requires "renameat2: flags in Linux's order" python3 &&
	differential_data "renameat2: flags in Linux's order" 'python3 "$1/renameat2_probe.py" "$2"'
requires "link: O_TMPFILE by /proc/self/fd, names in /proc" python3 &&
	differential_data "link: O_TMPFILE by /proc/self/fd, names in /proc" \
		'python3 "$1/link_probe.py" "$2"'

# The sentry's procfs and devfs against the host's, where they must agree.
differential "readlink /proc/self/exe" readlink /proc/self/exe
differential "cat /proc/self/cmdline" cat /proc/self/cmdline
differential "readlink /proc/self/cwd after cd" sh -c 'cd /usr/share && readlink /proc/self/cwd'
differential "/proc/self/fd/0 is stdin" python3 -c 'import os; print(os.readlink("/proc/self/fd/0"))'
differential "/proc/self/status: Name, Uid, Gid, Umask" \
	sh -c 'grep -E "^(Name|Uid|Gid|Umask):" /proc/self/status'
differential "/proc/cpuinfo: processor count" sh -c 'grep -c ^processor /proc/cpuinfo'
differential "nproc" nproc
differential "/proc/self/maps names the program" sh -c 'grep -c /usr/bin/cat /proc/self/maps >/dev/null && echo mapped'
differential "/dev/stdin, /dev/fd/0 and /dev/null" \
	sh -c 'echo piped | cat /dev/stdin; echo again | cat /dev/fd/0; cat /dev/null; echo x >/dev/null; head -c 4 /dev/zero | od -An -tx1'
differential "/dev/full refuses writes" sh -c 'echo x >/dev/full; echo $?'
differential "python3 -c with exit status 3" python3 -c 'import sys; print(sum(range(10))); sys.exit(3)'
differential "shell pipeline with xargs" sh -c 'ls /usr/bin | head -50 | xargs -n 10 echo | wc -l'

# Changes made through an O_PATH fd's /proc/self/fd/N (glibc's
# fchmodat(AT_SYMLINK_NOFOLLOW), GNU tar) reach the file.
differential "O_PATH fd, chmod through /proc/self/fd/N" python3 -c '
import os, tempfile
d = tempfile.mkdtemp()
fd = os.open(d, os.O_PATH)
os.chmod("/proc/self/fd/%d" % fd, 0o750)
print(oct(os.stat(d).st_mode & 0o777), oct(os.fstat(fd).st_mode & 0o777))
os.rmdir(d)'
differential "tar keeps directory modes" sh -c '
d=$(mktemp -d) && mkdir -p "$d/src/a/b" "$d/out" && echo x >"$d/src/a/b/f" &&
chmod 750 "$d/src/a" && tar -C "$d/src" -cf "$d/t.tar" a && tar -C "$d/out" -xf "$d/t.tar" &&
stat -c "%A %n" "$d/out/a" "$d/out/a/b" "$d/out/a/b/f" | sed "s|$d||"; rm -rf "$d"'

# inotify's close events come at the guest's close, not later: the sentry
# closes its copy of an fd it installs, and waits for the gofer to close
# its own, before the guest runs on (3000 files in a row: a close event
# that waits for the gofer's close shows in some of them).
requires "inotify: close events at the close" python3 &&
	differential_data "inotify: close events at the close" \
		'python3 "$1/inotify_close_probe.py" "$2"'

# /proc/self/pagemap as Linux shows it to a reader without CAP_SYS_ADMIN
# (natively: dropped from the bounding set, so that the frame numbers are
# hidden from the native run too).
if requires "/proc/self/pagemap: flags of touched pages, no frame numbers" python3 &&
	requires "/proc/self/pagemap: flags of touched pages, no frame numbers" setpriv; then
	native=$(guest_env setpriv --bounding-set -sys_admin python3 "$DATA/pagemap_probe.py" 2>&1)
	sandbox=$(runsc -v "$DATA:/data:ro" -- python3 /data/pagemap_probe.py 2>&1)
	check "/proc/self/pagemap: flags of touched pages, no frame numbers" "$native" "$sandbox"
fi

# sysinfo(2) tells what /proc tells: memory as /proc/meminfo (in the
# sandbox the memory bound), threads as /proc/loadavg counts them, uptime
# and loads as /proc/uptime and /proc/loadavg. Natively the same relations
# hold; with --memory the totals are the bound's.
if requires "sysinfo: as /proc/meminfo, /proc/uptime and /proc/loadavg say" python3; then
	differential_data "sysinfo: as /proc/meminfo, /proc/uptime and /proc/loadavg say" \
		'python3 "$1/sysinfo_probe.py"'
	native=$(python3 "$DATA/sysinfo_probe.py" 2>&1)
	sandbox=$(runsc --memory 256M -v "$DATA:/data:ro" -- python3 /data/sysinfo_probe.py 2>&1)
	check "sysinfo under --memory 256M: as /proc/meminfo says" "$native" "$sandbox"
	out=$(runsc --memory 256M -- python3 -c 'import ctypes; b = (ctypes.c_ulong * 16)(); ctypes.CDLL(None).sysinfo(b); print(b[4] * (b[13] & 0xffffffff))')
	check "sysinfo under --memory 256M: totalram is 256M" "268435456" "$out"
fi

# A signal the waiter ignores, sent again and again, neither ends a wait
# early nor makes it fail with EINTR (the sentry, as tracer, is told of it
# and passes it on; the kernel then discards it and restarts the call, or
# the sentry has it restart sigwaitinfo and untimed epoll waits, and
# rt_sigtimedwait and epoll_pwait2 with the time left).
requires "ignored signals: waits neither end early nor fail" python3 &&
	differential_data "ignored signals: waits neither end early nor fail" \
		'python3 "$1/ignored_signal_probe.py"'
requires "ignored signals: a restarted timed wait keeps the caller's registers" gcc &&
	differential_data "ignored signals: a restarted timed wait keeps the caller's registers" \
		'gcc -O2 "$1/timed_wait_regs.c" -o "$2/timed_wait_regs" && "$2/timed_wait_regs"'

# Multicast joins without network access: the sandbox's network namespace
# holds only lo, and Linux answers as in such a namespace (ENODEV where no
# route names an interface). Natively in a new network namespace with lo up.
if requires "multicast joins: as in a namespace with only lo" unshare &&
	requires "multicast joins: as in a namespace with only lo" ip; then
	native=$(unshare -n sh -c 'ip link set lo up && python3 "$1/multicast_probe.py"' sh "$DATA" 2>&1)
	sandbox=$(runsc -v "$DATA:/data:ro" -- python3 /data/multicast_probe.py 2>&1)
	check "multicast joins: as in a namespace with only lo" "$native" "$sandbox"
fi

done_testing
