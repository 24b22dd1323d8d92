#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run, create and exec --preserve-fds N (docs/oci.md): the caller's fds 3
# to 2 + N are the program's (exec: the new process's), at the same
# numbers and open across its exec, and no other fd of the caller's is;
# compared with crun for run, create and exec. exec carries them through the
# monitor and the guest's init, up to 1024, in as many messages as they
# need (one carries 253 fds); its stand-in lets go of its
# copies. Bad values are one error naming the flag, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
echo in-three >"$TMP/in"

PROBE='cat <&3; echo to-four >&4; ls /proc/self/fd | tr "\n" " "; echo; (echo x >&5) 2>&1 | sed "s/.*: //"'
cfg "$TMP/b" "d['process']['args'] = ['sh', '-c', '''$PROBE''']"

: >"$TMP/out"
oci run --preserve-fds 2 --bundle "$TMP/b" p1 3<"$TMP/in" 4>>"$TMP/out" 5<"$TMP/in" \
	>"$TMP/runsc.out" 2>&1
check_rc "run --preserve-fds 2: the program runs" 0 "$?" "$(tail -3 "$TMP/runsc.out")"
check "fds 3 and 4 are the program's, fd 5 is not" "in-three
0 1 2 3 4 5 
Bad file descriptor" "$(cat "$TMP/runsc.out")"
check "what the program wrote to fd 4 reaches the caller's file" "to-four" "$(cat "$TMP/out")"

# crun, the reference: the same bundle and fds.
CRUN=$(command -v crun)
if [ -z "$CRUN" ]; then
	skip "same as crun" "crun is not installed"
else
	cp -a "$ROOTFS" "$TMP/rootfs-crun"
	cfg "$TMP/c" "d['process']['args'] = ['sh', '-c', '''$PROBE''']
d['root']['path'] = '$TMP/rootfs-crun'"
	: >"$TMP/out-crun"
	crun_run "$TMP/c" c1 --preserve-fds 2 3<"$TMP/in" 4>>"$TMP/out-crun" 5<"$TMP/in" \
		>"$TMP/crun.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		skip "same as crun" "crun cannot run here (exit $rc: $(tail -1 "$TMP/crun.out"))"
	else
		check "same as crun" "$(cat "$TMP/crun.out") $(cat "$TMP/out-crun")" \
			"$(cat "$TMP/runsc.out") $(cat "$TMP/out")"
	fi
fi

# create + start: the monitor holds the fd until start.
cfg "$TMP/b2" "d['process']['args'] = ['sh', '-c', 'cat <&3']"
oci create --preserve-fds 1 --bundle "$TMP/b2" p2 3<"$TMP/in" >"$TMP/p2.out" 2>&1
check_rc "create --preserve-fds 1" 0 "$?" "$(cat "$TMP/p2.out")"
oci start p2 >/dev/null 2>&1
wait_until 10 grep -q in-three "$TMP/p2.out"
check "create, start: fd 3 is the program's" "in-three" "$(cat "$TMP/p2.out")"
wait_until 10 sh -c "'$RUNSC_C' --root '$ROOT' state p2 2>/dev/null | grep -q stopped"
oci delete --force p2 >/dev/null 2>&1

# The caller's other fds are not kept: create returns leaving none in the
# monitor, so a pipe given as fd 5 (not preserved) ends as soon as the
# caller lets go of its end, while fd 3 (preserved) still reaches the
# program at start; the program's fds compared with crun's.
STRAY='cat <&3; ls /proc/self/fd | tr "\n" " "'
cfg "$TMP/b4" "d['process']['args'] = ['sh', '-c', '''$STRAY''']"
# stray_create COMMAND...: the create, with fd 3 preserved and fd 5 the
# write end of a pipe whose reader reports when it sees the end.
stray_create() {
	{
		"$@" 3<"$TMP/in" 5>&1 >"$TMP/p4.out" 2>&1
		echo "create $?"
	} | timeout 10 cat
	echo "reader $?"
}
out=$(stray_create oci create --preserve-fds 1 --bundle "$TMP/b4" p4)
check "create: the caller's fd 5 pipe ends when create returns" "create 0
reader 0" "$out"
oci start p4 >/dev/null 2>&1
wait_until 10 grep -q " 3 " "$TMP/p4.out"
check "create, start: fd 3 is the program's, fd 5 is not" "in-three
0 1 2 3 4 " "$(cat "$TMP/p4.out")"
runsc_p4=$(cat "$TMP/p4.out")
oci delete --force p4 >/dev/null 2>&1
# crun 1.8 wants the unified hierarchy masked for create, start and exec too.
crun_cmd() {
	timeout -s KILL 60 unshare -m sh -c '[ -e /sys/fs/cgroup/unified/cgroup.controllers ] &&
		mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null
		c=$2 r=$3
		shift 3
		exec "$c" --root "$r" "$@"' sh "$TMP/empty" "$CRUN" "$TMP/crun-state" "$@" </dev/null
}
if [ -n "$CRUN" ] && [ -s "$TMP/crun.out" ]; then
	cfg "$TMP/c4" "d['process']['args'] = ['sh', '-c', '''$STRAY''']
