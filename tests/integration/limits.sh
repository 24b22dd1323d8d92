#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Resource limits: memory, pids, CPU and disk are enforced by the kernel
# through the sandbox's cgroups; /proc/meminfo inside shows the limit;
# --stats reports what a run used; bad values are refused with exit 125;
# no cgroup is left after a normal exit, a timeout, a kill -9 of runsc-c, or
# 200 sandboxes in a row.
#
# Everything that hurts (a fork bomb, a memory bomb, a disk fill) runs only as
# the command of `runsc-c do`, never natively.
. "$(dirname "$0")/lib.sh"

# Every sandbox this test starts gets an id of its own (limits-<pid>-<n>),
# noted in $TMP/ids; only those ids' cgroups are checked, so that the test
# passes while other sandboxes run on the host.
: >"$TMP/ids"
new_id() {
	_id="limits-$$-$(($(wc -l <"$TMP/ids") + 1))"
	echo "$_id" >>"$TMP/ids"
	echo "$_id"
}
runsc() { timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet --id "$(new_id)" "$@" </dev/null; }
rdo() { "$RUNSC_C" do --id "$(new_id)" "$@"; }
# The cgroups of this test's sandboxes that exist (in every hierarchy).
own_cgroups() {
	while read -r id; do
		for d in /sys/fs/cgroup/*/runsc-c/"$id" /sys/fs/cgroup/runsc-c/"$id"; do
			[ -d "$d" ] && echo "$d"
		done
	done <"$TMP/ids"
}
no_own_cgroups() { [ -z "$(own_cgroups)" ]; }
# What this test's sandboxes, all ended, left (removal is done by the time
# runsc-c exits; the wait only spares a slow machine a false alarm).
left_cgroups() {
	wait_until 5 no_own_cgroups || own_cgroups
}

if ! [ -d /sys/fs/cgroup/memory ] && ! [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	skip "resource limits" "no cgroup hierarchy with a memory controller here"
	done_testing
	exit
fi

# ---- bad input: one message naming the flag, exit 125, nothing left
for bad in "--memory abc" "--memory 0" "--memory 12Q" "--memory -5M" "--pids -1" "--pids 0" \
	"--pids x" "--cpus 0" "--cpus -1" "--cpus abc" "--cpus 1e0" "--cpus 0x1p0" "--cpus 1." "--disk abc" "--disk 0" "--memory 1M" \
	"--pids 1" "--disk 100k"; do
	flag=${bad%% *}
	# shellcheck disable=SC2086
	out=$(rdo $bad -- /bin/true 2>&1 </dev/null)
	rc=$?
	check_rc "$bad: refused with exit 125" 125 "$rc" "$out"
	check_contains "$bad: the message names $flag" "$flag" "$out"
done
out=$(rdo --memory 1M -- /bin/true 2>&1 </dev/null)
check_contains "--memory below the minimum names the minimum" "at least" "$out"
check "bad flags leave no cgroup" "" "$(left_cgroups)"

# ---- --id names the sandbox's cgroups; a do sandbox gets only the
# hierarchies it uses: no freezer (nothing pauses it), cpuacct only for
# --stats.
out=$("$RUNSC_C" do --id 'a/b' -- /bin/true 2>&1 </dev/null)
check_rc "--id a/b: refused with exit 2" 2 "$?" "$out"
check_contains "the message names --id" "--id" "$out"
# ---- --debug: the time the start and the end waited for cgroup work
out=$(runsc --debug -- /bin/true 2>&1)
check_rc "do --debug with default limits" 0 "$?" "$out"
check "--debug: the launcher's cgroup time, its parts named" yes "$(printf '%s\n' "$out" |
	grep -Eq "cgroups: the launcher waited [0-9]+\.[0-9]{3} ms \(removing [0-9.]+ ms\); beside the sentry's start it found the hierarchies in [0-9.]+ ms, made and limited the cgroups in [0-9.]+ ms, moved the gofer and the sentry in [0-9.]+ ms; the sweep took [0-9.]+ ms" && echo yes)"
check "--debug: the time the guest's init waited for its cgroups" yes "$(printf '%s\n' "$out" |
	grep -Eq "sentry: cgroups: the guest's init waited [0-9]+\.[0-9]{3} ms \(for the launcher's cgroups [0-9.]+ ms, its move [0-9.]+ ms\)" && echo yes)"
out=$(runsc -- /bin/true 2>&1)
check "without --debug: no cgroup times" "" "$(printf '%s\n' "$out" | grep 'cgroups:')"

# The hierarchies of a sandbox named id, as "memory pids ...".
hierarchies_of() {
	for d in /sys/fs/cgroup/*/runsc-c/"$1"; do
		[ -d "$d" ] && basename "$(dirname "$(dirname "$d")")"
	done | sort | tr '\n' ' '
}
id=$(new_id)
"$RUNSC_C" do --quiet --id "$id" -- sh -c 'sleep 30 & sleep 30 & exec sleep 31' </dev/null >/dev/null 2>&1 &
pid=$!
cleanup_later "$pid"
wait_until 20 sh -c "[ -n \"\$(cat /sys/fs/cgroup/memory/runsc-c/$id/guest/cgroup.procs 2>/dev/null)\" ]"
wait_until 20 pgrep -x -f "sleep 31" >/dev/null
has=$(hierarchies_of "$id")
check_contains "--id names the cgroups: memory/runsc-c/ID" "memory" "$has"
case " $has" in
*" freezer "* | *" cpuacct "*) not_ok "without --stats: no freezer or cpuacct cgroup" "$has" ;;
*) ok "without --stats: no freezer or cpuacct cgroup ($has)" ;;
esac
out=$("$RUNSC_C" do --quiet --id "$id" -- sh -c 'echo ran' 2>&1 </dev/null)
check_rc "an id in use is refused with exit 125" 125 "$?" "$out"
check_contains "the refusal names the cgroup" "runsc-c/$id" "$out"
check "the command with the id in use never ran" "" "$(printf '%s\n' "$out" | grep -x ran)"
# Every process of the guest is in its cgroups, also what its command
# forked at once: the init moved in before it ran anything of the guest.
guest_procs() { sort -nu /sys/fs/cgroup/"$1"/runsc-c/"$id"/guest/cgroup.procs 2>/dev/null | tr '\n' ' '; }
sentry=$(pgrep -x runsc-c-sentry -P "$pid" | head -1)
tree=""
if [ -n "$sentry" ]; then
	# The sentry's children: the guest's init (and nothing else of the
	# sentry's); their descendants: the guest's tree.
	tree=$(ps -e -o pid=,ppid= | awk -v s="$sentry" '
		{ parent[$1] = $2 }
		END { for (p in parent) { q = p; while (q in parent && q != s && q > 1) q = parent[q]; if (q == s && p != s) print p } }' |
		sort -nu | tr "\n" " ")
