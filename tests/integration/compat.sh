#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compatibility probes: ids, fcntl, O_PATH, unix socket names, statfs. Each
# runs natively and under `runsc-c do` with outputs compared; the native
# result is the expected one.
. "$(dirname "$0")/lib.sh"

# differential_idmap NAME SCRIPT [do flags]: as differential_data, but
# natively as root of a user namespace with the sandbox's id map (every id
# but -1 to the same host id), made by host root.
differential_idmap() {
	name=$1 script=$2
	shift 2
	scratch=$(mktemp -d "$TMP/scratch.XXXXXX")
	(cd / && guest_env TMPDIR="$scratch" python3 "$DATA/idmap_userns.py" \
		sh -c "$script" sh "$DATA" "$scratch") \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -v "$DATA:/data:ro" "$@" -- sh -c "$script" sh /data /tmp \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "$name"
}

# chown with low and high ids (the guest's user namespace maps every id
# but -1) and -1.
requires "chown, fchown, lchown, fchownat: low and high ids, -1" python3 &&
	differential_idmap "chown, fchown, lchown, fchownat: low and high ids, -1" \
		'python3 "$1/chown_ids_probe.py" "$2"'

# The capabilities over files: root dropping CAP_DAC_OVERRIDE,
# CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_CHOWN or CAP_FSETID from its effective
# set is refused what Linux refuses it (mode-000 files and directories,
# exec, access and faccessat, chmod, times, O_NOATIME, links, chown, the
# sticky bit), gets them back when it raises them again, and a user other
# than root that keeps CAP_DAC_OVERRIDE has it.
requires "capabilities over files: each of CAP_DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, CHOWN, FSETID dropped" gcc &&
	differential_data "capabilities over files: each of CAP_DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, CHOWN, FSETID dropped" \
		'gcc -O2 "$1/fs_caps_probe.c" -o "$2/fs_caps_probe" && "$2/fs_caps_probe" "$2"'

# A volume's files owned by a high host id (100000): the guest's root
# chowns, chmods and opens them as the host's root does. Each run has its
# own copy, which both leave in the same state.
high_owner_file() { echo data >"$1" && chown "$2" "$1" && chmod "$3" "$1"; }
high_owner_vol() {
	vol=$(mktemp -d "$TMP/vol.XXXXXX")
	chmod 755 "$vol"
	# u: the owner's alone; g: group 0 may write; o: anyone may write;
	# n: no one may read.
	high_owner_file "$vol/u" 100000:100000 644
	high_owner_file "$vol/g" 100000:0 660
	high_owner_file "$vol/o" 100000:100000 606
	high_owner_file "$vol/n" 100000:100000 600
	echo "$vol"
}
if requires "a volume's files of a high owner: chown, chmod and opens as the host's root" python3; then
	vol_native=$(high_owner_vol)
	vol_sandbox=$(high_owner_vol)
	(cd / && guest_env python3 "$DATA/idmap_userns.py" \
		python3 "$DATA/high_owner_probe.py" "$vol_native") \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -v "$DATA:/data:ro" -v "$vol_sandbox:/vol" -- python3 /data/high_owner_probe.py /vol \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "a volume's files of a high owner: chown, chmod and opens as the host's root"
	check "a volume's files of a high owner end as natively" \
		"$(cd "$vol_native" && stat -c '%n %u:%g %a %s' u g o n)" \
		"$(cd "$vol_sandbox" && stat -c '%n %u:%g %a %s' u g o n)"
fi

# O_PATH fds: a symlink itself opens with O_NOFOLLOW; read, write, fchmod,
# fchown, flock, syncfs, ioctl and most fcntl commands fail with EBADF;
# F_GETFL shows O_PATH; fstat (raw too), fstatfs, fchdir, openat relative to one,
# readlinkat(fd, ""), /proc/self/fd/N (readlink, linkat with
# AT_SYMLINK_FOLLOW), dup and fork serve them, for /proc's own files too;
# more opened and closed than the sandbox keeps at once.
requires "O_PATH fds: symlinks, EBADF for I/O, fstat, fchdir, openat, readlinkat, linkat" gcc &&
	differential_data "O_PATH fds: symlinks, EBADF for I/O, fstat, fchdir, openat, readlinkat, linkat" \
		'gcc -O2 "$1/opath_probe.c" -o "$2/opath_probe" && "$2/opath_probe" "$2"'

