#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# podman runs runsc-c as its OCI runtime (docs/oci.md): storage, run root,
# temporary files and network configs under $TMP, a containers.conf as
# shared/MACHINE-NOTES.md gives it (ulimits the host allows, no network,
# cgroupfs, events to a file, podman's default sysctl named, as the
# notes' configuration leaves it out) naming runsc-c as the runtime, an image
# imported from a busybox-static root file system, then `podman run --rm`
# with a command and `podman run -d` + `podman exec` + `podman pause`/`unpause` + `podman stop` +
# `podman rm`. podman is installed with apt when missing; the test is
# skipped, saying why, only where it cannot run.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

if ! command -v podman >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq podman \
		>"$TMP/apt.log" 2>&1
fi
for prog in podman conmon; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		skip "podman with runsc-c" "$prog is not installed (apt-get install podman)"
		done_testing
		exit $?
	fi
done
if ! /bin/busybox true 2>/dev/null || ldd /bin/busybox >/dev/null 2>&1; then
	skip "podman with runsc-c" "busybox-static is not installed"
	done_testing
	exit $?
fi

# What podman makes outside its configured directories (a blob cache, a
# network directory) and runsc-c's default --root, which podman's cleanup
# uses: removed afterwards if the test made them.
made=""
for d in /var/lib/containers /run/containers /run/runsc-c; do
	[ -e "$d" ] || made="$made $d"
done
cat >"$TMP/containers.conf" <<EOC
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
default_sysctls = ["net.ipv4.ping_group_range=0 0"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$TMP/events.log"
runtime = "runsc-c"
[engine.runtimes]
runsc-c = ["$RUNSC_C"]
[network]
network_config_dir = "$TMP/networks"
EOC
export CONTAINERS_CONF="$TMP/containers.conf"
podman_() {
	timeout -s KILL 120 podman --root "$TMP/storage" --runroot "$TMP/runroot" \
		--storage-driver vfs --tmpdir "$TMP/tmp" "$@"
}
cleanup_podman() {
	podman_ rm -af -t 0 >/dev/null 2>&1
	podman_ rmi -af >/dev/null 2>&1
	grep -F " $TMP/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r |
		while read -r m; do umount -l "$m"; done
	for d in $made; do
		case $d in
		/run/runsc-c) rmdir "$d" 2>/dev/null ;;
		*) rm -rf "$d" ;;
		esac
	done
	return 0
}
trap 'cleanup_podman; cleanup_hooks; rm -rf "$TMP"' EXIT

mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/tmp" "$TMP/rootfs/etc"
cp /bin/busybox "$TMP/rootfs/bin/"
for app in $(/bin/busybox --list); do
	[ "$app" = busybox ] || ln -s busybox "$TMP/rootfs/bin/$app"
done
tar -C "$TMP/rootfs" -cf "$TMP/rootfs.tar" .
podman_ import "$TMP/rootfs.tar" localhost/runsc-c-busybox:latest >"$TMP/import.log" 2>&1
check_rc "podman import of a busybox-static root file system" 0 "$?" "$(cat "$TMP/import.log")"
IMAGE=localhost/runsc-c-busybox:latest

out=$(podman_ run --rm "$IMAGE" sh -c 'echo hello $(id -u); exit 3' </dev/null 2>"$TMP/err")
rc=$?
check_rc "podman run --rm: the program's exit status" 3 "$rc" "$(cat "$TMP/err")"
check "podman run --rm: the program's stdout" "hello 0" "$out"
out=$(podman_ run --rm "$IMAGE" cat /proc/sys/net/ipv4/ping_group_range </dev/null 2>&1)
check "podman run --rm: podman's default sysctl is the container's" "0	0" "$out"
out=$(podman_ run --rm --sysctl "net.ipv4.ping_group_range=0 2147483647" --sysctl kernel.shmmax=4096 \
	"$IMAGE" cat /proc/sys/net/ipv4/ping_group_range /proc/sys/kernel/shmmax </dev/null 2>&1)
