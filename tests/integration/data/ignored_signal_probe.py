# SPDX-License-Identifier: Apache-2.0
"""Calls that wait with a timeout while a child sends the waiter an ignored
signal (SIG_IGN, and SIGCHLD or SIGWINCH by default) many times: Linux
discards an ignored signal when it is sent, so none of them returns early
or with EINTR. In the sandbox the signal reaches the task (its tracer is
told even of ignored signals) and is discarded at delivery; the calls here
then restart as Linux restarts them after a signal without a handler.
rt_sigtimedwait and the epoll waits, which Linux never restarts, are
restarted by the sentry when they wait without a timeout, and
rt_sigtimedwait and epoll_pwait2 with a timeout too, with the time left
(a wait restarted with its whole timeout would never end here: the
signals come faster); epoll_wait and epoll_pwait with a timeout still
return EINTR in the sandbox (docs/ltp.md) and are left out. Prints each
call's result, never a time."""
import ctypes
import errno
import os
import select
import signal
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
SYS = {"rt_sigtimedwait": 128, "epoll_pwait2": 441, "epoll_wait": 232, "epoll_pwait": 281, "nanosleep": 35, "clock_nanosleep": 230, "ppoll": 271, "pselect6": 270}
WAIT_NS = 200 * 1000 * 1000


class Timespec(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("nsec", ctypes.c_long)]


def pester(sig):
    """A child that sends sig to us every 10 ms until killed."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        while True:
            try:
                os.kill(parent, sig)
            except OSError:
                os._exit(0)
            time.sleep(0.01)
    return pid


def pester_then(sig, wake):
    """A child that sends sig to us 30 times, 10 ms apart, then wake()."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        for _ in range(30):
            os.kill(parent, sig)
            time.sleep(0.01)
        wake(parent)
        os._exit(0)
    return pid


def untimed(sig):
    """Waits without a timeout, ended by the child after its signals."""
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    child = pester_then(sig, lambda parent: os.kill(parent, signal.SIGUSR1))
    mask = ctypes.c_ulong(1 << (signal.SIGUSR1 - 1))
    print(signal.Signals(sig).name, "sigwaitinfo", raw("rt_sigtimedwait", ctypes.byref(mask),
                                                        None, None, 8))
    os.waitpid(child, 0)
    r, w = os.pipe()
    ep = select.epoll()
    ep.register(r, select.EPOLLIN)
    child = pester_then(sig, lambda parent: os.write(w, b"x"))
    print(signal.Signals(sig).name, "epoll_wait -1",
          raw("epoll_wait", ep.fileno(), ctypes.create_string_buffer(12 * 4), 4, -1))
    os.waitpid(child, 0)
    os.read(r, 1)
    child = pester_then(sig, lambda parent: os.write(w, b"x"))
    print(signal.Signals(sig).name, "epoll_pwait -1",
          raw("epoll_pwait", ep.fileno(), ctypes.create_string_buffer(12 * 4), 4, -1, None, 8))
    os.waitpid(child, 0)
    for fd in (r, w):
        os.close(fd)
    ep.close()


def raw(name, *args):
    r = libc.syscall(SYS[name], *args)
    return "ok %d" % r if r >= 0 else errno.errorcode[ctypes.get_errno()]


def calls():
    yield "nanosleep", lambda: raw("nanosleep", ctypes.byref(Timespec(0, WAIT_NS)), None)
    yield "clock_nanosleep", lambda: raw("clock_nanosleep", 1, 0,
                                         ctypes.byref(Timespec(0, WAIT_NS)), None)
    r, _ = os.pipe()
    yield "poll", lambda: "ok %r" % (select.poll().poll(WAIT_NS // 1000000),)
    yield "select", lambda: "ok %r" % (select.select([r], [], [], WAIT_NS / 1e9),)
    yield "ppoll", lambda: raw("ppoll", None, 0, ctypes.byref(Timespec(0, WAIT_NS)), None, 8)
    yield "pselect6", lambda: raw("pselect6", 0, None, None, None,
                                  ctypes.byref(Timespec(0, WAIT_NS)), None)
    # SIGUSR1 is never sent: the wait times out (EAGAIN).
    usr1 = ctypes.c_ulong(1 << (signal.SIGUSR1 - 1))
    yield "rt_sigtimedwait", lambda: raw("rt_sigtimedwait", ctypes.byref(usr1), None,
                                         ctypes.byref(Timespec(0, WAIT_NS)), 8)
    ep = select.epoll()
    events = ctypes.create_string_buffer(12 * 4)
    yield "epoll_pwait2", lambda: raw("epoll_pwait2", ep.fileno(), events, 4,
                                      ctypes.byref(Timespec(0, WAIT_NS)), None, 8)
    ep.close()


for sig, how in ((signal.SIGUSR2, signal.SIG_IGN), (signal.SIGWINCH, signal.SIG_DFL),
                 (signal.SIGCHLD, signal.SIG_DFL)):
    signal.signal(sig, how)
    for name, call in calls():
        child = pester(sig)
        try:
            print(signal.Signals(sig).name, name, call())
        except OSError as e:
            print(signal.Signals(sig).name, name, errno.errorcode[e.errno])
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    untimed(sig)
    sys.stdout.flush()

# A signal with a handler still ends an untimed wait with EINTR.
signal.signal(signal.SIGUSR2, lambda *_: None)
ep = select.epoll()
child = pester_then(signal.SIGUSR2, lambda parent: None)
print("handled SIGUSR2 epoll_wait -1",
      raw("epoll_wait", ep.fileno(), ctypes.create_string_buffer(12 * 4), 4, -1))
os.waitpid(child, 0)

# ... and a timed one (the sentry restarts only for ignored signals).
usr1 = ctypes.c_ulong(1 << (signal.SIGUSR1 - 1))
child = pester_then(signal.SIGUSR2, lambda parent: None)
print("handled SIGUSR2 rt_sigtimedwait 10 s",
      raw("rt_sigtimedwait", ctypes.byref(usr1), None, ctypes.byref(Timespec(10, 0)), 8))
os.waitpid(child, 0)
