#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's linux.cgroupsPath (docs/oci.md): the container's cgroups at
# that path in every hierarchy, the sandbox's parts below it, compared with
# crun on the same bundle: the program sees its own cgroup as / in
# /proc/self/cgroup, its processes are in the path's cgroups on the host,
# the limits land there. pause, update, events and ps find it through the
# state; the sweep of dead sandboxes never takes it; delete of a container
# whose monitor was killed removes it and keeps its parent. The memory
# fields beside the limit (reservation, swap, swappiness, disableOOMKiller)
# land in the guest's memory cgroup as crun sets them, and update changes
# them. A relative path
# and systemd's slice:prefix:name (--systemd-cgroup) land where crun and
# systemd would put them; a path leading out of the hierarchy, naming the
# root or runsc-c's own folder, or a cgroup that exists, is refused naming
# the field, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/bundle.sh"

MEM=/sys/fs/cgroup/memory
PIDS=/sys/fs/cgroup/pids
if [ ! -e "$MEM/cgroup.procs" ] || [ ! -e "$PIDS/cgroup.procs" ]; then
	skip "linux.cgroupsPath" "no cgroup v1 memory and pids hierarchies here"
	done_testing
	exit $?
fi
P=/runsc-c-test-$$
# The test's parent cgroup in every hierarchy, and the slices of the
# systemd form: removed at the end (rmdir: only once empty).
remove_parents() {
	rmdir_cgroups "${P#/}/*" "${P#/}" "rt.slice/rt-$$.slice/*" "rt.slice/rt-$$.slice" rt.slice
}
trap 'cleanup_monitors; cleanup_hooks; remove_parents; rm -rf "$TMP"' EXIT

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
LIMITS="d['linux']['resources'] = {'memory': {'limit': 100000000}, 'pids': {'limit': 50}}"
PROG="d['process']['args'] = ['sh', '-c', 'cat /proc/self/cgroup; echo up; sleep 600']"
up() { grep -q up "$1"; }
sid_of() { sed 's/.*"sandboxId":"\([^"]*\)".*/\1/' "$ROOT/$1/state.json"; }
# The cgroup of host pid $1 in hierarchy $2 (memory, pids, ...).
cg_of() { sed -n "s/^[0-9]*:$2:\(.*\)/\1/p" "/proc/$1/cgroup"; }
# Where each line of a /proc/self/cgroup puts the process ("/" each).
roots() { grep : "$1" | sed 's/^[0-9]*:[^:]*://' | sort -u | tr '\n' ' '; }

# ---- runsc-c: create, start, where everything is ----
cfg "$TMP/b" "$LIMITS
$PROG
d['linux']['cgroupsPath'] = '$P/r1'"
oci create --bundle "$TMP/b" r1 >"$TMP/r1.out" 2>&1
check_rc "create with linux.cgroupsPath" 0 "$?" "$(cat "$TMP/r1.out")"
check_contains "the state records the path" "\"cgroupsPath\":\"\\/runsc-c-test-$$\\/r1\"" \
	"$(cat "$ROOT/r1/state.json")"
oci start r1
wait_until 20 up "$TMP/r1.out"
check "inside, /proc/self/cgroup puts the program at its cgroup's root" "/ " \
	"$(roots "$TMP/r1.out")"
check "the memory limit lands at the path (guest part)" 99999744 \
	"$(cat "$MEM$P/r1/guest/memory.limit_in_bytes" 2>&1)"
check "the pids limit lands at the path (guest part)" 50 \
	"$(cat "$PIDS$P/r1/guest/pids.max" 2>&1)"
sid=$(sid_of r1)
check "no cgroup at runsc-c's own place" "" \
	"$(ls -d /sys/fs/cgroup/*/runsc-c/"$sid" 2>/dev/null)"
pids=$(oci ps --format json r1 | tr -d '[]' | tr ',' ' ')
where=""
for p in $pids; do where="$where $(cg_of "$p" memory) $(cg_of "$p" pids) $(cg_of "$p" freezer)"; done
check "ps: the guest's processes are in the path's cgroups on the host" \
	"$(for p in $pids; do printf ' %s' "$P/r1/guest" "$P/r1/guest" "$P/r1/guest"; done)" \
	"$where"
