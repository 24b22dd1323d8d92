# chown and friends on files whose owner the sandbox's user namespace does
# not map (a volume's file owned by host uid 100000): Linux refuses the
# guest's root to give them away, and lets it keep them as they are.
# argv[1]: a directory holding "u" (owner 100000:100000, mode 0644).
import errno
import os
import sys

os.chdir(sys.argv[1])


def show(name, f):
    try:
        f()
        print(name, "ok")
    except OSError as e:
        print(name, errno.errorcode[e.errno])


show("stat: overflow ids", lambda: print(os.stat("u").st_uid, os.stat("u").st_gid, end=" "))
show("chown 0:0", lambda: os.chown("u", 0, 0))
show("chown -1:-1", lambda: os.chown("u", -1, -1))
show("chown -1:0", lambda: os.chown("u", -1, 0))
show("chmod 600", lambda: os.chmod("u", 0o600))