d['root']['path'] = '$TMP/rootfs-crun'"
	# crun's waiting process keeps fd 5 (close-on-exec) until start: its
	# reader waits out its timeout; only the program's fds are compared.
	stray_create crun_cmd create --preserve-fds 1 --bundle "$TMP/c4" c4 >/dev/null
	crun_cmd start c4 >/dev/null 2>&1
	wait_until 30 grep -q " 3 " "$TMP/p4.out"
	check "create, start: the program's fds are as under crun" "$(cat "$TMP/p4.out")" \
		"$runsc_p4"
	crun_cmd delete -f c4 >/dev/null 2>&1
else
	skip "create, start: the program's fds are as under crun" "crun cannot run here"
fi

# ---- exec --preserve-fds: through the monitor and the guest's init ----
cfg "$TMP/e" "d['process']['args'] = ['sleep', '600']"
oci run -d --bundle "$TMP/e" e1 >/dev/null 2>&1
check_rc "a container to exec into" 0 "$?"
: >"$TMP/out-exec"
oci exec --preserve-fds 2 e1 sh -c "$PROBE" 3<"$TMP/in" 4>>"$TMP/out-exec" 5<"$TMP/in" \
	>"$TMP/exec.out" 2>&1
check_rc "exec --preserve-fds 2: the process runs" 0 "$?" "$(cat "$TMP/exec.out")"
check "exec: fds 3 and 4 are the process's, fd 5 is not" "in-three
0 1 2 3 4 5 
Bad file descriptor" "$(cat "$TMP/exec.out")"
check "exec: what the process wrote to fd 4 reaches the caller's file" "to-four" \
	"$(cat "$TMP/out-exec")"
# The stand-in lets go of its copies: a pipe's reader sees its end once
# the process closed it, while the process still runs.
out=$( (oci exec --preserve-fds 1 e1 sh -c 'echo via-pipe >&3; exec 3>&-; sleep 600' \
	3>&1 >/dev/null 2>&1 &
	echo "$!" >"$TMP/stand-in.pid") | cat)
check "exec: the pipe given as fd 3 ends when the process closes it" via-pipe "$out"
kill "$(cat "$TMP/stand-in.pid")" 2>/dev/null
# --detach: the stand-in child takes them.
: >"$TMP/out-detach"
oci exec -d --preserve-fds 1 e1 sh -c 'echo detached >&3' 3>>"$TMP/out-detach" >/dev/null 2>&1
check_rc "exec --detach --preserve-fds 1" 0 "$?"
wait_until 10 grep -q detached "$TMP/out-detach"
check "exec --detach: fd 3 is the process's" detached "$(cat "$TMP/out-detach")"
# ... and its stand-in keeps no fd of the caller's but those: a pipe given
# as fd 5 ends when exec returns.
out=$( {
	oci exec -d e1 sleep 600 5>&1 >/dev/null 2>&1
	echo "exec $?"
} | timeout 10 cat
	echo "reader $?")
check "exec --detach: the caller's fd 5 pipe ends when exec returns" "exec 0
reader 0" "$out"
# More than one message carries (253 fds with the stdio and the process):
# 300 fds, each a file holding its own number, sent in several messages
# to the monitor and on to the guest's init; 1000 (with the 1024 of runc's
# default RLIMIT_NOFILE: the sandbox's exec loader needs a free fd below
# it), 1025 (above the most, 1024, as for run), refused, and 1021, which
# leaves the loader no fd: the exec fails with one line naming the limit
# (crun's run fails near that count too, "Too many open files" from its
# own opens once it has set the limit).
mkdir -p "$TMP/num"
cat >"$TMP/many.py" <<'EOF'
import os, resource, subprocess, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
for n in range(3, 3 + 1025):
    path = os.path.join(sys.argv[3], str(n))
    with open(path, "w") as f:
        f.write(str(n))
    fd = os.open(path, os.O_RDONLY)
    if fd != n:
        os.dup2(fd, n)
        os.close(fd)
    os.set_inheritable(n, True)