fi
check "the guest's tree is found from the host" yes "$([ -n "$tree" ] && echo yes)"
check "every guest process is in the guest's memory cgroup" "$tree" "$(guest_procs memory)"
check "every guest process is in the guest's pids cgroup" "$tree" "$(guest_procs pids)"
kill -TERM "$pid"
wait "$pid" 2>/dev/null
id=$(new_id)
"$RUNSC_C" do --quiet --id "$id" --stats "$TMP/id.json" -- sleep 30 </dev/null >/dev/null 2>&1 &
pid=$!
cleanup_later "$pid"
wait_until 20 sh -c "[ -n \"\$(cat /sys/fs/cgroup/memory/runsc-c/$id/guest/cgroup.procs 2>/dev/null)\" ]"
has=$(hierarchies_of "$id")
if [ -d /sys/fs/cgroup/cpuacct ] && ! [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	check_contains "with --stats: a cpuacct cgroup for the CPU time" "cpuacct" "$has"
fi
case " $has" in
*" freezer "*) not_ok "with --stats: still no freezer cgroup" "$has" ;;
*) ok "with --stats: still no freezer cgroup" ;;
esac
kill -TERM "$pid"
wait "$pid" 2>/dev/null

# ---- memory: /proc/meminfo shows the limit; a memory bomb is OOM-killed
out=$(runsc --memory 256M -- sh -c 'grep -E "^(MemTotal|MemFree|MemAvailable):" /proc/meminfo')
check_contains "/proc/meminfo MemTotal is --memory 256M" "MemTotal:         262144 kB" "$out"
free_kb=$(echo "$out" | awk '/^MemFree:/ {print $2}')
if [ -n "$free_kb" ] && [ "$free_kb" -le 262144 ] && [ "$free_kb" -gt 0 ]; then
	ok "/proc/meminfo MemFree is within the limit ($free_kb kB)"
else
	not_ok "/proc/meminfo MemFree is within the limit" "$out"
