#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# runsc-c started with fd 0, 1 or 2 closed (a shim with stdin closed):
# run, create + start and exec give the program /dev/null there and the
# caller's other two fds as they were; the --log file is still the log
# (only JSON lines in it, the warning of --systemd-cgroup among them) and
# no fd of runsc-c's own (log, state directory, lock, socket) is taken for
# stdio, neither the program's nor the monitor's. The peers on these
# machines are no reference: crun 1.8.1 refuses to run ("fchown std stream
# 0: Bad file descriptor") and runc 1.1.5 hands the container its own
# /sys/fs/cgroup fd as that stdio.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec" "$TMP/v"
oci spec --bundle "$TMP/spec"
: >"$TMP/in"

# The program writes where its shell's fds 0, 1 and 2 lead to /v/out.
PROBE='a=$(readlink /proc/$$/fd/0); b=$(readlink /proc/$$/fd/1); c=$(readlink /proc/$$/fd/2); echo "$a|$b|$c" >/v/out'
VOL="d['mounts'].append({'destination': '/v', 'type': 'bind', 'source': '$TMP/v', 'options': ['rbind', 'rw']})"
cfg "$TMP/b" "d['process']['args'] = ['sh', '-c', '''$PROBE''']
$VOL"
cfg "$TMP/e" "d['process']['args'] = ['sleep', '600']
$VOL"

# closed N CMD...: CMD (bounded) with fd N closed and the other two of 0, 1
# and 2 on $TMP/in, $TMP/o1 and $TMP/o2.
closed() {
	n=$1
	shift
	case $n in
	0) timeout -s KILL 60 "$@" 0<&- >>"$TMP/o1" 2>>"$TMP/o2" ;;
	1) timeout -s KILL 60 "$@" <"$TMP/in" 1>&- 2>>"$TMP/o2" ;;
	2) timeout -s KILL 60 "$@" <"$TMP/in" >>"$TMP/o1" 2>&- ;;
	esac
}
# expected N: what the probe writes with fd N closed.
expected() {
	case $1 in
	0) echo "/dev/null|$TMP/o1|$TMP/o2" ;;
	1) echo "$TMP/in|/dev/null|$TMP/o2" ;;
	2) echo "$TMP/in|$TMP/o1|/dev/null" ;;
	esac
}
# log_ok N: the --log file of fd N's runs holds JSON lines only, the
# --systemd-cgroup warning among them.
log_ok() {
	python3 - "$TMP/log$1" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
try:
    msgs = [json.loads(l)["msg"] for l in lines]
except ValueError:
    print("not JSON:", lines)
    sys.exit(0)
print("json" if any("systemd-cgroup" in m for m in msgs) else "no warning: %s" % msgs)
EOF
}
# monitor_stdio ID: where the fds 0, 1 and 2 of ID's monitor (the pid in
# its state) lead.
monitor_stdio() {
	pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$ROOT/$1/state.json")
	echo "$(readlink "/proc/$pid/fd/0")|$(readlink "/proc/$pid/fd/1")|$(readlink "/proc/$pid/fd/2")"
}

for n in 0 1 2; do
	rm -f "$TMP/v/out" "$TMP/log$n"
	: >"$TMP/o1"
	: >"$TMP/o2"
	closed "$n" "$RUNSC_C" --root "$ROOT" --debug --systemd-cgroup --log "$TMP/log$n" \
		--log-format json run --bundle "$TMP/b" r$n
	check_rc "fd $n closed: run: the program runs" 0 "$?" "$(cat "$TMP/o2")"
	check "fd $n closed: run: the program's fd $n is /dev/null, the others the caller's" \
		"$(expected "$n")" "$(cat "$TMP/v/out" 2>&1)"
	check "fd $n closed: run: --log is the log, JSON lines only" json "$(log_ok "$n")"

	rm -f "$TMP/v/out" "$TMP/log$n"
	closed "$n" "$RUNSC_C" --root "$ROOT" --systemd-cgroup --log "$TMP/log$n" --log-format json \
		create --bundle "$TMP/b" c$n
	check_rc "fd $n closed: create" 0 "$?" "$(cat "$TMP/o2")"
	check "fd $n closed: create: the monitor's fd $n is /dev/null, the others the caller's" \
		"$(expected "$n")" "$(monitor_stdio "c$n")"
	check "fd $n closed: create: state.json is the state" "c$n created" \
		"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"], "started" if d["started"] else "created")' \
			"$ROOT/c$n/state.json" 2>&1)"
	oci start "c$n" >/dev/null 2>&1
	check_rc "fd $n closed: start" 0 "$?"
	wait_until 10 test -s "$TMP/v/out"
	check "fd $n closed: create, start: the program's fd $n is /dev/null" \
		"$(expected "$n")" "$(cat "$TMP/v/out" 2>&1)"
	check "fd $n closed: create: --log is the log, JSON lines only" json "$(log_ok "$n")"
	wait_until 10 sh -c "'$RUNSC_C' --root '$ROOT' state c$n 2>/dev/null | grep -q stopped"
	oci delete --force "c$n" >/dev/null 2>&1
done

# exec: the new process's stdio.
oci run -d --bundle "$TMP/e" e1 >/dev/null 2>&1
check_rc "a container to exec into" 0 "$?"
for n in 0 1 2; do
	rm -f "$TMP/v/out" "$TMP/log$n"
	: >"$TMP/o1"
	: >"$TMP/o2"
	closed "$n" "$RUNSC_C" --root "$ROOT" --systemd-cgroup --log "$TMP/log$n" --log-format json \
		exec e1 sh -c "$PROBE"
	check_rc "fd $n closed: exec: the process runs" 0 "$?" "$(cat "$TMP/o2")"
	check "fd $n closed: exec: the process's fd $n is /dev/null, the others the caller's" \
		"$(expected "$n")" "$(cat "$TMP/v/out" 2>&1)"
	check "fd $n closed: exec: --log is the log, JSON lines only" json "$(log_ok "$n")"
done
oci delete --force e1 >/dev/null 2>&1
check "nothing is left in --root" "" "$(ls -A "$ROOT")"

done_testing
