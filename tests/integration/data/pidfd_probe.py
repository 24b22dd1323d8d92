# pidfd_send_signal(2) with a /proc/<pid> directory fd, which Linux takes as
# a pidfd of that process, and with other fds.
import errno
import os
import signal
import time


def send(fd, sig):
    try:
        signal.pidfd_send_signal(fd, sig)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]


me = os.open(f"/proc/{os.getpid()}", os.O_DIRECTORY)
print("own /proc dir, signal 0:", send(me, 0))
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
print("own /proc dir, SIGUSR1:", send(me, signal.SIGUSR1))
info = signal.sigtimedwait({signal.SIGUSR1}, 5)
print("received: signal", info.si_signo, "from self:", info.si_pid == os.getpid(),
      "code SI_USER:", info.si_code == 0, "uid", info.si_uid)
os.close(me)

pid = os.fork()
if pid == 0:
    time.sleep(60)
    os._exit(0)
child = os.open(f"/proc/{pid}", os.O_DIRECTORY)
print("child's /proc dir, SIGTERM:", send(child, signal.SIGTERM))
_, status = os.waitpid(pid, 0)
print("child killed by signal", os.WTERMSIG(status) if os.WIFSIGNALED(status) else None)
print("child gone:", send(child, 0))
os.close(child)

for name, path in [("/proc", "/proc"), ("a thread's task dir",
                                        f"/proc/self/task/{os.getpid()}")]:
    fd = os.open(path, os.O_DIRECTORY)
    print(name + ":", send(fd, 0))
    os.close(fd)
fd = os.open("/dev/null", os.O_RDONLY)
print("/dev/null:", send(fd, 0))
os.close(fd)
pidfd = os.pidfd_open(os.getpid())
print("pidfd_open's pidfd:", send(pidfd, 0))
os.close(pidfd)
print("closed fd:", send(999, 0))
