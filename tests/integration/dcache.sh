#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The sentry's dentry cache is exact: every lookup below is repeated three
# times (the third is answered from the cache) before and after each change,
# and the answers match Linux's, run natively with the same script.
. "$(dirname "$0")/lib.sh"

# look(): three lookups of one path must agree; prints the object's type
# and size (the files below differ in size) or the errno's name.
probe='import errno, os, socket, stat, sys

base = sys.argv[1]


def kind(s):
    return "%s%d" % (stat.filemode(s.st_mode)[0], s.st_size if stat.S_ISREG(s.st_mode) else 0)


def once(p, how):
    try:
        if how == "stat":
            return kind(os.stat(p))
        if how == "lstat":
            return kind(os.lstat(p))
        if how == "access":
            return "F_OK" if os.access(p, os.F_OK) else "no"
        if how == "readlink":
            return "->" + os.readlink(p)
        flags = os.O_DIRECTORY if how == "opendir" else 0
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | flags)
        os.close(fd)
        return "opened"
    except OSError as e:
        return errno.errorcode[e.errno]


def look(label, p, how="stat"):
    got = [once(p, how) for _ in range(3)]
    print(label + ":", got[0] if len(set(got)) == 1 else "inconsistent " + ",".join(got))
    sys.stdout.flush()


def getcwd():
    try:
        return os.getcwd().replace(base, "BASE", 1)
    except OSError as e:
        return errno.errorcode[e.errno]


def cwd(label):
    got = [getcwd() for _ in range(3)]
    print(label + ":", got[0] if len(set(got)) == 1 else "inconsistent " + ",".join(got))
    sys.stdout.flush()


def write(p, data):
    with open(p, "w") as f:
        f.write(data)


def in_child(fn, uid=None):
    """Runs fn in a child process, with uid and gid uid if given."""
    pid = os.fork()
    if pid == 0:
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        fn()
        os._exit(0)
    os.waitpid(pid, 0)


def as_user(fn):
    in_child(fn, 1000)


d = base + "/d"
os.mkdir(d, 0o755)

# names created and removed
look("missing", d + "/new")
look("missing, open", d + "/new", "open")
look("missing, access", d + "/new", "access")
write(d + "/new", "x")
look("created", d + "/new")
look("created, open", d + "/new", "open")
look("created, access", d + "/new", "access")
os.unlink(d + "/new")
look("unlinked", d + "/new")
look("unlinked, lstat", d + "/new", "lstat")
look("unlinked, open", d + "/new", "open")

# rename, also over a name and of a directory
write(d + "/a", "a")
look("rename source before", d + "/a")
look("rename target before", d + "/b")
os.rename(d + "/a", d + "/b")
look("rename source after", d + "/a")
look("rename target after", d + "/b")
write(d + "/c", "cc")
os.rename(d + "/c", d + "/b")
look("renamed over", d + "/b")
os.mkdir(d + "/sub")
write(d + "/sub/f", "fff")
look("below a directory before its rename", d + "/sub/f")
os.rename(d + "/sub", d + "/sub2")
look("below the old name", d + "/sub/f")
look("below the new name", d + "/sub2/f")

# symlinks
write(d + "/t1", "1")
write(d + "/t2", "22")
look("symlink before", d + "/l", "lstat")
os.symlink("t1", d + "/l")
look("symlink", d + "/l")
look("symlink, lstat", d + "/l", "lstat")
look("symlink, readlink", d + "/l", "readlink")
os.unlink(d + "/l")
os.symlink("t2", d + "/l")
look("retargeted symlink", d + "/l")
look("retargeted symlink, readlink", d + "/l", "readlink")
os.symlink("t1", d + "/l.new")
os.rename(d + "/l.new", d + "/l")
look("symlink replaced by rename", d + "/l")
look("symlink replaced by rename, readlink", d + "/l", "readlink")
look("readlink of a file", d + "/t1", "readlink")
os.symlink("later", d + "/dl")
look("dangling symlink", d + "/dl")
look("dangling symlink, lstat", d + "/dl", "lstat")
write(d + "/later", "4444")
look("dangling symlink whose target appeared", d + "/dl")
os.symlink("later2", d + "/dl2")
look("dangling symlink, created through", d + "/dl2")
write(d + "/dl2", "22")
look("dangling symlink, after creating through it", d + "/dl2")
look("the target created through a symlink", d + "/later2")
os.mkdir(d + "/ldir")
write(d + "/ldir/x", "55555")
os.symlink("ldir", d + "/lnk")
look("through a directory symlink", d + "/lnk/x")
os.unlink(d + "/lnk")
os.symlink("sub2", d + "/lnk")
look("through a retargeted directory symlink", d + "/lnk/x")

