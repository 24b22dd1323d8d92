# open("/proc/self/fd/N", O_DIRECTORY) of a device, a FIFO and a directory:
# ENOTDIR for the first two, and the directory's open keeps O_DIRECTORY.
import errno
import fcntl
import os

for name, fd in (("/dev/null", os.open("/dev/null", os.O_RDONLY)),
                 ("a FIFO", os.pipe()[0])):
    try:
        os.close(os.open("/proc/self/fd/%d" % fd, os.O_RDONLY | os.O_DIRECTORY | os.O_NONBLOCK))
        print(name, "opened")
    except OSError as e:
        print(name, errno.errorcode[e.errno])
d = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
r = os.open("/proc/self/fd/%d" % d, os.O_RDONLY | os.O_DIRECTORY)
print("a directory: F_GETFL has O_DIRECTORY", bool(fcntl.fcntl(r, fcntl.F_GETFL) & os.O_DIRECTORY))
