#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's process and linux fields that shape the container's
# program (docs/oci.md): the PATH of process.env, additionalGids,
# rlimits, umask, noNewPrivileges, sysctl, capabilities and seccomp, for
# the program and for exec'd processes; hooks run on the host. Each bad
# value gets one error naming it, exit 1, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
B=$TMP/b

# ---- process.env's PATH finds the program ----
mkdir -p "$TMP/custom"
printf '#!/bin/sh\necho custom program\n' >"$TMP/custom/only-here"
chmod 755 "$TMP/custom/only-here"
cfg "$B" "$(args '["only-here"]')
d['mounts'].append({'destination': '/custom/bin', 'type': 'bind', 'source': '$TMP/custom', 'options': ['rbind', 'ro']})
d['process']['env'] = ['PATH=/custom/bin:/bin', 'TERM=xterm']"
check "process.env's PATH finds the program" "custom program" "$(oci run --bundle "$B" p1 2>&1)"
cfg "$B" "$(args '["only-here"]')
d['mounts'].append({'destination': '/custom/bin', 'type': 'bind', 'source': '$TMP/custom', 'options': ['rbind', 'ro']})
d['process']['env'] = ['PATH=/bin:/usr/bin']"
out=$(oci run --bundle "$B" p1 2>&1)
rc=$?
check_rc "a program outside process.env's PATH: 127" 127 "$rc"
check_contains "... and the error names it" "only-here: No such file or directory" "$out"

# ---- process.user.additionalGids for the program and exec ----
cfg "$B" "$(args '["sh", "-c", "id -G; grep ^Groups: /proc/self/status; sleep 60"]')
d['process']['user'] = {'uid': 1000, 'gid': 1001, 'additionalGids': [5, 6]}"
oci create --bundle "$B" g1 >"$TMP/g1.out" 2>&1
oci start g1
wait_until 10 grep -q Groups "$TMP/g1.out"
check "additionalGids: the program's groups" "1001 5 6
Groups:	5 6 " "$(cat "$TMP/g1.out")"
check "additionalGids: an exec'd process's groups" "Groups:	5 6 " \
	"$(oci exec g1 grep ^Groups: /proc/self/status 2>&1)"
oci delete --force g1

# ---- process.rlimits and user.umask for the program and exec ----
limits() { printf '%s' "grep -E '^Max (open files|processes|core file size|file size)' /proc/self/limits | sed 's/ *\$//; s/   */|/g'; umask"; }
cfg "$B" "$(args "['sh', '-c', \"$(limits); sleep 60\"]")
d['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 100, 'hard': 200},
	{'type': 'RLIMIT_NPROC', 'soft': 500, 'hard': 600},
	{'type': 'RLIMIT_FSIZE', 'soft': 1048576, 'hard': 18446744073709551615}]
d['process']['user'] = {'uid': 0, 'gid': 0, 'umask': 0o27}"
oci create --bundle "$B" l1 >"$TMP/l1.out" 2>&1
oci start l1
wait_until 10 grep -q 0027 "$TMP/l1.out"
want="Max file size|1048576|unlimited|bytes
Max core file size|0|0|bytes
Max processes|500|600|processes
Max open files|100|200|files
0027"
check "rlimits and umask: the program's" "$want" "$(cat "$TMP/l1.out")"
check "rlimits and umask: an exec'd process's" "$want" "$(oci exec l1 sh -c "$(limits)" 2>&1)"
check "rlimits: the program cannot raise a hard limit" "failed" \
	"$(oci exec l1 sh -c 'ulimit -H -n 300 2>/dev/null && echo raised || echo failed' 2>&1)"