# other ways to make a name
look("link before", d + "/hl")
os.link(d + "/t2", d + "/hl")
look("link after", d + "/hl")
os.unlink(d + "/hl")
look("unlink of one of two links", d + "/hl")
look("mkdir before", d + "/dir")
os.mkdir(d + "/dir")
look("mkdir after", d + "/dir")
os.rmdir(d + "/dir")
look("rmdir after", d + "/dir")
# a directory made from a dirfd and through a directory symlink: the keys of
# stat and lstat both lead to it under each spelling, and a rename moves both
os.mkdir(d + "/mk")
os.symlink("mk", d + "/mkl")
mkfd = os.open(d + "/mkl", os.O_RDONLY | os.O_DIRECTORY)
os.mkdir("made", dir_fd=mkfd)
os.mkdir(d + "/mkl/made2")
for n in ("mk/made", "mkl/made", "mk/made2", "mkl/made2"):
    look("mkdir from a dirfd or through a symlink, " + n, d + "/" + n)
    look("mkdir from a dirfd or through a symlink, lstat " + n, d + "/" + n, "lstat")
for n in ("made", "made2"):
    ids = {(os.stat(d + p + n).st_dev, os.stat(d + p + n).st_ino) for p in ("/mk/", "/mkl/")}
    ids |= {(os.lstat(d + p + n).st_dev, os.lstat(d + p + n).st_ino) for p in ("/mk/", "/mkl/")}
    print("mkdir from a dirfd or through a symlink, one directory under every spelling, "
          + n + ":", len(ids))
os.rename("made", "moved", src_dir_fd=mkfd, dst_dir_fd=mkfd)
look("a made directory renamed, old name", d + "/mk/made")
look("a made directory renamed, lstat of the old name", d + "/mkl/made", "lstat")
look("a made directory renamed, new name", d + "/mkl/moved")
os.rmdir(d + "/mk/made2")
look("a made directory removed", d + "/mkl/made2")
os.close(mkfd)
look("mkfifo before", d + "/fifo")
os.mkfifo(d + "/fifo")
look("mkfifo after", d + "/fifo")
look("bind before", d + "/sock")
s = socket.socket(socket.AF_UNIX)
s.bind(d + "/sock")
look("bind after", d + "/sock")
s.close()
look("opendir of a file", d + "/t1", "opendir")
look("the file after opendir", d + "/t1")
look("a file as a directory", d + "/t1/x")
os.unlink(d + "/t1")
os.mkdir(d + "/t1")
write(d + "/t1/x", "x")
look("the file became a directory", d + "/t1/x")

# relative paths follow the cwd, even when it is renamed
os.chdir(d)
look("relative", "t2")
os.rename(d, base + "/d2")
d = base + "/d2"
look("relative, the cwd renamed", "t2")
look("absolute, below the old name of the cwd", base + "/d/t2")
os.mkdir(base + "/d")
write(base + "/d/t2", "999999999")
look("relative, a new directory at the old name of the cwd", "t2")
in_child(lambda: (os.chdir(base + "/d"), look("relative, from the new directory", "t2")))
look("relative, from the renamed cwd again", "t2")
os.mkdir(base + "/gone")
os.chdir(base + "/gone")
look("relative, in a directory about to go", "f")
os.rmdir(base + "/gone")
os.mkdir(base + "/gone")
write(base + "/gone/f", "1")
look("relative, in a removed cwd", "f")
in_child(lambda: (os.chdir(base + "/gone"), look("relative, from a new directory at its path", "f")))
look("relative, in the removed cwd again", "f")
os.chdir(base)
look("relative, another cwd", "t2")
look("relative, another cwd, a subdirectory", "d2/t2")

# getcwd follows renames of the cwd and of its parents, and fails once the
# cwd is removed
os.makedirs(base + "/g/in")
os.chdir(base + "/g/in")
cwd("getcwd")
os.rename(base + "/g/in", base + "/g/in2")
cwd("getcwd, the cwd renamed")
os.rename(base + "/g", base + "/g2")
cwd("getcwd, a parent renamed")
os.mkdir(base + "/g2/in")
cwd("getcwd, a name added next to it")
os.rmdir(base + "/g2/in2")
cwd("getcwd, the cwd removed")
os.mkdir(base + "/g2/in2")
cwd("getcwd, a new directory where the cwd was")
os.chdir(base + "/g2/in2")
cwd("getcwd, in the new directory")
os.chdir(base)
cwd("getcwd, back")

