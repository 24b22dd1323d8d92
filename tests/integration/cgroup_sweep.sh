#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The sweep of dead sandboxes' cgroups at a start costs what the dead ones
# need, not what the living ones number: with many sandboxes alive and none
# dead, a start looks into none of their cgroups; a sandbox whose runsc-c
# was killed with SIGKILL has its cgroups removed from every hierarchy at
# the next start, while the living ones keep theirs and run on.
#
# Runs in a mount and IPC namespace of its own in which each cgroup
# hierarchy's root is a cgroup the test makes (bind-mounted over it), so
# that sandboxes of other tests on this host neither count here nor are
# swept by these starts, and the count of living sandboxes (a System V
# semaphore) is this test's alone.
. "$(dirname "$0")/lib.sh"

if ! [ -d /sys/fs/cgroup/memory ] && ! [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	skip "sweep" "no cgroup hierarchy with a memory controller here"
	done_testing
	exit
fi
if ! command -v unshare >/dev/null || ! command -v nsenter >/dev/null; then
	skip "sweep" "unshare(1) or nsenter(1) is missing"
	done_testing
	exit
fi

LIVE=16
name=runsc-c-test-sweep-$$
# The hierarchies: the cgroup2 mount of a pure v2 host, else every v1
# hierarchy and the hybrid's cgroup2 mount (symlinks name one of them).
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	hier=/sys/fs/cgroup
else
	hier=$(for d in /sys/fs/cgroup/*; do
		[ ! -L "$d" ] && [ -e "$d/cgroup.procs" ] && echo "$d"
	done)
fi
memory=/sys/fs/cgroup/memory/$name
[ -d /sys/fs/cgroup/memory ] || memory=/sys/fs/cgroup/$name

# The test's parent cgroups, removed at exit once every sandbox is gone.
launchers=""
# A sandbox left by a failed check ends on SIGTERM and removes its own
# cgroups; one killed is left to the removal below, once its tasks died.
parents_gone() {
	for d in $hier; do
		[ -d "$d/$name" ] || continue
		for s in "$d/$name"/runsc-c/*/; do
			[ -d "$s" ] && rmdir "$s"guest "$s"kernel "$s" 2>/dev/null
		done
		rmdir "$d/$name/runsc-c" "$d/$name" 2>/dev/null
	done
	for d in $hier; do [ -d "$d/$name" ] && return 1; done
	return 0
}
end_all() {
	for pid in $launchers; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $launchers; do wait "$pid" 2>/dev/null; done
	cleanup_hooks
	wait_until 10 parents_gone || echo "# left: $name in $hier"
	rm -rf "$TMP"
}
trap end_all EXIT
for d in $hier; do
	mkdir "$d/$name" || exit 1
	if [ -e "$d/cpuset.cpus" ]; then
		cat "$d/cpuset.cpus" >"$d/$name/cpuset.cpus"
		cat "$d/cpuset.mems" >"$d/$name/cpuset.mems"
	fi
done

# The namespace, kept by a holder process; inns runs a command in it.
# ($hier is split into the hierarchies on purpose.)
# shellcheck disable=SC2016,SC2086
unshare -m -i --propagation private sh -c '
	name=$1 ready=$2
	shift 2
	for d in "$@"; do mount --bind "$d/$name" "$d" || exit 1; done
	: >"$ready"
	exec sleep 3600' sh "$name" "$TMP/ready" $hier &
holder=$!
cleanup_later "$holder"
if ! wait_until 10 test -e "$TMP/ready"; then
	not_ok "the test's cgroup namespace is set up"
	done_testing
	exit
fi
inns() { nsenter -t "$holder" -m -i "$@"; }

# A sandbox `sleep 600` named sweep-$$-$1 started in the background; its
# launcher's pid is noted in $launchers and in the file $TMP/pid-$1.
start_sleeper() {
	nsenter -t "$holder" -m -i "$RUNSC_C" do --quiet --id "sweep-$$-$1" -- sleep 600 \
		</dev/null >/dev/null 2>&1 &
	launchers="$launchers $!"
	echo $! >"$TMP/pid-$1"
}
# Whether sandbox sweep-$$-$1's guest runs (its guest cgroup holds a task;
# cgroup files have no size to test).
guest_runs() { grep -q . "$memory/runsc-c/sweep-$$-$1/guest/cgroup.procs" 2>/dev/null; }
all_run() {
	i=0
	while [ $i -lt $LIVE ]; do
		guest_runs "live-$i" || return 1
		i=$((i + 1))
	done
}
# The sandbox cgroups of sweep-$$-$1 in every hierarchy, one a line.
cgroups_of() {
	for d in $hier; do
		[ -d "$d/$name/runsc-c/sweep-$$-$1" ] && echo "$d/$name/runsc-c/sweep-$$-$1"
	done
}
# How many sandbox cgroups the sweep of one start looked into.
looked() {
	inns "$RUNSC_C" do --quiet --debug -- /bin/true 2>&1 </dev/null |
		sed -n 's/.*the sweep took [0-9.]* ms .* and looked into \([0-9]*\) sandbox cgroups.*/\1/p'
}

i=0
while [ $i -lt $LIVE ]; do
	start_sleeper "live-$i"
	i=$((i + 1))
done
wait_until 120 all_run
check "$LIVE sandboxes run" 0 "$?"
check "with $LIVE sandboxes alive and none dead, a start looks into no sandbox cgroup" 0 \
	"$(looked)"

start_sleeper killed
wait_until 60 guest_runs killed
check "one more sandbox runs" 0 "$?"
kill -KILL "$(cat "$TMP/pid-killed")"
wait "$(cat "$TMP/pid-killed")" 2>/dev/null
# Its sentry and gofer die with it, and its guest with them.
wait_until 20 sh -c "! grep -q . '$memory/runsc-c/sweep-$$-killed/guest/cgroup.procs'"
check "after kill -9 of its runsc-c, the sandbox's guest is gone" 0 "$?"
check "its cgroups are left until the next start" yes \
	"$([ -n "$(cgroups_of killed)" ] && echo yes)"
n=$(looked)
check "the next start looks into sandbox cgroups" yes "$([ "${n:-0}" -gt 0 ] && echo yes)"
check "and removes the killed sandbox's cgroups from every hierarchy" "" "$(cgroups_of killed)"
left=0
i=0
while [ $i -lt $LIVE ]; do
	[ -n "$(cgroups_of "live-$i")" ] && guest_runs "live-$i" && left=$((left + 1))
	i=$((i + 1))
done
check "the living sandboxes keep their cgroups and run on" $LIVE $left
check "the start after that looks into no sandbox cgroup again" 0 "$(looked)"

# The living ones end on SIGTERM (their command gets it) and remove their
# own cgroups.
i=0
while [ $i -lt $LIVE ]; do
	kill -TERM "$(cat "$TMP/pid-live-$i")"
	i=$((i + 1))
done
for pid in $launchers; do wait "$pid" 2>/dev/null; done
launchers=""
check "the ended sandboxes leave no cgroup" "" \
	"$(for d in $hier; do ls -d "$d/$name"/runsc-c/*/ 2>/dev/null; done)"

done_testing
