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
import sys

sys.dont_write_bytecode = True  # the probe's directory may be read-only
from peercred_common import become_user_1000, listeners, peer_pidfd, peercred, peergroups  # noqa: E402

top = os.path.realpath(sys.argv[1])
os.chmod(top, 0o755)
os.chdir(top)
os.umask(0)


def peer(s, child):
    pid, uid, gid = peercred(s)
    groups = peergroups(s)
    fd = peer_pidfd(s)
    if fd < 0:
        pidfd = errno.errorcode[-fd]
    else:
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
    become_user_1000()
    c = socket.socket(socket.AF_UNIX, kind)
    c.connect(addr)
    c.send(b"x")
    c.close()
    os.write(w, b"c")
    if go is not None:
        os.read(go, 1)  # lives on until the listener has asked
    os._exit(0)


for name, addr, kind, srv in listeners("s", "peer-gone"):
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
