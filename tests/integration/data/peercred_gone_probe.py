# SO_PEERCRED, SO_PEERGROUPS and SO_PEERPIDFD on an accepted unix socket
# once the connecting side is gone: Linux keeps what it took at the connect.
# A child as uid and gid 1000 (groups 1000 and 1001) connects by path and
# by abstract name, sends a byte and then (a) closes its socket and lives
# on, then exits and is reaped; (b) exits and is reaped before the listener
# accepts. Then socketpairs made as small gids name their maker.
# argv[1]: a scratch directory.
import errno
import os
import signal
import socket
import struct
import sys

SO_PEERPIDFD = 77
SO_PEERGROUPS = 59
top = os.path.realpath(sys.argv[1])
os.chmod(top, 0o755)
os.chdir(top)
os.umask(0)


def peer(s, child):
    pid, uid, gid = struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    try:
        g = s.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, 64)
        groups = struct.unpack("%di" % (len(g) // 4), g)
    except OSError as e:
        groups = errno.errorcode[e.errno]
    try:
        fd = struct.unpack("i", s.getsockopt(socket.SOL_SOCKET, SO_PEERPIDFD, 4))[0]
    except OSError as e:
        fd, pidfd = -1, errno.errorcode[e.errno]
    if fd >= 0:
        # A pidfd of a process that exited and was reaped signals no one.
        try:
            signal.pidfd_send_signal(fd, 0)
            pidfd = "a pidfd, the process is there"
        except OSError as e:
            pidfd = "a pidfd, signal 0: " + errno.errorcode[e.errno]
        os.close(fd)
    return "pid is the child's %s, uid %d, gid %d, groups %s, %s" % (
        pid == child, uid, gid, groups, pidfd)


def child(addr, kind, w, go):
    os.setgroups([1000, 1001])
    os.setresgid(1000, 1000, 1000)
    os.setresuid(1000, 1000, 1000)
    c = socket.socket(socket.AF_UNIX, kind)
    c.connect(addr)
    c.send(b"x")
    c.close()
    os.write(w, b"c")
    if go is not None:
        os.read(go, 1)  # lives on until the listener has asked
    os._exit(0)


for what, addr in (("path", "s"), ("abstract", "\0runsc-c-peer-gone-%d" % os.getpid())):
    for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET):
        name = "%s %s" % (what, "stream" if kind == socket.SOCK_STREAM else "seqpacket")
        srv = socket.socket(socket.AF_UNIX, kind)
        srv.bind(addr)
        srv.listen(4)
        # (a) accepted, then the child closes its socket, then it exits.
        r, w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            child(addr, kind, w, go_r)
        a, _ = srv.accept()
        os.read(r, 1)
        print("%s: closed: %s" % (name, peer(a, pid)))
        os.write(go_w, b"g")
        os.waitpid(pid, 0)
        print("%s: exited: %s" % (name, peer(a, pid)))
        a.close()
        # (b) the child exits before the listener accepts.
        pid = os.fork()
        if pid == 0:
            child(addr, kind, w, None)
        os.waitpid(pid, 0)
        a, _ = srv.accept()
        print("%s: gone before the accept: %s, data %s" % (name, peer(a, pid), a.recv(1)))
        a.close()
        for fd in (r, w, go_r, go_w):
            os.close(fd)
        srv.close()
        if what == "path":
            os.unlink(addr)

# A socketpair made by a process whose effective gid is a small number
# (as the sandbox's tags of its connects are) names that process.
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    for gid in (1, 2, 3):
        os.setresgid(gid, gid, gid)
        a, b = socket.socketpair()
        print("socketpair as gid %d: %s" % (gid, peer(a, os.getpid())))
        sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
