# getsockname(2) of a unix socket bound by a path with a directory in it,
# before and after 1024 more sockets are bound by path (and closed). The
# sandbox keeps the path as the guest spelled it for its last 1024 binds
# only (the syscall table's getsockname row); Linux always gives the whole
# path. argv[1]: a scratch directory; paths print relative to it.
import os
import socket
import sys

os.chdir(os.path.realpath(sys.argv[1]))
os.mkdir("d")
first = socket.socket(socket.AF_UNIX)
first.bind("d/first.sock")
first.listen(1)
print("bound:", first.getsockname())
for i in range(1024):
    s = socket.socket(socket.AF_UNIX)
    s.bind("d/other-%d.sock" % i)
    s.close()
print("after 1024 more binds:", first.getsockname())
c = socket.socket(socket.AF_UNIX)
c.connect("d/first.sock")
a, _ = first.accept()
print("a socket accept(2) made:", a.getsockname())
