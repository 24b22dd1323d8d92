# SPDX-License-Identifier: Apache-2.0
"""The working directory of forked children and unshared threads: a child's
chdir leaves its parent's cwd alone and the other way round, a grandchild
keeps using a cwd its exited parent had, and a thread that unshared its
fs_struct changes only its own. Prints what it saw; run natively and under
runsc-c, the outputs must match (process.sh)."""
import ctypes, os, sys, threading, time
def out(*a):
    print(*a); sys.stdout.flush()
os.chdir("/usr")
pid = os.fork()
if pid == 0:
    os.chdir("lib")
    out("child", os.getcwd(), os.path.isdir("x86_64-linux-gnu"))
    os._exit(0)
os.waitpid(pid, 0)
out("parent after its child's chdir", os.getcwd(), os.path.isdir("bin"))
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.read(r, 1)
    out("child after its parent's chdir", os.getcwd(), os.path.isdir("share"))
    os._exit(0)
os.chdir("/")
os.write(w, b"x")
os.waitpid(pid, 0)
out("parent", os.getcwd(), os.path.isdir("usr"))
pid = os.fork()
if pid == 0:
    os.chdir("/usr")
    me = os.getpid()
    if os.fork() == 0:
        for _ in range(500):
            if os.getppid() != me:
                break
            time.sleep(0.01)
        out("grandchild after its parent's exit", os.getcwd(), "bin" in os.listdir("."))
        os._exit(0)
    os._exit(0)
os.waitpid(pid, 0)
time.sleep(0.5)
libc = ctypes.CDLL(None, use_errno=True)
def split():
    out("unshare(CLONE_FS)", libc.unshare(0x200))
    os.chdir("/usr/lib")
    out("thread", os.getcwd())
t = threading.Thread(target=split)
t.start(); t.join()
out("main thread", os.getcwd(), os.path.isdir("usr"))