oci delete --force l1
cfg "$B" "$(args '["sh", "-c", "ulimit -n"]')
d['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 64, 'hard': 64}]"
check "rlimits: RLIMIT_NOFILE below the host's" "64" "$(oci run --bundle "$B" l2 2>&1)"
cfg "$B" "$(args '["sh", "-c", "ulimit -c"]')
d['process']['rlimits'] = [{'type': 'RLIMIT_CORE', 'soft': 1024, 'hard': 1024}]"
check "rlimits: RLIMIT_CORE stays 0" "0" "$(oci run --bundle "$B" l3 2>/dev/null)"

bad "rlimits not an array" "process.rlimits: expected an array" "d['process']['rlimits'] = {}"
bad "rlimit not an object" "process.rlimits[0]: expected an object" "d['process']['rlimits'] = [1]"
bad "rlimit type missing" "process.rlimits[0].type: missing" \
	"d['process']['rlimits'] = [{'soft': 1, 'hard': 1}]"
bad "rlimit type unknown" "process.rlimits[0].type: 'RLIMIT_FOO' is not a resource limit" \
	"d['process']['rlimits'] = [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]"
bad "rlimit given twice" "process.rlimits[1].type: RLIMIT_NOFILE given twice" \
	"d['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, {'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}]"
bad "rlimit soft above hard" "process.rlimits[0]: soft 10 is above hard 5" \
	"d['process']['rlimits'] = [{'type': 'RLIMIT_NPROC', 'soft': 10, 'hard': 5}]"
bad "rlimit negative" "process.rlimits[0].soft: must not be negative" \
	"d['process']['rlimits'] = [{'type': 'RLIMIT_NPROC', 'soft': -1, 'hard': 5}]"
bad "rlimit hard not an integer" "process.rlimits[0].hard: expected an integer" \
	"d['process']['rlimits'] = [{'type': 'RLIMIT_NPROC', 'soft': 1, 'hard': '5'}]"
if [ "$(ulimit -H -n)" != unlimited ] && ! capsh --has-p=cap_sys_resource 2>/dev/null; then
	bad "rlimit hard above what the host allows" "process.rlimits[0].hard: RLIMIT_NOFILE 1048576 is above the hard limit" \
		"d['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 1048576}]"
else
	skip "rlimit hard above what the host allows" "runsc-c may raise its hard limits here"
fi
bad "umask out of range" "process.user.umask: 512: expected 0 to 0777" \
	"d['process']['user']['umask'] = 512"
bad "noNewPrivileges not a boolean" "process.noNewPrivileges: expected a boolean" \
	"d['process']['noNewPrivileges'] = 'yes'"

# ---- process.capabilities: what the guest holds, never more than the
# sandbox honours ----
capsline() { printf '%s' "echo \$(grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status)"; }
cfg "$B" "$(args "['sh', '-c', \"$(capsline); sleep 60\"]")
d['process']['capabilities'] = {'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_MODULE', 'CAP_NET_RAW'],
	'effective': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_MODULE'],
	'permitted': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_MODULE', 'CAP_NET_RAW'],
	'inheritable': [], 'ambient': []}"
oci create --bundle "$B" c1 >"$TMP/c1.out" 2>&1
oci start c1
wait_until 10 grep -q CapAmb "$TMP/c1.out"
want="CapInh: 0000000000000000 CapPrm: 0000000000000021 CapEff: 0000000000000021 CapBnd: 0000000000000021 CapAmb: 0000000000000000"
check "capabilities: root holds the bounding set, less what the sandbox does not honour" "$want" \
	"$(cat "$TMP/c1.out")"
check "capabilities: ... and so does an exec'd process" "$want" "$(oci exec c1 sh -c "$(capsline)" 2>&1)"
oci delete --force c1
cfg "$B" "$(args "['sh', '-c', \"$(capsline)\"]")
d['process']['user'] = {'uid': 1000, 'gid': 1000}
d['process']['capabilities'] = {'bounding': ['CAP_NET_BIND_SERVICE', 'CAP_KILL', 'CAP_SYS_TIME'],
	'effective': ['CAP_NET_BIND_SERVICE', 'CAP_KILL', 'CAP_SYS_TIME'],
	'permitted': ['CAP_NET_BIND_SERVICE', 'CAP_KILL', 'CAP_SYS_TIME'],
	'inheritable': ['CAP_NET_BIND_SERVICE', 'CAP_SYS_TIME'],
	'ambient': ['CAP_NET_BIND_SERVICE', 'CAP_SYS_TIME']}"
check "capabilities: a user other than root holds its ambient set" \
	"CapInh: 0000000000000400 CapPrm: 0000000000000400 CapEff: 0000000000000400 CapBnd: 0000000000000420 CapAmb: 0000000000000400" \
	"$(oci run --bundle "$B" c2 2>&1)"