fi
out=$(runsc --memory 64M -- python3 -c '
x = []
while True:
    x.append(bytearray(16 << 20))
' 2>&1)
rc=$?
check_rc "a memory bomb under --memory 64M ends with exit 137" 137 "$rc" "$out"
out=$(timeout -s KILL 120 "$RUNSC_C" do --id "$(new_id)" --memory 64M -- python3 -c '
x = []
while True:
    x.append(bytearray(16 << 20))
' 2>&1 </dev/null)
check_contains "the memory limit is named when it was reached" "memory limit (64 MiB)" "$out"
# The sandbox's other processes keep running: a shell that started the bomb
# goes on after the kill.
out=$(runsc --memory 64M -- sh -c 'python3 -c "
x = []
while True:
    x.append(bytearray(16 << 20))
"; echo "after: $?"')
check "the shell that ran the bomb goes on and sees SIGKILL (137)" "after: 137" "$out"

# ---- the guest cannot leave its limits: its OOM score stays the highest,
# no cgroup file system is reachable or mountable. The probe checks that it
# runs under the sandbox's seccomp filter before it tries anything.
out=$(runsc --memory 64M -- sh -c '
[ "$(awk "/^Seccomp:/ {print \$2}" /proc/self/status)" = 2 ] || { echo "not sandboxed"; exit 99; }
cat /proc/self/oom_score_adj
echo -1000 >/proc/self/oom_score_adj 2>/dev/null && echo "lowered"
cat /proc/self/oom_score_adj
# The sandbox'"'"'s /sys has an empty fs/cgroup, as a mount point would be.
[ -n "$(ls -A /sys/fs/cgroup 2>/dev/null)" ] && echo "cgroupfs visible"
d=$(mktemp -d)
mount -t cgroup2 none "$d" 2>/dev/null && echo "cgroup2 mounted"
mount -t cgroup -o memory none "$d" 2>/dev/null && echo "cgroup v1 mounted"
echo end')
check "the guest's OOM score is 1000 and stays so; no cgroup fs is reachable" \
	"$(printf '1000\n1000\nend')" "$out"

# ---- pids: fork fails with EAGAIN at the limit; the sandbox keeps working
out=$(runsc --pids 16 -- python3 -c '
import os, errno, time
kids, err = [], None
for i in range(64):
    try:
        pid = os.fork()
    except OSError as e:
        err = e.errno
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    kids.append(pid)
print("forked", len(kids), "then", errno.errorcode.get(err))
for k in kids:
    os.kill(k, 9)
    os.waitpid(k, 0)
pid = os.fork()
if pid == 0:
    os._exit(7)
print("after", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
')
check_contains "fork fails with EAGAIN at --pids 16" "then EAGAIN" "$out"
case "$out" in
*"forked 1"[0-5]" then"*) ok "--pids 16 leaves room for about 14 children" ;;
*) not_ok "--pids 16 leaves room for about 14 children" "$out" ;;
esac
check_contains "after the children are gone, fork works again" "after 7" "$out"

# A fork bomb with no limit flag at all is held by the default limits, and
# the host still forks meanwhile. (--cpus 1 leaves the test's other CPU
# free.) The bomb ends when its first shell gives up on a failed fork, or
# at the timeout.
runsc --cpus 1 --timeout 8 --stats "$TMP/bomb.json" -- sh -c 'b(){ b|b& }; b; sleep 30' \
	>/dev/null 2>&1 &
bomb=$!
cleanup_later "$bomb"
sleep 2
host_ok=yes
for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true || host_ok=no; done
check "the host forks while a sandbox runs a fork bomb" yes "$host_ok"
wait "$bomb"
rc=$?
case $rc in
0 | 125 | 137) not_ok "the fork bomb ends (failed fork or --timeout)" "exit $rc" ;;
*) ok "the fork bomb ends (failed fork or --timeout): exit $rc" ;;
esac
out=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["pids"]["limit"], 100 < s["pids"]["peak"] <= 4096)
' "$TMP/bomb.json" 2>&1)
check "the fork bomb ran, held under the default pids limit (4096)" "4096 True" "$out"
check "the fork bomb leaves no cgroup" "" "$(left_cgroups)"

# ---- CPU: --cpus 0.5 gives at most about half a CPU
out=$(runsc --cpus 0.5 -- python3 -c '
import os, time
t0, c0 = time.monotonic(), os.times()
while time.monotonic() - t0 < 3:
    pass
c1 = os.times()
used = (c1.user - c0.user) + (c1.system - c0.system)
print("ratio %.2f" % (used / (time.monotonic() - t0)))
')
ratio=${out#ratio }
if awk "BEGIN { exit !($ratio <= 0.6) }" 2>/dev/null; then
	ok "--cpus 0.5: a busy loop gets at most ~50% of a CPU (got $ratio)"
else
	not_ok "--cpus 0.5: a busy loop gets at most ~50% of a CPU" "$out"
fi

# ---- disk: writing past --disk fails with ENOSPC; df shows size and use
out=$(runsc --disk 16M -- sh -c '
dd if=/dev/zero of="$(mktemp)" bs=1M count=64 2>&1 | head -1
df -k / | tail -1')
check_contains "writing past --disk 16M fails with ENOSPC" "No space left on device" "$out"
size_kb=$(echo "$out" | tail -1 | awk '{print $2}')
used_kb=$(echo "$out" | tail -1 | awk '{print $3}')
check "df / shows the writable layer's size (16M)" 16384 "$size_kb"
if [ -n "$used_kb" ] && [ "$used_kb" -ge 8192 ]; then ok "df / shows the layer's use ($used_kb kB)"; else
	not_ok "df / shows the layer's use" "$out"; fi
# /root, /home and /run are the writable layer's too: --disk bounds them
# all together, and df shows one use.
out=$(runsc --disk 16M -- sh -c '
dd if=/dev/zero of=/root/a bs=1M count=10 2>/dev/null && echo "root: written"
dd if=/dev/zero of=/home/b bs=1M count=10 2>&1 | head -1
df -k /run | tail -1')
check_contains "--disk 16M: 10M into /root fits" "root: written" "$out"
check_contains "--disk 16M: 10M more into /home fails with ENOSPC" "No space left on device" "$out"
used_kb=$(echo "$out" | tail -1 | awk '{print $3}')
if [ -n "$used_kb" ] && [ "$used_kb" -ge 14000 ]; then ok "df /run shows the layer's use ($used_kb kB)"; else
	not_ok "df /run shows the layer's use" "$out"; fi

# ---- --stats: what a run used, as JSON
runsc --memory 128M --pids 100 --stats "$TMP/stats.json" -- sh -c 'exit 3'
check_rc "--stats: the command's status comes back" 3 "$?"
out=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["exit_status"], s["memory"]["limit_bytes"], s["pids"]["limit"],
      s["memory"]["peak_bytes"] > 0, s["cpu"]["user_us"] is not None, s["wall_us"] > 0,
      s["limits_hit"])
' "$TMP/stats.json" 2>&1)
check "--stats: status, limits, peak memory, CPU time and wall time" \
	"3 134217728 100 True True True []" "$out"
runsc --memory 64M --stats "$TMP/oom.json" -- python3 -c '
x = []
while True:
    x.append(bytearray(16 << 20))
' >/dev/null 2>&1
out=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["exit_status"], s["signal"], "memory" in s["limits_hit"], s["memory"]["oom_kills"] > 0)
' "$TMP/oom.json" 2>&1)
check "--stats after an OOM kill says the memory limit was hit" "137 9 True True" "$out"

# ---- policies: resources are enforced; flags override them
cat >"$TMP/small.yaml" <<'EOF'
apiVersion: runsc-c/v1
kind: Policy
name: small
extends: default
resources:
  memory: 96Mi
  pids: 50
EOF
out=$(runsc --policy "$TMP/small.yaml" -- sh -c 'grep ^MemTotal: /proc/meminfo')
check_contains "a policy's resources.memory is enforced" "MemTotal:          98304 kB" "$out"
out=$(runsc --policy "$TMP/small.yaml" --memory 128M -- sh -c 'grep ^MemTotal: /proc/meminfo')
check_contains "--memory overrides the policy" "MemTotal:         131072 kB" "$out"

# A policy's resources below what a sandbox needs, or an unknown key: one
# message naming file:line:column, nothing started.
printf 'apiVersion: runsc-c/v1\nkind: Policy\nname: tiny\nresources:\n  memory: 1Mi\n' >"$TMP/tiny.yaml"
out=$(rdo --policy "$TMP/tiny.yaml" -- /bin/true 2>&1 </dev/null)
check_rc "a policy's memory below the minimum is refused" 2 "$?" "$out"
check_contains "the message names the file, line and column and the minimum" \
	"tiny.yaml:5:11: memory: '1Mi' is below what a sandbox needs to start: at least 16Mi" "$out"
printf 'apiVersion: runsc-c/v1\nkind: Policy\nname: odd\nresources:\n  swap: 1Gi\n' >"$TMP/odd.yaml"
out=$(rdo --policy "$TMP/odd.yaml" -- /bin/true 2>&1 </dev/null)
check_rc "an unknown resources key is refused" 2 "$?" "$out"
check_contains "the message names the key's place" "odd.yaml:5:3:" "$out"
check "refused policies leave no cgroup" "" "$(left_cgroups)"

# ---- where cgroups cannot be written: an asked-for limit refuses to
# start; the defaults are dropped with one warning (none under --quiet).
# The memory hierarchy is made read-only in a mount namespace of the test's
# own, so the host's stays as it is.
memdir=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ {print $2; exit}' /proc/self/mounts)
[ -n "$memdir" ] || memdir=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
if command -v unshare >/dev/null && [ -n "$memdir" ]; then
	ro_run() {
		unshare -m --propagation private sh -c \
			'mount -o remount,bind,ro "$1" && shift && exec "$@"' sh "$memdir" "$@" \
			</dev/null 2>&1
	}
	out=$(ro_run "$RUNSC_C" do --id "$(new_id)" --memory 64M -- sh -c 'echo ran')
	check_rc "--memory where cgroups are read-only: refused with exit 125" 125 "$?" "$out"
	check_contains "the refusal says why" "resource limits cannot be enforced here" "$out"
	# The cgroups are made while the sentry starts: the refusal comes
	# before the command runs, as one message, with nothing left.
	check "the refused command never ran" "" "$(printf '%s\n' "$out" | grep -x ran)"
	check "the refusal is one message" 1 "$(printf '%s\n' "$out" | grep -c .)"
	check "a refused start leaves no cgroup" "" "$(left_cgroups)"
	out=$(ro_run "$RUNSC_C" do --id "$(new_id)" -- sh -c 'echo ran')
	check_rc "no limit flag where cgroups are read-only: the sandbox runs" 0 "$?" "$out"
	check_contains "the command ran" "ran" "$out"
	n=$(echo "$out" | grep -c "default resource limits could not be applied")
	check "one warning says the defaults could not be applied" 1 "$n"
	out=$(ro_run "$RUNSC_C" do --id "$(new_id)" --quiet -- sh -c 'echo ran')
	check "under --quiet there is no warning" "ran" "$out"
else
	skip "read-only cgroups" "unshare(1) or a memory cgroup mount is missing"
fi

# ---- nothing accumulates
runsc --timeout 1 -- sleep 30 >/dev/null 2>&1
check_rc "--timeout with limits: exit 124" 124 "$?"
check "after --timeout no cgroup is left" "" "$(left_cgroups)"

# A sandbox `sleep SECONDS` named id, its runsc-c killed with SIGKILL once the
# command runs; returns once the command is gone.
kill_launcher() {
	"$RUNSC_C" do --id "$1" --quiet -- sleep "$2" </dev/null >/dev/null 2>&1 &
	pid=$!
	cleanup_later "$pid"
	wait_until 20 pgrep -f "^sleep $2\$" >/dev/null
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	wait_until 10 sh -c "! pgrep -f '^sleep $2\$' >/dev/null"
}
killed=$(new_id)
kill_launcher "$killed" 4242
runsc -- /bin/true
check "after kill -9 of runsc-c, the next start removes its cgroups" "" "$(left_cgroups)"

# The same again, and the next start takes the killed sandbox's id: its
# cgroups are in the way until that start removes them.
kill_launcher "$killed" 4243
out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet --id "$killed" -- echo reused </dev/null 2>&1)
check_rc "a killed sandbox's id can be used again at once" 0 "$?" "$out"
check "the sandbox with the reused id ran" "reused" "$out"
check "and its cgroups are gone after it" "" "$(left_cgroups)"

# What a launcher killed while it made or removed a sandbox's cgroups
# leaves: a sandbox cgroup in the memory hierarchy (made first, removed
# last) and in some others, locked by nobody. The next start removes it
# from every hierarchy.
dead=$(new_id)
for h in memory pids cpuacct freezer; do
	[ -d /sys/fs/cgroup/$h/runsc-c ] && mkdir -p /sys/fs/cgroup/$h/runsc-c/"$dead"/guest
done
runsc -- /bin/true
check "a dead sandbox's cgroups are removed from every hierarchy at the next start" "" \
	"$(left_cgroups)"
# Killed later, while it removed them: none left in memory's hierarchy,
# one in each of the others alone.
for h in pids cpuacct freezer unified; do
	[ -d /sys/fs/cgroup/$h/runsc-c ] && mkdir -p /sys/fs/cgroup/$h/runsc-c/"$(new_id)"/guest
done
runsc -- /bin/true
check "cgroups left only outside memory's hierarchy are removed at the next start" "" \
	"$(left_cgroups)"

i=0
fails=0
while [ $i -lt 200 ]; do
	runsc --memory 64M --pids 64 -- /bin/true || fails=$((fails + 1))
	i=$((i + 1))
done
check "200 sandboxes in a row all run" 0 "$fails"
check "200 sandboxes leave no cgroup" "" "$(left_cgroups)"

done_testing
