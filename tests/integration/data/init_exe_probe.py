# /proc/<pid>/exe of pid 1 (the sandbox's init, a fork of runsc-c that no
# exec in the sandbox made) and of the probe itself: each names an
# executable regular file by an absolute path, and the link and its text
# lead to the same file.
import os
import stat

for label, who in (("pid 1", "1"), ("own pid", str(os.getpid())), ("self", "self")):
    link = "/proc/%s/exe" % who
    text = os.readlink(link)
    st = os.stat(link)
    named = os.stat(text)
    print("%s: absolute %s, regular %s, executable %s, same file %s" % (
        label,
        text.startswith("/"), stat.S_ISREG(st.st_mode), os.access(link, os.X_OK),
        (st.st_dev, st.st_ino) == (named.st_dev, named.st_ino)))