check "podman run --sysctl: the container's sysctls" "0	2147483647
4096" "$out"
out=$(podman_ run --rm "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "' </dev/null 2>&1)
check_contains "podman run --rm: the command runs under the sandbox's init" "runsc-c" "$out"
out=$(podman_ run --rm --annotation dev.runsc-c.policy=strict \
	--annotation "dev.runsc-c.audit=$TMP/audit.jsonl" "$IMAGE" \
	sh -c 'touch /x 2>&1; touch /tmp/y && echo written' </dev/null 2>&1)
check "podman run --annotation dev.runsc-c.policy=strict: only /tmp is writable" \
	"touch: /x: Permission denied
written" "$out"
check_contains "... and dev.runsc-c.audit has the denial" '"object": "/x"' \
	"$(cat "$TMP/audit.jsonl" 2>/dev/null)"
# podman run -t: conmon takes the pty's master from the console socket and
# relays it to podman's own terminal (script(1) gives it one).
out=$(SHELL=/bin/sh script -qec "exec timeout --foreground -s KILL 120 podman --root $TMP/storage --runroot $TMP/runroot --storage-driver vfs --tmpdir $TMP/tmp run --rm -t $IMAGE sh -c 'tty; exit 6'" /dev/null </dev/null 2>&1)
rc=$?
check_rc "podman run -t: the program's exit status" 6 "$rc" "$out"
check_contains "podman run -t: the program's stdin is a terminal of the sandbox" "/dev/pts/" "$out"

podman_ run -d --name d1 "$IMAGE" sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done' \
	</dev/null >/dev/null 2>"$TMP/err"
check_rc "podman run -d: exit 0" 0 "$?" "$(cat "$TMP/err")"
check_contains "podman ps: running" "Up" "$(podman_ ps --filter name=d1)"
out=$(podman_ exec -e X=y -w /tmp d1 sh -c 'echo exec $X $(pwd) $(cat /proc/1/comm); exit 4' \
	</dev/null 2>"$TMP/err")
rc=$?
check_rc "podman exec: the process's exit status" 4 "$rc" "$(cat "$TMP/err")"
check "podman exec: its stdout, env and cwd, inside the sandbox" "exec y /tmp runsc-c-init" "$out"
# podman exec -t: runsc-c exec --tty with conmon's console socket; conmon
# relays the pty's master to podman's own terminal (script(1) gives it one).
out=$(SHELL=/bin/sh script -qec "exec timeout --foreground -s KILL 120 podman --root $TMP/storage --runroot $TMP/runroot --storage-driver vfs --tmpdir $TMP/tmp exec -t d1 sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys; exit 7'" /dev/null </dev/null 2>&1)
rc=$?
check_rc "podman exec -t: the process's exit status" 7 "$rc" "$out"
check_contains "podman exec -t: the process's stdin is a terminal of the sandbox" "/dev/pts/" "$out"
check_contains "podman exec -t: stdin and stdout are that terminal" "both-ttys" "$out"
podman_ exec -d d1 sh -c 'echo detached > /tmp/detached' </dev/null >/dev/null 2>"$TMP/err"
check_rc "podman exec -d: exit 0" 0 "$?" "$(cat "$TMP/err")"
detached() { [ "$(podman_ exec d1 cat /tmp/detached 2>/dev/null)" = detached ]; }
wait_until 20 detached
check "podman exec -d: the process ran in the container" "detached" \
	"$(podman_ exec d1 cat /tmp/detached 2>&1)"
# podman pause/unpause: runsc-c pause and resume.
podman_ pause d1 >/dev/null 2>"$TMP/err"
check_rc "podman pause: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "podman inspect: paused" paused "$(podman_ inspect d1 --format '{{.State.Status}}' 2>&1)"
podman_ unpause d1 >/dev/null 2>"$TMP/err"
check_rc "podman unpause: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "podman inspect: running again" running \
	"$(podman_ inspect d1 --format '{{.State.Status}}' 2>&1)"
podman_ stop -t 20 d1 >/dev/null 2>"$TMP/err"
check_rc "podman stop: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "podman stop: the TERM trap's exit status" "9 exited" \
	"$(podman_ inspect d1 --format '{{.State.ExitCode}} {{.State.Status}}' 2>&1)"
podman_ rm d1 >/dev/null 2>"$TMP/err"
check_rc "podman rm: exit 0" 0 "$?" "$(cat "$TMP/err")"
check "podman: no container is left" "" "$(podman_ ps -aq)"

sleep 0.5
check "no runsc-c process of the test is left" "" \
	"$(pgrep -af -- "$TMP/storage" | grep -v -e pgrep -e 'podman ')"
done_testing