cfg "$B" "$(args '["nc", "-l", "-p", "80"]')
d['process']['capabilities'] = {'bounding': ['CAP_KILL'], 'effective': ['CAP_KILL'], 'permitted': ['CAP_KILL']}"
out=$(oci run --bundle "$B" c3 2>&1)
check_contains "capabilities: root without CAP_NET_BIND_SERVICE cannot bind port 80" "Permission denied" "$out"
cfg "$B" "$(args '["sh", "-c", "echo ok"]')
d['process']['capabilities'] = {'bounding': ['CAP_KILL', 'CAP_NO_SUCH_THING']}"
check "capabilities: an unknown name is left out" "ok" "$(oci run --bundle "$B" c4 2>/dev/null)"
# What capget reports is what the sandbox honours, compared with crun
# (Linux) for the same config.json: on each line of the probe, held (from
# capget) is works (from trying it) under both; a capability the sandbox
# honours (CAP_NET_BIND_SERVICE) is as under crun; one it does not
# (CAP_NET_RAW, CAP_MKNOD, CAP_AUDIT_WRITE: docs/oci.md) is neither held
# nor usable, where crun gives it as the config asks. Three configs:
# runc's default set (CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE),
# every capability the host holds (crun refuses more: capset EPERM), and
# every capability Linux names (runsc-c alone).
CAPS_PROBE=$2
cp "$CAPS_PROBE" "$ROOTFS/bin/caps-probe"
UNHONOURED="CAP_NET_RAW CAP_MKNOD CAP_AUDIT_WRITE"
CAP_NAMES="CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE
SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE"
export CAP_NAMES
# caps_conf DIR WHICH: the probe, with WHICH (default, host or all).
caps_conf() {
	cfg "$1" "import os
d['process']['args'] = ['caps-probe']
d['root']['readonly'] = False
names = ['CAP_' + n for n in os.environ['CAP_NAMES'].split()]
host = int([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapBnd:')][0], 16)
sets = {'host': [n for i, n in enumerate(names) if host >> i & 1], 'all': names}
if '$2' != 'default':
    d['process']['capabilities'] = {k: sets['$2'] for k in ('bounding', 'effective', 'permitted')}
$3"
}
# consistent OUTPUT: "yes" when every line has held = works.
consistent() {
	[ -n "$1" ] && printf '%s\n' "$1" | awk '
		!/^CAP_[A-Z_]+ held=[01] works=[01]$/ { bad = 1 }
		{ split($2, h, "="); split($3, w, "="); if (h[2] != w[2]) bad = 1 }
		END { print bad ? "no" : "yes" }'
}
# as_sandboxed OUTPUT: crun's lines with the unhonoured capabilities
# neither held nor usable.
as_sandboxed() {
	printf '%s\n' "$1" | while read -r name rest; do
		case " $UNHONOURED " in
		*" $name "*) echo "$name held=0 works=0" ;;
		*) echo "$name $rest" ;;
		esac
	done
}
caps_want="CAP_NET_RAW held=0 works=0
CAP_MKNOD held=0 works=0
CAP_AUDIT_WRITE held=0 works=0
CAP_NET_BIND_SERVICE held=1 works=1"
CRUN=$(command -v crun)
crun_reason=
[ -n "$CRUN" ] || crun_reason="crun is not installed"
[ -n "$crun_reason" ] || cp -a "$ROOTFS" "$TMP/rootfs-crun"
n=5
for which in default host all; do
	caps_conf "$B" "$which"
	out=$(oci run --bundle "$B" "c$n" 2>&1)
	n=$((n + 1))
	check "capabilities ($which): capget's are what works in the sandbox" yes \
		"$(consistent "$out")"
	check "capabilities ($which): only what the sandbox honours, CAP_NET_BIND_SERVICE" \
		"$caps_want" "$out"
	[ "$which" = all ] && break
	name="capabilities ($which): as crun's, less what the sandbox does not honour"
	if [ -n "$crun_reason" ]; then
		skip "$name" "$crun_reason"
		continue
	fi
	caps_conf "$TMP/crun-b" "$which" "d['root']['path'] = '$TMP/rootfs-crun'"
	crun_out=$(crun_run "$TMP/crun-b" "cc$n" 2>&1)
	rc=$?
	if [ "$rc" != 0 ]; then
		crun_reason="crun cannot run here (exit $rc: $(printf '%s' "$crun_out" | tail -1))"
		skip "$name" "$crun_reason"
		continue
	fi
	check "capabilities ($which): under crun too, capget's are what works" yes \
		"$(consistent "$crun_out")"
	check "$name" "$(as_sandboxed "$crun_out")" "$out"
