# SPDX-License-Identifier: Apache-2.0
"""/proc/self/pagemap as Linux shows it to a reader without CAP_SYS_ADMIN
in the host's user namespace (natively: run with it dropped from the
bounding set): an anonymous mapping of 16 pages of which every other one
was touched shows those present and exclusive and the others not
present; a page of a private file mapping that was read shows present
and file-backed; frame numbers read as zero; an address no mapping
covers reads as a zero entry; pread at an entry's offset works, and at
an offset past the user address space reads nothing."""
import ctypes
import mmap
import os
import sys

PAGE = mmap.PAGESIZE


def entry(fd, addr):
    data = os.pread(fd, 8, addr // PAGE * 8)
    return int.from_bytes(data, "little") if len(data) == 8 else None


def describe(e, bits=((63, "present"), (62, "swapped"), (61, "file"), (56, "exclusive"))):
    if e is None:
        return "none"
    return ",".join(name for bit, name in bits if e >> bit & 1) or "-"


def addr_of(m):
    return ctypes.addressof(ctypes.c_char.from_buffer(m))


anon = mmap.mmap(-1, 16 * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
for i in range(0, 16, 2):
    anon[i * PAGE] = 1
base = addr_of(anon)
f = open(sys.executable, "rb")
fmap = mmap.mmap(f.fileno(), PAGE, access=mmap.ACCESS_COPY)
fmap[0]
faddr = addr_of(fmap)
# A hole: unmapped after being mapped, so nothing else lies there.
hole = mmap.mmap(-1, PAGE)
haddr = addr_of(hole)
hole.close()

fd = os.open("/proc/self/pagemap", os.O_RDONLY)
print("anon", " ".join(describe(entry(fd, base + i * PAGE)) for i in range(16)))
print("file page", describe(entry(fd, faddr), ((63, "present"), (61, "file"))))
print("unmapped", describe(entry(fd, haddr)))
frames = [entry(fd, base + i * PAGE) & ((1 << 55) - 1) for i in range(0, 16, 2)]
print("frame numbers", "set" if any(frames) else "zero")
print("past the address space", len(os.pread(fd, 8, 1 << 60)))
os.close(fd)