out=$(oci pause r1 2>&1)
check_rc "pause finds the path's freezer" 0 "$?" "$out"
check_contains "state: paused" '"status": "paused"' "$(oci state r1)"
check "the guest part's freezer at the path is frozen" FROZEN \
	"$(cat /sys/fs/cgroup/freezer$P/r1/guest/freezer.state 2>&1)"
oci resume r1
check_contains "resume: running again" '"status": "running"' "$(oci state r1)"
out=$(oci update --pids-limit 40 r1 2>&1)
check_rc "update at the path" 0 "$?" "$out"
check "update: the new pids limit lands at the path" 40 "$(cat "$PIDS$P/r1/guest/pids.max")"
check_contains "events --stats reads the path's cgroups" '"limit":40' "$(oci events --stats r1)"

# ---- the sweep never takes it; delete after a killed monitor removes it ----
mpid=$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$ROOT/r1/state.json")
kill -9 "$mpid"
stopped() { oci state r1 | grep -q '"status": "stopped"'; }
wait_until 20 stopped
cfg "$TMP/other" "d['process']['args'] = ['true']"
oci run --bundle "$TMP/other" other >/dev/null 2>&1 # sweeps runsc-c's own folder
check "a killed container's cgroup at its path outlives the sweep" yes \
	"$([ -d "$PIDS$P/r1" ] && echo yes)"
out=$(oci delete r1 2>&1)
check_rc "delete of the stale container" 0 "$?" "$out"
check "delete removes the path's cgroup in every hierarchy" "" \
	"$(ls -d /sys/fs/cgroup/*$P/r1 2>/dev/null)"
check "... and keeps its parent" yes "$([ -d "$PIDS$P" ] && [ -d "$MEM$P" ] && echo yes)"

# ---- crun on the same bundle: the same places, the same numbers ----
CRUN=$(command -v crun)
if [ -z "$CRUN" ]; then
	skip "same as crun" "crun is not installed"
else
	cfg "$TMP/c" "$LIMITS
d['process']['args'] = ['sh', '-c', 'cat /proc/self/cgroup; echo up; sleep 3']
d['linux']['cgroupsPath'] = '$P/c1'"
	crun_run "$TMP/c" c1 >"$TMP/c1.out" 2>&1 &
	cleanup_later $!
	if wait_until 20 up "$TMP/c1.out"; then
		crun_pid=$(head -1 "$MEM$P/c1/cgroup.procs")
		crun_seen="$(roots "$TMP/c1.out")|$(cat "$MEM$P/c1/memory.limit_in_bytes")|$(
			cat "$PIDS$P/c1/pids.max")|$(cg_of "$crun_pid" memory) $(cg_of "$crun_pid" pids)"
		kill -9 "$crun_pid"
	else
		crun_seen=""
	fi
	wait
	cfg "$TMP/b2" "$LIMITS
$PROG
d['linux']['cgroupsPath'] = '$P/r2'"
	oci run -d --bundle "$TMP/b2" r2 >"$TMP/r2.out" 2>&1
	wait_until 20 up "$TMP/r2.out"
	r2_pid=$(oci ps --format json r2 | tr -d '[]' | cut -d, -f1)
	if [ -z "$crun_seen" ]; then
		skip "same as crun" "crun cannot run here: $(tail -1 "$TMP/c1.out")"
	else
		check "same as crun: /proc/self/cgroup inside, the limits and the program's host cgroup (memory, pids) at the path" \
			"$(echo "$crun_seen" | sed "s|$P/c1|PATH|g")" \
			"$(echo "$(roots "$TMP/r2.out")|$(cat "$MEM$P/r2/guest/memory.limit_in_bytes")|$(
				cat "$PIDS$P/r2/guest/pids.max")|$(cg_of "$r2_pid" memory) $(
				cg_of "$r2_pid" pids)" | sed "s|$P/r2/guest|PATH|g")"
	fi
	if [ -n "$crun_seen" ]; then
		check "same as crun: the whole of /proc/self/cgroup inside (each hierarchy at /)" \
			"$(grep : "$TMP/c1.out")" "$(grep : "$TMP/r2.out")"
	fi
	oci delete --force r2 >/dev/null 2>&1
	check "delete --force removes the path's cgroups" "" \
		"$(ls -d /sys/fs/cgroup/*$P/r2 2>/dev/null)"
	# A relative path: from each hierarchy's root, where crun puts it.
	cfg "$TMP/crel" "d['process']['args'] = ['sleep', '2']