done
# The container's capabilities decide its file operations, as under crun:
# with runc's default set (no CAP_DAC_OVERRIDE, no CAP_DAC_READ_SEARCH)
# root cannot read or write a mode-000 file of another owner, nor chown
# without CAP_CHOWN; with CAP_DAC_OVERRIDE given it can write it.
printf 'secret\n' >"$ROOTFS/secret"
chown 1000:1000 "$ROOTFS/secret"
chmod 000 "$ROOTFS/secret"
[ -n "$crun_reason" ] || cp -a "$ROOTFS/secret" "$TMP/rootfs-crun/secret"
fcaps_script='cat /secret >/dev/null 2>&1; echo read=$?; (: >>/secret) 2>/dev/null; echo write=$?; chown 0 /secret 2>/dev/null; echo chown=$?'
fcaps_conf() {
	cfg "$1" "$(args "['sh', '-c', '$fcaps_script']")
d['root']['readonly'] = False
if '$2' == 'dac':
    caps = ['CAP_KILL', 'CAP_DAC_OVERRIDE']
    d['process']['capabilities'] = {k: caps for k in ('bounding', 'effective', 'permitted')}
$3"
}
for which in default dac; do
	case $which in
	default) want="read=1
write=1
chown=1" ;;
	dac) want="read=0
write=0
chown=1" ;;
	esac
	fcaps_conf "$B" "$which"
	out=$(oci run --bundle "$B" "fc$which" 2>&1)
	check "capabilities over files ($which): root and a mode-000 file" "$want" "$out"
	name="capabilities over files ($which): as crun's"
	if [ -n "$crun_reason" ]; then
		skip "$name" "$crun_reason"
		continue
	fi
	fcaps_conf "$TMP/crun-b" "$which" "d['root']['path'] = '$TMP/rootfs-crun'"
	check "$name" "$(crun_run "$TMP/crun-b" "cfc$which" 2>&1)" "$out"
done
rm -f "$ROOTFS/secret" "$TMP/rootfs-crun/secret"

# ---- process.noNewPrivileges ----
# no_new_privs holds in every sandbox (docs/oci.md): the host kernel's
# exec in a sandbox is always of runsc-c's loader, so a set-user-ID bit
# never applies, which is what no_new_privs says; prctl and
# /proc/self/status say so whatever the config asks. Compared with crun:
# true is as crun's true; false is as crun's true too, where under crun a
# set-user-ID-root program run by uid 1000 becomes root.
cp "$CAPS_PROBE" "$ROOTFS/bin/suid-probe"
chmod 4755 "$ROOTFS/bin/suid-probe"
nnp_conf() {
	cfg "$1" "d['process']['args'] = ['suid-probe', 'privs']
d['process']['user'] = {'uid': 1000, 'gid': 1000}
d['process']['noNewPrivileges'] = $2
$3"
}
nnp_want="nnp prctl=1 status=1
uid 1000 1000 1000"
nnp_run() {
	nnp_conf "$B" "$1"
	oci run --bundle "$B" "n$1" 2>&1
}
crun_nnp() {
	nnp_conf "$TMP/crun-b" "$1" "d['root']['path'] = '$TMP/rootfs-crun'"
	crun_run "$TMP/crun-b" "cn$1" 2>&1
}
nnp_true=$(nnp_run True)
nnp_false=$(nnp_run False)
check "noNewPrivileges true: no_new_privs holds, prctl and /proc/self/status say so" \
	"$nnp_want" "$nnp_true"
check "noNewPrivileges false: no_new_privs holds, prctl and /proc/self/status say so" \
	"$nnp_want" "$nnp_false"
if [ -n "$crun_reason" ]; then
	skip "noNewPrivileges: as crun's with true" "$crun_reason"
else
	cp -a "$ROOTFS/bin/suid-probe" "$TMP/rootfs-crun/bin/suid-probe"
	crun_true=$(crun_nnp True)
	crun_false=$(crun_nnp False)
	check "noNewPrivileges true: as crun's" "$crun_true" "$nnp_true"
	check "noNewPrivileges false: as crun's with true (docs/oci.md)" "$crun_true" "$nnp_false"
	check "noNewPrivileges false: under crun, the set-user-ID exec makes it root" \
		"nnp prctl=0 status=0