# O_PATH of /dev/tty, natively and under `runsc-c do`, each with a new
# pseudo-terminal as controlling terminal: an fd that refuses I/O, shows
# O_PATH, and reopens through /proc/self/fd/N as the terminal.
if requires "O_PATH of /dev/tty: refuses I/O, reopens as the terminal" gcc &&
	requires "O_PATH of /dev/tty: refuses I/O, reopens as the terminal" python3; then
	scratch=$(mktemp -d "$TMP/scratch.XXXXXX")
	chmod 755 "$scratch"
	gcc -O2 "$DATA/opath_probe.c" -o "$scratch/opath_probe"
	(cd / && guest_env python3 "$DATA/with_tty.py" "$scratch/opath_probe" --tty) \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	(cd / && timeout -s KILL "$RUNSC_BOUND" python3 "$DATA/with_tty.py" \
		"$RUNSC_C" do --quiet -v "$scratch:/probe:ro" -- /probe/opath_probe --tty) \
		</dev/null >"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "O_PATH of /dev/tty: refuses I/O, reopens as the terminal"
fi

# The sentry connects and sends on the guest's sockets itself: the kernel's
# checks of the caller's network capabilities must give the guest's root
# what Linux gives the root of a user namespace over a network namespace it
# does not own (EPERM): addresses added through netlink sent with an
# address, netlink to a process or a group, SO_MARK, SO_PRIORITY above 6,
# IPv6 hop-by-hop and destination options.
requires "network capabilities: netlink changes, netlink to processes and groups, SO_MARK, SO_PRIORITY, IPv6 options" python3 &&
	differential_userns "network capabilities: netlink changes, netlink to processes and groups, SO_MARK, SO_PRIORITY, IPv6 options" \
		'python3 "$1/net_caps_probe.py"'

# F_CREATED_QUERY: whatever this kernel answers natively (EINVAL before 6.12).
requires "fcntl F_CREATED_QUERY" python3 &&
	differential_data "fcntl F_CREATED_QUERY" 'python3 "$1/fcntl_created_probe.py" "$2"'

# /proc/self/fd/N opened with O_DIRECTORY: ENOTDIR for a device or a FIFO
# (the sentry reopens those itself), O_DIRECTORY kept for a directory.
requires "/proc/self/fd/N with O_DIRECTORY" python3 &&
	differential_data "/proc/self/fd/N with O_DIRECTORY" 'python3 "$1/proc_fd_odir_probe.py"'

# RLIMIT_FSIZE: native writes, pwritev, ftruncate, fallocate,
# copy_file_range and sendfile (the kernel's check) and truncate (the
# gofer's, under the caller's limit): EFBIG past the limit, SIGXFSZ to a
# handler, nothing when ignored, death by the default action.
requires "RLIMIT_FSIZE: EFBIG and SIGXFSZ on writes and truncates" python3 &&
	differential_data "RLIMIT_FSIZE: EFBIG and SIGXFSZ on writes and truncates" \
		'python3 "$1/fsize_probe.py" "$2"'

# A working directory inside /proc: chdir and fchdir there, getcwd,
# relative opens, stat, readlink, listings, "..", names that cannot be made,
# fork and exec from it, symlinks into /proc, loops, a process that exits.
requires "a working directory inside /proc" python3 &&
	differential_data "a working directory inside /proc" \
		'python3 "$1/proc_cwd_probe.py" "$2"'
differential_data "a shell in /proc/self: cat status, ls fd, pwd" \
	'cd /proc/self && head -n 1 status && ls fd | head -n 3 && pwd &&
	pwd -P | sed "s/[0-9][0-9]*/N/" && cd fd/.. && cd ../.. && pwd -P'

# The sandbox's init is a fork of runsc-c that no exec in the sandbox made:
# its maps and smaps show runsc-c's program as anonymous memory, never by
# its host path (its exe fails with ENOENT, as a kernel thread's does).
host_exe=$(readlink -f "$RUNSC_C")
check "/proc/1/maps and smaps name no host path of runsc-c; /proc/1/exe is ENOENT" \
	"0 0 r-xp 00000000 00:00 0 ENOENT" \
	"$(runsc sh -c 'grep -c -F "$1" /proc/1/maps; grep -c -F "$1" /proc/1/smaps
		grep -m 1 -o "r-xp 00000000 00:00 0" /proc/1/maps
		readlink /proc/1/exe || echo ENOENT' sh "$host_exe" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"

