#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""OCI terminals (docs/oci.md): process.terminal with --console-socket, as
runc's clients use it. This test is the client: it listens on the console
socket, receives the pty master with its name (SCM_RIGHTS), sets the window
size on it, types command lines and reads the screen. Covers create/start,
run, SIGWINCH to the foreground job, runc's refusals (a terminal without a
console socket, a console socket without a terminal), a path that is no
socket, a symlink, a dangling one, a listener gone, a peer that closes at
once, and hostile window sizes. Prints TAP; every read has a deadline and
every container is deleted on the way out."""
import array
import errno
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time

RUNSC_C = os.environ.get("RUNSC_C", "runsc-c")
BUSYBOX = "/bin/busybox"
PROBE = sys.argv[1] if len(sys.argv) > 1 else ""
TIME_SCALE = max(1, int(os.environ.get("RUNSC_TIME_SCALE", "1") or 1))
DEADLINE_S = 20 * TIME_SCALE
results = []


def tap(ok, name, diag=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}", flush=True)
    if not ok and diag:
        for line in str(diag).splitlines()[-20:]:
            print(f"#   {line}", flush=True)


TMP = tempfile.mkdtemp(prefix="runsc-c-console-")
ROOT = os.path.join(TMP, "state")


def oci(*args, wait=True):
    cmd = ["timeout", "-s", "KILL", str(60 * TIME_SCALE), RUNSC_C, "--root", ROOT, *args]
    if not wait:
        # Output to a file: a container's monitor keeps the caller's stdio.
        log = tempfile.TemporaryFile(dir=TMP)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        p.log = log
        return p
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def rootfs():
    r = os.path.join(TMP, "rootfs")
    for d in ("bin", "tmp", "etc", "dev"):
        os.makedirs(os.path.join(r, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(r, "bin/busybox"))
    shutil.copy(PROBE, os.path.join(r, "probe"))
    apps = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
    for a in apps:
        if a != "busybox":
            os.symlink("busybox", os.path.join(r, "bin", a))
    return r


def bundle(name, args, terminal=True):
    b = os.path.join(TMP, name)
    os.makedirs(b)
    subprocess.run([RUNSC_C, "spec", "--bundle", b], check=True)
    with open(os.path.join(b, "config.json")) as f:
        d = json.load(f)
    d["root"]["path"] = ROOTFS
    d["process"]["terminal"] = terminal
    d["process"]["args"] = args
    d["process"]["env"] = ["PATH=/bin", "TERM=xterm"]
    with open(os.path.join(b, "config.json"), "w") as f:
        json.dump(d, f)
    return b


def listener(path):
    if os.path.lexists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    s.settimeout(DEADLINE_S)
    return s


def receive(lsock):
    """The console: (name, master) from the first connection."""
    conn, _ = lsock.accept()
    conn.settimeout(DEADLINE_S)
    with conn:
        data, fds, _, _ = socket.recv_fds(conn, 256, 4)
    for extra in fds[1:]:
        os.close(extra)
    return data.decode(errors="replace"), (fds[0] if fds else -1)


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def read_until(fd, want, deadline=DEADLINE_S):
    """Output of the master until want appears (or EOF/EIO, or the deadline)."""
    out = b""
    end = time.monotonic() + deadline
    while want.encode() not in out:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                break
            raise
        if not chunk:
            break
        out += chunk
    return out.decode(errors="replace")


def finish(p):
    """Waits for a call started with wait=False: its output."""
    p.wait(timeout=DEADLINE_S)
    p.log.seek(0)
    return p.log.read().decode(errors="replace")


def state_of(cid):
    rc, out = oci("state", cid)
    try:
        return json.loads(out).get("status") if rc == 0 else None
    except ValueError:
        return None


def wait_stopped(cid):
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end and state_of(cid) not in ("stopped", None):
        time.sleep(0.05)
    return state_of(cid)


def leftovers():
    return sorted(os.listdir(ROOT)) if os.path.isdir(ROOT) else []


def test_create_start():
    b = bundle("b1", ["sh"])
    sock = os.path.join(TMP, "c1.sock")
    ls = listener(sock)
    p = oci("create", "--bundle", b, "--console-socket", sock, "t1", wait=False)
    name, master = receive(ls)
    err = finish(p)
    ls.close()
    tap(p.returncode == 0, "create --console-socket returns 0", err)
    tap(master >= 0 and name.startswith("/dev/pts/"),
        "the master arrives with the slave's name in the message", name)
    if master < 0:
        return
    tap(os.isatty(master), "what arrives is a terminal")
    set_size(master, 33, 101)
    rc, o = oci("start", "t1")
    tap(rc == 0, "start", o)
    os.write(master, b"tty; stty size; echo done-$((6*7))\n")
    screen = read_until(master, "done-42")
    tap(name in screen.replace("\r", "").split("\n")[1:][0:3] or f"\n{name}" in screen.replace("\r", ""),
        "tty inside names the slave that was sent", screen)
    tap("33 101" in screen, "stty size inside is the size set on the master", screen)
    # SIGWINCH reaches the foreground job: a trap in the shell prints the
    # new size as soon as its sleep ends.
    # SIGWINCH goes to the terminal's foreground process group: here a
    # job of the interactive shell, whose trap prints the new size.
    os.write(master, b"sh -c 'trap \"echo W=\\$(stty size); exit\" WINCH; echo armed; "
             b"while :; do sleep 0.1; done'\n")
    read_until(master, "armed\r\n")
    set_size(master, 40, 120)
    screen = read_until(master, "W=40 120")
    tap("W=40 120" in screen, "SIGWINCH reaches the foreground job, which sees the new size",
        screen)
    # Hostile sizes go through as the kernel keeps them (read with
    # TIOCGWINSZ by the probe: busybox's stty shows 24 80 for sizes it
    # finds absurd). The probe also shows the guest holds its stdio alone.
    for rows, cols in ((65535, 65535), (0, 0), (1, 65535)):
        set_size(master, rows, cols)
        os.write(master, b"/probe /x /no-such-binary; echo end$((1+1))\n")
        screen = read_until(master, "end2")
        tap(f"winsize {rows} {cols}" in screen,
            f"a {rows}x{cols} window is what the guest sees", screen)
    tap(re.search(r"^fds 0,1,2\r?$", screen, re.M),
        "the guest holds the terminal's slave as stdio and nothing more", screen)
    os.write(master, b"exit 3\n")
    read_until(master, "never", deadline=5 * TIME_SCALE)
    tap(wait_stopped("t1") == "stopped", "the container stops when its shell exits")
    os.close(master)
    rc, o = oci("delete", "t1")
    tap(rc == 0 and leftovers() == [], "delete leaves nothing", o)


def test_run():
    b = bundle("b2", ["sh"])
    sock = os.path.join(TMP, "c2.sock")
    ls = listener(sock)
    p = oci("run", "--bundle", b, "--console-socket", sock, "t2", wait=False)
    name, master = receive(ls)
    ls.close()
    tap(master >= 0, "run --console-socket sends the master", name)
    if master < 0:
        p.kill()
        p.wait()
        return
    set_size(master, 12, 34)
    os.write(master, b"tty; stty size; exit 5\n")
    screen = read_until(master, "never", deadline=10 * TIME_SCALE)
    finish(p)
    tap(p.returncode == 5, "run exits with the shell's status", p.returncode)
    tap(name in screen and "12 34" in screen, "run: tty and stty size inside", screen)
    os.close(master)
    tap(leftovers() == [], "run leaves nothing")


def exec_tty(label, sock, args, rows, cols):
    """One exec with a terminal: (status, name, screen)."""
    ls = listener(sock)
    p = oci("exec", "--console-socket", sock, *args, wait=False)
    try:
        name, master = receive(ls)
    except OSError as e:
        ls.close()
        return finish(p), "", str(e)
    ls.close()
    set_size(master, rows, cols)
    os.write(master, b"tty; stty size; exit 4\n")
    screen = read_until(master, "never", deadline=10 * TIME_SCALE)
    finish(p)
    os.close(master)
    return p.returncode, name, screen


def relayed(args, stdin_pty=True):
    """runsc-c ARGS with its stdio on a pty of this test's (or stdin a
    pipe): (process, master or pipe's write end, master)."""
    master, slave = os.openpty()
    set_size(master, 15, 66)
    cmd = [RUNSC_C, "--root", ROOT, *args]
    if stdin_pty:
        # Its controlling terminal, as in a shell: the kernel sends the
        # foreground group SIGWINCH when the size changes.
        p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True,
                             preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        return p, master, master
    r, w = os.pipe()
    p = subprocess.Popen(cmd, stdin=r, stdout=slave, stderr=slave, start_new_session=True)
    os.close(r)
    os.close(slave)
    return p, w, master


def wait_or_kill(p):
    try:
        p.wait(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def test_exec_relayed():
    """exec --tty without a console socket relays the terminal to its own
    stdio, as runc exec -t does: raw mode on the caller's terminal while
    it runs, restored after; the caller's window size, followed."""
    p, _, master = relayed(["exec", "--tty", "x1", "sh"])
    os.write(master, b"tty; stty size\n")
    screen = read_until(master, "15 66", deadline=10 * TIME_SCALE)
    # A new size: the kernel signals the terminal's foreground group,
    # runsc-c here; it passes the size on.
    set_size(master, 23, 101)
    time.sleep(0.2 * TIME_SCALE)
    os.write(master, b"stty size; read a; echo got-$a; exit 6\n")
    screen += read_until(master, "23 101", deadline=10 * TIME_SCALE)
    os.write(master, b"hi\n")
    screen += read_until(master, "never", deadline=10 * TIME_SCALE)
    wait_or_kill(p)
    os.close(master)
    tap(p.returncode == 6, "exec --tty without a console socket: the shell's status",
        f"{p.returncode} {screen}")
    tap(re.search(r"/dev/pts/\d+", screen) is not None and "15 66" in screen,
        "... a terminal of the sandbox's, sized as the caller's", screen)
    tap("23 101" in screen, "... a resize of the caller's terminal reaches it", screen)
    tap("got-hi" in screen, "... input typed at the caller's terminal reaches it", screen)
    # The caller's terminal is left as it was (not raw).
    m2, s2 = os.openpty()
    before = termios.tcgetattr(s2)
    p2 = subprocess.Popen(["timeout", "-s", "KILL", str(60 * TIME_SCALE), RUNSC_C, "--root",
                           ROOT, "exec", "--tty", "x1", "true"], stdin=s2, stdout=s2, stderr=s2)
    out = read_until(m2, "never", deadline=5 * TIME_SCALE)
    p2.wait(timeout=DEADLINE_S)
    after = termios.tcgetattr(s2)
    os.close(s2)
    os.close(m2)
    tap(p2.returncode == 0 and before == after,
        "... and leaves the caller's terminal settings as they were", f"{p2.returncode} {out}")
    # A background process keeps the terminal after the program exits:
    # exec ends with the program all the same.
    p, _, master = relayed(["exec", "--tty", "x1", "sh", "-c", "sleep 30 & echo started-bg"])
    screen = read_until(master, "started-bg", deadline=10 * TIME_SCALE)
    wait_or_kill(p)
    os.close(master)
    tap(p.returncode == 0 and "started-bg" in screen,
        "exec --tty: ends with its program while a background job holds the terminal",
        f"{p.returncode} {screen}")
    # stdin a pipe: relayed all the same, without raw mode.
    p, w, master = relayed(["exec", "--tty", "x1", "sh"], stdin_pty=False)
    os.write(w, b"echo piped-$((40+2)); exit 3\n")
    screen = read_until(master, "never", deadline=10 * TIME_SCALE)
    os.close(w)
    wait_or_kill(p)
    os.close(master)
    tap(p.returncode == 3 and "piped-42" in screen,
        "exec --tty from a pipe: relayed, the shell's status", f"{p.returncode} {screen}")


def test_exec():
    b = bundle("b7", ["sleep", "1000"], terminal=False)
    p = oci("run", "--detach", "--bundle", b, "x1", wait=False)
    o = finish(p)
    tap(p.returncode == 0, "a container without a terminal runs, for exec", o)
    sock = os.path.join(TMP, "c7.sock")
    st, name, screen = exec_tty("exec --tty", sock, ["--tty", "x1", "sh"], 21, 77)
    tap(st == 4, "exec --tty: the status is the shell's", f"{st} {screen}")
    tap(name.startswith("/dev/pts/") and name in screen and "21 77" in screen,
        "exec --tty: tty names the slave sent, stty size is the size set", f"{name} {screen}")
    proc = os.path.join(TMP, "process.json")
    with open(proc, "w") as f:
        json.dump({"terminal": True, "args": ["sh"], "cwd": "/", "env": ["PATH=/bin"],
                   "user": {"uid": 0, "gid": 0}}, f)
    st, name2, screen = exec_tty("exec --process", sock, ["--process", proc, "x1"], 9, 200)
    tap(st == 4 and name2 in screen and "9 200" in screen,
        "exec --process with terminal true: its own terminal", f"{st} {name2} {screen}")
    # process.consoleSize: the size is set before the program starts, so
    # its first look sees it without the client setting any.
    with open(proc, "w") as f:
        json.dump({"terminal": True, "args": ["stty", "size"], "cwd": "/",
                   "env": ["PATH=/bin"], "consoleSize": {"height": 33, "width": 111}}, f)
    ls = listener(sock)
    p = oci("exec", "--console-socket", sock, "--process", proc, "x1", wait=False)
    try:
        _, master = receive(ls)
        screen = read_until(master, "never", deadline=10 * TIME_SCALE)
        os.close(master)
    except OSError as e:
        screen = str(e)
    ls.close()
    finish(p)
    tap(p.returncode == 0 and "33 111" in screen,
        "exec --process: consoleSize sizes the terminal before the program starts",
        f"{p.returncode} {screen}")
    with open(proc, "w") as f:
        json.dump({"terminal": True, "args": ["true"], "cwd": "/", "env": ["PATH=/bin"],
                   "consoleSize": {"height": -1, "width": 80}}, f)
    ls = listener(sock)
    p = oci("exec", "--console-socket", sock, "--process", proc, "x1", wait=False)
    ls.settimeout(10 * TIME_SCALE)
    try:
        conn, _ = ls.accept()
        conn.close()
    except OSError:
        pass
    ls.close()
    out = finish(p)
    tap(p.returncode == 255 and "consoleSize.height" in out,
        "exec --process: a consoleSize out of range is refused, naming it",
        f"{p.returncode} {out}")
    test_exec_relayed()
    rc, out = oci("exec", "--tty", "--detach", "x1", "true")
    tap(rc == 255 and "--console-socket" in out,
        "exec --tty --detach without --console-socket fails", f"{rc} {out}")
    ls = listener(sock)
    rc, out = oci("exec", "--console-socket", sock, "x1", "true")
    ls.close()
    tap(rc == 255 and "process.terminal" in out,
        "exec --console-socket without --tty fails", f"{rc} {out}")
    plain = os.path.join(TMP, "plain-x")
    open(plain, "w").close()
    rc, out = oci("exec", "--tty", "--console-socket", plain, "x1", "true")
    tap(rc == 255 and "not a socket" in out, "exec: a console socket that is a file fails",
        f"{rc} {out}")
    # A peer that closes at once: exec fails or its shell hangs up; the
    # container goes on either way.
    ls = listener(sock)
    p = oci("exec", "--tty", "--console-socket", sock, "x1", "sh", wait=False)
    conn, _ = ls.accept()
    conn.close()
    ls.close()
    out = finish(p)
    tap(p.returncode in (255, 129, 0), "exec: a console peer that closes at once ends the exec",
        f"{p.returncode} {out}")
    tap(state_of("x1") == "running", "... and the container goes on")
    oci("delete", "--force", "x1")
    tap(leftovers() == [], "exec tests leave nothing")


def expect_error(label, args, want):
    rc, out = oci(*args)
    tap(rc == 1 and want in out, f"{label}: exit 1 and the message says {want!r}", f"{rc} {out}")
    tap(leftovers() == [], f"{label}: nothing is left behind", leftovers())


def test_refusals():
    b = bundle("b3", ["sh"])
    expect_error("create with a terminal and no console socket",
                 ["create", "--bundle", b, "e1"], "--console-socket")
    nb = bundle("b4", ["true"], terminal=False)
    sock = os.path.join(TMP, "c4.sock")
    ls = listener(sock)
    expect_error("a console socket without process.terminal",
                 ["create", "--bundle", nb, "--console-socket", sock, "e2"], "process.terminal")
    expect_error("run: a console socket without process.terminal",
                 ["run", "--bundle", nb, "--console-socket", sock, "e2"], "process.terminal")
    ls.close()
    plain = os.path.join(TMP, "plain")
    open(plain, "w").close()
    expect_error("a console socket path that is a regular file",
                 ["create", "--bundle", b, "--console-socket", plain, "e3"], "not a socket")
    expect_error("a console socket path that does not exist",
                 ["create", "--bundle", b, "--console-socket", os.path.join(TMP, "nope"), "e4"],
                 "No such file")
    dangling = os.path.join(TMP, "dangling")
    os.symlink(os.path.join(TMP, "nope"), dangling)
    expect_error("a dangling symlink as the console socket",
                 ["create", "--bundle", b, "--console-socket", dangling, "e5"], "No such file")
    link = os.path.join(TMP, "link-to-file")
    os.symlink(plain, link)
    expect_error("a symlink to a regular file", ["create", "--bundle", b, "--console-socket",
                                                  link, "e6"], "not a socket")
    gone = os.path.join(TMP, "gone.sock")
    listener(gone).close()
    expect_error("a socket whose listener is gone",
                 ["create", "--bundle", b, "--console-socket", gone, "e7"], "connecting")


def test_symlink_and_early_close():
    # A symlink to a listening socket is followed, as runc's dial does.
    b = bundle("b5", ["sh"])
    sock = os.path.join(TMP, "c5.sock")
    link = os.path.join(TMP, "c5.link")
    ls = listener(sock)
    os.symlink(sock, link)
    p = oci("create", "--bundle", b, "--console-socket", link, "s1", wait=False)
    name, master = receive(ls)
    finish(p)
    ls.close()
    tap(p.returncode == 0 and master >= 0, "a symlink to the socket is followed", name)
    if master >= 0:
        os.close(master)
    oci("delete", "--force", "s1")
    # A peer that closes at once: create either fails with a clear error
    # and leaves nothing, or succeeds with a terminal nobody holds; either
    # way it returns, and the container can be deleted.
    sock = os.path.join(TMP, "c6.sock")
    ls = listener(sock)
    p = oci("create", "--bundle", b, "--console-socket", sock, "s2", wait=False)
    conn, _ = ls.accept()
    conn.close()
    ls.close()
    err = finish(p)
    ok = (p.returncode == 1 and "console-socket" in err and leftovers() == []) or \
        p.returncode == 0
    tap(ok, "a peer that closes at once: create returns cleanly", err)
    if p.returncode == 0:
        oci("start", "s2")
        tap(wait_stopped("s2") == "stopped",
            "... and a shell whose terminal nobody holds ends (hang-up)", state_of("s2"))
    oci("delete", "--force", "s2")
    tap(leftovers() == [], "a peer that closes at once leaves nothing after delete")


def main():
    if not os.access(BUSYBOX, os.X_OK) or subprocess.run(
            ["ldd", BUSYBOX], capture_output=True).returncode == 0:
        print("1..0 # SKIP busybox-static is not installed")
        return 0
    global ROOTFS
    ROOTFS = rootfs()
    try:
        test_create_start()
        test_run()
        test_exec()
        test_refusals()
        test_symlink_and_early_close()
    finally:
        for cid in leftovers():
            oci("delete", "--force", cid)
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
