# fcntl(F_CREATED_QUERY): 1 on an fd whose open created its file, 0
# otherwise; EINVAL on kernels older than 6.12. The native answer is the
# expected one. argv[1]: a scratch directory.
import errno
import fcntl
import os
import sys

F_CREATED_QUERY = 1028
os.chdir(sys.argv[1])


def show(name, fd, arg=0):
    try:
        print(name, fcntl.fcntl(fd, F_CREATED_QUERY, arg))
    except OSError as e:
        print(name, errno.errorcode[e.errno])
    os.close(fd)


show("O_CREAT, new file", os.open("a", os.O_CREAT | os.O_RDWR, 0o600))
show("O_CREAT, existing file", os.open("a", os.O_CREAT | os.O_RDWR, 0o600))
show("O_CREAT|O_EXCL", os.open("b", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
show("no O_CREAT", os.open("b", os.O_RDONLY))
show("an argument", os.open("c", os.O_CREAT | os.O_RDWR, 0o600), 1)
show("O_TMPFILE", os.open(".", os.O_TMPFILE | os.O_RDWR, 0o600))
show("a directory", os.open(".", os.O_RDONLY | os.O_DIRECTORY))
show("O_PATH", os.open("a", os.O_PATH))
r, w = os.pipe()
os.close(w)
show("a pipe", r)
