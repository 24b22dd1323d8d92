# SPDX-License-Identifier: Apache-2.0
"""inotify's close events come with the close: a file created, written
and closed shows IN_CREATE, IN_MODIFY and IN_CLOSE_WRITE, read right
after the close without waiting, for each of several files in a row, and
a file opened for reading and closed shows IN_OPEN and IN_CLOSE_NOWRITE.
(In the sandbox the fd is the sentry's copy until it is installed; the
close that ends the file is then the guest's, and the sentry answers the
open only once the gofer has closed its own.) Then many more files in a
row: the count of files whose close event was not there right
after the close is 0."""
import ctypes
import os
import struct
import sys

IN_MODIFY, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN, IN_CREATE = 0x2, 0x8, 0x10, 0x20, 0x100
NAMES = {IN_MODIFY: "MODIFY", IN_CLOSE_WRITE: "CLOSE_WRITE", IN_CLOSE_NOWRITE: "CLOSE_NOWRITE",
         IN_OPEN: "OPEN", IN_CREATE: "CREATE"}
libc = ctypes.CDLL(None, use_errno=True)


def events(fd):
    try:
        data = os.read(fd, 4096)
    except BlockingIOError:
        return "none"
    out, off = [], 0
    while off < len(data):
        _, mask, _, length = struct.unpack_from("iIII", data, off)
        out.append("|".join(n for bit, n in NAMES.items() if mask & bit))
        off += 16 + length
    return " ".join(out)


d = sys.argv[1]
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0 or libc.inotify_add_watch(fd, d.encode(), sum(NAMES)) < 0:
    sys.exit("inotify: %s" % os.strerror(ctypes.get_errno()))
for i in range(5):
    w = os.open(os.path.join(d, "f%d" % i), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(w, b"x")
    os.close(w)
    print("write f%d:" % i, events(fd))
for i in range(3):
    r = os.open(os.path.join(d, "f%d" % i), os.O_RDONLY)
    os.close(r)
    print("read f%d:" % i, events(fd))

late = 0
for i in range(3000):
    w = os.open(os.path.join(d, "g%d" % i), os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(w)
    if "CLOSE_WRITE" not in events(fd):
        late += 1
print("files of 3000 whose close event came late:", late)
