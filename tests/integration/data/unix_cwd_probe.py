# Relative names of unix sockets (bind, connect, sendto) and of
# inotify_add_watch resolve from the caller's working directory, as
# Linux's do: a user whose working directory lies below a directory it may
# not search (entered while it was root) binds, connects and watches by
# relative names there, while the absolute path is refused (LTP's
# connect03). argv[1]: a scratch directory, run as root.
import ctypes
import errno
import os
import socket
import sys

top = os.path.realpath(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
NOBODY = 65534


def err(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def attempt(what, fn):
    try:
        r = fn()
        print("%s: ok%s" % (what, "" if r is None else " " + repr(r)))
    except OSError as e:
        print("%s: %s" % (what, err(e)))


# top/secret: only root may search it; top/secret/work: nobody's own.
secret = os.path.join(top, "secret")
work = os.path.join(secret, "work")
os.mkdir(secret, 0o700)
os.mkdir(work, 0o755)
os.mkdir(os.path.join(work, "sub"), 0o755)
os.chown(work, NOBODY, NOBODY)
os.chown(os.path.join(work, "sub"), NOBODY, NOBODY)
os.chdir(work)

pid = os.fork()
if pid == 0:
    try:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
        for kind, kname in ((socket.SOCK_STREAM, "stream"), (socket.SOCK_SEQPACKET, "seqpacket")):
            srv = socket.socket(socket.AF_UNIX, kind)
            name = kname + ".sock"
            attempt("bind %s relative" % kname, lambda: srv.bind(name))
            attempt("  getsockname", srv.getsockname)
            srv.listen(4)
            c = socket.socket(socket.AF_UNIX, kind)
            attempt("  connect relative", lambda: c.connect(name))
            attempt("  getpeername", c.getpeername)
            a, addr = srv.accept()
            print("  accepted from", repr(addr))
            c2 = socket.socket(socket.AF_UNIX, kind)
            attempt("  connect by the absolute path", lambda: c2.connect(os.path.join(work, name)))
            c3 = socket.socket(socket.AF_UNIX, kind)
            attempt("  connect through ./", lambda: c3.connect("./" + name))
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        attempt("bind in a subdirectory", lambda: srv.bind("sub/x.sock"))
        attempt("  getsockname", srv.getsockname)
        srv2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        attempt("bind through .. into the unsearchable directory",
                lambda: srv2.bind("../up.sock"))
        srv3 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        attempt("bind by the absolute path", lambda: srv3.bind(os.path.join(work, "abs.sock")))
        srv4 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        attempt("bind a name taken", lambda: srv4.bind("stream.sock"))
        rcv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        attempt("bind datagram relative", lambda: rcv.bind("sub/rcv.sock"))
        snd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        attempt("sendto relative", lambda: snd.sendto(b"hello", "sub/rcv.sock"))
        attempt("  received", lambda: rcv.recv(16))
        attempt("sendto by the absolute path",
                lambda: snd.sendto(b"x", os.path.join(work, "sub/rcv.sock")))
        attempt("sendto a missing relative name", lambda: snd.sendto(b"x", "missing.sock"))
        ifd = libc.inotify_init1(os.O_CLOEXEC)
        wd = libc.inotify_add_watch(ifd, b"sub", 0x100)  # IN_CREATE
        print("inotify_add_watch relative:", "ok" if wd >= 0 else errno.errorcode[ctypes.get_errno()])
        wd = libc.inotify_add_watch(ifd, os.path.join(work, "sub").encode(), 0x100)
        print("inotify_add_watch by the absolute path:",
              "ok" if wd >= 0 else errno.errorcode[ctypes.get_errno()])
        sys.stdout.flush()
        os._exit(0)
    except BaseException as e:
        print("child failed:", repr(e), flush=True)
        os._exit(1)
_, status = os.waitpid(pid, 0)
print("child status:", os.waitstatus_to_exitcode(status))
