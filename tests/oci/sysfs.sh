#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The sandbox's /sys and /dev/mqueue (docs/oci.md). /sys: its own read-only sysfs, never the
# host's. config.json's sysfs mount at /sys shows in the mount table as
# crun's does (type sysfs, source sysfs, read-only) and statfs(2) says
# SYSFS_MAGIC, as fstatfs(2) of an fd there does; what programs read to count CPUs (/sys/devices/system/cpu,
# nproc, getconf) and the host's transparent huge page settings read as
# under crun, and nothing of the host's devices, firmware or kernel knobs
# is there. For `runsc-c do`, the CPU counts are compared with native runs,
# and a CPU affinity (taskset) is what the sandbox's /sys shows.
# /dev/mqueue: the mqueue file system of the container's IPC namespace,
# there when config.json mounts it: mq_open/mq_send/mq_receive work, the
# queue shows in /dev/mqueue and not in the host's IPC namespace; its row
# and statfs type as crun's. sysfs and mqueue mounts elsewhere are refused
# naming the field.
MQ_PROBE=$1
STATFS_PROBE=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

cp "$MQ_PROBE" "$ROOTFS/mq-probe"
cp "$STATFS_PROBE" "$ROOTFS/statfs-probe"
Q=runscq$$
mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

PROBE='echo "== rows"
awk "\$5 == \"/sys\" || \$5 == \"/dev/mqueue\" { sep = 0; for (i = 7; i <= NF; i++) if (\$i == \"-\") { sep = i; break }
	print \$5, \$6, \$(sep + 1), \$(sep + 2) }" /proc/self/mountinfo
echo "== statfs"
stat -f -c %t /sys /sys/devices/system/cpu
echo "== fstatfs"
/statfs-probe /sys /sys/devices/system/cpu/online /sys/kernel/mm/transparent_hugepage/enabled
echo "== cpus"
cat /sys/devices/system/cpu/online /sys/devices/system/cpu/possible /sys/devices/system/cpu/present
ls -d /sys/devices/system/cpu/cpu[0-9]*
cat /sys/devices/system/cpu/cpu0/topology/core_id
nproc
echo "== thp"
cat /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/hpage_pmd_size
echo "== write"
touch /sys/x 2>&1
echo 0 >/sys/devices/system/cpu/online 2>&1
echo "== host"
find /sys/class /sys/block /sys/firmware /sys/module | wc -l
ls /sys/kernel/security /sys/fs/cgroup/memory 2>&1 | wc -l
echo "== mqueue"
/mq-probe '$Q'
ls /dev/mqueue
stat -f -c %t /dev/mqueue'
export PROBE

conf() {
	cfg "$1" "import os
d['process']['args'] = ['sh', '-c', os.environ['PROBE']]
$2"
}

B=$TMP/b
conf "$B"
oci run --bundle "$B" t1 >"$TMP/runsc.out" 2>&1
check_rc "run: the probe of /sys runs" 0 "$?" "$(tail -5 "$TMP/runsc.out")"

# block FILE NAME: the probe's lines about NAME.
block() { sed -n "\\|^== $2\$|,\\|^== |p" "$1" | sed '$!b;/^== /d'; }
check "rows: /dev/mqueue an mqueue; /sys read-only, type sysfs, source sysfs" "== rows
/dev/mqueue rw,nosuid,nodev,noexec,relatime mqueue mqueue
/sys ro,nosuid,nodev,noexec,relatime sysfs sysfs" "$(block "$TMP/runsc.out" rows)"
check "statfs of /sys and below says SYSFS_MAGIC" "== statfs
62656572
62656572" "$(block "$TMP/runsc.out" statfs)"
# fstatfs(2) of an fd there (and of an O_PATH one) says what statfs of its
# path says, as on Linux (the host's /sys, natively, is the expected).
check "fstatfs of fds under /sys says SYSFS_MAGIC, as natively" "== fstatfs
$("$STATFS_PROBE" /sys /sys/devices/system/cpu/online /sys/kernel/mm/transparent_hugepage/enabled)" \
	"$(block "$TMP/runsc.out" fstatfs)"
check_contains "writes to /sys fail with EROFS" "Read-only file system" \
	"$(block "$TMP/runsc.out" write)"
