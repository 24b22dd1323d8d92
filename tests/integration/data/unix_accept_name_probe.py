# getsockname(2) and getpeername(2) of sockets accept(2) made from unix
# listeners bound by path (absolute, relative, in a directory, through
# ..), for stream and seqpacket sockets: the accepted socket's name is the
# listener's path as bound, its peer's the path the connecting socket was
# bound to (or none), also once that socket is closed. argv[1]: a
# directory (scratch, or a volume's); paths print relative to it.
import ctypes
import errno
import os
import socket
import sys

top = os.path.realpath(sys.argv[1])
os.chdir(top)
libc = ctypes.CDLL(None, use_errno=True)
os.mkdir("acc")
os.chdir("acc")
here = top + "/acc"


def name_of(call, fd):
    buf = ctypes.create_string_buffer(128)
    ln = ctypes.c_int(128)
    if call(fd, buf, ctypes.byref(ln)) < 0:
        return errno.errorcode[ctypes.get_errno()]
    raw = buf.raw[:ln.value]
    length = "TOP+%d" % (ln.value - len(top)) if top.encode() in raw else "%d" % ln.value
    return "len %s name %r" % (length, raw[2:].replace(top.encode(), b"TOP"))


cases = [("absolute", here + "/abs.sock"), ("relative", "rel.sock"),
         ("in a directory", "d/in.sock"), ("through ..", "d/../up.sock")]
os.mkdir("d")
for kind, kname in ((socket.SOCK_STREAM, "stream"), (socket.SOCK_SEQPACKET, "seqpacket")):
    for what, name in cases:
        name = name.replace(".sock", "-" + kname + ".sock")
        srv = socket.socket(socket.AF_UNIX, kind)
        srv.bind(name)
        srv.listen(4)
        for bound in (None, name + ".c"):
            c = socket.socket(socket.AF_UNIX, kind)
            if bound:
                c.bind(bound)
            c.connect(name)
            a, _ = srv.accept()
            label = "%s %s, client %s" % (kname, what, "bound" if bound else "unbound")
            print("%s: accepted name %s" % (label, name_of(libc.getsockname, a.fileno())))
            print("%s: accepted peer %s" % (label, name_of(libc.getpeername, a.fileno())))
            c.close()
            print("%s: peer once closed %s" % (label, name_of(libc.getpeername, a.fileno())))
            a.close()
