#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# linux.resources beyond memory and pids (docs/oci.md), compared with crun on
# the same config: the cgroup files crun writes in its container's cgroup
# are the ones runsc-c writes in the sandbox's (cpu.shares, the quota, the
# real-time period, cpuset.cpus and cpuset.mems, the blkio throttles), and
# `update`'s flags (--cpu-share, --cpuset-cpus, --cpu-quota, ...) change
# them as crun's update does. Where this host lacks what a field needs
# (blkio.weight without BFQ, a net_cls hierarchy, cgroup v2 for unified),
# both refuse the config; hugepageLimits land on the cgroup2 mount that
# holds hugetlb here (crun cannot apply them in this layout); devices are
# accepted. A bad value is refused naming its field, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/bundle.sh"

CPU=/sys/fs/cgroup/cpu
CPUSET=/sys/fs/cgroup/cpuset
BLKIO=/sys/fs/cgroup/blkio
if [ ! -e "$CPU/cgroup.procs" ] || [ ! -e "$CPUSET/cgroup.procs" ] ||
	[ ! -e "$BLKIO/cgroup.procs" ]; then
	skip "linux.resources' cpu and blockIO" "no cgroup v1 cpu, cpuset and blkio hierarchies here"
	features=$(oci features | python3 -c 'import json,sys; c=json.load(sys.stdin)["linux"]["cgroup"]; print(c["v1"], c["v2"], c["systemd"])' 2>&1)
check "features: cgroup v1 and v2 (no systemd units)" "True True False" "$features"

done_testing
	exit $?
fi
P=/runsc-c-res-$$
remove_parents() { rmdir_cgroups "${P#/}/*/*" "${P#/}/*" "${P#/}"; }
trap 'cleanup_monitors; cleanup_hooks; remove_parents; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
CRUN=$(command -v crun)

# A block device of this host, for the throttles.
DEV=$(cat /sys/block/vda/dev 2>/dev/null || cat "$(ls -d /sys/block/*/dev | head -1)")
MAJ=${DEV%:*} MIN=${DEV#*:}
NCPU=$(getconf _NPROCESSORS_ONLN)
LAST=$((NCPU - 1))
RES="d['linux']['resources'] = {'cpu': {'shares': 512, 'quota': 30000, 'period': 50000,
  'realtimePeriod': 500000, 'cpus': '0-$LAST', 'mems': '0'},
  'blockIO': {'throttleReadBpsDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 1048576}],
   'throttleWriteBpsDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 2097152}],
   'throttleReadIOPSDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 300}],
   'throttleWriteIOPSDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 400}]},
  'devices': [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 1,
   'minor': 3, 'access': 'rwm'}]}"
PROG="d['process']['args'] = ['sh', '-c', 'echo up; sleep 600']"
up() { grep -q up "$1"; }
# The settings' files of the cgroup at path $1 in each hierarchy.
files() {
	for f in cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.rt_period_us \
		cpuset/cpuset.cpus cpuset/cpuset.mems blkio/blkio.throttle.read_bps_device \
		blkio/blkio.throttle.write_bps_device blkio/blkio.throttle.read_iops_device \
		blkio/blkio.throttle.write_iops_device; do
		printf '%s=%s\n' "${f#*/}" "$(cat "/sys/fs/cgroup/${f%%/*}$1/${f#*/}" 2>&1)"
	done
}

# ---- runsc-c: the files ----
cfg "$TMP/r" "$RES
$PROG
d['linux']['cgroupsPath'] = '$P/r'"
oci run -d --bundle "$TMP/r" r >"$TMP/r.out" 2>&1
check_rc "run with cpu's shares, real-time period, cpuset, the blkio throttles, devices" 0 \
	"$?" "$(cat "$TMP/r.out")"
wait_until 20 up "$TMP/r.out"
ours=$(files "$P/r")
check_contains "cpu.shares" "shares=512" "$ours"
check_contains "the blkio throttle" "write_iops_device=$MAJ:$MIN 400" "$ours"
check "the guest's part holds the cpuset too" "0-$LAST 0" \
	"$(cat "$CPUSET$P/r/guest/cpuset.cpus") $(cat "$CPUSET$P/r/guest/cpuset.mems")"

# ---- crun on the same config ----
crun_files() {
	crun_run "$1" "$2" >"$TMP/$2.out" 2>&1 &
	cleanup_later $!
	if wait_until 20 up "$TMP/$2.out"; then
		files "$P/$2"
		"$CRUN" --root "$TMP/crun-state" kill "$2" KILL 2>/dev/null
	fi
	wait
}
if [ -z "$CRUN" ]; then
	skip "same as crun" "crun is not installed"