check "none of the host's devices, modules or firmware, no cgroupfs" "== host
4
2" "$(block "$TMP/runsc.out" host)"
check "a message queue works and shows in /dev/mqueue (MQUEUE_MAGIC)" "== mqueue
received hello priority 1
$Q
19800202" "$(block "$TMP/runsc.out" mqueue)"
check "the container's queue is not in the host's IPC namespace" \
	"mq_unlink: No such file or directory" "$("$MQ_PROBE" -u "$Q")"

# ---- crun, the reference ----
crun_reference
for p in rows statfs fstatfs cpus thp write mqueue; do
	[ -n "$crun_reason" ] && { skip "same as crun: $p" "$crun_reason"; continue; }
	check "same as crun: $p" "$(block "$TMP/crun.out" "$p")" "$(block "$TMP/runsc.out" "$p")"
done

# ---- without an mqueue mount, no /dev/mqueue; queues still work ----
conf "$TMP/nomq" "d['mounts'] = [m for m in d['mounts'] if m['type'] != 'mqueue']
d['process']['args'] = ['sh', '-c', '/mq-probe $Q; ls -d /dev/mqueue 2>&1']"
check "no mqueue mount: no /dev/mqueue, queues work" "received hello priority 1
ls: /dev/mqueue: No such file or directory" "$(oci run --bundle "$TMP/nomq" t2 2>&1)"

# ---- sysfs and mqueue elsewhere: refused, naming the field ----
for tm in sysfs:/other mqueue:/mq mqueue:/dev/mqueue/x; do
	t=${tm%%:*} dst=${tm#*:}
	conf "$TMP/bad" "d['mounts'].append({'destination': '$dst', 'type': '$t', 'source': '$t'})"
	n=$(python3 -c "import json; print(len(json.load(open('$TMP/bad/config.json'))['mounts']) - 1)")
	out=$(oci run --bundle "$TMP/bad" t3 2>&1)
	check_rc "$t at $dst: exit 1" 1 "$?"
	check_contains "$t at $dst: the error names the field" \
		"mounts[$n].destination: '$dst': the sandbox has its $t at " "$out"
	check "$t at $dst: no state left" "" "$(ls -A "$ROOT")"
done
conf "$TMP/slash" "d['mounts'] = [dict(m, destination='//sys/') if m['type'] == 'sysfs' else m for m in d['mounts']]
d['process']['args'] = ['true']"
check_rc "sysfs at //sys/ is /sys" 0 "$(oci run --bundle "$TMP/slash" t4 >/dev/null 2>&1; echo $?)"

# ---- runsc-c do: CPU counts against native runs ----
COUNT='cat /sys/devices/system/cpu/online; nproc; nproc --all
getconf _NPROCESSORS_ONLN; getconf _NPROCESSORS_CONF
python3 -c "import os; print(os.cpu_count())"'
check "do: CPU counts as native" "$(sh -c "$COUNT" 2>&1)" "$(runsc -- sh -c "$COUNT" 2>&1)"
ncpu=$(nproc)
if [ "$ncpu" -lt 2 ]; then
	skip "do: a CPU affinity is the sandbox's CPUs" "one CPU only"
else
	last=$((ncpu - 1))
	check "do: a CPU affinity is the sandbox's CPUs" "$last
$last
cpu$last
1
1" "$(timeout -s KILL 60 taskset -c "$last" "$RUNSC_C" do --quiet -- sh -c \
		'cat /sys/devices/system/cpu/online /sys/devices/system/cpu/present
		ls /sys/devices/system/cpu | grep "^cpu[0-9]"
		getconf _NPROCESSORS_ONLN
		python3 -c "import os; print(os.cpu_count())"' 2>&1 </dev/null)"
fi

# ---- runsc-c do: /dev/mqueue is the sandbox's IPC namespace's ----
check "do: a message queue works and shows in /dev/mqueue" "received hello priority 1
$Q" "$(runsc -v "$ROOTFS:/r:ro" -- sh -c "/r/mq-probe $Q; ls /dev/mqueue" 2>&1)"
check "do: the sandbox's queue is not in the host's IPC namespace" \
	"mq_unlink: No such file or directory" "$("$MQ_PROBE" -u "$Q")"

done_testing
