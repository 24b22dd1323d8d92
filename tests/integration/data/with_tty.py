# Runs argv[1:] with a new pseudo-terminal as its controlling terminal and
# stdin, stdout and stderr; prints what it wrote (without the terminal's
# carriage returns and NULs) and exits with its status.
import os
import sys

pid, master = os.forkpty()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
out = b""
while True:
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the child side is closed
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.replace(b"\r", b"").replace(b"\0", b"").decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
