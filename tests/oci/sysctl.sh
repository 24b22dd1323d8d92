#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's linux.sysctl (docs/oci.md), as runc applies it: the
# namespaced sysctls (net.* in the container's network namespace, the IPC
# ones in its IPC namespace, kernel.domainname in its UTS names) are set
# before the program runs and read back in its /proc/sys the same as under
# crun; the host's values never change; every other sysctl is refused with
# runc's message and exit 1, and one that Linux refuses (no such file, a
# bad value) fails the start the same way, nothing left behind.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

# The sysctls set, and what the program prints of them.
SET="{'net.ipv4.ping_group_range': '0 2147483647',
	'net.ipv4.ip_unprivileged_port_start': '80',
	'net/ipv4/conf/lo/forwarding': '1',
	'kernel.shmmax': '12345678', 'kernel.msgmax': '4096', 'kernel.sem': '250 32000 32 64',
	'fs.mqueue.msg_max': '20', 'kernel.domainname': 'dom.example'}"
FILES="net/ipv4/ping_group_range net/ipv4/ip_unprivileged_port_start
net/ipv4/conf/lo/forwarding kernel/shmmax kernel/msgmax kernel/sem
fs/mqueue/msg_max kernel/domainname"
host_values() { for f in $FILES; do echo "$f: $(cat /proc/sys/$f)"; done; }
PROG='for f in '$(echo $FILES)'; do echo "$f: $(cat /proc/sys/$f)"; done'
conf() {
	cfg "$1" "$(args "['sh', '-c', '''$PROG''']")
d['linux']['sysctl'] = $SET
${2:-}"
}

before=$(host_values)
B=$TMP/b
conf "$B"
oci run --bundle "$B" s1 >"$TMP/runsc.out" 2>&1
check_rc "the namespaced sysctls: the program runs" 0 "$?" "$(cat "$TMP/runsc.out")"
check "each reads back as set" "net/ipv4/ping_group_range: 0	2147483647
net/ipv4/ip_unprivileged_port_start: 80
net/ipv4/conf/lo/forwarding: 1
kernel/shmmax: 12345678
kernel/msgmax: 4096
kernel/sem: 250	32000	32	64
fs/mqueue/msg_max: 20
kernel/domainname: dom.example" "$(cat "$TMP/runsc.out")"
check "the host's values are unchanged" "$before" "$(host_values)"
crun_reference
if [ -n "$crun_reason" ]; then
	skip "the same as under crun" "$crun_reason"
else
	check "the same as under crun" "$(cat "$TMP/crun.out")" "$(cat "$TMP/runsc.out")"
fi

# The directories that hold them are listed too.
cfg "$B" "$(args "['sh', '-c', 'ls /proc/sys/fs /proc/sys/net/ipv4/conf; ls /proc/sys/net/ipv4 | grep -c ping_group_range']")
d['linux']['sysctl'] = $SET"
out=$(oci run --bundle "$B" s2 2>&1)
check "/proc/sys lists them" "yes yes 1" \
	"$(echo "$out" | grep -qx mqueue && echo yes) $(echo "$out" | grep -qx lo && echo yes) $(echo "$out" | tail -1)"

# Also in a process started with exec.
cfg "$B" "$(args '["sleep", "60"]')
d['linux']['sysctl'] = {'kernel.shmmax': '7654321'}"
oci run -d --bundle "$B" s3 >/dev/null 2>&1
check "exec'd process: the same /proc/sys" "7654321" "$(oci exec s3 cat /proc/sys/kernel/shmmax 2>&1)"
oci kill s3 KILL >/dev/null 2>&1
oci delete -f s3 >/dev/null 2>&1

bad "a host-global sysctl" \
	'linux.sysctl.kernel.core_pattern: sysctl "kernel.core_pattern" is not in a separate kernel namespace' \
	"d['linux']['sysctl'] = {'kernel.core_pattern': '|/bin/sh'}"
bad "vm.*" 'sysctl "vm.swappiness" is not in a separate kernel namespace' \
	"d['linux']['sysctl'] = {'vm.swappiness': '1'}"
bad "kernel.hostname" \
	'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field' \
	"d['linux']['sysctl'] = {'kernel.hostname': 'x'}"
bad "a name leading out of net/" "linux.sysctl.net/../kernel/core_pattern: 'net/../kernel/core_pattern': not a sysctl name" \
	"d['linux']['sysctl'] = {'net/../kernel/core_pattern': 'x'}"
bad "an empty name" "'net.ipv4..conf': not a sysctl name" \
	"d['linux']['sysctl'] = {'net.ipv4..conf': '1'}"
bad "a value not a string" "linux.sysctl.kernel.shmmax: expected a string" \
	"d['linux']['sysctl'] = {'kernel.shmmax': 5}"
bad "not an object" "linux.sysctl: expected an object" "d['linux']['sysctl'] = []"
bad "net.* in the host's network namespace" \
	'sysctl "net.ipv4.ping_group_range" not allowed in host network namespace' \
	"d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/proc/$$/ns/net'}]
d['linux']['sysctl'] = {'net.ipv4.ping_group_range': '0 0'}"
bad "a sysctl Linux does not have" \
	"linux.sysctl.net.ipv4.nosuch: open /proc/sys/net/ipv4/nosuch: No such file or directory" \
	"d['linux']['sysctl'] = {'net.ipv4.nosuch': '1'}"
bad "a value Linux refuses" \
	"linux.sysctl.kernel.shmmax: write /proc/sys/kernel/shmmax: Invalid argument" \
	"d['linux']['sysctl'] = {'kernel.shmmax': 'abc'}"
check "the host's values are still unchanged" "$before" "$(host_values)"

# create succeeds, start fails with the reason; the container is stopped.
cfg "$TMP/bad" "$(args '["true"]')
d['linux']['sysctl'] = {'kernel.shmmax': 'abc'}"
oci create --bundle "$TMP/bad" bad2 >/dev/null 2>&1
out=$(oci start bad2 2>&1)
check_rc "a value Linux refuses: start fails" 1 "$?" "$out"
check "... the container is stopped" "stopped" \
	"$(oci state bad2 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')"
oci delete bad2 >/dev/null 2>&1
check "... and deleted, nothing left" "" "$(ls -A "$ROOT")"

cfg "$B" "$(args '["true"]')
d['linux']['sysctl'] = {}"
oci run --bundle "$B" s0 >/dev/null 2>&1
check_rc "linux.sysctl empty: runs" 0 "$?"

done_testing
