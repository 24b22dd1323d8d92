#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# runsc-c as an OCI runtime (docs/oci.md), driven as runc's clients drive
# it: spec, run, create/start/state/kill/delete/list, the pid file, the
# global flags, every config.json field runsc-c reads (each bad value gets
# one error naming it, exit 1, nothing left), two containers at once,
# --root isolation, stale state and concurrent calls on one id. The bundle's
# rootfs is built here from busybox-static; the state lives under $TMP.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

# ---- spec ----
mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
check_rc "spec --bundle writes config.json" 0 "$?"
valid=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ociVersion"], d["process"]["args"], d["root"])' "$TMP/spec/config.json" 2>&1)
check "spec: the default config is runc's (sh, rootfs read-only)" \
	"1.0.2-dev ['sh'] {'path': 'rootfs', 'readonly': True}" "$valid"
out=$(cd "$TMP/spec" && oci spec 2>&1)
rc=$?
check_rc "spec: an existing config.json is not overwritten" 1 "$rc"
check_contains "spec: ... and the error says so" "exists" "$out"
mkdir -p "$TMP/spec2"
(cd "$TMP/spec2" && oci spec)
check "spec without --bundle writes to the current directory" "yes" \
	"$([ -s "$TMP/spec2/config.json" ] && echo yes)"

# ---- run: the program's output and exit status ----
B=$TMP/b
cfg "$B" "$(args '["sh", "-c", "echo hello; echo err >&2; exit 7"]')"
out=$(oci run --bundle "$B" r1 2>"$TMP/err")
rc=$?
check_rc "run: the exit status is the program's" 7 "$rc"
check "run: the program's stdout" "hello" "$out"
check "run: the program's stderr" "err" "$(cat "$TMP/err")"
check "run: the state directory is gone afterwards" "" "$(ls -A "$ROOT")"

cfg "$B" "$(args '["sh", "-c", "kill -9 $$"]')"
oci run --bundle "$B" r1 >/dev/null 2>&1
check_rc "run: a program killed by SIGKILL gives 137" 137 "$?"

cfg "$B" "$(args '["sh", "-c", "echo $(id -u):$(id -g) $(hostname) $(pwd) $FOO"]')
d['process']['user'] = {'uid': 1000, 'gid': 1001}
d['hostname'] = 'box1'
d['process']['cwd'] = '/tmp'
d['process']['env'].append('FOO=bar')"
check "run: process.user, hostname, process.cwd and process.env" "1000:1001 box1 /tmp bar" \
	"$(oci run --bundle "$B" r1 2>&1)"

cfg "$B" "$(args '["sh", "-c", "echo x > /new && echo written"]')
d['root']['readonly'] = False"
check "run: root.readonly false: the root is writable" "written" "$(oci run --bundle "$B" r1 2>&1)"
check "run: ... and the writes never reach the host's rootfs" "no" \
	"$([ -e "$ROOTFS/new" ] && echo yes || echo no)"
cfg "$B" "$(args '["sh", "-c", "echo x > /new"]')"
out=$(oci run --bundle "$B" r1 2>&1)
rc=$?
check_rc "run: root.readonly true: writing the root fails" 1 "$rc"
check_contains "run: ... with EROFS" "Read-only file system" "$out"

mkdir -p "$TMP/vol-rw" "$TMP/vol-ro"
echo data >"$TMP/vol-ro/f"
cfg "$B" "$(args '["sh", "-c", "cat /ro/f; echo new > /rw/g; echo x > /ro/h || echo refused"]')
d['mounts'].append({'destination': '/rw', 'type': 'bind', 'source': '$TMP/vol-rw', 'options': ['rbind', 'rw']})
d['mounts'].append({'destination': '/ro', 'type': 'none', 'source': '$TMP/vol-ro', 'options': ['bind', 'ro']})"
check "run: bind mounts, read-only and writable" "data
refused" "$(oci run --bundle "$B" r1 2>/dev/null)"
check "run: ... a write to the writable one reaches the host" "new" "$(cat "$TMP/vol-rw/g" 2>&1)"
check "run: ... none to the read-only one" "no" "$([ -e "$TMP/vol-ro/h" ] && echo yes || echo no)"

cfg "$B" "$(args '["true"]')
d['someFutureField'] = {'x': [1, 2]}
d['process']['someFutureField'] = 1
d['linux']['seccompFuture'] = None"
oci run --bundle "$B" r1 >/dev/null 2>&1
check_rc "run: unknown fields are ignored" 0 "$?"

cfg "$B" "$(args '["sh", "-c", "echo $(cat /proc/1/comm 2>/dev/null) >/dev/null; echo pid=$$"]')"
oci --debug --systemd-cgroup --log "$TMP/flags.log" run --bundle "$B" r1 >"$TMP/out" 2>&1
check_rc "run: --debug, --systemd-cgroup and --log are accepted" 0 "$?"
check_contains "--systemd-cgroup: a warning in the log" "systemd-cgroup" "$(cat "$TMP/flags.log")"

# ---- linux.resources: the sandbox's cgroup limits ----
cfg "$B" "$(args '["sh", "-c", "grep ^MemTotal: /proc/meminfo"]')
d['linux'].setdefault('resources', {})['memory'] = {'limit': 134217728}
d['linux']['resources']['pids'] = {'limit': 64}
d['linux']['resources']['cpu'] = {'quota': 50000, 'period': 100000}"
check "run: linux.resources.memory.limit is the guest's MemTotal" "MemTotal:         131072 kB" \
	"$(oci run --bundle "$B" r1 2>&1)"
cfg "$B" "$(args '["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"]')
d['linux'].setdefault('resources', {})['pids'] = {'limit': 4}"
out=$(oci run --bundle "$B" r1 2>&1)
check_contains "run: linux.resources.pids.limit: fork fails with EAGAIN" "Resource temporarily unavailable" "$out"

