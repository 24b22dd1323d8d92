#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fchmod(2) and fchown(2) on fds the guest holds: the sentry does them
# itself on view files the caller owns (sentry/vfs/fd_attr.c), the gofer
# does the rest. The answers match Linux's, run natively with the same
# probe; a host file handed over as stdio is never changed, also while
# another thread swaps what the fd names with dup2; and the fast path
# leaves the gofer alone.
. "$(dirname "$0")/lib.sh"

probe='import errno, os, stat, sys

base = sys.argv[1]


def show(label, fn):
    try:
        fn()
        print(label + ": ok")
    except OSError as e:
        print(label + ":", errno.errorcode[e.errno])
    sys.stdout.flush()


def attrs(label, p):
    s = os.lstat(p)
    print(label + ":", oct(stat.S_IMODE(s.st_mode)), s.st_uid, s.st_gid)
    sys.stdout.flush()


def as_user(fn):
    pid = os.fork()
    if pid == 0:
        os.setgroups([1001])
        os.setgid(1000)
        os.setuid(1000)
        fn()
        os._exit(0)
    os.waitpid(pid, 0)


os.chmod(base, 0o777)
f = base + "/f"
fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
show("fchmod own file 0600", lambda: os.fchmod(fd, 0o600))
attrs("after", f)
show("fchmod own file 0755 (sticky too)", lambda: os.fchmod(fd, 0o1755))
attrs("after", f)
show("fchown own file to the same ids", lambda: os.fchown(fd, 0, 0))
show("fchown own file, -1 -1", lambda: os.fchown(fd, -1, -1))
show("fchown by root to 1000:1001", lambda: os.fchown(fd, 1000, 1001))
attrs("after", f)
show("fchmod by root of a file it does not own", lambda: os.fchmod(fd, 0o640))
attrs("after", f)
os.fchown(fd, 0, 0)
os.fchmod(fd, 0o666)

ro = os.open(f, os.O_RDONLY)
show("fchmod through a read-only fd", lambda: os.fchmod(ro, 0o644))
attrs("after", f)
os.close(ro)

d = base + "/d"
os.mkdir(d, 0o755)
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
show("fchmod of a directory 0700", lambda: os.fchmod(dfd, 0o700))
attrs("after", d)
os.close(dfd)
open(d + "/in", "w").close()
as_user(lambda: show("a user looks into the closed directory", lambda: os.stat(d + "/in")))
os.chmod(d, 0o755)
as_user(lambda: show("... once it is open again", lambda: os.stat(d + "/in")))


def user_side():
    u = base + "/u"
    ufd = os.open(u, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    show("user: fchmod own file", lambda: os.fchmod(ufd, 0o640))
    show("user: fchown own file to a supplementary group", lambda: os.fchown(ufd, -1, 1001))
    attrs("user: after", u)
    show("user: fchown own file to a group it lacks", lambda: os.fchown(ufd, -1, 0))
    show("user: fchown own file to another uid", lambda: os.fchown(ufd, 0, -1))
    show("user: fchown own file to its own uid", lambda: os.fchown(ufd, 1000, 1000))
    attrs("user: after", u)
    rfd = os.open(f, os.O_RDONLY)
    show("user: fchmod of a file of root", lambda: os.fchmod(rfd, 0o600))
    show("user: fchown of a file of root", lambda: os.fchown(rfd, -1, 0))
    attrs("user: the file of root", f)
    os.close(rfd)
    os.close(ufd)


as_user(user_side)

gone = base + "/gone"
gfd = os.open(gone, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
os.unlink(gone)
show("fchmod of an unlinked file", lambda: os.fchmod(gfd, 0o600))
print("unlinked mode:", oct(stat.S_IMODE(os.fstat(gfd).st_mode)))
os.close(gfd)

r, w = os.pipe()
show("fchmod of a pipe", lambda: os.fchmod(r, 0o600))
os.close(r)
os.close(w)
os.close(fd)
'

# The user of the probe searches the directory's parent.
nat=$(mktemp -d /tmp/runsc-c-fd-attr.XXXXXX)
cleanup_dir_later "$nat"
chmod 0755 "$nat"
native=$(cd / && guest_env python3 -c "$probe" "$nat" 2>&1)
out=$(runsc -- sh -c 'd=$(mktemp -d) && exec python3 -c "$1" "$d"' sh "$probe" 2>&1)
if [ "$native" = "$out" ]; then
	ok "fchmod and fchown on fds match Linux ($(printf '%s\n' "$out" | wc -l) cases)"
else
	not_ok "fchmod and fchown on fds match Linux" \
		"$(printf '%s\n' "$native" >"$TMP/n.txt"; printf '%s\n' "$out" >"$TMP/s.txt"
		diff "$TMP/n.txt" "$TMP/s.txt" | head -40)"
fi

# What tar does as root: create, write, fchmod, futimens, fchown. None of
# the three goes to the gofer, and stat by path sees what they did.
untar='import os, tempfile
top = tempfile.mkdtemp()
d = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
names = []
for i in range(30):
    fd = os.open("f%d" % i, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600, dir_fd=d)
    os.fchmod(fd, 0o640 + (i % 8))
    os.utime(fd, (1000, 2000 + i))
    os.fchown(fd, 1000 + i, 1000)
    os.close(fd)
    names.append(top + "/f%d" % i)
os.execvp("stat", ["stat", "-c", "%a %u %Y"] + names)'
out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --debug -- python3 -c "$untar" 2>&1 </dev/null)
want=$(i=0; while [ $i -lt 30 ]; do echo "64$((i % 8)) $((1000 + i)) $((2000 + i))"; i=$((i + 1)); done)
check "fchown, fchmod and futimens through fds, then stat by path" "$want" \
	"$(printf '%s\n' "$out" | grep -E '^[0-9]+ [0-9]+ [0-9]+$')"
