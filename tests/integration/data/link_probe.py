# SPDX-License-Identifier: Apache-2.0
# link(2) and linkat(2) through /proc and /dev/fd: an O_TMPFILE file linked
# into place (AT_SYMLINK_FOLLOW), a deleted file, files of /proc itself,
# pipes, and names made in /proc. argv[1]: a scratch directory.
import ctypes, errno, os, sys, tempfile
libc = ctypes.CDLL(None, use_errno=True)
FOLLOW = 0x400
d = tempfile.mkdtemp(dir=sys.argv[1]); os.chdir(d)
def linkat(old, new, flags):
    r = libc.linkat(-100, old.encode(), -100, new.encode(), flags)
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
def tmpfile(extra=0):
    fd = os.open(".", os.O_TMPFILE | os.O_RDWR | extra, 0o640)
    os.write(fd, b"data")
    return fd
fd = tmpfile()
print("O_TMPFILE by /proc/self/fd, following:", linkat(f"/proc/self/fd/{fd}", "t1", FOLLOW))
print("  content:", open("t1").read(), oct(os.stat("t1").st_mode & 0o777), os.stat("t1").st_nlink)
print("  again, onto an existing name:", linkat(f"/proc/self/fd/{fd}", "t1", FOLLOW))
print("  a second name:", linkat(f"/proc/self/fd/{fd}", "t1b", FOLLOW), os.stat("t1").st_nlink)
fd2 = tmpfile()
print("O_TMPFILE by /proc/<pid>/fd:", linkat(f"/proc/{os.getpid()}/fd/{fd2}", "t2", FOLLOW))
fd3 = tmpfile()
print("O_TMPFILE by /dev/fd:", linkat(f"/dev/fd/{fd3}", "t3", FOLLOW))
fd4 = tmpfile()
print("O_TMPFILE without following:", linkat(f"/proc/self/fd/{fd4}", "t4", 0))
fd5 = tmpfile(os.O_EXCL)
print("O_TMPFILE|O_EXCL:", linkat(f"/proc/self/fd/{fd5}", "t5", FOLLOW))
open("gone", "w").close()
fd6 = os.open("gone", os.O_RDONLY); os.unlink("gone")
print("a deleted file:", linkat(f"/proc/self/fd/{fd6}", "t6", FOLLOW))
open("here", "w").close()
fd7 = os.open("here", os.O_RDONLY)
print("a linked file by its fd:", linkat(f"/proc/self/fd/{fd7}", "t7", FOLLOW), os.stat("here").st_nlink)
fd8 = os.open(".", os.O_PATH | os.O_DIRECTORY)
print("a directory by its fd:", linkat(f"/proc/self/fd/{fd8}", "t8", FOLLOW))
r, w = os.pipe()
print("a pipe:", linkat(f"/proc/self/fd/{r}", "t9", FOLLOW))
print("a file of /proc:", linkat("/proc/self/status", "t10", FOLLOW), linkat("/proc/self/status", "t10", 0))
print("a new name in /proc:", linkat("here", "/proc/self/here", 0), linkat("here", "/proc/here", 0))
print("an existing name in /proc:", linkat("here", "/proc/self/status", 0), linkat("here", "/proc/self/fd/0", 0))
print("a new name through /proc/self/cwd:", linkat("here", "/proc/self/cwd/t13", 0))
def symlink(new):
    try:
        os.symlink("target", new)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print("symlinks made in /proc:", symlink("/proc/self/x"), symlink("/proc/self/status"), symlink("/proc/self/cwd/s1"))
print("a missing fd:", linkat("/proc/self/fd/999", "t11", FOLLOW))
print("cwd link into the view:", linkat("/proc/self/cwd/here", "t12", FOLLOW))
print(sorted(os.listdir(".")))