d['linux']['cgroupsPath'] = '${P#/}/crel'"
	: >"$TMP/crun-rel"
	crun_run "$TMP/crel" crel >"$TMP/crel.out" 2>&1 &
	cleanup_later $!
	crun_made() { [ -d "$PIDS$P/crel" ] && echo found >"$TMP/crun-rel"; [ -s "$TMP/crun-rel" ]; }
	wait_until 10 crun_made
	wait
	check "crun: a relative path is taken from the hierarchy's root" found \
		"$(cat "$TMP/crun-rel")"
fi
cfg "$TMP/rel" "$PROG
d['linux']['cgroupsPath'] = '${P#/}/rel'"
oci create --bundle "$TMP/rel" rel >/dev/null 2>&1
check "runsc-c: a relative path is taken from the hierarchy's root" yes \
	"$([ -d "$PIDS$P/rel/guest" ] && [ -d "$MEM$P/rel/guest" ] && echo yes)"
oci delete rel
check "delete removes it" "" "$(ls -d /sys/fs/cgroup/*$P/rel 2>/dev/null)"

# ---- systemd's form with --systemd-cgroup ----
cfg "$TMP/sd" "$PROG
d['linux']['cgroupsPath'] = 'rt-$$.slice:pfx:c1'"
note_sandboxes
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" --systemd-cgroup create --bundle "$TMP/sd" sd \
	>"$TMP/sd.out" 2>&1 </dev/null
check_rc "--systemd-cgroup: create with slice:prefix:name" 0 "$?" "$(cat "$TMP/sd.out")"
check "... at the path systemd gives the scope" yes \
	"$([ -d "$PIDS/rt.slice/rt-$$.slice/pfx-c1.scope/guest" ] && echo yes)"
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" --systemd-cgroup create --bundle "$TMP/sd" sd2 \
	>"$TMP/sd2.out" 2>&1 </dev/null
check "--systemd-cgroup, the path taken: a second container there is refused" "1 in use" \
	"$? $(grep -o 'in use' "$TMP/sd2.out" | head -1)"
oci delete sd
check "... removed by delete" "" "$(ls -d /sys/fs/cgroup/*/rt.slice/rt-$$.slice/pfx-c1.scope 2>/dev/null)"

# ---- a state whose cgroupsPath was tampered with names no cgroup ----
mkdir -p "$PIDS$P/keep"
cfg "$TMP/cor" "$PROG
d['linux']['cgroupsPath'] = '$P/cor'"
oci create --bundle "$TMP/cor" cor >"$TMP/cor.out" 2>&1
check_rc "create (a state to tamper with)" 0 "$?" "$(cat "$TMP/cor.out")"
cor_pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$ROOT/cor/state.json")
sed -i "s|\"cgroupsPath\":\"[^\"]*\"|\"cgroupsPath\":\"$P/keep/../x\"|" "$ROOT/cor/state.json"
out=$(oci state cor 2>&1)
check_contains "a cgroupsPath with '..' in the state: the state is refused as corrupt" \
	"corrupt: cgroupsPath" "$out"
oci delete --force cor >/dev/null 2>&1
check "delete --force of it leaves the path's prefix alone" yes \
	"$([ -d "$PIDS$P/keep" ] && echo yes)"
kill -9 "$cor_pid" 2>/dev/null
gone() { ! kill -0 "$cor_pid" 2>/dev/null; }
wait_until 20 gone
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" delete --force cor >/dev/null 2>&1
rmdir_cgroups "${P#/}/cor/guest" "${P#/}/cor/kernel" "${P#/}/cor"

