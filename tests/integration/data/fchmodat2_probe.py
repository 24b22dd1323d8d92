# fchmodat2(2) (syscall 452) through ctypes, on files made in a scratch
# directory (argv[1]): each case prints the call's result or errno and the
# modes it left behind. Linux answers EOPNOTSUPP for the mode of a symlink
# itself, EINVAL for unknown flags.
import ctypes
import errno
import os
import stat
import sys

NR_FCHMODAT2 = 452
AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
AT_REMOVEDIR = 0x200
AT_EMPTY_PATH = 0x1000

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def fchmodat2(dirfd, path, mode, flags):
    if isinstance(path, str):
        path = ctypes.c_char_p(path.encode())
    elif isinstance(path, int):
        path = ctypes.c_void_p(path)
    r = libc.syscall(ctypes.c_long(NR_FCHMODAT2), ctypes.c_long(dirfd), path,
                     ctypes.c_long(mode), ctypes.c_long(flags))
    if r < 0:
        return errno.errorcode[ctypes.get_errno()]
    return str(r)


def mode(path, follow=True):
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError as e:
        return errno.errorcode[e.errno]
    return oct(stat.S_IMODE(st.st_mode))


d = os.path.join(sys.argv[1], "fchmodat2")
os.mkdir(d)
os.chdir(d)
with open("file", "w") as f:
    f.write("x")
os.chmod("file", 0o644)
os.mkdir("dir")
os.symlink("file", "link")
os.symlink("missing", "dangling")
os.symlink("dir", "dirlink")


def case(name, *args):
    print(f"{name}: {fchmodat2(*args)}; file {mode('file')}, dir {mode('dir')}, "
          f"link {mode('link', False)}")


case("file", AT_FDCWD, "file", 0o640, 0)
case("file, AT_SYMLINK_NOFOLLOW", AT_FDCWD, "file", 0o600, AT_SYMLINK_NOFOLLOW)
case("symlink followed", AT_FDCWD, "link", 0o604, 0)
case("symlink itself", AT_FDCWD, "link", 0o600, AT_SYMLINK_NOFOLLOW)
case("dangling symlink followed", AT_FDCWD, "dangling", 0o600, 0)
case("dangling symlink itself", AT_FDCWD, "dangling", 0o600, AT_SYMLINK_NOFOLLOW)
case("symlink to a directory itself", AT_FDCWD, "dirlink", 0o700, AT_SYMLINK_NOFOLLOW)
case("directory", AT_FDCWD, "dir", 0o750, 0)
case("directory through its symlink", AT_FDCWD, "dirlink/", 0o755, AT_SYMLINK_NOFOLLOW)
case("unknown flag", AT_FDCWD, "file", 0o600, 0x1)
case("AT_REMOVEDIR", AT_FDCWD, "file", 0o600, AT_REMOVEDIR)
case("unknown flag on a missing file", AT_FDCWD, "missing", 0o600, 0x4)
case("missing file", AT_FDCWD, "missing", 0o600, 0)
case("through a file", AT_FDCWD, "file/x", 0o600, 0)
case("empty path", AT_FDCWD, "", 0o600, 0)
case("bad path address", AT_FDCWD, 1, 0o600, 0)
case("mode's type bits ignored", AT_FDCWD, "file", 0o100644, 0)

dirfd = os.open("dir", os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("dir/inner", os.O_CREAT | os.O_WRONLY, 0o644))
print("relative to a dirfd:", fchmodat2(dirfd, "inner", 0o611, 0), mode("dir/inner"))
print("AT_EMPTY_PATH on the dirfd:", fchmodat2(dirfd, "", 0o751, AT_EMPTY_PATH), mode("dir"))
os.close(dirfd)
fd = os.open("file", os.O_RDONLY)
print("AT_EMPTY_PATH on a file's fd:", fchmodat2(fd, "", 0o660, AT_EMPTY_PATH), mode("file"))
print("AT_EMPTY_PATH with a path:", fchmodat2(fd, "x", 0o660, AT_EMPTY_PATH))
os.close(fd)
print("AT_EMPTY_PATH on a closed fd:", fchmodat2(999, "", 0o660, AT_EMPTY_PATH))
print("relative to a file's fd:", fchmodat2(0, "x", 0o660, 0))
print("AT_EMPTY_PATH, AT_FDCWD:", fchmodat2(AT_FDCWD, "", 0o700, AT_EMPTY_PATH), mode("."))
os.chmod(".", 0o755)

# Python's own chmod without following: glibc's fchmodat(AT_SYMLINK_NOFOLLOW).
os.chmod("file", 0o600, follow_symlinks=False)
print("os.chmod(follow_symlinks=False) of a file:", mode("file"))