# ---- bad configs: one error naming the field, exit 1, nothing left ----
# bad NAME EXPECTED-MESSAGE PYTHON (bundle.sh)
bad "ociVersion missing" "ociVersion: missing" "del d['ociVersion']"
bad "ociVersion not a string" "ociVersion: expected a string" "d['ociVersion'] = 1"
bad "root missing" "root: missing" "del d['root']"
bad "root not an object" "root: expected an object" "d['root'] = 'x'"
bad "root.path missing" "root.path: missing" "del d['root']['path']"
bad "root.path not a string" "root.path: expected a string" "d['root']['path'] = 3"
bad "root.path empty" "root.path: must not be empty" "d['root']['path'] = ''"
bad "root.path absent" "root.path: 'nowhere': No such file" "d['root']['path'] = 'nowhere'"
bad "root.path a file" "root.path: " "d['root']['path'] = '$ROOTFS/bin/busybox'"
bad "root.readonly not a boolean" "root.readonly: expected a boolean" "d['root']['readonly'] = 'yes'"
bad "process missing" "process: missing" "del d['process']"
bad "process.args missing" "process.args: missing" "del d['process']['args']"
bad "process.args empty" "process.args: must not be empty" "d['process']['args'] = []"
bad "process.args not an array" "process.args: expected an array" "d['process']['args'] = 'sh'"
bad "process.args item not a string" "process.args[1]: expected a string" \
	"d['process']['args'] = ['sh', 1]"
bad "process.args[0] empty" "process.args[0]: must not be empty" "d['process']['args'] = ['']"
bad "process.env not an array" "process.env: expected an array" "d['process']['env'] = 'A=b'"
bad "process.env item not a string" "process.env[2]: expected a string" \
	"d['process']['env'].append(5)"
bad "process.env item without =" "process.env[2]: 'NOVALUE': expected NAME=VALUE" \
	"d['process']['env'].append('NOVALUE')"
bad "process.cwd missing" "process.cwd: missing" "del d['process']['cwd']"
bad "process.cwd relative" "process.cwd: 'tmp': must be an absolute path" \
	"d['process']['cwd'] = 'tmp'"
bad "process.cwd with .." "process.cwd: '/tmp/../etc': must be an absolute path" \
	"d['process']['cwd'] = '/tmp/../etc'"
bad "process.terminal not a boolean" "process.terminal: expected a boolean" \
	"d['process']['terminal'] = 1"
bad "process.user not an object" "process.user: expected an object" "d['process']['user'] = 0"
bad "process.user.uid negative" "process.user.uid: -1: must be in 0..4294967294" \
	"d['process']['user']['uid'] = -1"
bad "process.user.uid too large" "process.user.uid: 4294967295: must be in 0..4294967294" \
	"d['process']['user']['uid'] = 4294967295"
bad "process.user.uid not an integer" "process.user.uid: expected an integer" \
	"d['process']['user']['uid'] = 1.5"
bad "process.user.gid not an integer" "process.user.gid: expected an integer" \
	"d['process']['user']['gid'] = '0'"
bad "hostname not a string" "hostname: expected a string" "d['hostname'] = ['a']"
bad "hostname too long" "hostname: longer than 64 characters" "d['hostname'] = 'h' * 65"
bad "mounts not an array" "mounts: expected an array" "d['mounts'] = {}"
bad "mounts item not an object" "mounts[7]: expected an object" "d['mounts'].append('x')"
bad "mounts destination missing" "mounts[0].destination: missing" \
	"del d['mounts'][0]['destination']"
bad "mounts destination relative" "mounts[1].destination: 'dev': must be an absolute path" \
	"d['mounts'][1]['destination'] = 'dev'"
bad "mounts type not a string" "mounts[0].type: expected a string" "d['mounts'][0]['type'] = 1"
bad "mounts type unsupported" "mounts[0].type: 'nfs' is not supported" \
	"d['mounts'][0]['type'] = 'nfs'"
bad "mounts type missing without bind" "mounts[0].type: missing" "del d['mounts'][0]['type']"
bad "mounts options not an array" "mounts[2].options: expected an array" \
	"d['mounts'][2]['options'] = 'ro'"
bad "mounts options item not a string" "mounts[2].options[0]: expected a string" \
	"d['mounts'][2]['options'] = [True]"
bad "bind mount source missing" "mounts[7].source: missing" \
	"d['mounts'].append({'destination': '/x', 'type': 'bind'})"
bad "bind mount source absent" "mounts[7].source: '/nonexistent/x': No such file" \
	"d['mounts'].append({'destination': '/x', 'type': 'bind', 'source': '/nonexistent/x'})"
bad "bind mount source empty" "mounts[7].source: must not be empty" \
	"d['mounts'].append({'destination': '/x', 'type': 'bind', 'source': ''})"
bad "linux.resources.memory.limit not an integer" "linux.resources.memory.limit: expected an integer" \
	"d['linux'].setdefault('resources', {})['memory'] = {'limit': '1G'}"
bad "linux.resources.memory.limit below the minimum" "linux.resources.memory.limit: 1048576 is below what a sandbox needs to start" \
	"d['linux'].setdefault('resources', {})['memory'] = {'limit': 1048576}"
bad "linux.resources.pids.limit below the minimum" "linux.resources.pids.limit: 1 is below" \
	"d['linux'].setdefault('resources', {})['pids'] = {'limit': 1}"
bad "linux.resources.cpu.period out of range" "linux.resources.cpu.period: expected 1000 to 1000000" \
	"d['linux'].setdefault('resources', {})['cpu'] = {'quota': 1000, 'period': 0}"