uid 1000 0 0" "$crun_false"
fi
bad "capabilities not an object" "process.capabilities: expected an object" \
	"d['process']['capabilities'] = []"
bad "capability set not an array" "process.capabilities.effective: expected an array" \
	"d['process']['capabilities'] = {'effective': 'CAP_KILL'}"
bad "capability not a string" "process.capabilities.bounding[1]: expected a string" \
	"d['process']['capabilities'] = {'bounding': ['CAP_KILL', 5]}"

# ---- linux.seccomp: the container's profile on top of the sandbox's ----
cfg "$B" "$(args '["sh", "-c", "mkdir /tmp/d; echo mkdir=$?; touch /tmp/e; chmod 700 /tmp/e && echo chmod700; chmod 777 /tmp/e || echo chmod777-denied; sleep 60"]')
d['root']['readonly'] = False
d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
	'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38},
		{'names': ['chmod', 'fchmodat'], 'action': 'SCMP_ACT_ERRNO',
		 'args': [{'index': 1, 'value': 0o777, 'op': 'SCMP_CMP_EQ'}]},
		{'names': ['fchmodat'], 'action': 'SCMP_ACT_ERRNO',
		 'args': [{'index': 2, 'value': 0o777, 'op': 'SCMP_CMP_EQ'}]},
		{'names': ['no_such_call_at_all'], 'action': 'SCMP_ACT_ERRNO'}]}"
oci create --bundle "$B" sc1 >"$TMP/sc1.out" 2>&1
oci start sc1
wait_until 10 grep -q chmod777 "$TMP/sc1.out"
check_contains "seccomp: a denied mkdir fails with errnoRet 38 (ENOSYS)" "Function not implemented" \
	"$(cat "$TMP/sc1.out")"
check_contains "seccomp: an argument rule: chmod 700 runs" "chmod700" "$(cat "$TMP/sc1.out")"
check_contains "seccomp: ... chmod 777 fails with EPERM" "chmod777-denied" "$(cat "$TMP/sc1.out")"
out=$(oci exec sc1 mkdir /tmp/x 2>&1)
check_contains "seccomp: an exec'd process is under the profile too" "Function not implemented" "$out"
oci delete --force sc1
cfg "$B" "$(args '["uname", "-a"]')
d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
	'syscalls': [{'names': ['uname'], 'action': 'SCMP_ACT_KILL_PROCESS'}]}"
oci run --bundle "$B" sc2 >/dev/null 2>&1
check_rc "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS" 159 "$?"
cfg "$B" "$(args '["sh", "-c", "mkdir /tmp/d 2>&1; echo rc=$?"]')
d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
	'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_TRACE'}]}"
check_contains "seccomp: SCMP_ACT_TRACE answers ENOSYS (nobody traces for the profile)" \
	"Function not implemented" "$(oci run --bundle "$B" sc3 2>&1)"
# A profile that denies by default, for the three x86 architectures as
# podman's does: the program (through the sandbox's exec loader) starts;
# calls the profile does not name get EPERM.
allow="'read','write','openat','open','close','fstat','newfstatat','stat','lstat','mmap','mprotect',
'munmap','brk','rt_sigaction','rt_sigprocmask','rt_sigreturn','ioctl','pread64','access','execve',
'exit','exit_group','getpid','getppid','getuid','geteuid','getgid','getegid','arch_prctl',
'set_tid_address','set_robust_list','rseq','prlimit64','getrandom','personality','uname','fcntl',
'dup2','dup3','wait4','clone','fork','vfork','getcwd','chdir','readlink','getdents64','kill',
'statx','faccessat','faccessat2','readlinkat','futex','sigaltstack','lseek','getpgrp','setpgid'"
cfg "$B" "$(args '["sh", "-c", "echo started; mkdir /tmp/zz; echo done"]')
d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,
	'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
	'syscalls': [{'names': [$allow], 'action': 'SCMP_ACT_ALLOW'}]}"
out=$(oci run --bundle "$B" sc4 2>&1)
check_contains "seccomp: default-deny profile: the program starts" "started" "$out"
check_contains "seccomp: ... an unnamed call fails with defaultErrnoRet" "Operation not permitted" "$out"
# A profile only takes away: allowing what the sandbox denies grants nothing.
cfg "$B" "$(args '["sh", "-c", "mount -t tmpfs none /tmp 2>&1; unshare -n true 2>&1; echo end"]')
d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
	'syscalls': [{'names': ['mount', 'unshare', 'ptrace', 'bpf'], 'action': 'SCMP_ACT_ALLOW'}]}"
