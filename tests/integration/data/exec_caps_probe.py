# Capabilities across exec: a root thread that dropped its effective
# capabilities gets them back when it execs (no_new_privs does not stop
# that), and one that never dropped them keeps them. What the effective
# set decides before and after each exec (binding a port below 1024 needs
# CAP_NET_BIND_SERVICE) must be what the kernel decides.
import ctypes
import os
import socket
import sys

LINUX_CAPABILITY_VERSION_3 = 0x20080522


class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


libc = ctypes.CDLL(None, use_errno=True)


def drop_effective():
    hdr = Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    if libc.capget(ctypes.byref(hdr), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    for d in data:
        d.effective = 0
    if libc.capset(ctypes.byref(hdr), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def report(stage, path):
    readable = os.access(path, os.R_OK)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", 987))
            bound = "bound"
        except OSError as e:
            bound = os.strerror(e.errno)
    print(stage, "access:", readable, "port 987:", bound, flush=True)


if len(sys.argv) > 2:
    report(sys.argv[1], sys.argv[2])
    if sys.argv[1] == "after-drop":
        os.execv(sys.executable, [sys.executable, __file__, "after-exec", sys.argv[2]])
    sys.exit(0)

path = os.path.join(sys.argv[1], "locked")
with open(path, "w") as f:
    f.write("secret\n")
os.chmod(path, 0)
report("before", path)
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, __file__, "kept", path])
os.waitpid(pid, 0)
drop_effective()
report("dropped", path)
os.execv(sys.executable, [sys.executable, __file__, "after-drop", path])