# ---- linux.resources.memory's other fields, read back on the host ----
MEMFIELDS="d['linux']['resources'] = {'memory': {'limit': 100000000, 'reservation': 50000000,
  'swap': 200000000, 'swappiness': 10, 'disableOOMKiller': True, 'kernel': 90000000,
  'kernelTCP': 10000000}}"
# soft limit, memory+swap, swappiness, oom_kill_disable of a memory cgroup
mem_fields() {
	echo "$(cat "$1/memory.soft_limit_in_bytes") $(cat "$1/memory.memsw.limit_in_bytes" 2>/dev/null ||
		echo no-swap-accounting) $(cat "$1/memory.swappiness") $(
		sed -n 's/^oom_kill_disable //p' "$1/memory.oom_control")"
}
cfg "$TMP/mf" "$MEMFIELDS
$PROG
d['linux']['cgroupsPath'] = '$P/mf'"
oci create --bundle "$TMP/mf" mf >"$TMP/mf.out" 2>&1
check_rc "create with memory reservation, swap, swappiness, disableOOMKiller" 0 "$?" \
	"$(cat "$TMP/mf.out")"
check_contains "kernel and kernelTCP: ignored with a warning naming them" \
	"linux.resources.memory.kernelTCP: kernel memory limits are deprecated" "$(cat "$TMP/mf.out")"
want_swap=199999488
[ -e "$MEM/memory.memsw.limit_in_bytes" ] || want_swap=no-swap-accounting
check "the guest's memory cgroup: soft limit, memory+swap, swappiness, OOM killer off" \
	"49999872 $want_swap 10 1" "$(mem_fields "$MEM$P/mf/guest")"
oci start mf
wait_until 20 up "$TMP/mf.out"
out=$(oci update --memory-reservation 64m --memory-swap -1 --kernel-memory 100m mf 2>&1)
check_rc "update --memory-reservation --memory-swap -1 --kernel-memory" 0 "$?" "$out"
check_contains "update --kernel-memory: a warning" "kernel-memory: kernel memory limits" "$out"
want_swap=9223372036854771712
[ -e "$MEM/memory.memsw.limit_in_bytes" ] || want_swap=no-swap-accounting
check "update: the new soft limit and no memory+swap bound" "67108864 $want_swap 10 1" \
	"$(mem_fields "$MEM$P/mf/guest")"
printf '{"memory": {"swappiness": 60, "swap": 300000000}}' >"$TMP/mf-res.json"
out=$(oci update -r "$TMP/mf-res.json" mf 2>&1)
check_rc "update -r with memory.swappiness and swap" 0 "$?" "$out"
[ -e "$MEM/memory.memsw.limit_in_bytes" ] && want_swap=299999232
check "update -r: swappiness and memory+swap" "67108864 $want_swap 60 1" \
	"$(mem_fields "$MEM$P/mf/guest")"
out=$(oci update --memory 100m --memory-swap 50m mf 2>&1)
check "update --memory-swap below the memory limit: refused" "1 yes" \
	"$? $(printf '%s' "$out" | grep -q 'below the memory limit' && echo yes)"
if [ -e "$MEM/memory.memsw.limit_in_bytes" ]; then
	out=$(oci update --memory-swap 10m mf 2>&1)
	check "update --memory-swap alone below the memory limit: refused, both named" "1 yes" \
		"$? $(printf '%s' "$out" | grep -q 'memory+swap limit of 10485760 bytes is below the memory limit ([0-9]' && echo yes)"
fi
oci delete --force mf >/dev/null 2>&1
if [ -n "$CRUN" ]; then
	cfg "$TMP/cmf" "$MEMFIELDS
d['process']['args'] = ['sh', '-c', 'echo up; sleep 3']
d['linux']['cgroupsPath'] = '$P/cmf'"
	crun_run "$TMP/cmf" cmf >"$TMP/cmf.out" 2>&1 &
	cleanup_later $!
	if wait_until 20 up "$TMP/cmf.out"; then
		crun_mem=$(mem_fields "$MEM$P/cmf")
		kill -9 "$(head -1 "$MEM$P/cmf/cgroup.procs")"
	fi
	wait
	[ -n "${crun_mem:-}" ] || skip "memory fields as crun sets them" "crun cannot run here"
	[ -n "${crun_mem:-}" ] && check "the memory fields as crun sets them" "$crun_mem" \
		"$(cfg "$TMP/mf2" "$MEMFIELDS