bad "linux.resources.cpu not an object" "linux.resources.cpu: expected an object" \
	"d['linux'].setdefault('resources', {})['cpu'] = 2"
bad "bind mount over /" "mounts[7].destination: a bind mount over / is not supported" \
	"d['mounts'].append({'destination': '/', 'type': 'bind', 'source': '/tmp'})"
bad "annotations not an object" "annotations: expected an object" "d['annotations'] = []"
bad "annotations value not a string" "annotations: 'a': expected a string value" \
	"d['annotations'] = {'a': 1}"
bad "the document not an object" "config.json: expected a JSON object" "d = [1]"
printf '{"ociVersion": "1.0.2",\n  "process": {"args": [}' >"$TMP/bad/config.json"
out=$(oci run --bundle "$TMP/bad" bad1 2>&1)
rc=$?
check_rc "bad config: invalid JSON: exit 1" 1 "$rc"
check_contains "bad config: invalid JSON: the error names line and column" "config.json:2:" "$out"
rm -f "$TMP/bad/config.json"
out=$(oci run --bundle "$TMP/bad" bad1 2>&1)
check_contains "bad config: no config.json: the error names it" "config.json: No such file" "$out"
out=$(oci run --bundle "$TMP/nowhere" bad1 2>&1)
check_contains "bad bundle: the error names --bundle" "--bundle: '$TMP/nowhere'" "$out"

# The JSON log: one line an error, as runc writes it.
line=$(tail -n 1 "$TMP/bad.log")
check "--log-format json: the error's line is runc's {level, msg, time}" \
	"error|$TMP/bad/config.json: expected a JSON object|True" \
	"$(printf '%s' "$line" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["level"], d["msg"], d["time"].endswith("Z"), sep="|")' 2>&1)"
cfg "$TMP/bad" "del d['process']"
oci --log "$TMP/text.log" run --bundle "$TMP/bad" bad1 >/dev/null 2>&1
check_contains "--log-format text: runc's text line" 'level=error msg="process: missing"' \
	"$(cat "$TMP/text.log")"
oci --log-format yaml list >/dev/null 2>&1
check_rc "--log-format yaml: refused" 1 "$?"
oci --no-such-flag list >/dev/null 2>&1
check_rc "an unknown global flag: refused" 1 "$?"
out=$(oci run --bundle "$B" ../x 2>&1)
check_contains "an invalid id: refused" "invalid container id" "$out"

# ---- create, start, state, kill, delete ----
# state_of ID [ROOT]: the status field of runsc-c state.
state_of() {
	timeout -s KILL 60 "$RUNSC_C" --root "${2:-$ROOT}" state "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null
}
field_of() {
	oci state "$1" 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}
mkdir -p "$TMP/vol"
# The program says it started, then waits; TERM ends it with status 5.
cfg "$TMP/c" "$(args '["sh", "-c", "trap \"echo term; exit 5\" TERM; echo started > /vol/started; echo out; while :; do sleep 0.05; done"]')
d['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$TMP/vol', 'options': ['rbind']})
d['annotations'] = {'org.example.key': 'value'}"
oci create --bundle "$TMP/c" --pid-file "$TMP/c1.pid" c1 >"$TMP/c1.out" 2>"$TMP/c1.err"
check_rc "create: exit 0" 0 "$?"
pid=$(cat "$TMP/c1.pid" 2>/dev/null)
check "create: the pid file holds the state's pid" "$pid" "$(field_of c1 pid)"
check "create: status created" "created" "$(state_of c1)"
check "create: the program has not started" "no" "$([ -e "$TMP/vol/started" ] && echo yes || echo no)"
check "state: bundle, rootfs, annotations" "$TMP/c $ROOTFS value" \
	"$(field_of c1 bundle) $(field_of c1 rootfs) $(oci state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["annotations"]["org.example.key"])')"
check "state: ociVersion, id, created, owner" "1.0.2-dev c1 True " \
	"$(oci state c1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ociVersion"], d["id"], d["created"].endswith("Z"), d["owner"])')"
oci start c1
check_rc "start: exit 0" 0 "$?"
wait_until 10 test -e "$TMP/vol/started"
check "start: the program runs" "started" "$(cat "$TMP/vol/started" 2>&1)"
check "start: status running" "running" "$(state_of c1)"
out=$(oci start c1 2>&1)
check_contains "start twice: refused" "already running" "$out"
out=$(oci delete c1 2>&1)
rc=$?
check_rc "delete of a running container without --force: refused" 1 "$rc"
check "... and it keeps running" "running" "$(state_of c1)"
oci kill c1 TERM
check_rc "kill TERM: exit 0" 0 "$?"
gone() { [ "$(state_of "$1")" = stopped ]; }
wait_until 10 gone c1
check "kill TERM: the program's trap ran and it stopped" "stopped" "$(state_of c1)"
check "kill TERM: the program's output went to create's stdout" "out
term" "$(cat "$TMP/c1.out")"
check "state of a stopped container: pid 0" "0" "$(field_of c1 pid)"
out=$(oci kill c1 KILL 2>&1)
check_contains "kill of a stopped container: refused" "not running" "$out"
oci delete c1
check_rc "delete of a stopped container" 0 "$?"
check "delete: the state is gone" "" "$(ls -A "$ROOT")"
out=$(oci state c1 2>&1)
check_contains "state after delete: does not exist" "does not exist" "$out"
oci delete --force c1
check_rc "delete --force of a missing container: exit 0" 0 "$?"
oci delete c1 >/dev/null 2>&1
check_rc "delete of a missing container: exit 1" 1 "$?"
out=$(oci start nothere 2>&1)
check_contains "start of a missing container: does not exist" "does not exist" "$out"

