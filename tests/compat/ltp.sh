#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Linux Test Project's syscall tests (github.com/linux-test-project/ltp,
# testcases/kernel/syscalls) as an outside judge of compatibility: each
# program of the allowlist runs natively and under `runsc-c do`, as the same
# user (root) with the same environment, each in a fresh temporary directory
# of its own (natively one under /tmp, in the sandbox one in the writable
# layer) and with its own time bound. A program's result is its exit status:
# 0 pass, 32 conf (TCONF: not applicable here), 124/137 timeout, anything
# else fail (TFAIL, TBROK, TWARN bits). Prints one line per program, then
# how many pass natively, how many of those pass in the sandbox, and the
# programs whose results differ.
#
#   LTP=DIR         an LTP checkout, configured, with lib/ and the test
#                   directories of the allowlist built (see docs/ltp.md)
#   RUNSC_C=PATH    the runsc-c binary
#   LTP_ALLOW=FILE  the allowlist (default: tests/compat/ltp_allow.txt)
#   LTP_BOUND=N     seconds per run (default 60)
#   LTP_JOBS=N      programs run side by side (default 2)
#   LTP_DOC=FILE    rewrite the table between FILE's two marker lines
#   ltp.sh [DIR/PROGRAM...]   only these programs of the allowlist
#   ltp.sh --build            build LTP's lib/ and the test directories below
#
# Only programs that work in their own temporary directory and on their own
# processes are allowed: running the others natively as root would change
# this machine (mounts, the clock, the host name, modules, swap, keyrings,
# loop devices, /proc/sys). `ltp.sh --select` prints the programs built in
# the directories below whose sources use none of the constructs that
# do, for a person to review before they join the allowlist.
set -u
: "${LTP:?set LTP to a built LTP checkout}"
HERE=$(cd "$(dirname "$0")" && pwd)
ALLOW=${LTP_ALLOW:-$HERE/ltp_allow.txt}
BOUND=${LTP_BOUND:-60}
SYSCALLS=$LTP/testcases/kernel/syscalls
[ -d "$SYSCALLS" ] || { echo "ltp: $SYSCALLS: no such directory" >&2; exit 1; }

# Source constructs of tests that reach outside their own directory and
# processes (tst_test fields and calls).
FORBID='\.needs_device|\.mount_device|\.format_device|\.all_filesystems|\.filesystems|'\
'\.needs_drivers|\.needs_rofs|\.needs_hugetlbfs|\.hugepages|\.save_restore|\.needs_kconfigs|'\
'\.needs_cgroup|\.needs_cmds|\.restore_wallclock|\.needs_overlay|\.min_mem_avail|'\
'\.min_swap_avail|\.needs_devfs|tst_sys_conf|tst_cmd|useradd|[^a-z_]mount\(|MOUNT\(|umount|'\
'settimeofday|clock_settime|stime\(|adjtimex|clock_adjtime|sethostname|setdomainname|'\
'init_module|delete_module|swapon|swapoff|add_key|keyctl|request_key|LOOP_|quotactl|'\
'syslog\(|klogctl|reboot|[^a-z_]acct\(|fanotify|perf_event|bpf\(|/proc/sys|drop_caches|'\
'unshare\(|setns\(|pivot_root|chroot|kill\(-1|PRIO_USER|tst_cg|tst_device|tst_fill_fs|'\
'ioctl\(|personality|sched_setscheduler|sched_setattr|mlockall|iopl|ioperm|modify_ldt|vhangup'

# The test directories: file, process, signal, memory, ipc, socket and
# time-reading calls.
DIRS="open openat read write close dup dup2 dup3 fcntl lseek stat fstat lstat access faccessat chdir fchdir getcwd link linkat unlink unlinkat rename renameat mkdir mkdirat rmdir symlink readlink pipe pipe2 umask truncate ftruncate pread pwrite readv writev preadv pwritev getdents creat chmod fchmod fchmodat utime utimensat fsync fdatasync statx flock
fork vfork getpid getppid wait wait4 waitpid waitid exit setsid getsid getpgid setpgid getpgrp kill tgkill tkill prctl getrlimit setrlimit getrusage nice sched_yield sched_getparam getuid gettid execve execl execv
alarm pause rt_sigaction sigaction rt_sigprocmask sigprocmask sigpending sigsuspend rt_sigsuspend sigaltstack signal rt_sigtimedwait sigtimedwait sigwaitinfo
mmap munmap mprotect brk mremap msync mincore
eventfd eventfd2 memfd_create
socket socketpair bind listen accept accept4 connect send recv sendto recvfrom sendmsg recvmsg getsockname getsockopt setsockopt poll select epoll_create epoll_create1 epoll_ctl epoll_wait
clock_gettime clock_getres gettimeofday time times nanosleep clock_nanosleep getitimer setitimer uname sysinfo getrandom"

if [ "${1:-}" = --build ]; then
	# After `make autotools && ./configure` in $LTP.
	make -C "$LTP/lib" -j2 >"$LTP/ltp-build.log" 2>&1 || { echo "ltp: $LTP/lib does not build (see $LTP/ltp-build.log)" >&2; exit 1; }
	for dir in $DIRS; do
		make -C "$SYSCALLS/$dir" -j2 >>"$LTP/ltp-build.log" 2>&1 || echo "ltp: $dir does not build (see $LTP/ltp-build.log)" >&2
	done
	exit 0
