# idmap_userns.py CMD...: runs CMD as root of a new user namespace whose
# id map is the sandbox's (every id but -1 to the same host id), so that a
# native run answers what Linux gives the guest's root. Needs host root.
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
libc = ctypes.CDLL(None, use_errno=True)
if len(sys.argv) < 2:
    sys.exit("usage: idmap_userns.py CMD...")
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(ready_r)
    os.close(go_w)
    if libc.unshare(CLONE_NEWUSER) != 0:
        os._exit(125)
    os.write(ready_w, b"x")
    if os.read(go_r, 1) != b"x":
        os._exit(125)
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(ready_w)
os.close(go_r)
if os.read(ready_r, 1) == b"x":
    for name in ("uid_map", "gid_map"):
        with open("/proc/%d/%s" % (pid, name), "w") as f:
            f.write("0 0 4294967295\n")
    os.write(go_w, b"x")
os.close(go_w)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