# Out of /proc only into the view: /proc/1/root is the sandbox's root and
# ".." from it stays there; a relative change from a /proc cwd gets what
# the same change by absolute path gets. (Sandbox only: natively /proc/1
# is the host's init.)
if requires "a /proc cwd: /proc/1/root stays in the view, relative changes answer as absolute ones" python3; then
	out=$(runsc -- python3 -c '
import errno, os
def err(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
os.chdir("/proc/1/root")
print(os.getcwd(), os.stat(".").st_ino == os.stat("/").st_ino)
os.chdir("../../..")
print(os.getcwd(), sorted(os.listdir(".")) == sorted(os.listdir("/")))
os.chdir("/proc/1/root/proc/1/root/..")
print(os.getcwd())
os.chdir("/proc/self")
me = "/proc/%d/" % os.getpid()
for name, fn in [("unlink", os.unlink), ("rmdir", os.rmdir), ("chmod", lambda p: os.chmod(p, 0o600)),
                 ("truncate", lambda p: os.truncate(p, 0)), ("utime", lambda p: os.utime(p, (0, 0))),
                 ("rename", lambda p: os.rename(p, p + "2")), ("chown", lambda p: os.chown(p, 0, 0))]:
    for target in ("status", "fd"):
        rel, ab = err(lambda: fn(target)), err(lambda: fn(me + target))
        print(name, target, "same" if rel == ab else "%s, by absolute path %s" % (rel, ab))
' 2>&1)
	check "a /proc cwd: /proc/1/root stays in the view, relative changes answer as absolute ones" "/ True
/ True
/
unlink status same
unlink fd same
rmdir status same
rmdir fd same
chmod status same
chmod fd same
truncate status same
truncate fd same
utime status same
utime fd same
rename status same
rename fd same
chown status same
chown fd same" "$out"
fi

# Exec of /proc paths walks them as any other path: ".", "..", self,
# thread-self, the exe link and fd/N links; /proc's own files and
# directories are EACCES, a missing fd ENOENT, a trailing slash ENOTDIR.
requires "exec of /proc paths: exe and fd/N links through . and .." python3 &&
	differential_data "exec of /proc paths: exe and fd/N links through . and .." \
		'python3 "$1/exec_proc_probe.py"'

# sendmsg and sendmmsg to a unix path on an unconnected datagram socket
# (sd_notify), with credentials and fds, under network mode none.
requires "unix sockets by path: sendmsg, sendmmsg, SCM_CREDENTIALS, SCM_RIGHTS" python3 &&
	differential_idmap "unix sockets by path: sendmsg, sendmmsg, SCM_CREDENTIALS, SCM_RIGHTS" \
		'python3 "$1/unix_sendmsg_probe.py" "$2"'

# getsockname of a unix socket bound by path gives the path as the guest
# gave it (the gofer binds by the last component), in children and after
# SCM_RIGHTS too; abstract and autobound names, truncation and errors as
# Linux.
requires "unix sockets by path: getsockname gives the whole path" python3 &&
	differential_data "unix sockets by path: getsockname gives the whole path" \
		'python3 "$1/unix_name_probe.py" "$2"'

# ... for the sandbox's last 1024 binds by path: a socket bound before
# them shows its path's last component (the syscall table's getsockname
# row). Only those two lines may differ: the "bound:" line, printed
# before the 1024 binds, must match Linux.
if requires "unix sockets by path: getsockname after 1024 more binds" python3; then
	run_data 'python3 "$1/unix_name_many_probe.py" "$2"'
	known_difference "unix sockets by path: getsockname after 1024 more binds" \
		"the sentry keeps the spelling of the last 1024 binds by path" \
		'/^\(after 1024 more binds\|a socket accept(2) made\): /s|: d/first.sock$|: first.sock|'
fi

# getpeername of a unix socket connected by path gives the name its
# listener was bound to, whatever path the client used, after dup, fork and
# SCM_RIGHTS too; a datagram sent by path arrives.
requires "unix sockets by path: getpeername gives the listener's whole path" python3 &&
	differential_data "unix sockets by path: getpeername gives the listener's whole path" \
		'python3 "$1/unix_peer_probe.py" "$2"'

# getsockname and getpeername of sockets accept(2) made from listeners
# bound by path: the listener's path and the connecting socket's as bound,
# also once the connecting socket is closed; in the scratch directory
# (under /tmp inside) and in a volume, whose host path never shows.
requires "unix sockets by path: getsockname and getpeername of accepted sockets" python3 &&
	differential_data "unix sockets by path: getsockname and getpeername of accepted sockets" \
		'python3 "$1/unix_accept_name_probe.py" "$2"'
if requires "unix sockets by path in a volume: getsockname and getpeername of accepted sockets" python3; then
	vol_native=$(mktemp -d "$TMP/vol.XXXXXX")
	vol_sandbox=$(mktemp -d "$TMP/vol.XXXXXX")
	(cd / && guest_env python3 "$DATA/unix_accept_name_probe.py" "$vol_native") \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -v "$DATA:/data:ro" -v "$vol_sandbox:/vol" -- \
		python3 /data/unix_accept_name_probe.py /vol \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "unix sockets by path in a volume: getsockname and getpeername of accepted sockets"
fi

# The peer address accept, accept4, recvfrom and recvmsg give (they run
# natively) on stream, seqpacket and datagram unix sockets: Linux's for
# unbound, autobound and abstract peers and for peers bound by a name
# without a directory, also for a peer closed (or its file removed) before
# the call and for buffers too short (truncated, the full length back).
requires "unix peer addresses: accept, accept4, recvfrom, recvmsg" python3 &&
	differential_data "unix peer addresses: accept, accept4, recvfrom, recvmsg" \
		'python3 "$1/unix_addr_probe.py" "$2" same'
# A peer bound by a path with a directory in it (absolute, relative,
# through .. or a symlink, of 107 and 108 bytes) shows the path's last
# component only (README, "Known differences").
if requires "unix peer addresses of peers bound by a path with directories" python3; then
	run_data 'python3 "$1/unix_addr_probe.py" "$2" differ'
	known_difference "unix peer addresses of peers bound by a path with directories" \
		"the kernel records the gofer's name, the path's last component" \
		's/ len [^ ]* family \([1-]\) name b.*$/ family \1/'
	check "unix peer addresses of peers bound by a path with directories: a last component, never a path" \
		"" "$(grep "name b'[^']*/" "$TMP/sandbox.out" | head -3)"
fi
# The same in a volume, whose host path never shows.
if requires "unix peer addresses in a volume; its host path never shows" python3; then
	vol_native=$(mktemp -d "$TMP/vol.XXXXXX")
	vol_sandbox=$(mktemp -d "$TMP/vol.XXXXXX")
	(cd / && guest_env python3 "$DATA/unix_addr_probe.py" "$vol_native" same) \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -v "$DATA:/data:ro" -v "$vol_sandbox:/vol" -- \
		python3 /data/unix_addr_probe.py /vol same \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "unix peer addresses in a volume"
	rm -rf "$vol_sandbox/addr"
	runsc -v "$DATA:/data:ro" -v "$vol_sandbox:/vol" -- \
		python3 /data/unix_addr_probe.py /vol all \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	check "unix peer addresses in a volume: every case runs" 0 "$?"
	check_lacks "unix peer addresses in a volume: its host path never shows" \
		"$vol_sandbox" "$(cat "$TMP/sandbox.out" "$TMP/sandbox.err")"
fi

# Abstract unix names are one namespace per network namespace: native runs
# of the probes by two test runs at once (two builds, CI beside another
# run) share the host's. Every probe that binds one binds names of its own
# run: two runs at once, each in a new pid namespace (where a name made of
# the pid alone repeats), bind some abstract names and none in common.
abstract_binds() { # OUT SCRIPT: SCRIPT run natively as differential_data's, its binds traced
	scratch=$(mktemp -d "$TMP/scratch.XXXXXX")
	(cd / && guest_env TMPDIR="$scratch" strace -f -qq -s 256 -e trace=bind -o "$1" \
		unshare -pf --kill-child sh -c "$2" sh "$DATA" "$scratch") </dev/null >/dev/null 2>&1
}
abstract_names() { grep -o 'sun_path=@"[^"]*"' "$1" | sort -u; }
if requires "abstract unix names: each run of a probe its own" strace &&
	requires "abstract unix names: each run of a probe its own" python3; then
	for probe in unix_addr_probe.py unix_name_probe.py peercred_probe.py \
		peercred_gone_probe.py connect_wait.py; do
		script="python3 \"\$1/$probe\" \"\$2\" same"
		abstract_binds "$TMP/a.strace" "$script" &
		run_a=$!
		abstract_binds "$TMP/b.strace" "$script" &
		run_b=$!
		wait "$run_a" "$run_b"
		abstract_names "$TMP/a.strace" >"$TMP/a.names"
		abstract_names "$TMP/b.strace" >"$TMP/b.names"
		common=$(comm -12 "$TMP/a.names" "$TMP/b.names")
		check "abstract unix names of $probe: two runs at once bind some, none in common" \
			"some, some, none in common" \
			"$(grep -q . "$TMP/a.names" && echo some || echo none), $(grep -q . "$TMP/b.names" && echo some || echo none), ${common:-none} in common"
	done
fi

# Relative names of unix sockets (bind, connect, sendto) and of
# inotify_add_watch resolve from the caller's working directory, also
# below a directory the caller may not search (LTP's connect03).
requires "unix sockets by relative path: resolved from the working directory" python3 &&
	differential_data "unix sockets by relative path: resolved from the working directory" \
		'python3 "$1/unix_cwd_probe.py" "$2"'

# SO_PEERCRED, SO_PEERGROUPS and SO_PEERPIDFD of unix sockets connected by
# path and by abstract name (stream, seqpacket), socketpairs and an
# unconnected socket: each side reads the other's pid, ids and groups, and
# a pidfd that waits for the connecting child.
requires "unix sockets: SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD" python3 &&
	differential_data "unix sockets: SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD" \
		'python3 "$1/peercred_probe.py" "$2"'

# ... and on an accepted socket once the connecting socket is closed, its
# process has exited and been reaped, or both before the accept: what
# Linux took at the connect stays (the pidfd names the process gone).
requires "unix sockets: SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD once the peer is gone" python3 &&
	differential_data "unix sockets: SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD once the peer is gone" \
		'python3 "$1/peercred_gone_probe.py" "$2"'

# getdents64's d_ino is stat's st_ino for every entry but ".." and mount
# points, also for directories of the writable layer (an overlay over two
# file systems, where the kernel's listing gives the layer's numbers); a
# listing in pieces or into a bad buffer loses no entry.
requires "getdents64: d_ino is st_ino" python3 &&
	differential_data "getdents64: d_ino is st_ino" \
		'python3 "$1/dir_ino_probe.py" "$2"'

# statvfs of the root reports the writable layer (its tmpfs): what the
# guest writes shows as used and comes back when removed, and the path's
# answer (the gofer's) agrees with fstatvfs on an fd (native). The host's
# own numbers differ, so this one runs in the sandbox only.
if requires "statvfs: the writable layer's usage" python3; then
	out=$(runsc -- python3 -c '
import os
a = os.statvfs("/")
with open("/big", "wb") as f:
    f.write(b"x" * (4 << 20))
b = os.statvfs("/")
grew = ((b.f_blocks - b.f_bfree) - (a.f_blocks - a.f_bfree)) * b.f_frsize
print("used grew by the file:", grew >= 4 << 20)
c = os.fstatvfs(os.open("/", os.O_RDONLY))
print("statvfs and fstatvfs agree:", (c.f_blocks, c.f_bfree) == (b.f_blocks, b.f_bfree))
os.unlink("/big")
d = os.statvfs("/")
print("removing it frees it:", d.f_bfree - b.f_bfree >= (4 << 20) // d.f_frsize)
' 2>&1)
	check "statvfs: the writable layer's usage" "used grew by the file: True
statvfs and fstatvfs agree: True
removing it frees it: True" "$out"
fi

# What Linux grants the guest's root with CAP_SYS_ADMIN over its pid
# namespace, SCM_CREDENTIALS naming another process, the sandbox refuses;
# ids of its own user namespace it grants (CAP_SETUID, CAP_SETGID).
if requires "SCM_CREDENTIALS: another pid refused, own pid with other ids" python3; then
	out=$(runsc -- python3 -c '
import ctypes, errno, os, socket, struct
if ctypes.CDLL(None).prctl(21, 0, 0, 0, 0) != 2:
    raise SystemExit("not inside the sandbox")
rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
rx.bind("/tmp/creds.sock")
rx.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for what, pid, uid, gid in [("pid 1", 1, 0, 0), ("pid 0", 0, 0, 0), ("pid -1", -1, 0, 0),
                            ("own pid, uid 1000", os.getpid(), 1000, 1000)]:
    try:
        tx.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                             struct.pack("3i", pid, uid, gid))], 0, "/tmp/creds.sock")
        _, anc, _, _ = rx.recvmsg(8, 64)
        got = struct.unpack("3i", anc[0][2])
        print(what + ":", "ok", got[0] == os.getpid(), got[1], got[2])
    except OSError as e:
        print(what + ":", errno.errorcode[e.errno])
' 2>&1)
	check "SCM_CREDENTIALS: another pid refused, own pid with other ids" "pid 1: EPERM
pid 0: EPERM
pid -1: EPERM
own pid, uid 1000: ok True 1000 1000" "$out"
fi

done_testing