def ex(n, *cmd):
    return subprocess.run([sys.argv[1], "--root", sys.argv[2], "exec", "--preserve-fds", n,
                           "e1"] + list(cmd), close_fds=False, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
check = 'ls /proc/self/fd | wc -l; i=3; while [ $i -le %d ]; do [ "$(cat <&$i)" = $i ] || echo "fd $i differs"; i=$((i+1)); done; echo checked'
r = ex("300", "sh", "-c", check % 302)
print(r.returncode, r.stdout.split(), r.stderr.strip())
for n in range(3, 3 + 1025):
    os.lseek(n, 0, os.SEEK_SET)  # the first exec read them to their end
r = ex("1000", "sh", "-c", check % 1002)
print(r.returncode, r.stdout.split(), r.stderr.strip())
r = ex("1025", "true")
print(r.returncode, r.stderr.strip())
# 1021 with fds 0 to 2 fill RLIMIT_NOFILE 1024: no fd is left for the
# sandbox's exec loader, and exec fails naming the limit (no silent 137).
r = ex("1021", "true")
print(r.returncode, r.stderr.strip())
r = subprocess.run([sys.argv[1], "--root", sys.argv[2], "run", "--preserve-fds", "1021",
                    "--bundle", sys.argv[4], "full1"], close_fds=False,
                   stdin=subprocess.DEVNULL, capture_output=True, text=True)
print(r.returncode, r.stderr.strip())
EOF
cfg "$TMP/full" "d['process']['args'] = ['true']"
out=$(python3 "$TMP/many.py" "$RUNSC_C" "$ROOT" "$TMP/num" "$TMP/full" 2>&1)
check "exec --preserve-fds 300: fds 3 to 302 are the process's, each its own file" \
	"0 ['304', 'checked'] " "$(echo "$out" | head -1)"
check "exec --preserve-fds 1000: fds 3 to 1002 are the process's" \
	"0 ['1004', 'checked'] " "$(echo "$out" | sed -n 2p)"
check_contains "exec --preserve-fds 1025: refused, naming the flag" "--preserve-fds" \
	"$(echo "$out" | sed -n 3p)"
check "... with exit 1" "1" "$(echo "$out" | sed -n 3p | cut -d' ' -f1)"
check "exec --preserve-fds 1021 with RLIMIT_NOFILE 1024: exit 255, not a silent 137" "255" \
	"$(echo "$out" | sed -n 4p | cut -d' ' -f1)"
check_contains "... and one line naming the limit" \
	"exec 'true': the process's RLIMIT_NOFILE leaves no fd free" "$(echo "$out" | sed -n 4p)"
check "run --preserve-fds 1021 with RLIMIT_NOFILE 1024: the program's exec fails (126)" "126" \
	"$(echo "$out" | sed -n 5p | cut -d' ' -f1)"
check_contains "... with one line naming the limit" \
	"exec 'true': the process's RLIMIT_NOFILE (1024, with 1021 fds preserved) leaves no fd free" \
	"$(echo "$out" | sed -n 5p)"

# crun, the reference: exec into a container of its own with the same fds.
if [ -n "$CRUN" ] && [ -s "$TMP/crun.out" ]; then
	cfg "$TMP/ce" "d['process']['args'] = ['sleep', '600']
d['root']['path'] = '$TMP/rootfs-crun'"
	crun_cmd run -d --bundle "$TMP/ce" ce1 >"$TMP/ce.out" 2>&1
	: >"$TMP/out-crun-exec"
	crun_cmd exec --preserve-fds 2 ce1 sh -c "$PROBE" 3<"$TMP/in" 4>>"$TMP/out-crun-exec" \
		5<"$TMP/in" >"$TMP/crun-exec.out" 2>&1
	check "exec: same as crun's exec --preserve-fds" \
		"$(cat "$TMP/crun-exec.out") $(cat "$TMP/out-crun-exec")" \
		"$(cat "$TMP/exec.out") $(cat "$TMP/out-exec")"
	crun_cmd kill ce1 KILL >/dev/null 2>&1
	sleep 0.2
	crun_cmd delete -f ce1 >/dev/null 2>&1
else
	skip "exec: same as crun's exec --preserve-fds" "crun cannot run here"
fi
bad_exec() {
	out=$(oci exec "$@" 2>&1)
	rc=$?
	check_rc "exec $1 $2: exit 1" 1 "$rc"
	check_contains "exec $1 $2: the error names the flag" "--preserve-fds" "$out"
}
bad_exec --preserve-fds abc e1 true
bad_exec --preserve-fds -1 e1 true
bad_exec --preserve-fds 99999 e1 true
bad_exec --preserve-fds 3 e1 true
oci delete --force e1 >/dev/null 2>&1

# ---- bad values ----
bad() {
	out=$(oci "$@" 2>&1)
	rc=$?
	check_rc "$1 $2 $3: exit 1" 1 "$rc"
	check_contains "$1 $2 $3: the error names the flag" "--preserve-fds" "$out"
	check "$1 $2 $3: no state left" "" "$(ls -A "$ROOT" 2>/dev/null)"
}
bad run --preserve-fds abc --bundle "$TMP/b" p3
bad run --preserve-fds -1 --bundle "$TMP/b" p3
bad run --preserve-fds 99999 --bundle "$TMP/b" p3
bad create --preserve-fds 3 --bundle "$TMP/b" p3
check_contains "a preserved fd that is not open is named" "fd 3 is not open" \
	"$(oci run --preserve-fds 1 --bundle "$TMP/b" p3 2>&1)"

done_testing
