# SO_PEERCRED, SO_PEERGROUPS and SO_PEERPIDFD of unix sockets connected by path and by
# abstract name, a listener as root and a child as uid and gid 1000 (groups
# 1000 and 1001) connecting: both sides read the other's pid and ids, the
# accepting side its groups and a pidfd of the child (while the connecting socket is open: README). A
# socketpair's ends read their maker. argv[1]: a scratch directory.
import ctypes
import errno
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True  # the probe's directory may be read-only
from peercred_common import become_user_1000, listeners, peer_pidfd, peercred, peergroups  # noqa: E402

top = os.path.realpath(sys.argv[1])
d = os.path.join(top, "pc")
os.mkdir(d)
os.chmod(d, 0o755)
# The child reaches the scratch directory by a name relative to it: the
# directories above may be root's alone.
os.chmod(top, 0o755)
os.umask(0)


libc = ctypes.CDLL(None, use_errno=True)


def peercred_raw(s, level_high=1 << 32, opt_high=0):
    # getsockopt(2) with bits above an int's in the level's or the option's
    # register: the kernel reads SOL_SOCKET and SO_PEERCRED all the same.
    buf = ctypes.create_string_buffer(12)
    n = ctypes.c_int(12)
    if libc.syscall(ctypes.c_long(55), ctypes.c_long(s.fileno()),
                    ctypes.c_long(level_high | socket.SOL_SOCKET),
                    ctypes.c_long(opt_high | socket.SO_PEERCRED), buf, ctypes.byref(n)) < 0:
        return errno.errorcode[ctypes.get_errno()]
    return struct.unpack("3i", buf.raw)


os.chdir(top)
for name, addr, kind, srv in listeners("pc/s", "peercred"):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        become_user_1000()
        c = socket.socket(socket.AF_UNIX, kind)
        c.connect(addr)
        cpid, uid, gid = peercred(c)
        os.write(w, b"pid is the listener's %s, uid %d, gid %d" % (
            str(cpid == os.getppid()).encode(), uid, gid))
        c.recv(1)  # open until the listener has asked
        os._exit(0)
    a, _ = srv.accept()
    apid, uid, gid = peercred(a)
    print("%s: accepting side: pid is the child's %s, uid %d, gid %d" % (
        name, apid == pid, uid, gid))
    print("%s: accepting side, the level with high bits: the same %s" % (
        name, peercred_raw(a) == (apid, uid, gid)))
    print("%s: accepting side, the option with high bits: the same %s" % (
        name, peercred_raw(a, 0, 1 << 32) == (apid, uid, gid)))
    print("%s: accepting side: groups %s, in 4 bytes %s" % (
        name, peergroups(a), peergroups(a, 4)))
    pidfd = peer_pidfd(a)
    print("%s: accepting side: a pidfd: %s" % (name, pidfd >= 0))
    a.send(b"x")
    if pidfd >= 0:
        # The pidfd names the child: waiting on it reaps the child.
        info = os.waitid(os.P_PIDFD, pidfd, os.WEXITED)
        print("%s: the pidfd waits for the child: %s" % (name, info.si_pid == pid))
        os.close(pidfd)
    else:
        os.waitpid(pid, 0)
    print("%s: connecting side: %s" % (name, os.read(r, 128).decode()))
    a.close()
    os.close(r)
    os.close(w)

a, b = socket.socketpair()
spid, uid, gid = peercred(a)
print("socketpair: pid is mine %s, uid %d, gid %d" % (spid == os.getpid(), uid, gid))
pidfd = peer_pidfd(b)
print("socketpair: a pidfd: %s, groups %s" % (pidfd >= 0, peergroups(b)))
d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
print("datagram socketpair:", peercred(d1)[0] == os.getpid(), peer_pidfd(d1) >= 0)
u = socket.socket(socket.AF_UNIX)
print("unconnected:", peercred(u), errno.errorcode.get(-peer_pidfd(u), "fd"), peergroups(u))
