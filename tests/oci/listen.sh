#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Socket activation (docs/oci.md): run and create started with LISTEN_FDS=N
# and LISTEN_PID naming runsc-c pass the caller's fds 3 to 2 + N on to the
# program, ahead of --preserve-fds's, and the program gets LISTEN_FDS=N and
# LISTEN_PID with its own pid, so that sd_listen_fds(3) in it takes the
# sockets (listen-probe accepts a connection on fd 3 and answers it). The
# same bundle under runc (which does this for its pid-1 program) and crun
# (which gives the program LISTEN_PID=1 only: the config carries
# LISTEN_FDS, as podman writes it) gives the same output. A LISTEN_PID
# naming another process, or none, passes nothing (runc's rule). Then:
# runsc-c's own --log file never passes as a preserved fd, nor does the
# config's audit log (caller fds are decided before runsc-c opens any).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

cp "$1" "$ROOTFS/listen-probe"
mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
cfg "$TMP/b" "d['process']['args'] = ['/listen-probe']"

# activate.py PID-MODE LISTEN_FDS CMD...: fds 3 and 4 are listening unix
# sockets (a client has connected to fd 3's and sent "ping"), fd 5 a
# file; CMD runs with LISTEN_FDS and, by PID-MODE, LISTEN_PID = CMD's own
# pid (self), pid 1 (other) or none (unset). Prints CMD's output and
# status, then what the client got back. With CMD's first word "create",
# CMD is runsc-c create; it is then started and waited for.
cat >"$TMP/activate.py" <<'EOF'
import os, socket, subprocess, sys, time
mode, nfds, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
tmp = os.path.dirname(os.path.abspath(sys.argv[0]))
# Fds 3 to 5 are taken first, so that the sockets land above them.
for fd in (3, 4, 5):
    os.dup2(os.open("/dev/null", os.O_RDONLY), fd)
socks = []
for i in range(2):
    path = "%s/sock%d" % (tmp, i)
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    socks.append(s)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect("%s/sock0" % tmp)
client.sendall(b"ping\n")
with open("%s/preserved" % tmp, "w") as f:
    os.dup2(f.fileno(), 5)
os.dup2(socks[0].fileno(), 3)
os.dup2(socks[1].fileno(), 4)
env = dict(os.environ, LISTEN_FDS=nfds)
pid = {"self": "export LISTEN_PID=$$;", "other": "export LISTEN_PID=1;",
       "unset": "unset LISTEN_PID;"}[mode]
create = cmd[-1] == "create"
if create:
    cmd = cmd[:-1]
    out = open("%s/create.out" % tmp, "w+")
    argv = cmd + ["create", "--bundle", os.environ["BUNDLE"], os.environ["ID"]]
else:
    out = subprocess.PIPE
    argv = cmd
p = subprocess.run(["sh", "-c", pid + ' exec "$@"', "sh"] + argv, pass_fds=(3, 4, 5),
                   env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                   timeout=60)
if create:
    if p.returncode == 0:
        # The fds are the monitor's until start: the caller's go now.
        for fd in (3, 4, 5):
            os.close(fd)
        subprocess.run(cmd + ["start", os.environ["ID"]], timeout=60,
                       stdin=subprocess.DEVNULL)
        for _ in range(600):
            st = subprocess.run(cmd + ["state", os.environ["ID"]], capture_output=True,
                                text=True, timeout=60).stdout
            if '"stopped"' in st:
                break
            time.sleep(0.1)
        subprocess.run(cmd + ["delete", "--force", os.environ["ID"]], timeout=60,
                       stdin=subprocess.DEVNULL, capture_output=True)
    out.seek(0)
    sys.stdout.write(out.read())
else:
    sys.stdout.write(p.stdout.decode())
print("exit", p.returncode)
# The caller's copies of the listeners go: a connection no one accepted
# is then reset.
for s in socks:
    s.close()
for fd in (3, 4):
    try:
        os.close(fd)
    except OSError:
        pass
client.settimeout(10)
try:
    print("client got:", client.recv(64).decode().strip() or "EOF")