# kill KILL of a container whose program makes calls the sentry answers
# (eight shells stat'ing / in a loop): the monitor kills the guest while its
# sentry still answers, so no call fails (none gets ENOSYS from the kernel,
# as it would with the monitor killed first). Three rounds: with the monitor
# killed first, most rounds show such calls, not every one.
cfg "$TMP/busy" "$(args '["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do (echo ready; while :; do [ -e / ] || echo failed; done) & done; wait"]')"
eight_ready() { [ "$(grep -c '^ready$' "$TMP/busy.out")" -ge 8 ]; }
for round in 1 2 3; do
	oci create --bundle "$TMP/busy" busy1 >"$TMP/busy.out" 2>/dev/null
	oci start busy1
	what="kill KILL of a busy container (round $round)"
	if wait_until 20 eight_ready; then
		sleep 0.3
		oci kill busy1 KILL
		check_rc "$what: exit 0" 0 "$?"
		wait_until 10 gone busy1
		check "$what: it stopped" "stopped" "$(state_of busy1)"
		check "$what: no call of the program failed" "" \
			"$(grep -v '^ready$' "$TMP/busy.out" | sort | uniq -c)"
	else
		not_ok "$what: the program's loops run" "$(cat "$TMP/busy.out")"
		oci kill busy1 KILL
		wait_until 10 gone busy1
	fi
	oci delete --force busy1
done

# The pid file's process is a descendant of create's caller and exits with
# the program's status: a subreaper (as containerd's shim is) reaps it.
cfg "$TMP/d" "$(args '["sh", "-c", "sleep 0.2; exit 42"]')"
status=$(python3 - "$RUNSC_C" "$ROOT" "$TMP/d" "$TMP/d.pid" <<'EOF'
import ctypes, os, subprocess, sys
runsc, root, bundle, pidfile = sys.argv[1:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
base = [runsc, "--root", root]
subprocess.run(base + ["create", "--bundle", bundle, "--pid-file", pidfile, "d1"], check=True,
               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=60)
pid = int(open(pidfile).read())
ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
subprocess.run(base + ["start", "d1"], check=True, timeout=60)
_, st = os.waitpid(pid, 0)
print(f"parent={'us' if int(ppid) == os.getpid() else ppid} exit={os.waitstatus_to_exitcode(st)}")
EOF
)
check "the pid file's process is reaped by the subreaper with the program's status" \
	"parent=us exit=42" "$status"
oci delete d1

# kill: names and numbers; a created container dies of TERM.
cfg "$TMP/e" "$(args '["sleep", "60"]')"
for sig in 9 KILL SIGKILL sigkill; do
	oci create --bundle "$TMP/e" e1 >/dev/null 2>&1
	oci start e1
	oci kill e1 "$sig"
	check_rc "kill e1 $sig: exit 0" 0 "$?"
	wait_until 10 gone e1
	check "kill e1 $sig: stopped" "stopped" "$(state_of e1)"
	oci delete e1
done
oci create --bundle "$TMP/e" e1 >/dev/null 2>&1
oci kill e1
wait_until 10 gone e1
check "kill of a created container (TERM by default): stopped" "stopped" "$(state_of e1)"
oci delete e1
oci create --bundle "$TMP/e" e1 >/dev/null 2>&1
out=$(oci kill e1 NOSUCH 2>&1)
check_contains "kill with a bad signal: refused" "not a signal name or number" "$out"
out=$(oci kill e1 STOP 2>&1)
check_contains "kill STOP: refused" "not supported" "$out"
epid=$(field_of e1 pid)
oci delete e1
check_rc "delete of a created container: exit 0" 0 "$?"
check "delete of a created container: its process is gone" "" \
	"$(ps -o stat= -p "$epid" 2>/dev/null | grep -v Z)"

# delete --force of a running container.
oci create --bundle "$TMP/e" e2 >/dev/null 2>&1
oci start e2
e2pid=$(field_of e2 pid)
oci delete --force e2
check_rc "delete --force of a running container: exit 0" 0 "$?"
check "delete --force: the state is gone" "" "$(ls -A "$ROOT")"
check "delete --force: the monitor is gone" "" "$(ps -o stat= -p "$e2pid" 2>/dev/null | grep -v Z)"

# delete --force of a container whose state cannot be read: its monitor,
# found on its control socket, is killed, and the sandbox with it.
alive() { for p in "$@"; do ps -o stat= -p "$p" 2>/dev/null | grep -v Z; done; }
for when in created running; do
	oci create --bundle "$TMP/e" e3 >/dev/null 2>&1
	[ "$when" = running ] && oci start e3
	e3pid=$(field_of e3 pid)
	e3kids=$(ps -o pid= --ppid "$e3pid" | tr -d ' ' | tr '\n' ' ')
	echo 'not json' >"$ROOT/e3/state.json"
	out=$(oci delete e3 2>&1)
	check "delete of a $when container whose state is corrupt: refused, naming --force" \
		"1 yes" "$? $(printf '%s' "$out" | grep -q -- '--force' && echo yes)"
	out=$(oci delete --force e3 2>&1)
	check_rc "delete --force of a $when container whose state is corrupt: exit 0" 0 "$?" "$out"
	check "... the state is gone" "" "$(ls -A "$ROOT")"
	check "... its monitor is killed" "" "$(alive "$e3pid")"
	kids_gone() { [ -z "$(alive $e3kids)" ]; }
	wait_until 10 kids_gone
	check "... and the sandbox's processes under it ($e3kids)" "yes " \
		"$([ -n "$e3kids" ] && echo yes) $(alive $e3kids)"
done

# ---- two containers at once; list ----
cfg "$TMP/f" "$(args '["sh", "-c", "echo $(hostname) > /vol/$(hostname); sleep 60"]')
d['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$TMP/vol', 'options': ['rbind']})
d['hostname'] = 'one'"
cfg "$TMP/g" "$(args '["sh", "-c", "echo $(hostname) > /vol/$(hostname); sleep 60"]')
d['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$TMP/vol', 'options': ['rbind']})
d['hostname'] = 'two'"
oci create --bundle "$TMP/f" f1 >/dev/null 2>&1
oci create --bundle "$TMP/g" g1 >/dev/null 2>&1
oci start f1
oci start g1
wait_until 10 test -e "$TMP/vol/one" -a -e "$TMP/vol/two"
check "two containers at once: both run" "running running one two" \
	"$(state_of f1) $(state_of g1) $(cat "$TMP/vol/one" "$TMP/vol/two" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