out=$(oci run --bundle "$B" sc5 2>&1)
check "seccomp: allowing mount and unshare in a profile does not let them through" \
	"yes yes end" "$(printf '%s' "$out" | grep -c -i 'mount: permission denied' | sed 's/^[1-9].*/yes/') $(printf '%s' "$out" | grep -c -i 'unshare.*not permitted' | sed 's/^[1-9].*/yes/') $(printf '%s' "$out" | tail -1)"
bad "seccomp defaultAction missing" "linux.seccomp.defaultAction: missing" \
	"d['linux']['seccomp'] = {'syscalls': []}"
bad "seccomp action unknown" "linux.seccomp.syscalls[0].action: 'SCMP_ACT_MAYBE' is not an action" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_MAYBE'}]}"
bad "seccomp SCMP_ACT_NOTIFY" "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_NOTIFY'}"
bad "seccomp names empty" "linux.seccomp.syscalls[0].names: must not be empty" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], 'action': 'SCMP_ACT_ERRNO'}]}"
bad "seccomp errnoRet out of range" "linux.seccomp.syscalls[0].errnoRet: 5000: expected an errno" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5000}]}"
bad "seccomp errnoRet with ALLOW" "linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_KILL', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ALLOW', 'errnoRet': 1}]}"
bad "seccomp arg index" "linux.seccomp.syscalls[0].args[0].index: expected 0 to 5" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}"
bad "seccomp arg op" "linux.seccomp.syscalls[0].args[0].op: 'SCMP_CMP_SOMETIMES' is not a comparison" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_SOMETIMES'}]}]}"
bad "seccomp architecture" "linux.seccomp.architectures[0]: 'SCMP_ARCH_VAX': not an architecture" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_VAX']}"
bad "seccomp flag" "linux.seccomp.flags[0]: 'SECCOMP_FILTER_FLAG_NOPE': not a seccomp filter flag" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_NOPE']}"
bad "seccomp listenerPath" "linux.seccomp.listenerPath: not supported" \
	"d['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/agent.sock'}"

# ---- hooks: run on the host with the state on stdin ----
H=$TMP/hooks
mkdir -p "$H"
cat >"$TMP/hook.sh" <<'EOH'
#!/bin/sh
# hook.sh NAME [EXIT]: the state on stdin goes to $H/NAME.json, the
# environment's FOO and HOME to $H/NAME.env.
cat >"$HOOKDIR/$1.json"
echo "FOO=$FOO HOME=${HOME:-unset} args=$#" >"$HOOKDIR/$1.env"
[ -n "$2" ] && { echo "hook $1 says no"; exit "$2"; }
exit 0
EOH
chmod 755 "$TMP/hook.sh"
printf '#!/bin/sh\nsleep 30\n' >"$TMP/slow-hook.sh"
chmod 755 "$TMP/slow-hook.sh"
# hooks_cfg PYTHON-HOOKS: d['hooks'] from a dict of kind -> list of hooks.
hook() { echo "{'path': '$TMP/hook.sh', 'args': ['hook.sh', '$1'${2:+, '$2'}], 'env': ['HOOKDIR=$H', 'FOO=bar']}"; }
all_hooks="{'prestart': [$(hook prestart)], 'createRuntime': [$(hook createRuntime)],
	'createContainer': [$(hook createContainer)], 'startContainer': [$(hook startContainer)],
	'poststart': [$(hook poststart)], 'poststop': [$(hook poststop)]}"
