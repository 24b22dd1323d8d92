# SPDX-License-Identifier: Apache-2.0
"""Read-only opens of names the dentry cache keeps (tests/integration/dcache_open.sh).

Each open is made three times (the later ones are served from the object
the cache keeps) after each change a cached entry must see: what it opened
(content or listing), its flags and close-on-exec bit, or the errno. Run
natively and in the sandbox; the outputs must be the same. argv[1]: an
empty directory to work in; argv[2]: a file with a POSIX ACL that denies
uid 1000 (made by the test on the host), or "-".
"""
import errno
import fcntl
import os
import stat
import sys

base = sys.argv[1]
acl_file = sys.argv[2]


def what(fd):
    s = os.fstat(fd)
    if stat.S_ISDIR(s.st_mode):
        return "dir:" + ",".join(sorted(os.listdir(fd)))
    return "file:" + os.read(fd, 64).decode()


def once(p, flags, dir_fd):
    try:
        fd = os.open(p, os.O_RDONLY | flags, dir_fd=dir_fd)
    except OSError as e:
        return errno.errorcode[e.errno]
    try:
        fl = fcntl.fcntl(fd, fcntl.F_GETFL)
        cloexec = fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
        return "%s flags=%o cloexec=%d" % (what(fd), fl, cloexec)
    finally:
        os.close(fd)


def look(label, p, flags=0, dir_fd=None):
    """Opens p three times; a stat before makes the cache keep it."""
    try:
        os.stat(p, dir_fd=dir_fd, follow_symlinks=not flags & os.O_NOFOLLOW)
        os.stat(p, dir_fd=dir_fd, follow_symlinks=not flags & os.O_NOFOLLOW)
    except OSError:
        pass
    got = [once(p, flags, dir_fd) for _ in range(3)]
    print(label + ":", got[0] if len(set(got)) == 1 else "inconsistent " + " | ".join(got))
    sys.stdout.flush()


def write(p, data):
    with open(p, "w") as f:
        f.write(data)


def as_user(fn):
    pid = os.fork()
    if pid == 0:
        os.setgroups([])
        os.setgid(1000)
        os.setuid(1000)
        fn()
        os._exit(0)
    os.waitpid(pid, 0)


os.chmod(base, 0o755)
f = base + "/f"
write(f, "one")
look("a file", f)
look("a file, O_NONBLOCK", f, os.O_NONBLOCK)
look("a file, O_NOFOLLOW", f, os.O_NOFOLLOW)
look("a file, O_DIRECTORY", f, os.O_DIRECTORY)
look("a file, O_NOCTTY", f, os.O_NOCTTY)

d = base + "/d"
os.mkdir(d)
write(d + "/x", "ex")
look("a directory", d, os.O_DIRECTORY)
look("a directory without O_DIRECTORY", d)
look("a directory, O_NOFOLLOW", d, os.O_DIRECTORY | os.O_NOFOLLOW)
look("a file in it", d + "/x")
look("a file, trailing slash", d + "/x/")

# names replaced under a cached entry
write(base + "/g", "gee")
os.rename(base + "/g", f)
look("a file renamed over the cached one", f)
os.unlink(f)
look("the cached file unlinked", f)
write(f, "again")
look("made again", f)

# symlinks swapped under a cached entry
os.symlink("f", base + "/l")
look("a symlink followed", base + "/l")
look("a symlink, O_NOFOLLOW", base + "/l", os.O_NOFOLLOW)
write(base + "/h", "aitch")
os.symlink("h", base + "/l2")
os.rename(base + "/l2", base + "/l")
look("the symlink swapped for one to another file", base + "/l")
os.unlink(base + "/l")
os.symlink("d", base + "/l")
look("the symlink swapped for one to a directory", base + "/l", os.O_DIRECTORY)
look("... a file through it", base + "/l/x")

# a directory renamed while its entries are cached
os.rename(d, base + "/e")
look("the old directory's file after the rename", d + "/x")
look("the new directory's file", base + "/e/x")
os.mkdir(d)
write(d + "/x", "new ex")
look("a new directory in the old place", d + "/x")

# relative to a directory fd, also with ".." out of it
dfd = os.open(base + "/e", os.O_RDONLY | os.O_DIRECTORY)
look("relative to a directory fd", "x", 0, dfd)
look("'..' out of the directory fd", "../f", 0, dfd)
write(base + "/f2", "two")
os.rename(base + "/f2", f)
look("'..' out of the directory fd after a rename over the file", "../f", 0, dfd)
os.rename(base + "/e", base + "/e2")
look("relative to the directory fd after its rename", "x", 0, dfd)
look("'..' out of it after its rename", "../f", 0, dfd)
os.close(dfd)

# a negative entry, then the name made by another process
look("a missing name", base + "/later")
pid = os.fork()
if pid == 0:
    write(base + "/later", "made by a child")
    os._exit(0)
os.waitpid(pid, 0)
look("the name once another process made it", base + "/later")

# permissions: the mode decides for every open, cached or not
p = base + "/private"
write(p, "secret")
os.chmod(p, 0o600)
look("root, a file of mode 600", p)
as_user(lambda: look("uid 1000, a file of mode 600", p))
os.chmod(p, 0o644)
as_user(lambda: look("uid 1000, after chmod 644", p))
os.chmod(p, 0o000)
as_user(lambda: look("uid 1000, after chmod 000", p))
look("root, after chmod 000", p)
os.chown(p, 1000, 1000)
os.chmod(p, 0o400)
as_user(lambda: look("uid 1000, its own file of mode 400", p))
os.chmod(p, 0o040)
as_user(lambda: look("uid 1000, its own file of mode 040", p))
q = base + "/closed"
os.mkdir(q)
write(q + "/in", "inside")
os.chmod(q, 0o711)
as_user(lambda: look("uid 1000, a directory of mode 711", q, os.O_DIRECTORY))
as_user(lambda: look("uid 1000, a file in it", q + "/in"))
os.chmod(q, 0o700)
as_user(lambda: look("uid 1000, after chmod 700 of the directory", q + "/in"))
if acl_file != "-":
    look("root, a file whose ACL denies uid 1000", acl_file)
    as_user(lambda: look("uid 1000, a file whose ACL denies it", acl_file))