else
	cfg "$TMP/c" "$RES
d['process']['args'] = ['sh', '-c', 'echo up; sleep 5']
d['linux']['cgroupsPath'] = '$P/c'"
	theirs=$(crun_files "$TMP/c" c)
	if [ -z "$theirs" ]; then
		skip "same as crun" "crun cannot run here: $(tail -1 "$TMP/c.out")"
	else
		check "the same cgroup files as crun's" "$theirs" "$ours"
	fi
fi

# ---- update's flags ----
out=$(oci update --cpu-share 256 --cpu-quota 20000 --cpu-period 40000 --cpuset-cpus 0 \
	--cpu-rt-period 400000 r 2>&1)
check_rc "update --cpu-share --cpu-quota --cpu-period --cpuset-cpus --cpu-rt-period" 0 "$?" \
	"$out"
ours=$(files "$P/r")
check_contains "update: cpu.shares" "shares=256" "$ours"
check_contains "update: cpuset.cpus" "cpuset.cpus=0" "$ours"
check "update: the guest's part's cpuset shrinks with it" 0 \
	"$(cat "$CPUSET$P/r/guest/cpuset.cpus")"
out=$(oci update --cpuset-cpus "0-$LAST" --cpu-shares 300 r 2>&1)
check_rc "update --cpuset-cpus grows it again (--cpu-shares as well)" 0 "$?" "$out"
check "update: the sandbox's and the guest's cpuset" "0-$LAST 0-$LAST" \
	"$(cat "$CPUSET$P/r/cpuset.cpus") $(cat "$CPUSET$P/r/guest/cpuset.cpus")"
printf '{"cpu": {"shares": 128, "mems": "0"}, "blockIO": {"throttleReadBpsDevice": [{"major": %s, "minor": %s, "rate": 4096}]}}' \
	"$MAJ" "$MIN" >"$TMP/res.json"
out=$(oci update -r "$TMP/res.json" r 2>&1)
check_rc "update -r with cpu and blockIO" 0 "$?" "$out"
check "update -r: cpu.shares and the read throttle" "128 $MAJ:$MIN 4096" \
	"$(cat "$CPU$P/r/cpu.shares") $(cat "$BLKIO$P/r/blkio.throttle.read_bps_device")"
printf '{"cpu": {"idle": 1}}' >"$TMP/idle.json"
oci update -r "$TMP/idle.json" r >"$TMP/idle.out" 2>&1
check "update -r with cpu.idle 1: refused (exit 1), naming the field" "1 yes" \
	"$? $(grep -q "cpu.idle: 1: the sandbox does not enforce this limit" "$TMP/idle.out" && echo yes)"
check "... cpu.shares stays" 128 "$(cat "$CPU$P/r/cpu.shares")"
if [ -n "$CRUN" ] && [ -n "${theirs:-}" ]; then
	cfg "$TMP/cu" "$RES
d['process']['args'] = ['sh', '-c', 'echo up; sleep 600']
d['linux']['cgroupsPath'] = '$P/cu'"
	crun_run "$TMP/cu" cu >"$TMP/cu.out" 2>&1 &
	cleanup_later $!
	if wait_until 20 up "$TMP/cu.out"; then
		"$CRUN" --root "$TMP/crun-state" update --cpu-share 256 --cpu-quota 20000 \
			--cpu-period 40000 --cpuset-cpus 0 --cpu-rt-period 400000 cu >/dev/null 2>&1
		crun_up=$(files "$P/cu")
		"$CRUN" --root "$TMP/crun-state" kill cu KILL 2>/dev/null
	fi
	wait
	oci update --cpu-share 256 --cpu-quota 20000 --cpu-period 40000 --cpuset-cpus 0 \
		--cpu-rt-period 400000 r >/dev/null 2>&1
	printf '{"blockIO": {"throttleReadBpsDevice": [{"major": %s, "minor": %s, "rate": 1048576}]}}' \
		"$MAJ" "$MIN" >"$TMP/res2.json"
	oci update -r "$TMP/res2.json" r >/dev/null 2>&1
	check "after the same update flags, the same files as crun's" "${crun_up:-crun failed}" \
		"$(files "$P/r")"
fi
out=$(oci update --blkio-weight 500 r 2>&1)
if [ -e "$BLKIO/blkio.weight" ]; then
	check_rc "update --blkio-weight" 0 "$?" "$out"