status_of_hooks() {
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2], d["status"], d["id"], d["bundle"] == sys.argv[3], d["pid"] > 0, d["annotations"])' \
			"$H/$k.json" "$k" "$B" 2>&1
	done
}
want_hooks="prestart creating h1 True True {'a': 'b'}
createRuntime creating h1 True True {'a': 'b'}
createContainer creating h1 True True {'a': 'b'}
startContainer created h1 True True {'a': 'b'}
poststart running h1 True True {'a': 'b'}
poststop stopped h1 True True {'a': 'b'}"
cfg "$B" "$(args '["true"]')
d['annotations'] = {'a': 'b'}
d['hooks'] = $all_hooks"
oci run --bundle "$B" h1 >/dev/null 2>&1
check_rc "hooks: run runs the program" 0 "$?"
check "hooks: run runs all six with the state on stdin" "$want_hooks" "$(status_of_hooks)"
check "hooks: exactly their env and args" "FOO=bar HOME=unset args=1" "$(cat "$H/prestart.env")"
rm -f "$H"/*
cfg "$B" "$(args '["sleep", "60"]')
d['annotations'] = {'a': 'b'}
d['hooks'] = $all_hooks"
oci create --bundle "$B" h1 >/dev/null 2>&1
check "hooks: create runs prestart, createRuntime and createContainer only" \
	"createContainer.json createRuntime.json prestart.json" "$(cd "$H" && echo *.json)"
oci start h1
check "hooks: start runs startContainer and poststart" "createContainer.json createRuntime.json poststart.json prestart.json startContainer.json" \
	"$(cd "$H" && echo *.json)"
oci kill h1 KILL
wait_until 10 sh -c "[ \"\$(cd $H && echo poststop*)\" = 'poststop*' ]"
oci delete h1
check "hooks: create, start, kill, delete: all six, poststop at delete" "$want_hooks" "$(status_of_hooks)"
rm -f "$H"/*

for kind in prestart createRuntime createContainer; do
	bad "hooks.$kind failing fails create" "hooks.$kind[0]: '$TMP/hook.sh' exited with 3: hook $kind says no" \
		"d['hooks'] = {'$kind': [$(hook "$kind" 3)], 'poststop': [$(hook poststop)]}"
done
check "hooks: a failed create runs no poststop" "no" "$([ -e "$H/poststop.json" ] && echo yes || echo no)"
bad "a hook past its timeout fails create" "hooks.createRuntime[0]: '$TMP/slow-hook.sh' killed after its timeout of 1 s" \
	"d['hooks'] = {'createRuntime': [{'path': '$TMP/slow-hook.sh', 'timeout': 1}]}"
bad "a hook that is not there fails create" "hooks.prestart[0]: '$TMP/nohook' exited with 127" \
	"d['hooks'] = {'prestart': [{'path': '$TMP/nohook'}]}"
cfg "$B" "$(args '["sh", "-c", "exit 4"]')
d['hooks'] = {'poststart': [$(hook poststart 5)], 'poststop': [$(hook poststop 6), $(hook second)]}"
out=$(oci run --bundle "$B" h2 2>&1)
rc=$?
check_rc "hooks: failing poststart and poststop do not change the program's status" 4 "$rc"
check_contains "hooks: ... a warning names the poststart hook" "hooks.poststart[0]" "$out"
check "hooks: ... and later poststop hooks still run" "yes" "$([ -e "$H/second.json" ] && echo yes)"
cfg "$B" "$(args '["true"]')
d['hooks'] = {'startContainer': [$(hook startContainer 2)]}"
oci create --bundle "$B" h3 >/dev/null 2>&1
out=$(oci start h3 2>&1)
rc=$?
check_rc "hooks: a failing startContainer fails start" 1 "$rc"
check_contains "hooks: ... naming it" "hooks.startContainer[0]" "$out"
oci delete --force h3 >/dev/null 2>&1
bad "hook path relative" "hooks.prestart[0].path: 'hook.sh': must be an absolute path" \
	"d['hooks'] = {'prestart': [{'path': 'hook.sh'}]}"
bad "hook path missing" "hooks.poststop[0].path: missing" "d['hooks'] = {'poststop': [{}]}"
bad "hook timeout 0" "hooks.poststart[0].timeout: expected 1 to 86400" \
	"d['hooks'] = {'poststart': [{'path': '/bin/true', 'timeout': 0}]}"
bad "hook env entry" "hooks.prestart[0].env[0]: 'FOO': expected NAME=VALUE" \
	"d['hooks'] = {'prestart': [{'path': '/bin/true', 'env': ['FOO']}]}"
bad "hook args entry" "hooks.createRuntime[0].args[1]: expected a string" \
	"d['hooks'] = {'createRuntime': [{'path': '/bin/true', 'args': ['true', 1]}]}"
bad "hooks not an object" "hooks: expected an object" "d['hooks'] = []"

done_testing
