# bind(2) of TCP sockets to ports below and above 1024, as the caller is:
# without CAP_NET_BIND_SERVICE the low ones are EACCES.
import errno
import socket


def bind(family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.bind(addr)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
    finally:
        s.close()


for family, addr in [(socket.AF_INET, ("127.0.0.1", 1023)), (socket.AF_INET, ("0.0.0.0", 80)),
                     (socket.AF_INET, ("127.0.0.1", 0)), (socket.AF_INET6, ("::1", 1023)),
                     (socket.AF_INET6, ("::1", 0))]:
    print(addr, bind(family, addr))