# names the guest creates: the cache learns them from the creation
def create(p, flags, data=""):
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | flags, 0o644)
    except OSError as e:
        print("create " + os.path.basename(p) + ":", errno.errorcode[e.errno])
        return
    os.write(fd, data.encode())
    os.close(fd)


n = base + "/n"
os.mkdir(n)
create(n + "/x", os.O_EXCL, "12")
look("created exclusively, lstat", n + "/x", "lstat")
look("created exclusively, stat", n + "/x")
with open(n + "/x", "a") as f:
    f.write("345")
look("created exclusively, grown", n + "/x", "lstat")
create(n + "/x", os.O_EXCL)
os.unlink(n + "/x")
look("created exclusively, unlinked", n + "/x", "lstat")
create(n + "/y", os.O_NOFOLLOW, "1")
look("created with O_NOFOLLOW", n + "/y", "lstat")
os.rename(n + "/y", n + "/z")
look("created, renamed away", n + "/y", "lstat")
look("created, renamed to", n + "/z", "lstat")
create(n + "/w", os.O_EXCL, "4444")
look("created, to be renamed over", n + "/w", "lstat")
os.rename(n + "/z", n + "/w")
look("created, renamed over", n + "/w", "lstat")
os.symlink("tgt", n + "/s")
create(n + "/s", 0, "55555")
look("created through a symlink", n + "/s")
look("created through a symlink, lstat", n + "/s", "lstat")
look("created through a symlink, the target", n + "/tgt", "lstat")
create(n + "/s", os.O_NOFOLLOW)
create(n + "/s", os.O_EXCL)
os.unlink(n + "/tgt")
look("created through a symlink, the target removed", n + "/s")
create(n + "/h1", os.O_EXCL, "1")
os.link(n + "/h1", n + "/h2")
create(n + "/h3", os.O_EXCL, "333")
look("hard link, first name", n + "/h1", "lstat")
look("hard link, second name", n + "/h2", "lstat")
look("hard link, another file", n + "/h3", "lstat")
os.rename(n + "/h3", n + "/h1")
look("hard link renamed over, first name", n + "/h1", "lstat")
look("hard link renamed over, second name", n + "/h2", "lstat")
look("hard link renamed over, old name of the file", n + "/h3", "lstat")
os.rename(n + "/h2", n + "/h4")
look("hard link renamed, old name", n + "/h2", "lstat")
look("hard link renamed, new name", n + "/h4", "lstat")
os.chdir(n)
create("rel", os.O_EXCL, "666666")
look("created relative", "rel", "lstat")
look("created relative, looked up absolute", n + "/rel", "lstat")
os.unlink("rel")
look("created relative, unlinked", "rel", "lstat")
os.chdir(base)


# a second thread renames and removes names while the first creates them
# and looks them up
def race():
    import threading
    r = base + "/race"
    os.mkdir(r)
    count = 200

    def exists(p):
        try:
            os.lstat(p)
            return True
        except OSError:
            return False

    def mover():
        for i in range(count):
            while not exists("%s/f%d" % (r, i)):
                pass
            if i % 2:
                os.rename("%s/f%d" % (r, i), "%s/g%d" % (r, i))
            else:
                os.unlink("%s/f%d" % (r, i))

    t = threading.Thread(target=mover)
    t.start()
    for i in range(count):
        create("%s/f%d" % (r, i), os.O_EXCL, "x" * i)
        exists("%s/f%d" % (r, i))
    t.join()
    listed = {e.name: e.inode() for e in os.scandir(r)}
    want = {"g%d" % i for i in range(count) if i % 2}
    agree = True
    for i in range(count):
        for name in ("f%d" % i, "g%d" % i):
            try:
                st = os.lstat(r + "/" + name)
                agree = agree and listed.get(name) == st.st_ino and st.st_size == i
            except OSError:
                agree = agree and name not in listed
    print("race: names as expected:", set(listed) == want, "lookups agree:", agree)


race()