else
	check "update --blkio-weight where the host has no blkio.weight: refused, naming it" \
		"1 yes" "$? $(printf '%s' "$out" | grep -q 'blkio.weight' && echo yes)"
fi
out=$(oci update --cpu-share 1 r 2>&1)
check "update --cpu-share 1: refused, naming the flag" "1 yes" \
	"$? $(printf '%s' "$out" | grep -q -- '--cpu-share: 1: expected 2 to 262144' && echo yes)"
out=$(oci update --cpuset-cpus 9999 r 2>&1)
check "update --cpuset-cpus beyond the host's CPUs: refused, naming the flag" "1 yes" \
	"$? $(printf '%s' "$out" | grep -q -- "--cpuset-cpus: '9999': the host's online CPUs" && echo yes)"
check "... and the cpuset stays" 0 "$(cat "$CPUSET$P/r/cpuset.cpus")"
oci delete --force r >/dev/null 2>&1
check "delete removes the cpu, cpuset and blkio cgroups" "" \
	"$(ls -d "$CPU$P/r" "$CPUSET$P/r" "$BLKIO$P/r" 2>/dev/null)"

# ---- hugepageLimits: on the cgroup2 mount that holds hugetlb here ----
U=/sys/fs/cgroup/unified
if grep -qw hugetlb "$U/cgroup.controllers" 2>/dev/null && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
	cfg "$TMP/h" "d['linux']['resources'] = {'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}]}
$PROG
d['linux']['cgroupsPath'] = '$P/h'"
	oci run -d --bundle "$TMP/h" h >"$TMP/h.out" 2>&1
	check_rc "run with hugepageLimits" 0 "$?" "$(cat "$TMP/h.out")"
	check "hugetlb.2MB.max on the cgroup2 mount" 4194304 \
		"$(cat "$U$P/h/hugetlb.2MB.max" 2>&1)"
	oci delete --force h >/dev/null 2>&1
	check "delete removes it there too" "" "$(ls -d "$U$P/h" 2>/dev/null)"
else
	skip "hugepageLimits" "no hugetlb controller with 2 MB pages on a cgroup2 mount here"
fi

# ---- what this host lacks: refused by both, nothing left ----
refused() { # NAME PYTHON WHAT-RUNSC-C-SAYS
	cfg "$TMP/x" "$2
$PROG
d['linux']['cgroupsPath'] = '$P/x'"
	oci create --bundle "$TMP/x" x >"$TMP/x.out" 2>&1
	check "$1: refused (exit 1), saying $3" "1 yes" \
		"$? $(grep -q -- "$3" "$TMP/x.out" && echo yes)"
	check "$1: no state, no cgroup left" "" \
		"$(ls -A "$ROOT" 2>/dev/null; ls -d /sys/fs/cgroup/*$P/x 2>/dev/null)"
	if [ -n "$CRUN" ] && [ -n "${theirs:-}" ]; then
		sed -i "s|$P/x|$P/cx|" "$TMP/x/config.json"
		crun_run "$TMP/x" cx >"$TMP/cx.out" 2>&1
		check "$1: crun refuses it too" "yes" "$([ $? -ne 0 ] && echo yes)"
		"$CRUN" --root "$TMP/crun-state" delete -f cx >/dev/null 2>&1
		remove_parents # what crun left at $P/cx
	fi
}
[ -e "$BLKIO/blkio.weight" ] ||
	refused "blockIO.weight without blkio.weight" \
		"d['linux']['resources'] = {'blockIO': {'weight': 500}}" "blkio.weight"
[ -e /sys/fs/cgroup/net_cls ] ||
	refused "network.classID without net_cls" \
		"d['linux']['resources'] = {'network': {'classID': 1048577}}" "net_cls"
[ -e /sys/fs/cgroup/cgroup.controllers ] ||
	refused "unified on cgroup v1" \
		"d['linux']['resources'] = {'unified': {'memory.high': '50000000'}}" "cgroup v2"

# ---- a cpuset outside the parent cgroup's: the kernel's refusal explained ----
if [ "$NCPU" -ge 2 ]; then
	mkdir -p "$CPUSET$P/narrow"
	for d in "$CPUSET$P" "$CPUSET$P/narrow"; do # a v1 child within its parent
		echo 0 >"$d/cpuset.mems"
		echo 0 >"$d/cpuset.cpus"
	done
	cfg "$TMP/n" "d['linux']['resources'] = {'cpu': {'cpus': '1'}}