except ConnectionResetError:
    print("client got: reset")
except socket.timeout:
    print("client got: nothing")
EOF
# activate PID-MODE LISTEN_FDS ID [FLAGS...]: runsc-c run of $TMP/b, as
# activate.py runs it.
activate() {
	mode=$1 n=$2 id=$3
	shift 3
	timeout -s KILL 90 python3 "$TMP/activate.py" "$mode" "$n" \
		"$RUNSC_C" --root "$ROOT" run "$@" --bundle "$TMP/b" "$id" 2>&1
}

EXPECT="LISTEN_FDS 2, LISTEN_PID is my pid
sd_listen_fds: 2
fd 3: stream socket, listening
fd 4: stream socket, listening
accepted on fd 3, read: ping
open fd 5: file
exit 0
client got: pong"
out=$(activate self 2 l1 --preserve-fds 1)
check "LISTEN_FDS=2 and --preserve-fds 1: sd_listen_fds takes fds 3 and 4, fd 5 follows" \
	"$EXPECT" "$out"
check "... nothing left in --root" "" "$(ls -A "$ROOT")"

# The same through create and start: the monitor holds the fds until
# start, and LISTEN_PID is the program's pid when it starts.
out=$(BUNDLE=$TMP/b ID=l2 timeout -s KILL 120 python3 "$TMP/activate.py" self 2 \
	"$RUNSC_C" --root "$ROOT" create 2>&1)
check "create and start with LISTEN_FDS=2: the same" "$(echo "$EXPECT" |
	sed '/^open fd 5/d')" "$out"

# LISTEN_PID is what names the process the fds are for: another pid, or
# none, and runsc-c takes none of them (runc's rule); --preserve-fds then
# counts from fd 3 alone.
NONE="LISTEN_FDS unset, LISTEN_PID unset
sd_listen_fds: 0
open fd 3: stream socket, listening
exit 0
client got: reset"
check "LISTEN_PID of another process: no fds taken, fd 3 only as preserved" "$NONE" \
	"$(activate other 2 l3 --preserve-fds 1)"
check "no LISTEN_PID: the same" "$NONE" "$(activate unset 2 l4 --preserve-fds 1)"
check "LISTEN_FDS=0: nothing, no variables" "LISTEN_FDS unset, LISTEN_PID unset
sd_listen_fds: 0
exit 0
client got: reset" "$(activate self 0 l5)"

# A LISTEN_FDS or LISTEN_PID in the config is replaced, as runc's
# appended ones win over them.
cfg "$TMP/b" "d['process']['args'] = ['/listen-probe']
d['process']['env'] += ['LISTEN_FDS=7', 'LISTEN_PID=1']"
check "the config's LISTEN_FDS and LISTEN_PID give way" "$EXPECT" \
	"$(activate self 2 l6 --preserve-fds 1)"
cfg "$TMP/b" "d['process']['args'] = ['/listen-probe']"

# runc, the reference for all of it: its program is pid 1, so LISTEN_PID=1
# is its own pid there.
RUNC=$(command -v runc)
if [ -z "$RUNC" ]; then
	skip "same as runc" "runc is not installed"
else
	cp -a "$ROOTFS" "$TMP/rootfs-runc"
	cfg "$TMP/r" "d['process']['args'] = ['/listen-probe']
d['root']['path'] = '$TMP/rootfs-runc'"
	runc_out=$(timeout -s KILL 90 python3 "$TMP/activate.py" self 2 "$RUNC" \
		--root "$TMP/runc-state" run --preserve-fds 1 --bundle "$TMP/r" r1 2>&1)
	if echo "$runc_out" | grep -q '^sd_listen_fds'; then
		check "same as runc" "$runc_out" "$(activate self 2 l7 --preserve-fds 1)"
		runc_other=$(timeout -s KILL 90 python3 "$TMP/activate.py" other 2 "$RUNC" \
			--root "$TMP/runc-state" run --preserve-fds 1 --bundle "$TMP/r" r2 2>&1)
		check "LISTEN_PID of another process: same as runc" "$runc_other" \
			"$(activate other 2 l8 --preserve-fds 1)"
	else
		skip "same as runc" "runc cannot run here: $(echo "$runc_out" | tail -3)"
	fi