check "list --format json: both" "f1 running
g1 running" "$(oci list --format json | python3 -c 'import json,sys; [print(c["id"], c["status"]) for c in json.load(sys.stdin)]')"
out=$(oci list)
check_contains "list: runc's table" "ID" "$(printf '%s' "$out" | head -1)"
check "list --quiet: the ids" "f1
g1" "$(oci list -q)"

# --root isolation: another root sees none of them.
check "--root: another root lists nothing" "[]" \
	"$(timeout 60 "$RUNSC_C" --root "$TMP/state2" list --format json)"
out=$(timeout 60 "$RUNSC_C" --root "$TMP/state2" state f1 2>&1)
check_contains "--root: another root does not know f1" "does not exist" "$out"
timeout 60 "$RUNSC_C" --root "$TMP/state2" create --bundle "$TMP/e" f1 >/dev/null 2>&1 </dev/null
check_rc "--root: the same id in another root" 0 "$?"
check "--root: both f1 are distinct" "created running" \
	"$(state_of f1 "$TMP/state2") $(state_of f1)"
timeout 60 "$RUNSC_C" --root "$TMP/state2" delete f1
oci kill f1 KILL
oci kill g1 KILL
wait_until 10 gone f1
wait_until 10 gone g1
oci delete f1
oci delete g1

# ---- stale state ----
oci create --bundle "$TMP/e" s1 >/dev/null 2>&1
oci start s1
kill -9 "$(field_of s1 pid)"
wait_until 10 gone s1
check "a container whose process was killed outside: stopped" "stopped" "$(state_of s1)"
s1_sandbox=$(sed -n 's/.*"sandboxId":"\([0-9a-f]*\)".*/\1/p' "$ROOT/s1/state.json")
check "its state names its sandbox" yes "$([ -n "$s1_sandbox" ] && echo yes)"
oci delete s1
check_rc "delete of that stale state: exit 0" 0 "$?"
check "delete of that stale state: its cgroups are gone" "" \
	"$(ls -d /sys/fs/cgroup/*/runsc-c/"$s1_sandbox" /sys/fs/cgroup/runsc-c/"$s1_sandbox" 2>/dev/null)"
mkdir -p "$ROOT/s2"
oci delete s2
check_rc "delete of a state directory a dead create left without state.json" 0 "$?"
check "stale state: all gone" "" "$(ls -A "$ROOT")"
oci create --bundle "$TMP/e" s1 >/dev/null 2>&1
check_rc "the id of a deleted stale container can be created again" 0 "$?"
oci delete --force s1

# ---- concurrent calls on one id ----
i=0
while [ $i -lt 4 ]; do
	(oci create --bundle "$TMP/e" k1 >/dev/null 2>&1; echo $? >"$TMP/k.$i") &
	i=$((i + 1))
done
wait
check "4 concurrent creates of one id: exactly one succeeds" "0 1 1 1" \
	"$(cat "$TMP"/k.* | sort | tr '\n' ' ' | sed 's/ $//')"
check "... and the container is created" "created" "$(state_of k1)"
i=0
while [ $i -lt 4 ]; do
	(state_of k1 >"$TMP/ks.$i") &
	(oci start k1 >/dev/null 2>&1; echo $? >"$TMP/kstart.$i") &
	i=$((i + 1))
done
wait
check "4 concurrent starts: exactly one succeeds" "0 1 1 1" \
	"$(cat "$TMP"/kstart.* | sort | tr '\n' ' ' | sed 's/ $//')"
check "concurrent states see created or running, never an error" "" \
	"$(cat "$TMP"/ks.* | grep -v -x -e created -e running)"
i=0
while [ $i -lt 4 ]; do
	(oci delete --force k1 >/dev/null 2>&1; echo $? >"$TMP/kd.$i") &
	i=$((i + 1))
done
wait
check "4 concurrent delete --force: all succeed, the state is gone" "0 0 0 0/" \
	"$(cat "$TMP"/kd.* | sort | tr '\n' ' ' | sed 's/ $//')/$(ls -A "$ROOT")"

# ---- run --detach, ps, features ----
oci run -d --bundle "$TMP/e" --pid-file "$TMP/r.pid" rd1 >/dev/null 2>&1
check_rc "run --detach: exit 0" 0 "$?"
check "run --detach: running, the pid file holds the container's pid" "running $(cat "$TMP/r.pid")" \
	"$(state_of rd1) $(field_of rd1 pid)"
has_sleep() { oci ps --format json rd1 | python3 -c 'import json,sys; sys.exit(not any(open(f"/proc/{p}/comm").read().strip() == "sleep" for p in json.load(sys.stdin)))' 2>/dev/null; }
wait_until 10 has_sleep
comms=$(oci ps --format json rd1 | python3 -c 'import json,sys; print(" ".join(sorted(open(f"/proc/{p}/comm").read().strip() for p in json.load(sys.stdin))))' 2>&1)
check "ps --format json: the guest's processes, not the sentry or the gofer" "runsc-c-init sleep" "$comms"
out=$(oci ps rd1 -o pid,comm)
check "ps: ps(1)'s table of them" "PID COMMAND|runsc-c-init|sleep" \
	"$(printf '%s\n' "$out" | awk '{print $NF == "COMMAND" ? "PID COMMAND" : $2}' | tr '\n' '|' | sed 's/|$//')"