$PROG
d['linux']['cgroupsPath'] = '$P/narrow/n'"
	oci create --bundle "$TMP/n" n >"$TMP/n.out" 2>&1
	check "cpu.cpus outside the parent cgroup's cpuset: refused, saying so" "1 yes" \
		"$? $(grep -q "cpuset.cpus (the CPUs must be within its parent cgroup's)" "$TMP/n.out" && echo yes)"
	check "... no state, no cgroup left" "" \
		"$(ls -A "$ROOT" 2>/dev/null; ls -d /sys/fs/cgroup/*$P/narrow/n 2>/dev/null)"
else
	skip "cpu.cpus outside the parent cgroup's cpuset" "one CPU here"
fi

# ---- bad values: one error naming the field ----
bad() {
	cfg "$TMP/bad" "$PROG
d['linux']['resources'] = $1"
	oci create --bundle "$TMP/bad" bad >"$TMP/bad.out" 2>&1
	check "$1: refused (exit 1), naming $2" "1 yes" \
		"$? $(grep -q -- "$2" "$TMP/bad.out" && echo yes)"
	check "$1: no state left" "" "$(ls -A "$ROOT" 2>/dev/null)"
}
bad "{'cpu': {'shares': 1}}" "linux.resources.cpu.shares: 1: expected 2 to 262144"
bad "{'cpu': {'shares': 300000}}" "linux.resources.cpu.shares: 300000: expected 0 to 262144"
bad "{'cpu': {'cpus': 'x'}}" "linux.resources.cpu.cpus: 'x': expected a list of CPU numbers"
bad "{'cpu': {'cpus': '0-999'}}" "linux.resources.cpu.cpus: '0-999': the host's online CPUs"
bad "{'cpu': {'mems': '7'}}" "linux.resources.cpu.mems: '7': the host's online memory nodes"
bad "{'cpu': {'realtimePeriod': -5}}" "linux.resources.cpu.realtimePeriod: -5: expected 0"
bad "{'blockIO': {'weight': 5}}" "linux.resources.blockIO.weight: 5: expected 10 to 1000"
bad "{'blockIO': {'throttleReadBpsDevice': [{'major': 8}]}}" \
	"linux.resources.blockIO.throttleReadBpsDevice\[0\].minor: missing"
bad "{'blockIO': {'weightDevice': [{'major': 8, 'minor': 0}]}}" \
	"linux.resources.blockIO.weightDevice\[0\]: expected weight or leafWeight"
bad "{'hugepageLimits': [{'pageSize': '2XB', 'limit': 1}]}" \
	"linux.resources.hugepageLimits\[0\].pageSize: '2XB': expected a size"
bad "{'network': {'priorities': [{'name': 'a/b', 'priority': 1}]}}" \
	"linux.resources.network.priorities\[0\].name: 'a/b': not a network interface"
bad "{'unified': {'cgroup.procs': '1'}}" "linux.resources.unified.cgroup.procs: not a cgroup v2 file"
bad "{'unified': {'memory.high': 5}}" "linux.resources.unified.memory.high: expected a string"
bad "{'devices': [{'allow': True, 'access': 'rx'}]}" \
	"linux.resources.devices\[0\].access: 'rx': expected letters of r, w and m"
bad "{'devices': [{'access': 'r'}]}" "linux.resources.devices\[0\].allow: missing"
# cpu.idle: 0 is what the sandbox gives; 1 (a SCHED_IDLE group, cgroup v2's
# cpu.idle) it does not enforce, so it refuses it rather than drop it.
bad "{'cpu': {'idle': 1}}" "linux.resources.cpu.idle: 1: the sandbox does not enforce this limit"
bad "{'cpu': {'idle': 2}}" "linux.resources.cpu.idle: 2: expected 0 to 1"
bad "{'cpu': {'idle': '1'}}" "linux.resources.cpu.idle: expected an integer"
cfg "$TMP/idle0" "$PROG
d['linux']['resources'] = {'cpu': {'idle': 0}}"
oci create --bundle "$TMP/idle0" idle0 >"$TMP/idle0.out" 2>&1
check_rc "{'cpu': {'idle': 0}}: accepted" 0 "$?" "$(cat "$TMP/idle0.out")"
oci delete --force idle0 >/dev/null 2>&1

features=$(oci features | python3 -c 'import json,sys; c=json.load(sys.stdin)["linux"]["cgroup"]; print(c["v1"], c["v2"], c["systemd"])' 2>&1)
check "features: cgroup v1 and v2 (no systemd units)" "True True False" "$features"

done_testing