# permissions: the ids are part of the key, and chmod/chown count
p = base + "/priv"
os.mkdir(p, 0o700)
write(p + "/f", "666666")
look("root, a private directory", p + "/f")
as_user(lambda: look("uid 1000, a private directory", p + "/f"))
as_user(lambda: look("uid 1000, a private directory, access", p + "/f", "access"))
as_user(lambda: look("uid 1000, a private directory, open", p + "/f", "open"))
os.chmod(p, 0o755)
as_user(lambda: look("uid 1000, after chmod 755", p + "/f"))
os.chmod(p, 0o700)
as_user(lambda: look("uid 1000, after chmod 700", p + "/f"))
os.chown(p, 1000, 1000)
as_user(lambda: look("uid 1000, after chown to it", p + "/f"))


def own_dir():
    q = base + "/mine"
    os.mkdir(q, 0o755)
    write(q + "/f", "7777777")
    look("uid 1000, its own directory", q + "/f")
    os.chmod(q, 0o600)
    look("uid 1000, after taking its own search permission", q + "/f")
    look("uid 1000, after taking its own search permission, access", q + "/f", "access")
    os.chmod(q, 0o755)
    look("uid 1000, after giving it back", q + "/f")


os.chmod(base, 0o777)
as_user(own_dir)


# one process keeps its answers cached while another changes the tree
def watcher(rfd, wfd):
    look("uid 1000 before the chown by root", p + "/f")
    os.write(wfd, b"1")
    os.read(rfd, 1)
    look("uid 1000 after the chown by root", p + "/f")


r1, w1 = os.pipe()
r2, w2 = os.pipe()
pid = os.fork()
if pid == 0:
    os.setgid(1000)
    os.setuid(1000)
    watcher(r2, w1)
    os._exit(0)
os.read(r1, 1)
os.chown(p, 0, 0)
os.write(w2, b"1")
os.waitpid(pid, 0)
'

chmod 0755 "$TMP"
mkdir -m 0755 "$TMP/native"
native=$(cd / && guest_env python3 -c "$probe" "$TMP/native" 2>&1)
# (The guest's names under /tmp come from mktemp: it sees the host's /tmp.)
out=$(runsc -- sh -c 'd=$(mktemp -d) && chmod 0755 "$d" && exec python3 -c "$1" "$d"' sh "$probe" 2>&1)
if [ "$native" = "$out" ]; then
	ok "lookups after every kind of change match Linux ($(printf '%s\n' "$out" | wc -l) cases)"
else
	not_ok "lookups after every kind of change match Linux" \
		"$(printf '%s\n' "$native" >"$TMP/n.txt"; printf '%s\n' "$out" >"$TMP/s.txt"
		diff "$TMP/n.txt" "$TMP/s.txt" | head -40)"
fi
check_lacks "no lookup answered inconsistently" "inconsistent" "$out"

# statx (coreutils' stat) and the relative lookups of a shell. The error
# text is coreutils' own (and its version's): the native run of the same
# script says what it must be.
statx_script='for i in 1 2 3; do stat -c %s f 2>&1; done; echo abc >f;
	for i in 1 2 3; do stat -c %s f; done; echo abcdef >f; for i in 1 2 3; do stat -c %s f; done;
	rm f; for i in 1 2 3; do stat -c %s f 2>&1; done'
mkdir "$TMP/statx"
native=$(cd "$TMP/statx" && guest_env sh -c "$statx_script" 2>&1)
out=$(runsc -- sh -c "cd \"\$(mktemp -d)\" && $statx_script" 2>&1)
check "statx sees creation, growth and removal (as natively)" "$native" "$out"
check "... the sizes in between" "4 4 4 7 7 7" "$(printf '%s\n' "$out" | sed -n '4,9p' | tr '\n' ' ' | sed 's/ $//')"
check "... and ENOENT, three times before and three after" "6" \
	"$(printf '%s\n' "$out" | sed -n '1,3p;10,12p' | grep -c 'No such file or directory')"

# /dev/pts: a pty's entry appears with the master and goes with it,
# although closing it is a native call.
pty='import os
def seen(p):
    r = {os.path.exists(p) for _ in range(3)}
    return "inconsistent" if len(r) > 1 else ("yes" if r.pop() else "no")
for i in range(4):
    seen("/dev/pts/%d" % i)
m, s = os.openpty()
name = os.ttyname(s)
print("open:", seen(name))
os.close(s)
os.close(m)
print("closed:", seen(name))
m, s = os.openpty()
print("reopened:", seen(name), os.ttyname(s) == name)'
out=$(runsc -- python3 -c "$pty" 2>&1)
check "/dev/pts entries come and go with their ptys" "open: yes
closed: no
reopened: yes True" "$out"

