#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# containerd runs runsc-c as its runc (docs/oci.md): a containerd of the
# test's own (private config: root, state and socket under $TMP, the CRI
# plugin off), an image built here from busybox-static and imported, then
# `ctr run --rm --runc-binary runsc-c` with a command, and `ctr run -d`,
# `ctr task exec`, `ctr task pause`/`resume`, `ctr task kill`, `ctr task
# delete`. containerd is installed with apt when missing; the test is
# skipped, saying why, only where it cannot run.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

if ! command -v containerd >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq containerd \
		>"$TMP/apt.log" 2>&1
fi
for prog in containerd ctr containerd-shim-runc-v2 python3; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		skip "containerd with runsc-c" "$prog is not installed (apt-get install containerd)"
		done_testing
		exit $?
	fi
done
if ! /bin/busybox true 2>/dev/null || ldd /bin/busybox >/dev/null 2>&1; then
	skip "containerd with runsc-c" "busybox-static is not installed"
	done_testing
	exit $?
fi

# What ctr and the shim create under /run/containerd whatever the config
# says (FIFOs, shim sockets): removed afterwards if the test made it.
run_dir_existed=$([ -e /run/containerd ] && echo yes)
NS=runsc-c-test-$$
RUNC_ROOT=$TMP/runsc-c-state
SOCK=$TMP/containerd.sock
cat >"$TMP/config.toml" <<EOC
version = 2
root = "$TMP/root"
state = "$TMP/cstate"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
EOC
containerd --config "$TMP/config.toml" >"$TMP/containerd.log" 2>&1 &
CONTAINERD=$!
ctr_() { timeout -s KILL 60 ctr -a "$SOCK" -n "$NS" "$@"; }
stop_containerd() {
	for t in $(ctr_ task ls -q 2>/dev/null); do
		ctr_ task kill -s KILL "$t" >/dev/null 2>&1
		ctr_ task delete -f "$t" >/dev/null 2>&1
	done
	for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$c" >/dev/null 2>&1; done
	ctr_ images rm localhost/runsc-c-busybox:latest >/dev/null 2>&1
	kill "$CONTAINERD" 2>/dev/null
	wait "$CONTAINERD" 2>/dev/null
	grep -F " $TMP/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r |
		while read -r m; do umount -l "$m"; done
	# containerd's cgroups parent (linux.cgroupsPath /NS/ID), once empty.
	for h in /sys/fs/cgroup/*/; do [ -d "$h$NS" ] && rmdir "$h$NS" 2>/dev/null; done
	if [ -z "$run_dir_existed" ]; then
		rmdir /run/containerd/runc/"$NS" /run/containerd/runc /run/containerd/fifo \
			/run/containerd/s /run/containerd 2>/dev/null
	fi
	return 0
}
trap 'stop_containerd; cleanup_hooks; rm -rf "$TMP"' EXIT
if ! wait_until 30 ctr_ version >/dev/null 2>&1; then
	not_ok "a private containerd starts" "$(tail -5 "$TMP/containerd.log")"
	done_testing
	exit 1
fi
ok "a private containerd starts"

python3 "$here/mkimage.py" /bin/busybox "$TMP/image.tar" localhost/runsc-c-busybox:latest &&
	ctr_ images import "$TMP/image.tar" >"$TMP/import.log" 2>&1
check_rc "an image built from busybox-static is imported" 0 "$?" "$(cat "$TMP/import.log")"
IMAGE=localhost/runsc-c-busybox:latest
RUN="--runc-binary $RUNSC_C --runc-root $RUNC_ROOT"

# shellcheck disable=SC2086
out=$(ctr_ run --rm $RUN "$IMAGE" r1 sh -c 'echo hello $(id -u); exit 3' </dev/null 2>"$TMP/err")
rc=$?
check_rc "ctr run --rm: the program's exit status" 3 "$rc" "$(cat "$TMP/err")"
check "ctr run --rm: the program's stdout" "hello 0" "$out"
# The guest's kernel is the sentry: its /proc/version is the host's, but
# only the sentry's /proc shows a pid 1 that is the sandbox's init.
# shellcheck disable=SC2086
out=$(ctr_ run --rm $RUN "$IMAGE" r2 sh -c 'cat /proc/1/cmdline | tr "\0" " "' </dev/null 2>&1)
check_contains "ctr run --rm: the command runs under the sandbox's init" "runsc-c" "$out"
# ctr run --annotation: a policy for the container (dev.runsc-c.policy),
# its decisions to a file (dev.runsc-c.audit).
# shellcheck disable=SC2086
out=$(ctr_ run --rm $RUN --annotation dev.runsc-c.policy=strict \
	--annotation "dev.runsc-c.audit=$TMP/audit.jsonl" "$IMAGE" r3 \
	sh -c 'touch /x 2>&1; touch /tmp/y && echo written' </dev/null 2>&1)
check "ctr run --annotation dev.runsc-c.policy=strict: only /tmp is writable" \
	"touch: /x: Permission denied
written" "$out"
check_contains "... and dev.runsc-c.audit has the denial" '"object": "/x"' \
	"$(cat "$TMP/audit.jsonl" 2>/dev/null)"
# ctr run --tty: the shim hands runsc-c a console socket and relays the
# pty's master to ctr's own terminal (script(1) gives it one).
out=$(SHELL=/bin/sh script -qec "exec timeout --foreground -s KILL 60 ctr -a $SOCK -n $NS run --tty --rm $RUN $IMAGE t1 sh -c 'tty; exit 5'" /dev/null </dev/null 2>&1)
rc=$?
check_rc "ctr run --tty: the program's exit status" 5 "$rc" "$out"
check_contains "ctr run --tty: the program's stdin is a terminal of the sandbox" "/dev/pts/" "$out"
check "ctr run --rm: no container is left" "" "$(ctr_ containers ls -q)"

# shellcheck disable=SC2086
ctr_ run -d $RUN "$IMAGE" d1 sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done' \
	</dev/null >/dev/null 2>"$TMP/err"
check_rc "ctr run -d: exit 0" 0 "$?" "$(cat "$TMP/err")"
running() { ctr_ task ls | grep -q "^d1 .*RUNNING"; }
wait_until 20 running
check_contains "ctr task ls: running" "RUNNING" "$(ctr_ task ls)"
state=$(timeout 30 "$RUNSC_C" --root "$RUNC_ROOT/$NS" state d1 2>&1)
check_contains "runsc-c state in the shim's --root: running" '"status": "running"' "$state"
# containerd gives linux.cgroupsPath /NS/ID: the container's cgroups are
# there (the guest's part below), where runc would put them.
check_contains "the state records containerd's cgroupsPath" "\"cgroupsPath\":\"\\/$NS\\/d1\"" \
	"$(cat "$RUNC_ROOT/$NS/d1/state.json" 2>&1)"
guest_pid=$(timeout 30 "$RUNSC_C" --root "$RUNC_ROOT/$NS" ps --format json d1 | tr -d '[]' |
	cut -d, -f1)
check "the container's processes are in containerd's cgroupsPath (pids, memory)" \
	"/$NS/d1/guest /$NS/d1/guest" \
	"$(sed -n 's/^[0-9]*:pids://p' "/proc/$guest_pid/cgroup") $(
		sed -n 's/^[0-9]*:memory://p' "/proc/$guest_pid/cgroup")"
# ctr task exec: runsc-c exec --detach --process, the shim reaping its
# stand-in for the status; ctr task kill --exec-id signals it.
out=$(ctr_ task exec --exec-id e1 d1 sh -c 'echo exec $(id -u) $(cat /proc/1/comm); exit 4' \
	</dev/null 2>"$TMP/err")
rc=$?
check_rc "ctr task exec: the process's exit status" 4 "$rc" "$(cat "$TMP/err")"
check "ctr task exec: its stdout, from inside the sandbox" "exec 0 runsc-c-init" "$out"
# ctr task exec --tty: runsc-c exec --tty with the shim's console socket;
# the shim relays the pty's master to ctr's own terminal (script(1) gives
# it one).
out=$(SHELL=/bin/sh script -qec "exec timeout --foreground -s KILL 60 ctr -a $SOCK -n $NS task exec --tty --exec-id t2 d1 sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys; exit 6'" /dev/null </dev/null 2>&1)
rc=$?
check_rc "ctr task exec --tty: the process's exit status" 6 "$rc" "$out"
check_contains "ctr task exec --tty: the process's stdin is a terminal of the sandbox" "/dev/pts/" \
	"$out"
check_contains "ctr task exec --tty: stdin and stdout are that terminal" "both-ttys" "$out"
out=$(ctr_ task exec --exec-id e2 d1 /nonexistent </dev/null 2>&1)
rc=$?
check "ctr task exec of a missing program: an error naming it" "yes nonexistent" \
	"$([ "$rc" != 0 ] && echo yes) $(printf '%s' "$out" | grep -o nonexistent | head -1)"
ctr_ task exec -d --exec-id e3 d1 sh -c 'while :; do sleep 0.1; done' </dev/null >/dev/null 2>&1
nprocs() { ctr_ task ps d1 2>/dev/null | tail -n +2 | wc -l; }
before=$(nprocs)
ctr_ task kill --exec-id e3 -s KILL d1 >"$TMP/err" 2>&1
check_rc "ctr task kill --exec-id: exit 0" 0 "$?" "$(cat "$TMP/err")"
fewer() { [ "$(nprocs)" -lt "$before" ]; }
wait_until 20 fewer
check "ctr task kill --exec-id: the exec'd process is gone, the task runs" "yes RUNNING" \
	"$(fewer && echo yes) $(ctr_ task ls | awk '$1 == "d1" {print $3}')"
# ctr task pause/resume: runsc-c pause and resume under the shim.
ctr_ task pause d1 >"$TMP/err" 2>&1
check_rc "ctr task pause: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "ctr task ls: paused" PAUSED "$(ctr_ task ls | awk '$1 == "d1" {print $3}')"
state=$(timeout 30 "$RUNSC_C" --root "$RUNC_ROOT/$NS" state d1 2>&1)
check_contains "runsc-c state in the shim's --root: paused" '"status": "paused"' "$state"
ctr_ task resume d1 >"$TMP/err" 2>&1
check_rc "ctr task resume: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "ctr task ls: running again" RUNNING "$(ctr_ task ls | awk '$1 == "d1" {print $3}')"
ctr_ task kill d1
stopped() { ctr_ task ls | grep -q "^d1 .*STOPPED"; }
wait_until 20 stopped
check_contains "ctr task kill: the task stops" "STOPPED" "$(ctr_ task ls)"
out=$(ctr_ task delete d1 2>&1)
check_rc "ctr task delete: exit 0" 0 "$?" "$out"
check_contains "ctr task delete: the TERM trap's exit status" "exit code 9" "$out"
ctr_ containers rm d1
check "the shim's runsc-c state is gone" "" "$(ls -A "$RUNC_ROOT/$NS" 2>/dev/null)"
check "ctr task delete: the cgroups at containerd's cgroupsPath are gone" "" \
	"$(ls -d /sys/fs/cgroup/*/"$NS"/d1 /sys/fs/cgroup/"$NS"/d1 2>/dev/null)"

sleep 0.2
check "no runsc-c process of the test is left" "" "$(pgrep -af -- "--root $RUNC_ROOT" | grep -v pgrep)"
done_testing