fi

# crun: the same fds; its program gets LISTEN_PID=1 alone, so the config
# carries LISTEN_FDS (as podman writes it).
CRUN=$(command -v crun)
if [ -z "$CRUN" ]; then
	skip "same as crun" "crun is not installed"
else
	cp -a "$ROOTFS" "$TMP/rootfs-crun"
	cfg "$TMP/c" "d['process']['args'] = ['/listen-probe']
d['process']['env'].append('LISTEN_FDS=2')
d['root']['path'] = '$TMP/rootfs-crun'"
	: >"$TMP/empty"
	crun_out=$(timeout -s KILL 90 python3 "$TMP/activate.py" self 2 unshare -m sh -c \
		'mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null
		shift; exec "$@"' sh "$TMP/empty" "$CRUN" --root "$TMP/crun-state" run \
		--preserve-fds 1 --bundle "$TMP/c" c1 2>&1 | grep -v 'setting LISTEN_PID=1')
	if echo "$crun_out" | grep -q '^sd_listen_fds'; then
		check "same as crun" "$crun_out" "$(activate self 2 l9 --preserve-fds 1)"
	else
		skip "same as crun" "crun cannot run here: $(echo "$crun_out" | tail -3)"
	fi
fi

# ---- bad values: one error naming the variable or flag, nothing left ----
bad_listen() {
	name=$1 want=$2 n=$3
	shift 3
	out=$(activate self "$n" lb "$@")
	check_contains "$name: the error" "$want" "$out"
	check_contains "$name: exit 1" "exit 1" "$out"
	check "$name: no state left" "" "$(ls -A "$ROOT")"
}
bad_listen "LISTEN_FDS=abc" "LISTEN_FDS: expected a number from 0 to 1024, got 'abc'" abc
bad_listen "LISTEN_FDS=-1" "LISTEN_FDS: expected a number" -1
bad_listen "LISTEN_FDS=4, fd 6 not open" "LISTEN_FDS 4: fd 6 is not open" 4
bad_listen "LISTEN_FDS=2 and --preserve-fds 2, fd 6 not open" \
	"--preserve-fds 2: fd 6 is not open" 2 --preserve-fds 2
bad_listen "LISTEN_FDS=1024 and --preserve-fds 1: over the most" \
	"LISTEN_FDS: expected a number from 0 to 1023, got '1024'" 1024 --preserve-fds 1

# ---- the --log file is runsc-c's, never a preserved fd ----
# With fd 3 alone open, --log's file takes fd 4: --preserve-fds 2 must not
# pass it on as the caller's fd 4, which is not open.
PROBE='for f in /proc/self/fd/*; do readlink "$f"; done | grep -c runsc-log; true'
cfg "$TMP/lg" "d['process']['args'] = ['sh', '-c', '''$PROBE''']"
for n in 2 5; do
	out=$(oci --log "$TMP/runsc-log" run --preserve-fds $n --bundle "$TMP/lg" lg$n \
		3<"$TMP/preserved" 2>&1)
	rc=$?
	check_rc "--log with --preserve-fds $n and fd 3 alone: refused" 1 "$rc" "$out"
	check "... naming fd 4, which the caller left free" \
		"runsc-c: run: --preserve-fds $n: fd 4 is not open" "$out"
	check_contains "... in the log too" "fd 4 is not open" "$(cat "$TMP/runsc-log")"
	check "... no state left" "" "$(ls -A "$ROOT")"
done
out=$(oci --log "$TMP/runsc-log" run --preserve-fds 1 --bundle "$TMP/lg" lg1 \
	3<"$TMP/preserved" 2>&1)
check "--log with --preserve-fds 1: the program sees no fd of the log" "0" "$out"
cfg "$TMP/sl" "d['process']['args'] = ['sleep', '600']"
oci run -d --bundle "$TMP/sl" sl1 >/dev/null 2>&1
check_rc "a container to exec into" 0 "$?"
out=$(oci --log "$TMP/runsc-log" exec --preserve-fds 2 sl1 sh -c "$PROBE" \
	3<"$TMP/preserved" 2>&1)
check "exec: --log with --preserve-fds 2 and fd 3 alone: refused, naming fd 4" \
	"runsc-c: exec: --preserve-fds 2: fd 4 is not open" "$out"
oci delete --force sl1 >/dev/null 2>&1
out=$(timeout -s KILL 60 sh -c 'export LISTEN_PID=$$ LISTEN_FDS=2; exec "$@"' sh \
	"$RUNSC_C" --root "$ROOT" --log "$TMP/runsc-log" run --bundle "$TMP/lg" lg3 \
	3<"$TMP/preserved" </dev/null 2>&1)
check "--log with LISTEN_FDS=2 and fd 3 alone: refused, naming fd 4" \
	"runsc-c: run: LISTEN_FDS 2: fd 4 is not open" "$out"
check "... no state left" "" "$(ls -A "$ROOT")"

# ---- caller fds are decided before runsc-c opens a file of its own ----
# The config's dev.runsc-c.audit file is opened as the config loads: with
# the caller's fd 3 (or, after LISTEN_FDS's fd 3, fd 4) left free, it
# takes that number, and must not pass into the container as a listening
# or preserved fd (the program could forge audit records through it).
cfg "$TMP/au" "d['process']['args'] = ['sh', '-c', 'for f in 3 4; do readlink /proc/self/fd/\$f || echo no fd \$f; done 2>/dev/null']
d['annotations'] = {'dev.runsc-c.policy': 'strict', 'dev.runsc-c.audit': '$TMP/audit.jsonl'}"
# audit_run LISTEN_FDS [FLAGS...]: runsc-c run of $TMP/au with LISTEN_PID
# naming it, fds 3 and 4 as the caller leaves them (redirections after).
audit_run() {
	n=$1
	shift
	timeout -s KILL 60 sh -c 'export LISTEN_PID=$$ LISTEN_FDS=$1; shift; exec "$@"' sh "$n" \
		"$RUNSC_C" --root "$ROOT" run "$@" --bundle "$TMP/au" au </dev/null 2>&1
}
out=$(audit_run 1 3<&- 4<&-)
rc=$?
check_rc "audit annotation, LISTEN_FDS=1 and fd 3 free: refused" 1 "$rc" "$out"
check "... naming fd 3, the audit log is not passed as the listening fd" \
	"runsc-c: run: LISTEN_FDS 1: fd 3 is not open" "$out"
check "... no state left" "" "$(ls -A "$ROOT")"
out=$(audit_run 1 --preserve-fds 1 3<"$TMP/preserved" 4<&-)
rc=$?
check_rc "audit annotation, LISTEN_FDS=1, --preserve-fds 1 and fd 4 free: refused" 1 "$rc" "$out"
check "... naming fd 4, the audit log is not passed as the preserved fd" \
	"runsc-c: run: --preserve-fds 1: fd 4 is not open" "$out"
check "... no state left" "" "$(ls -A "$ROOT")"
# (Output to a file: a created container's monitor would hold a pipe.)
LISTEN_FDS=1 timeout -s KILL 60 sh -c 'export LISTEN_PID=$$; exec "$@"' sh "$RUNSC_C" \
	--root "$ROOT" create --bundle "$TMP/au" au2 </dev/null >"$TMP/au2.out" 2>&1 3<&- 4<&-
out=$(cat "$TMP/au2.out")
left=$(ls -A "$ROOT")
oci delete --force au2 >/dev/null 2>&1
check "create: the same, naming fd 3" "runsc-c: create: LISTEN_FDS 1: fd 3 is not open" "$out"
check "... no state left" "" "$left"
out=$(audit_run 1 3<"$TMP/preserved" 4<&-)
check "audit annotation, LISTEN_FDS=1 with fd 3 open: the program gets the caller's fd 3, no fd 4" \
	"$TMP/preserved
no fd 4" "$out"
check "... nothing left in --root" "" "$(ls -A "$ROOT")"

done_testing
