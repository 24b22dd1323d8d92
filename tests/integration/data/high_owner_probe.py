# chown, chmod and opens of a volume's files owned by a high host id
# (100000): the sandbox's user namespace maps every id, so its root acts on
# them as the host's root does.
# argv[1]: a directory holding "u" (owner 100000:100000, mode 0644), "g"
# (100000:0, 0660), "o" (100000:100000, 0606), "n" (100000:100000, 0600).
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


show("stat", lambda: print(os.stat("u").st_uid, os.stat("u").st_gid, end=" "))
show("chown 0:0", lambda: os.chown("u", 0, 0))
show("chown -1:-1", lambda: os.chown("u", -1, -1))
show("chown -1:0", lambda: os.chown("u", -1, 0))
show("chmod 600", lambda: os.chmod("u", 0o600))
show("open for reading", lambda: os.close(os.open("u", os.O_RDONLY)))
show("open for writing", lambda: os.close(os.open("u", os.O_WRONLY)))
show("open for writing, truncating", lambda: os.close(os.open("u", os.O_WRONLY | os.O_TRUNC)))
show("open O_CREAT of it", lambda: os.close(os.open("u", os.O_RDWR | os.O_CREAT, 0o600)))
show("size kept", lambda: print(os.stat("u").st_size, end=" "))
show("open the group-writable one for writing",
     lambda: os.close(os.open("g", os.O_WRONLY | os.O_TRUNC)))
show("its size after O_TRUNC", lambda: print(os.stat("g").st_size, end=" "))
show("open the other-writable one for writing", lambda: os.close(os.open("o", os.O_RDWR)))
show("open the unreadable one for reading", lambda: os.close(os.open("n", os.O_RDONLY)))
# Through a symlink the guest's root owns, and by O_CREAT|O_TRUNC.
os.symlink(os.path.join(sys.argv[1], "u"), "/tmp/to-u") if not os.path.lexists("/tmp/to-u") else None
show("O_TRUNC through a symlink", lambda: os.close(os.open("/tmp/to-u", os.O_WRONLY | os.O_TRUNC)))
show("O_CREAT|O_TRUNC of it", lambda: os.close(os.open("u", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)))
show("size still kept", lambda: print(os.stat("u").st_size, end=" "))
os.unlink("/tmp/to-u")