fi
if [ "${1:-}" = --select ]; then
	for dir in $DIRS; do
		for src in "$SYSCALLS/$dir"/*.c; do
			prog=${src%.c}
			[ -x "$prog" ] || continue
			# Helpers that other programs run.
			case $prog in *_child* | *_helper* | *_procs) continue ;; esac
			# The program's own source and its directory's headers.
			if cat "$src" "$SYSCALLS/$dir"/*.h 2>/dev/null | grep -Eq "$FORBID"; then
				continue
			fi
			echo "$dir/${prog##*/}"
		done
	done
	exit 0
fi
: "${RUNSC_C:?set RUNSC_C to the runsc-c binary}"

TMP=$(mktemp -d /tmp/ltp-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# LTP's own knobs: shorter fuzzy-sync and runtime loops, no colours.
LTP_ENV="LTP_RUNTIME_MUL=0.2 LTP_COLORIZE_OUTPUT=0"

verdict() {
	case $1 in
	0) echo pass ;;
	32) echo conf ;;
	124 | 137) echo timeout ;;
	*) echo "fail($1)" ;;
	esac
}

# run_one DIR/PROGRAM: prints "DIR/PROGRAM NATIVE SANDBOX"; the logs stay
# in $TMP/NAME.{native,sandbox}.
run_one() {
	name=$1 prog=$SYSCALLS/$1 log=$TMP/$(echo "$1" | tr / _)
	scratch=$(mktemp -d /tmp/ltp-native.XXXXXX)
	(cd "$scratch" && env -i PATH="$GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 \
		TMPDIR="$scratch" $LTP_ENV timeout -s KILL "$BOUND" "$prog") \
		</dev/null >"$log.native" 2>&1
	native=$(verdict $?)
	rm -rf "$scratch"
	timeout -s KILL $((BOUND + 30)) "$RUNSC_C" do --quiet --timeout "$BOUND" -- \
		sh -c 'd=$(mktemp -d /tmp/ltp-sandbox.XXXXXX) && cd "$d" &&
			exec env -i PATH="$1" HOME=/root TERM=dumb LANG=C.UTF-8 TMPDIR="$d" $2 "$3"' \
		sh "$GUEST_PATH" "$LTP_ENV" "$prog" </dev/null >"$log.sandbox" 2>&1
	sandbox=$(verdict $?)
	echo "$name $native $sandbox"
}

if [ $# -gt 0 ]; then
	printf '%s\n' "$@"
else
	grep -v '^#' "$ALLOW" | grep .
fi >"$TMP/list"
: >"$TMP/results"
# run_list FILE: runs the programs named in FILE, one after the other.
run_list() {
	while read -r name; do
		if ! [ -x "$SYSCALLS/$name" ]; then
			echo "$name missing missing"
			continue
		fi
		line=$(run_one "$name")
		echo "$line"
		case $line in
		*" pass fail"* | *" pass timeout"*)
			grep -E 'TFAIL|TBROK|TWARN' "$TMP/$(echo "$name" | tr / _).sandbox" | head -5 | sed 's/^/#   /'
			;;
		esac
	done <"$1"
}
# LTP_JOBS lists run side by side (default 2).
jobs=${LTP_JOBS:-2}
split -n "r/$jobs" "$TMP/list" "$TMP/part."
for part in "$TMP"/part.*; do
	run_list "$part" >"$part.out" &
done
wait
cat "$TMP"/part.*.out | tee "$TMP/all.out" | grep -v '^#' | sort >"$TMP/results"
cat "$TMP/all.out"
# LTP_LOGS=DIR keeps every run's output there.
[ -z "${LTP_LOGS:-}" ] || { mkdir -p "$LTP_LOGS" && cp "$TMP"/*.native "$TMP"/*.sandbox "$LTP_LOGS"/; }

total=$(wc -l <"$TMP/results")
native_pass=$(awk '$2 == "pass"' "$TMP/results" | wc -l)
both=$(awk '$2 == "pass" && $3 == "pass"' "$TMP/results" | wc -l)
echo "# $total programs; $native_pass pass natively; $both of those pass in the sandbox"
echo "# differences (program native sandbox):"
awk '$2 != $3 { print "#   " $0 }' "$TMP/results"

if [ -n "${LTP_DOC:-}" ]; then
	table=$TMP/table.md
	{
		printf 'Programs run: %s; pass natively: %s; of those, pass in the sandbox: %s.\n\n' \
			"$total" "$native_pass" "$both"
		printf '| program | native | sandbox |\n| --- | --- | --- |\n'
		awk '$2 != $3 { printf "| %s | %s | %s |\n", $1, $2, $3 }' "$TMP/results"
	} >"$table"
	begin='<!-- ltp table: begin -->'
	end='<!-- ltp table: end -->'
	awk -v b="$begin" -v e="$end" -v t="$table" '
		$0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$LTP_DOC" >"$TMP/doc.md" && cat "$TMP/doc.md" >"$LTP_DOC"
fi
[ "$native_pass" -eq "$both" ]
