# A blocking connect that must wait (a full listen backlog) holds only its
# own thread: another thread's calls go on, and the connect completes when
# the listener accepts. Prints one line per step; the same natively and in
# the sandbox.
import errno, os, select, signal, socket, struct, sys, tempfile, threading, time

sys.dont_write_bytecode = True  # the probe's directory may be read-only
from abstract_names import abstract  # noqa: E402

def full_listener(family, addr):
    srv = socket.socket(family)
    srv.bind(addr)
    srv.listen(0)
    # (the path itself for a unix path: getsockname shows only its last
    # component in the sandbox, see the README's known differences)
    name = addr if isinstance(addr, str) and not addr.startswith("\0") else srv.getsockname()
    fill = []
    for _ in range(8):  # more than any backlog rounding
        s = socket.socket(family)
        s.setblocking(False)
        try:
            s.connect(name)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            break
        fill.append(s)
    return srv, name, fill

def run(label, family, addr):
    srv, name, fill = full_listener(family, addr)
    result = []
    def blocker():
        s = socket.socket(family)
        try:
            s.connect(name)
            result.append("connected")
        except OSError as e:
            result.append("error %s" % e.errno)
    t = threading.Thread(target=blocker)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    os.stat("/")
    stalled = time.monotonic() - t0 > 1.0
    print(label, "other thread", "stalled" if stalled else "runs", "while connect waits:",
          "yes" if t.is_alive() else "no")
    # Drain the backlog: every pending connection is accepted, then the blocker's.
    deadline = time.monotonic() + 20
    while t.is_alive() and time.monotonic() < deadline:
        r, _, _ = select.select([srv], [], [], 0.1)
        if r:
            srv.accept()
    t.join(5)
    print(label, "blocking connect:", result[0] if result else "still waiting")

run("tcp", socket.AF_INET, ("127.0.0.1", 0))
run("unix", socket.AF_UNIX, abstract("connect-wait"))
sock_dir = tempfile.mkdtemp()
run("unix path", socket.AF_UNIX, os.path.join(sock_dir, "wait.sock"))

# A signal ends a waiting connect: the handler runs while the call waits
# (its exception ends the call), and the connection is still in progress
# afterwards (EALREADY on a second connect, as Linux says).
class Alarm(Exception):
    pass

def on_alarm(signum, frame):
    raise Alarm()

signal.signal(signal.SIGALRM, on_alarm)
srv, name, fill = full_listener(socket.AF_INET, ("127.0.0.1", 0))
s = socket.socket()
signal.setitimer(signal.ITIMER_REAL, 0.3)
try:
    s.connect(name)
    print("signal: connected before the alarm")
except Alarm:
    print("signal: the alarm ended the waiting connect")
signal.setitimer(signal.ITIMER_REAL, 0)
s.setblocking(False)
try:
    s.connect(name)
    print("signal: second connect succeeded")
except OSError as e:
    print("signal: second connect:", errno.errorcode.get(e.errno, e.errno))

# SO_SNDTIMEO bounds a waiting connect: EINPROGRESS for TCP, EAGAIN for a
# unix socket, once the timeout has passed (not before).
for label, family, addr in (("tcp", socket.AF_INET, ("127.0.0.1", 0)),
                            ("unix", socket.AF_UNIX, abstract("connect-timeo")),
                            ("unix path", socket.AF_UNIX, os.path.join(sock_dir, "timeo.sock"))):
    srv, name, fill = full_listener(family, addr)
    s = socket.socket(family)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 300000))
    t0 = time.monotonic()
    try:
        s.connect(name)
        print("timeout", label, "connected")
    except OSError as e:
        waited = time.monotonic() - t0
        print("timeout", label, errno.errorcode.get(e.errno, e.errno),
              "after the timeout" if 0.25 <= waited < 5 else "after %.2f s" % waited)

# A signal ends a waiting connect that has an SO_SNDTIMEO with EINTR, even
# under SA_RESTART (Linux restarts only a wait without a timeout): the call
# made through libc, so that Python does not retry it.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
signal.signal(signal.SIGALRM, lambda signum, frame: None)
signal.siginterrupt(signal.SIGALRM, False)
srv, name, fill = full_listener(socket.AF_INET, ("127.0.0.1", 0))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 20, 0))
sin = (struct.pack("=H", socket.AF_INET) + struct.pack("!H", name[1]) +
       socket.inet_aton(name[0]) + bytes(8))
signal.setitimer(signal.ITIMER_REAL, 0.3)
t0 = time.monotonic()
r = libc.connect(s.fileno(), sin, len(sin))
e = ctypes.get_errno()
signal.setitimer(signal.ITIMER_REAL, 0)
print("timeout signal:", r, errno.errorcode.get(e, e) if r < 0 else "",
      "before the timeout" if time.monotonic() - t0 < 10 else "after the timeout")

# Settled connects leave the socket as Linux does: connected (EISCONN on a
# second connect), or unconnected after a refusal (ECONNREFUSED again).
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
s = socket.socket()
s.connect(srv.getsockname())
try:
    s.connect(srv.getsockname())
    print("second connect: ok")
except OSError as e:
    print("second connect:", errno.errorcode.get(e.errno, e.errno))
# The port stays bound (never listening): no other program on the machine
# can take it between the two connects, as it could a port closed again.
closed = socket.socket()
closed.bind(("127.0.0.1", 0))
port = closed.getsockname()[1]
s = socket.socket()
for i in range(2):
    try:
        s.connect(("127.0.0.1", port))
        print("refused connect", i, "ok")
    except OSError as e:
        print("refused connect", i, errno.errorcode.get(e.errno, e.errno))

# A non-blocking connect reports EINPROGRESS or succeeds at once, and is
# writable once established.
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
s = socket.socket()
s.setblocking(False)
try:
    s.connect(srv.getsockname())
except BlockingIOError:
    pass
_, w, _ = select.select([], [s], [], 5)
print("non-blocking connect:", "established" if w and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 else "failed")
for name in os.listdir(sock_dir):
    os.unlink(os.path.join(sock_dir, name))
os.rmdir(sock_dir)