for call in fchown fchmod utimensat statx; do
	check "... $call did not go to the gofer" "30 calls 0 gofer" \
		"$(printf '%s\n' "$out" | sed -n "s/.*counters: $call *\([0-9]*\) calls *\([0-9]*\) gofer.*/\1 calls \2 gofer/p")"
done

# O_PATH needs no read permission, and fchmod and fchown through an O_PATH
# fd fail with EBADF and change nothing, for a user and for root, as on
# Linux.
opath='import errno, os, sys, tempfile
top = tempfile.mkdtemp()
os.chmod(top, 0o755)
secret = top + "/secret"
os.close(os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600))
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(1000)
    os.setuid(1000)
    try:
        fd = os.open(secret, os.O_PATH)
        print("user O_PATH open of an unreadable file: ok")
        for what, call in [("fchmod", lambda: os.fchmod(fd, 0o666)),
                           ("fchown", lambda: os.fchown(fd, -1, 1000))]:
            try:
                call()
                print("user", what, "through it: ok")
            except OSError as e:
                print("user", what, "through it:", errno.errorcode[e.errno])
    except OSError as e:
        print("user O_PATH open of an unreadable file:", errno.errorcode[e.errno])
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
fd = os.open(secret, os.O_PATH)
for what, call in [("fchmod", lambda: os.fchmod(fd, 0o640)), ("fchown", lambda: os.fchown(fd, -1, 1000)),
                   ("fchown to ids 70000", lambda: os.fchown(fd, 70000, 70000)),
                   ("futimens", lambda: os.utime(fd, (1, 2)))]:
    try:
        call()
        print("root", what, "through O_PATH: ok")
    except OSError as e:
        print("root", what, "through O_PATH:", errno.errorcode[e.errno])
s = os.stat(secret)
print("mode, group and mtime after: %o %d %d" % (s.st_mode & 0o7777, s.st_gid, s.st_mtime == 2))'
differential "O_PATH opens need no read permission; fchmod/fchown/futimens through them: EBADF" \
	python3 -c "$opath"

# A host file handed over as stdout is not the view's: fchmod and fchown
# on it fail and change nothing, also while another thread swaps fd 5
# between it and a file of the view with dup2. The probe refuses to run
# outside the sandbox, where it would change the file.
race='import ctypes, errno, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(21, 0, 0, 0, 0) != 2:  # PR_GET_SECCOMP
    sys.exit("not in the sandbox: refusing to fchmod stdout")
res = {}
for name, fn in (("fchmod", lambda: os.fchmod(1, 0o666)),
                 ("fchown", lambda: os.fchown(1, 1000, 1000))):
    try:
        fn()
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
view = os.open("/tmp/view", os.O_WRONLY | os.O_CREAT, 0o644)
stop = False


def swap():
    while not stop:
        os.dup2(1, 5)
        os.dup2(view, 5)


t = threading.Thread(target=swap)
t.start()
changed = 0
for i in range(3000):
    try:
        os.fchmod(5, 0o600 if i % 2 else 0o666)
        os.fchown(5, 1000 + i % 2, 1000)
        changed += 1
    except OSError:
        pass
stop = True
t.join()
os.close(5)
# futimens right after an open that created a file (as tar does), while
# fd 5 is swapped between stdout and that new file.
cur = os.open("/tmp/made", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
stop = False


def swap_made():
    while not stop:
        os.dup2(1, 5)
        os.dup2(cur, 5)


t = threading.Thread(target=swap_made)
t.start()
timed = 0
for i in range(300):
    cur = os.open("/tmp/made%d" % i, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.utime(5, (1, 2))
        timed += 1
    except OSError:
        pass
stop = True
t.join()
try:
    os.utime(1, (1, 2))
    res["futimens"] = "ok"
except OSError as e:
    res["futimens"] = errno.errorcode[e.errno]
sys.stderr.write("stdout: fchmod %s, fchown %s, futimens %s; racing calls that succeeded: %d, %d\n"
                 % (res["fchmod"], res["fchown"], res["futimens"], changed, timed))'
host=$TMP/host-stdout
: >"$host"
chmod 0640 "$host"
touch -d @1000000 "$host"
before=$(stat -c '%a %u %g %Y' "$host")
timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -- python3 -c "$race" \
	</dev/null >>"$host" 2>"$TMP/race.err"
check_rc "the dup2 race probe ran in the sandbox" 0 $? "$(head -c 2000 "$TMP/race.err")"
check_contains "fchmod, fchown and futimens of a host stdout are refused" \
	"stdout: fchmod EPERM, fchown EPERM, futimens EPERM" "$(cat "$TMP/race.err")"
check "the host file's mode, owner and times stayed, whatever dup2 swapped in" "$before" \
	"$(stat -c '%a %u %g %Y' "$host")"
refuse=$(python3 -c "$race" 2>&1 >/dev/null)
check_contains "the race probe refuses to run natively" "not in the sandbox" "$refuse"

done_testing