# The same through statx (coreutils' stat), which a kept object answers
# in one call.
pty_statx='import os, subprocess
def seen(p):
    r = {subprocess.run(["stat", "-c", "%F", p], capture_output=True, text=True).stdout.strip()
         for _ in range(3)}
    return "inconsistent" if len(r) > 1 else (r.pop() or "missing")
m, s = os.openpty()
name = os.ttyname(s)
print("open:", seen(name))
os.close(s)
os.close(m)
print("closed:", seen(name))'
out=$(runsc -- python3 -c "$pty_statx" 2>&1)
check "/dev/pts entries come and go with their ptys, seen by statx" "open: character special file
closed: missing" "$out"

# Names the guest creates are known at once: coreutils' stat (statx) of 50
# files just created exclusively, by absolute and by relative paths, makes
# no gofer request (the sentry's counters say so), also after a rename and
# an unlink of another file (which forget that file alone).
learn='import os
os.chdir("/tmp")
os.mkdir("learn")
names = []
for i in range(50):
    p = "learn/f%d" % i if i % 2 else "/tmp/learn/f%d" % i
    os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    names.append(p)
os.close(os.open("learn/other", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
os.rename("learn/other", "learn/other2")
os.unlink("learn/other2")
os.execvp("stat", ["stat", "-c", "%s"] + names)'
out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --debug -- python3 -c "$learn" 2>&1 </dev/null)
check "stat of 50 files just created answers all 50" "50" "$(printf '%s\n' "$out" | grep -c '^0$')"
check "... from the dentry cache, with no gofer request" "50 calls 0 gofer" \
	"$(printf '%s\n' "$out" | sed -n 's/.*counters: statx *\([0-9]*\) calls *\([0-9]*\) gofer.*/\1 calls \2 gofer/p')"

# A file of the rootfs's lower layer, cached, copied up by a write, then
# renamed: its old name is gone at once.
if [ -f /etc/debian_version ] && [ ! -L /etc/debian_version ]; then
	n=$(stat -c %s /etc/debian_version)
	# shellcheck disable=SC2016
	out=$(runsc -- sh -c 'f=/etc/debian_version
		for i in 1 2 3; do stat -c %s $f; done; echo x >>$f; stat -c %s $f; mv $f $f.moved
		for i in 1 2 3; do stat -c %s $f 2>/dev/null || echo missing; done; stat -c %s $f.moved' 2>&1)
	check "a lower-layer file copied up and renamed is gone from its old name" \
		"$(printf '%s\n' "$n" "$n" "$n" $((n + 2)) missing missing missing $((n + 2)))" "$out"
else
	skip "a lower-layer file copied up and renamed is gone from its old name" "no /etc/debian_version"
fi

# ---- a volume the host changes while the guest looks ----
# The second volume's path runs through a symlink where /bin is one: its
# files are reached by two names, and neither may be cached.
vol=$TMP/vol
mkdir -p "$vol/d" "$TMP/vol2"
echo 1 >"$vol/d/gone"
echo 22 >"$vol/d/stays"
echo 1 >"$TMP/vol2/f"
vol2_at=/bin/runsc-c-dcache
vol2_real=/usr/bin/runsc-c-dcache
if [ "$(readlink /bin)" != usr/bin ]; then
	vol2_at=/opt/runsc-c-dcache
	vol2_real=/opt/runsc-c-dcache
fi
# shellcheck disable=SC2016
guest='look() { for i in 1 2 3; do s=$(stat -L -c %s "$2" 2>&1) && echo "$1 $s" || echo "$1 missing"; done | uniq; }
S=$(mktemp -d)
ln -s /data/d "$S/ld"
ln -s /data/d/gone "$S/lf"
look gone /data/d/gone; look gone-via-dir-link "$S/ld/gone"; look gone-via-link "$S/lf"
look new /data/d/new; look new-via-dir-link "$S/ld/new"
look stays /data/d/stays; look stays-via-dir-link "$S/ld/stays"
cd /data/d && look relative stays && cd /
look second-volume "$1/f"
python3 -c "$2" "$S" &
while [ ! -e "$S/cwd.ready" ]; do sleep 0.05; done
echo ready
while [ ! -e /data/go ]; do sleep 0.05; done
look gone /data/d/gone; look gone-via-dir-link "$S/ld/gone"; look gone-via-link "$S/lf"
look new /data/d/new; look new-via-dir-link "$S/ld/new"
look stays /data/d/stays; look stays-via-dir-link "$S/ld/stays"
cd /data/d && look relative stays
look second-volume "$1/f"
wait
cat "$S/cwd.out"'
# A process whose cwd is a volume directory that the host renames.
cwd_probe='import os, sys, time
os.chdir("/data/cw/in")
out = open(sys.argv[1] + "/cwd.out", "w")
def show():
    got = []
    for _ in range(3):
        try:
            got.append(os.getcwd())
        except OSError as e:
            got.append(os.strerror(e.errno))
    out.write("cwd in a volume " + ",".join(sorted(set(got))) + "\n")
    out.flush()
show()
open(sys.argv[1] + "/cwd.ready", "w").close()
while not os.path.exists("/data/go"):
    time.sleep(0.05)
show()'
mkdir -p "$vol/cw/in"
runsc -v "$vol:/data" -v "$TMP/vol2:$vol2_at" -- sh -c "$guest" sh "$vol2_real" "$cwd_probe" \
	>"$TMP/vol.out" 2>&1 &
guest_pid=$!
cleanup_later $guest_pid
if wait_until 60 grep -q '^ready$' "$TMP/vol.out"; then
	# Renames and links keep the old objects alive: only the names move.
	mv "$vol/d/gone" "$vol/d/gone.moved"
	echo 4444 >"$vol/d/new"
	echo 333 >"$vol/d/stays.new"
	ln "$vol/d/stays" "$vol/d/stays.old"
	mv "$vol/d/stays.new" "$vol/d/stays"
	echo 22 >"$TMP/vol2/f.new"
	ln "$TMP/vol2/f" "$TMP/vol2/f.old"
	mv "$TMP/vol2/f.new" "$TMP/vol2/f"
	mv "$vol/cw/in" "$vol/cw/moved"
	touch "$vol/go"
fi
wait $guest_pid
check "host changes to a volume are seen at once, also through symlinks and by getcwd" "gone 2
gone-via-dir-link 2
gone-via-link 2
new missing
new-via-dir-link missing
stays 3
stays-via-dir-link 3
relative 3
second-volume 2
ready
gone missing
gone-via-dir-link missing
gone-via-link missing
new 5
new-via-dir-link 5
stays 4
stays-via-dir-link 4
relative 4
second-volume 3
cwd in a volume /data/cw/in
cwd in a volume /data/cw/moved" "$(cat "$TMP/vol.out")"

# ---- lookups relative to a directory fd ----
# They share the cache's absolute keys once the directory's own path is
# kept; each change below must be seen through the fd as Linux sees it:
# the parent renamed, the directory renamed and another made in its place,
# the directory removed and made again, a symlink on the way swapped, a
# directory whose ancestors the caller may not search, and "./" spellings.
dirfd_probe='import errno, os, stat, sys

base = sys.argv[1]


def kind(s):
    return "%s%d" % (stat.filemode(s.st_mode)[0], s.st_size if stat.S_ISREG(s.st_mode) else 0)


def once(name, fd, follow):
    try:
        return kind(os.stat(name, dir_fd=fd, follow_symlinks=follow))
    except OSError as e:
        return errno.errorcode[e.errno]


def look(label, name, fd, follow=False):
    got = [once(name, fd, follow) for _ in range(3)]
    print(label + ":", got[0] if len(set(got)) == 1 else "inconsistent " + ",".join(got))
    sys.stdout.flush()


def write(p, data):
    with open(p, "w") as f:
        f.write(data)


def opendir(p):
    return os.open(p, os.O_RDONLY | os.O_DIRECTORY)


p = base + "/p"
os.makedirs(p + "/d/sub")
write(p + "/d/f", "f")
write(p + "/d/sub/g", "gg")
fd = opendir(p + "/d")
look("f", "f", fd)
look("./f", "./f", fd)
look("sub//g", "sub//g", fd)
look("sub/./g", "sub/./g", fd)
look("missing", "nope", fd)
os.rename(p, base + "/p2")
look("f after the parent moved", "f", fd)
look("f by its old absolute path", p + "/d/f", None)
look("f by its new absolute path", base + "/p2/d/f", None)
os.mkdir(p)
os.mkdir(p + "/d")
write(p + "/d/f", "new f")
look("f through the fd of the moved directory", "f", fd)
look("f of the new directory", p + "/d/f", None)
fd2 = opendir(p + "/d")
look("f through the new directory fd", "f", fd2)
os.unlink(p + "/d/f")
os.rename(base + "/p2/d", p + "/d")
look("f after a rename over the directory", "f", fd2)
look("f through the directory that moved in", "f", fd)
os.close(fd2)

os.mkdir(base + "/e")
fe = opendir(base + "/e")
look("missing in an empty directory", "x", fe)
os.rmdir(base + "/e")
look("missing in a removed directory", "x", fe)
os.mkdir(base + "/e")
write(base + "/e/x", "xxx")
look("in the removed directory, after another was made", "x", fe)
look("in the one made again", base + "/e/x", None)
os.close(fe)

os.makedirs(base + "/s/a")
os.makedirs(base + "/s/b")
write(base + "/s/a/f", "a")
write(base + "/s/b/f", "bbbb")
os.symlink("a", base + "/s/l")
fs = opendir(base + "/s")
look("through a symlink", "l/f", fs)
look("the symlink itself", "l", fs)
look("the symlink followed", "l", fs, True)
os.unlink(base + "/s/l")
os.symlink("b", base + "/s/l")
look("through the swapped symlink", "l/f", fs)
look("the swapped symlink followed", "l", fs, True)
os.unlink(base + "/s/l")
os.mkdir(base + "/s/l")
look("a directory in the symlink'"'"'s place", "l/f", fs)
os.close(fs)

# A directory whose parent the user may not search: a lookup relative to
# its fd needs no search permission on the parent, an absolute one does.
os.makedirs(base + "/locked/open")
write(base + "/locked/open/f", "ff")
os.chmod(base + "/locked/open", 0o755)
os.chmod(base + "/locked", 0o700)
fl = opendir(base + "/locked/open")
look("as root, relative", "f", fl)
look("as root, absolute", base + "/locked/open/f", None)
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(1000)
    os.setuid(1000)
    look("as a user, relative to the fd", "f", fl)
    look("as a user, absolute", base + "/locked/open/f", None)
    os._exit(0)
os.waitpid(pid, 0)
os.chmod(base + "/locked", 0o755)
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(1000)
    os.setuid(1000)
    look("as a user once the parent opened, relative", "f", fl)
    look("as a user once the parent opened, absolute", base + "/locked/open/f", None)
    os._exit(0)
os.waitpid(pid, 0)
os.chmod(base + "/locked", 0o700)
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(1000)
    os.setuid(1000)
    look("as a user once the parent closed again, absolute", base + "/locked/open/f", None)
    os._exit(0)
os.waitpid(pid, 0)
os.close(fl)

# futimens on fds: what the sentry does itself must answer as Linux does.
def utime_fd(label, fd, times):
    try:
        os.utime(fd, times)
        s = os.fstat(fd)
        print(label + ":", "ok", int(s.st_mtime) if times else "now")
    except OSError as e:
        print(label + ":", errno.errorcode[e.errno])
    sys.stdout.flush()


t = base + "/times"
os.mkdir(t)
os.chmod(t, 0o777)
fw = os.open(t + "/mine", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
utime_fd("own file, given times", fw, (1000, 2000))
utime_fd("own file, now", fw, None)
fd_dir = opendir(t)
utime_fd("own directory", fd_dir, (1000, 4000))
os.close(fd_dir)
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(1000)
    os.setuid(1000)
    fr = os.open(t + "/mine", os.O_RDONLY)
    utime_fd("a file of another user, given times", fr, (1000, 5000))
    utime_fd("a file of another user, now", fr, None)
    os.close(fr)
    fu = os.open(t + "/users", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    utime_fd("the user'"'"'s own file", fu, (1000, 6000))
    os.close(fu)
    os._exit(0)
os.waitpid(pid, 0)
fu = os.open(t + "/users", os.O_RDONLY)
utime_fd("root on a user'"'"'s file", fu, (1000, 7000))
os.close(fu)
os.close(fw)
fd_old = os.open(t + "/mine", os.O_RDONLY)
os.unlink(t + "/mine")
utime_fd("an unlinked file", fd_old, (1000, 8000))
os.close(fd_old)
os.close(fd)
'
mkdir -m 0755 "$TMP/dirfd-native"
native=$(cd / && guest_env python3 -c "$dirfd_probe" "$TMP/dirfd-native" 2>&1)
out=$(runsc -- sh -c 'd=$(mktemp -d) && chmod 0755 "$d" && exec python3 -c "$1" "$d"' sh "$dirfd_probe" 2>&1)
if [ "$native" = "$out" ]; then
	ok "lookups relative to directory fds and futimens match Linux ($(printf '%s\n' "$out" | wc -l) cases)"
else
	not_ok "lookups relative to directory fds and futimens match Linux" \
		"$(printf '%s\n' "$native" >"$TMP/n.txt"; printf '%s\n' "$out" >"$TMP/s.txt"
		diff "$TMP/n.txt" "$TMP/s.txt" | head -40)"
fi
check_lacks "no lookup relative to a directory fd answered inconsistently" "inconsistent" "$out"

# What tar does: files created relative to a directory fd, their times set
# with futimens, then looked up by absolute paths. The sentry's counters say
# that neither the futimens nor the stat went to the gofer.
untar='import os
os.mkdir("/tmp/untar")
d = os.open("/tmp/untar", os.O_RDONLY | os.O_DIRECTORY)
os.mkdir("sub", dir_fd=d)
names = []
for i in range(40):
    fd = os.open("./sub/f%d" % i, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=d)
    os.utime(fd, (1000, 2000 + i))
    os.close(fd)
    names.append("/tmp/untar/sub/f%d" % i)
os.execvp("stat", ["stat", "-c", "%Y"] + names)'
out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --debug -- python3 -c "$untar" 2>&1 </dev/null)
check "futimens through fds and stat by path agree" "$(seq 2000 2039 | tr '\n' ' ')" \
	"$(printf '%s\n' "$out" | grep -E '^[0-9]+$' | tr '\n' ' ')"
check "... the futimens did not go to the gofer" "40 calls 0 gofer" \
	"$(printf '%s\n' "$out" | sed -n 's/.*counters: utimensat *\([0-9]*\) calls *\([0-9]*\) gofer.*/\1 calls \2 gofer/p')"
check "... nor did the stat" "40 calls 0 gofer" \
	"$(printf '%s\n' "$out" | sed -n 's/.*counters: statx *\([0-9]*\) calls *\([0-9]*\) gofer.*/\1 calls \2 gofer/p')"

# The files exec opened are kept while nothing in the view changes: running
# the same paths after chmod, fchmod, rename, a writer, symlink changes and
# removal gives Linux's answers (without volumes, paths through symlinks
# are kept too), and a loop of the same binary asks the gofer for neither
# the binary nor its interpreter again.
exec_probe=$(cat "$DATA/exec_again_probe.py")
scratch=$(mktemp -d "$TMP/exec.XXXXXX")
(cd / && guest_env python3 -c "$exec_probe" "$scratch") >"$TMP/exec-native.out" 2>&1
sandbox=$(runsc -- sh -c 'd=$(mktemp -d) && exec python3 -c "$1" "$d"' sh "$exec_probe" 2>&1)
check "exec after each change of the file, its mode, its writers, its names" \
	"$(cat "$TMP/exec-native.out")" "$sandbox"
sandbox=$(runsc --policy default -- sh -c 'd=$(mktemp -d) && exec python3 -c "$1" "$d"' sh \
	"$exec_probe" 2>&1)
check "... the same under a policy, where the files exec opened are kept too" \
	"$(cat "$TMP/exec-native.out")" "$sandbox"
outside() {
	timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --debug -- sh -c "$1" 2>&1 </dev/null |
		sed -n 's/.*gofer requests (\([0-9]*\) outside a call).*/\1/p'
}
once=$(outside '/bin/true')
check "ten runs of /bin/true: the gofer opens it and its interpreter once" "$once" \
	"$(outside 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done')"

# Files the exec cache drops when the view changes stay open for an exec
# of another process that is pending between its stop and the loader: two
# loops run /bin/true and /bin/false while a third writes a file, and each
# exec runs the binary it named.
racing='d=$(mktemp -d)
( i=0; while [ $i -lt 400 ]; do echo x >"$d/f"; i=$((i+1)); done ) &
loop() { n=0; i=0; while [ $i -lt 150 ]; do "$1"; [ $? = "$2" ] && n=$((n+1)); i=$((i+1)); done; echo $n; }
loop /bin/true 0 >"$d/a" & loop /bin/false 1 >"$d/b" & wait
cat "$d/a" "$d/b"; rm -rf "$d"'
check "exec of files the cache drops meanwhile runs the file named" "150 150" \
	"$(runsc -- sh -c "$racing" 2>&1 | tr '\n' ' ' | sed 's/ $//')"

done_testing