$PROG
d['linux']['cgroupsPath'] = '$P/mf2'"
			oci create --bundle "$TMP/mf2" mf2 >/dev/null 2>&1
			mem_fields "$MEM$P/mf2/guest"
			oci delete --force mf2 >/dev/null 2>&1)"
fi
memory_bad() {
	cfg "$TMP/mbad" "$PROG
d['linux']['resources'] = {'memory': $1}"
	oci create --bundle "$TMP/mbad" mbad >"$TMP/mbad.out" 2>&1
	check "memory $1: refused (exit 1), naming $2" "1 yes" \
		"$? $(grep -q -- "$2" "$TMP/mbad.out" && echo yes)"
	check "memory $1: no state left" "" "$(ls -A "$ROOT" 2>/dev/null)"
}
memory_bad "{'swappiness': 101}" "linux.resources.memory.swappiness: 101: expected 0 to 100"
memory_bad "{'limit': 100000000, 'swap': 50000000}" "linux.resources.memory.swap: 50000000 is below"
memory_bad "{'reservation': -5}" "linux.resources.memory.reservation"
memory_bad "{'disableOOMKiller': 1}" "linux.resources.memory.disableOOMKiller: expected"

# ---- refused values: one error naming the field, nothing made ----
mkdir -p "$PIDS$P/taken"
bad() {
	cfg "$TMP/bad" "$PROG
d['linux']['cgroupsPath'] = $1"
	# To a file: were it wrongly made, the container's process would keep
	# a pipe open.
	oci create --bundle "$TMP/bad" bad >"$TMP/bad.out" 2>&1
	rc=$?
	out=$(cat "$TMP/bad.out")
	# The name as TAP shows it: no backslash for echo to expand.
	name=$(printf '%s' "$1" | sed 's/\\n/(newline)/')
	check "cgroupsPath $name: refused (exit 1), naming $2" "1 yes" \
		"$rc $(printf '%s' "$out" | grep -q -- "$2" && echo yes)"
	check "cgroupsPath $name: no state left" "" "$(ls -A "$ROOT" 2>/dev/null)"
}
bad "'$P/../../etc'" "linux.cgroupsPath"
bad "'../x'" "linux.cgroupsPath"
bad "'/'" "linux.cgroupsPath"
bad "'/runsc-c/x'" "linux.cgroupsPath"
bad "'$P/a\\nb'" "linux.cgroupsPath"
bad "42" "linux.cgroupsPath"
bad "'$P/taken'" "in use"
check "an existing cgroup is left as it was, nothing made in the other hierarchies" "yes no" \
	"$([ -d "$PIDS$P/taken" ] && echo yes) $([ -d "$MEM$P/taken" ] && echo yes || echo no)"
check "no cgroup made outside the path" "" "$(ls -d /sys/fs/cgroup/*/etc /sys/fs/cgroup/*/x 2>/dev/null)"
cfg "$TMP/bad" "$PROG
d['linux']['cgroupsPath'] = 'no-colons'"
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" --systemd-cgroup create --bundle "$TMP/bad" bad \
	>"$TMP/bad.out" 2>&1 </dev/null
check "--systemd-cgroup with a path not of systemd's form: refused" "1 yes" \
	"$? $(grep -q 'linux.cgroupsPath' "$TMP/bad.out" && echo yes)"
sed -i 's/"cgroupsPath": "[^"]*"/"cgroupsPath": "bad--x.slice:a:b"/' "$TMP/bad/config.json"
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" --systemd-cgroup create --bundle "$TMP/bad" bad \
	>"$TMP/bad.out" 2>&1 </dev/null
check "--systemd-cgroup with a bad slice name: refused" "1 yes" \
	"$? $(grep -q 'not a systemd slice' "$TMP/bad.out" && echo yes)"

done_testing
