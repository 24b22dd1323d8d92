# Running the same paths again after they changed: each exec must see the
# file, the permissions and the writers as they are now (the sentry keeps
# the files exec opened until something in the view changes).
import os
import shutil
import subprocess
import sys

d = sys.argv[1]
prog = os.path.join(d, "prog")
link = os.path.join(d, "link")
script = os.path.join(d, "script")
interp = os.path.join(d, "interp")


def run(stage, path):
    try:
        rc = subprocess.run([path], stdin=subprocess.DEVNULL).returncode
        print(stage, "exit", rc, flush=True)
    except OSError as e:
        print(stage, os.strerror(e.errno), flush=True)


def replace(path, src):
    tmp = path + ".new"
    shutil.copy(src, tmp)
    os.rename(tmp, path)


shutil.copy("/bin/true", prog)
run("first", prog)
run("again", prog)
os.chmod(prog, 0o644)
run("chmod -x", prog)
os.chmod(prog, 0o755)
run("chmod +x", prog)
# Looked up again and again, the file is one the sentry's dentry cache
# keeps: an fchmod of it is then done by the sentry itself.
for _ in range(3):
    os.stat(prog)
fd = os.open(prog, os.O_RDONLY)
os.fchmod(fd, 0o600)
run("fchmod -x", prog)
os.fchmod(fd, 0o755)
os.close(fd)
run("fchmod +x", prog)
replace(prog, "/bin/false")
run("renamed over", prog)
run("renamed over, again", prog)
fd = os.open(prog, os.O_WRONLY | os.O_APPEND)
run("open for writing", prog)
os.close(fd)
run("closed", prog)
os.symlink(prog, link)
run("symlink", link)
replace(prog, "/bin/true")
run("symlink's target renamed over", link)
os.unlink(link)
os.symlink("/bin/false", link)
run("symlink replaced", link)
os.unlink(prog)
run("removed", prog)
shutil.copy("/bin/true", interp)
with open(script, "w") as f:
    f.write("#!" + interp + "\n")
os.chmod(script, 0o755)
run("script", script)
replace(interp, "/bin/false")
run("script's interpreter renamed over", script)
os.chmod(interp, 0o644)
run("script's interpreter chmod -x", script)
# /proc/self/exe names each caller's own binary: never one kept for another.
for argv in (["/bin/sh", "-c", "exec /proc/self/exe -c 'echo /proc/self/exe from sh: sh'"],
             ["/proc/self/exe", "-c", "print('/proc/self/exe from python: python')"],
             ["/bin/sh", "-c", "exec /proc/self/exe -c 'echo /proc/self/exe from sh again: sh'"]):
    subprocess.run(argv, stdin=subprocess.DEVNULL)
    sys.stdout.flush()