oci delete --force rd1
out=$(oci ps rd1 2>&1)
check_contains "ps of a missing container: does not exist" "does not exist" "$out"
features=$(oci features | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ociVersionMax"], "bind" in d["mountOptions"], "pid" in d["linux"]["namespaces"])' 2>&1)
check "features: runc's JSON" "1.0.2-dev True True" "$features"

# ---- exec: another process in a running container ----
# exec_of [FLAGS] ID ARGS...: runsc-c exec, bounded, stdin from /dev/null.
exec_of() { timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" exec "$@" </dev/null; }
echo "marker from the rootfs" >"$ROOTFS/etc/oci-marker"
ln -sf /usr/bin/python3 "$ROOTFS/bin/hostpy"
HOSTBIN=$(command -v python3)
cfg "$TMP/x" "$(args '["sleep", "600"]')
d['process']['env'].append('FOO=fromconfig')
d['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$TMP/vol', 'options': ['rbind']})"
oci create --bundle "$TMP/x" x1 >/dev/null 2>&1
out=$(exec_of x1 true 2>&1)
rc=$?
check_rc "exec into a created container: exit 255" 255 "$rc"
check_contains "... the error says it has not started" "has not started" "$out"
oci start x1
out=$(exec_of x1 sh -c 'echo out; echo err >&2; exit 7' 2>"$TMP/exec.err")
rc=$?
check_rc "exec: the exit status is the process's" 7 "$rc"
check "exec: its stdout" "out" "$out"
check "exec: its stderr" "err" "$(cat "$TMP/exec.err")"
exec_of x1 sh -c 'kill -9 $$' >/dev/null 2>&1
check_rc "exec: a process killed by SIGKILL gives 137" 137 "$?"
# Killed right after its exec, again and again: its status never passes
# for an exec that failed (255).
statuses=""
for i in $(seq 1 40); do
	exec_of x1 sh -c 'kill -9 $$' >/dev/null 2>"$TMP/kill9.err"
	rc=$?
	[ "$rc" = 137 ] || statuses="$statuses $i:$rc:$(cat "$TMP/kill9.err")"
done
check "exec: 40 processes killed by SIGKILL at once each give 137" "" "$statuses"
check "exec: config.json's env, cwd and user by default" "fromconfig / 0:0" \
	"$(exec_of x1 sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)' 2>&1)"
check "exec: --env, --cwd, --user, --additional-gids" "flag 1 /tmp 1000:1001 1001 5 6" \
	"$(exec_of -e FOO=flag -e BAR=1 --cwd /tmp -u 1000:1001 -g 5 -g 6 x1 sh -c 'echo $FOO $BAR $(pwd) $(id -u):$(id -g) $(id -G)' 2>&1)"
check "exec: PATH of the process's env finds its command" "found" \
	"$(exec_of -e PATH=/nowhere:/bin x1 sh -c 'echo found' 2>&1)"
cat >"$TMP/p.json" <<'EOJ'
{"args": ["sh", "-c", "echo $P $(pwd) $(id -u):$(id -g)"], "env": ["P=json"], "cwd": "/etc",
 "user": {"uid": 2, "gid": 3}, "someFutureField": [1]}
EOJ
check "exec --process: the process.json's args, env, cwd and user" "json /etc 2:3" \
	"$(exec_of --process "$TMP/p.json" x1 2>&1)"
check "exec: the container's program still runs" "running" "$(state_of x1)"

# The exec'd process is a guest process like the program: same filter,
# no_new_privs, only its stdio, the container's view and nobody else's.
PROBE=${1:-}
if [ -x "$PROBE" ]; then
	"$PROBE" / / >/dev/null 2>&1
	check_rc "probe: refuses to run outside a sandbox" 77 "$?"
	cp "$PROBE" "$ROOTFS/bin/probe"
	out=$(exec_of x1 /bin/probe "$TMP/state" "$HOSTBIN" 2>&1)
	check "exec: the process is sandboxed and sees the container's view" "seccomp 2
nnp 1
fds 0,1,2
marker marker from the rootfs
host $TMP/state no
exec $HOSTBIN No such file or directory
pid1 runsc-c-init
init sockets listed opened 0
winsize none" "$out"
else
	skip "exec: the process is sandboxed and sees the container's view" "no probe given"
fi
out=$(exec_of x1 "$HOSTBIN" -c 'print(1)' 2>&1)
rc=$?
check_rc "exec of a host binary outside the view: exit 255" 255 "$rc"
check_contains "... not found in the view" "No such file or directory" "$out"
out=$(exec_of x1 hostpy -c 'print(1)' 2>&1)
check_contains "exec through a rootfs symlink to a host binary: not found" "No such file or directory" "$out"
out=$(exec_of --cwd /tmp x1 "../../../../..$HOSTBIN" 2>&1)
check_contains "exec of ../../.. out of the view: not found" "No such file or directory" "$out"
out=$(exec_of --cwd /nowhere x1 true 2>&1)
check_contains "exec --cwd of a missing directory: the error names it" "'/nowhere': No such file" "$out"
out=$(exec_of x1 nosuchcommand 2>&1)
rc=$?
check_rc "exec of a missing command: exit 255" 255 "$rc"
check_contains "... the error names it" "exec 'nosuchcommand': No such file" "$out"

# Several at once, each with its own status.
i=1
while [ $i -le 8 ]; do
	(exec_of x1 sh -c "sleep 0.3; echo $i; exit $i" >"$TMP/cx.$i.out" 2>&1; echo $? >"$TMP/cx.$i.rc") &
	i=$((i + 1))
done
wait
check "8 concurrent execs: each its own output and status" "1:1 2:2 3:3 4:4 5:5 6:6 7:7 8:8" \
	"$(for i in 1 2 3 4 5 6 7 8; do printf '%s:%s ' "$(cat "$TMP/cx.$i.out")" "$(cat "$TMP/cx.$i.rc")"; done | sed 's/ $//')"

# --detach: the pid file's process stands for the exec'd one; a subreaper
# reaps it with the process's status; signals sent to it reach the
# process; SIGKILL of it kills the process.
status=$(python3 - "$RUNSC_C" "$ROOT" "$TMP" <<'EOF2'
import ctypes, json, os, signal, subprocess, sys, time
runsc, root, tmp = sys.argv[1:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
base = [runsc, "--root", root]
def detach(name, script):
    pf = f"{tmp}/{name}.pid"
    subprocess.run(base + ["exec", "--detach", "--pid-file", pf, "x1", "sh", "-c", script],
                   check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=60)
    return int(open(pf).read())
def wait_file(path):
    for _ in range(600):
        if os.path.exists(path):
            return
        time.sleep(0.05)
out = []
pid = detach("t", 'trap "exit 9" TERM; echo up > /vol/t.up; while :; do sleep 0.05; done')
ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
out.append("parent=" + ("us" if int(ppid) == os.getpid() else ppid))
wait_file(f"{tmp}/vol/t.up")
os.kill(pid, signal.SIGTERM)
_, st = os.waitpid(pid, 0)
out.append(f"term={os.waitstatus_to_exitcode(st)}")
pid = detach("k", 'echo $$ > /vol/k.pid; exec sleep 600')
wait_file(f"{tmp}/vol/k.pid")
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
def sleepers():
    ps = subprocess.run(base + ["ps", "--format", "json", "x1"], capture_output=True, timeout=60)
    n = 0
    for p in json.loads(ps.stdout or b"[]"):
        try:
            n += open(f"/proc/{p}/cmdline").read().split("\0")[:2] == ["sleep", "600"]
        except OSError:
            pass
    return n
for _ in range(200):
    if sleepers() == 1:
        break
    time.sleep(0.05)
out.append(f"sleepers={sleepers()}")
print(" ".join(out))
EOF2
)
check "exec --detach: reaped by the subreaper; TERM reaches the process; KILL of it kills the process" \
	"parent=us term=9 sleepers=1" "$status"

# Bad process.json: one error naming the field, exit 255, nothing started.
bad_exec() {
	printf '%s' "$3" >"$TMP/badp.json"
	out=$(exec_of --process "$TMP/badp.json" x1 2>&1)
	rc=$?
	if [ "$rc" = 255 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		printf '%s' "$out" | grep -qF "$2"; then
		ok "bad process.json: $1"
	else
		not_ok "bad process.json: $1" "exit $rc, expected 255" "output: $out" "expected: $2"
	fi
}
bad_exec "args missing" "args: missing" '{"cwd": "/"}'
bad_exec "args not an array" "args: expected an array" '{"args": "sh", "cwd": "/"}'
bad_exec "args item not a string" "args[1]: expected a string" '{"args": ["sh", {}], "cwd": "/"}'
bad_exec "args empty" "args: must not be empty" '{"args": [], "cwd": "/"}'
bad_exec "env item without =" "env[0]: 'X': expected NAME=VALUE" '{"args": ["true"], "env": ["X"], "cwd": "/"}'
bad_exec "cwd relative" "cwd: 'tmp': must be an absolute path" '{"args": ["true"], "cwd": "tmp"}'
bad_exec "cwd missing" "cwd: missing" '{"args": ["true"]}'
bad_exec "user.uid a string" "user.uid: expected an integer" '{"args": ["true"], "cwd": "/", "user": {"uid": "0"}}'
bad_exec "user.uid out of range" "user.uid: 4294967295: must be in 0..4294967294" '{"args": ["true"], "cwd": "/", "user": {"uid": 4294967295}}'
bad_exec "user.additionalGids too many" "user.additionalGids: more than 32 groups" \
	"{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": {\"additionalGids\": [$(seq -s, 1 33)]}}"
bad_exec "not an object" "expected a JSON object" '["true"]'
bad_exec "invalid JSON" "badp.json:1:" '{"args": ['
python3 -c 'import json,sys; json.dump({"args": ["echo"] + ["x" * 100000] * 45, "cwd": "/"}, open(sys.argv[1], "w"))' "$TMP/huge.json"
out=$(exec_of --process "$TMP/huge.json" x1 2>&1)
check_contains "huge process.json: refused by its size" "larger than 4 MiB" "$out"
python3 -c 'import json,sys; json.dump({"args": ["echo"] + ["x" * 100000] * 30, "cwd": "/"}, open(sys.argv[1], "w"))' "$TMP/big.json"
out=$(exec_of --process "$TMP/big.json" x1 2>&1)
rc=$?
check_rc "argv beyond the kernel's limit: exit 255" 255 "$rc"
check_contains "... E2BIG, as execve gives it" "Argument list too long" "$out"
# Without a console socket a foreground exec relays the terminal itself
# (tests/oci/console.py drives it from a pty); a detached one has nowhere
# to put it.
out=$(exec_of -t x1 tty 2>&1)
check_rc "exec --tty without --console-socket: relayed" 0 "$?" "$out"
check_contains "... a terminal of the sandbox's" "/dev/pts/" "$out"
out=$(exec_of -t -d x1 true 2>&1)
check_contains "exec --tty --detach without --console-socket: refused" \
	"needs --console-socket" "$out"
printf '%s' '{"args": ["true"], "cwd": "/", "terminal": true}' >"$TMP/badp.json"
out=$(exec_of -d --process "$TMP/badp.json" x1 2>&1)
check_contains "exec --detach of a process.json with terminal true and no console socket: refused" \
	"terminal: needs --console-socket" "$out"
out=$(exec_of -u abc x1 true 2>&1)
check_contains "exec --user abc: refused" "--user: 'abc'" "$out"
out=$(exec_of -e =x x1 true 2>&1)
check_contains "exec --env =x: refused" "--env: '=x'" "$out"
out=$(exec_of nosuch true 2>&1)
rc=$?
check_rc "exec into a missing container: exit 255" 255 "$rc"
check_contains "... does not exist" "does not exist" "$out"
# A hostile client of the monitor's control socket: garbage, a pipe for
# the memfd, an unsealed memfd, a length that lies, a request without fds,
# the JSON in the request with a length that lies, with a memfd too or
# too long, a connection dropped at once. Each gets an error, a right
# request with its JSON in it starts its process; the monitor serves on.
hostile=$(python3 - "$ROOT/x1/control" <<'EOF2'
import os, socket, struct, sys
path = sys.argv[1]
MAGIC, REQUEST = 0x6f657863, 1
def msg(op, value=0, length=0):
    return struct.pack("IIiI512s", MAGIC, op, value, length, b"")
def ask(data, fds=()):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(30)
    s.connect(path)
    socket.send_fds(s, [data], list(fds)) if fds else s.send(data)
    try:
        ans = s.recv(1024)
    except OSError as e:
        return "error " + str(e)
    s.close()
    if len(ans) < 16:
        return ans.decode(errors="replace")
    op, = struct.unpack_from("I", ans, 4)
    return f"op={op} " + ans[16:].split(b"\0")[0].decode()
out = []
out.append(ask(b"garbage"))
r, w = os.pipe()
out.append(ask(msg(REQUEST, length=10), [0, 1, 2, r]))
fd = os.memfd_create("x", os.MFD_ALLOW_SEALING)
os.write(fd, b'{"args": ["true"], "cwd": "/"}')
out.append(ask(msg(REQUEST, length=30), [0, 1, 2, fd]))
import fcntl
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
out.append(ask(msg(REQUEST, length=5000), [0, 1, 2, fd]))
out.append(ask(msg(REQUEST, length=30)))
# The JSON in the request itself: a length that lies either way, a memfd
# beside it, more than the most it may hold; then one that is right.
proc = b'{"args": ["true"], "cwd": "/"}'
out.append(ask(msg(REQUEST, length=31) + proc, [0, 1, 2]))
out.append(ask(msg(REQUEST, length=29) + proc, [0, 1, 2]))
out.append(ask(msg(REQUEST, length=30) + proc, [0, 1, 2, fd]))
big = b'{"args": ["true"], "cwd": "/", "env": ["X=' + b"x" * 70000 + b'"]}'
out.append(ask(msg(REQUEST, length=len(big)) + big, [0, 1, 2]))
out.append(ask(msg(REQUEST, length=30) + proc, [0, 1, 2]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
s.close()
print("\n".join(out))
EOF2
)
check "hostile control-socket clients: each refused" "op=4 malformed request
op=4 the request's process is not a sealed memfd
op=4 the request's process is not a sealed memfd
op=4 the request's process is not a sealed memfd
op=4 malformed request
op=4 malformed request
op=4 malformed request
op=4 malformed request
op=4 malformed request
op=3 " "$hostile"
check "after all that, the container still runs" "running" "$(state_of x1)"
check "... and exec still works" "still" "$(exec_of x1 echo still 2>&1)"

# The container's end ends its exec'd processes: 137, as for runc's.
exec_of x1 sleep 600 >/dev/null 2>&1 &
ex=$!
has_sleep600() { [ "$(exec_of x1 sh -c 'ps -o args | grep -c "^sleep 600"')" -ge 1 ]; }
wait_until 10 has_sleep600
oci kill x1 KILL
wait "$ex"
check_rc "exec: the container killed under it: 137" 137 "$?"
wait_until 10 gone x1
out=$(exec_of x1 true 2>&1)
rc=$?
check_rc "exec into a stopped container: exit 255" 255 "$rc"
check_contains "... the error says it stopped" "stopped" "$out"
oci delete x1

# exec into a container of runsc-c run (its own monitor).
cfg "$TMP/xr" "$(args '["sleep", "600"]')"
oci run --bundle "$TMP/xr" xr1 >/dev/null 2>&1 &
xr=$!
running_xr() { [ "$(state_of xr1)" = running ]; }
wait_until 10 running_xr
check "exec into a container of run" "in run" "$(exec_of xr1 echo in run 2>&1)"
oci kill xr1 KILL
wait "$xr"
oci delete xr1

# ---- nothing left behind ----
sleep 0.2
left=$(pgrep -af -- "--root $ROOT" | grep -v pgrep)
check "no container process is left" "" "$left"
check "no state is left" "" "$(ls -A "$ROOT" "$TMP/state2" 2>/dev/null | grep -v ':$' | grep -v '^$')"
ids=$(sort -u "$TMP/sandbox-ids")
check "the containers' sandbox ids were noted" yes "$([ -n "$ids" ] && echo yes)"
left=
for id in $ids; do
	for d in /sys/fs/cgroup/*/runsc-c/"$id" /sys/fs/cgroup/runsc-c/"$id"; do
		[ -e "$d" ] && left="$left $d"
	done
done
check "no cgroup of a container is left (each v1 hierarchy, the cgroup2 mount)" "" "$left"
done_testing
