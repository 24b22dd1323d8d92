# SO_PEERCRED of unix sockets connected by path and by abstract name, a
# listener as root and a child as uid and gid 1000 connecting: what the
# sandbox answers as Linux does. The accepting side's pid (both kinds) and
# ids (an abstract name) are known differences (README) and not printed.
# argv[1]: a scratch directory.
import os
import socket
import struct
import sys

top = os.path.realpath(sys.argv[1])
d = os.path.join(top, "pc")
os.mkdir(d)
os.chmod(d, 0o755)
# The child reaches the scratch directory by a name relative to it: the
# directories above may be root's alone.
os.chmod(top, 0o755)
os.umask(0)


def peercred(s):
    return struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))


for what, addr in (("path", "pc/s"),
                   ("abstract", "\0runsc-c-peercred-%d" % os.getpid())):
    os.chdir(top)
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(addr)
    srv.listen(4)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setresgid(1000, 1000, 1000)
        os.setresuid(1000, 1000, 1000)
        c = socket.socket(socket.AF_UNIX)
        c.connect(addr)
        cpid, uid, gid = peercred(c)
        os.write(w, b"pid is the listener's %s, uid %d, gid %d" % (
            str(cpid == os.getppid()).encode(), uid, gid))
        os._exit(0)
    a, _ = srv.accept()
    _, uid, gid = peercred(a)
    if what != "abstract":
        print("%s: accepting side: uid %d, gid %d" % (what, uid, gid))
    os.waitpid(pid, 0)
    print("%s: connecting side: %s" % (what, os.read(r, 128).decode()))
