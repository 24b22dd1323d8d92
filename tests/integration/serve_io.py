#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sandbox service's interactive execs, end to end on a real `runsc-c
serve`, with the Python client and curl: an exec with a terminal ("tty":
true: its size, `tty`, an interactive cat's echo, resize and SIGWINCH, ^D
as end of file), stdin streamed to an exec (POST .../exec/N/stdin: 10 MiB
in chunks counted right by `wc -c`, the daemon's memory not growing by
it), every bad stdin and resize request, watching a directory (its inotify
events through the gofer and the policy; '..', hidden and denied paths
refused), templates of the config with a rootfs and volumes (and every
mistake in them named by file:line:column), the token on stdin, resize and
watch, and GET /sandboxes listing paused
and running sandboxes while others are created and deleted. Prints TAP.

Every daemon the test starts is killed on the way out, whatever happens."""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as base  # noqa: E402  (the daemon helpers, the TAP output)
from serve import curl, expect_error, logtext, start_daemon, stop_daemon, tap, until  # noqa: E402

runsc_c = base.runsc_c
TMP = base.TMP


def collect(stream, out, until_text=None, count=1):
    """Reads a stream's events into out until until_text shows count times
    in its stdout (or the stream ends)."""
    for ev in stream:
        out.append(ev)
        if until_text and "".join(e.get("stdout", "") for e in out).count(until_text) >= count:
            return True
    return False


def stdout_of(events):
    return "".join(e.get("stdout", "") for e in events)


def test_tty(sb, sock):
    r = list(sb.exec_stream(["stty", "size"], tty=True, rows=33, cols=101))
    tap(stdout_of(r) == "33 101\r\n" and r[-1] == {"exit": 0},
        "tty: stty size sees rows and cols from the start", json.dumps(r))
    r = list(sb.exec_stream(["stty", "size"], tty=True))
    tap(stdout_of(r) == "24 80\r\n", "tty: 24 x 80 by default", json.dumps(r))
    r = list(sb.exec_stream(["sh", "-c", "tty; test -t 0 && test -t 1 && test -t 2"], tty=True))
    tap(stdout_of(r).startswith("/dev/pts/") and r[-1] == {"exit": 0},
        "tty: stdin, stdout and stderr are the terminal, a pty of the sandbox",
        json.dumps(r))
    r = sb.run(["sh", "-c", "test -t 0 || echo none"])
    tap(r.stdout == "none\n", "without tty there is no terminal", repr(r))

    # An interactive cat: what is typed is echoed by the terminal, then
    # written back by cat; ^D (eof=1) ends it.
    stream = sb.exec_stream(["cat"], tty=True)
    first = next(stream)
    w = sb.send_stdin(first["exec"], "hello\n")
    tap(w == {"written": 6, "eof": False}, "tty: POST stdin answers what it wrote", json.dumps(w))
    events = []
    got = collect(stream, events, "hello\r\n", 2)
    tap(got, "tty: cat's input echoes and comes back", json.dumps(events))
    sb.send_stdin(first["exec"], "", eof=True)
    rest = list(stream)
    tap(rest and rest[-1] == {"exit": 0}, "tty: eof=1 types ^D and cat ends", json.dumps(rest))

    # Resize: the foreground gets SIGWINCH and sees the new size.
    stream = sb.exec_stream(["sh", "-c", "trap 'stty size' WINCH; echo ready; "
                             "while :; do sleep 0.05; done"], tty=True)
    first = next(stream)
    events = []
    collect(stream, events, "ready")
    r = sb.resize(first["exec"], 40, 132)
    tap(r == {"rows": 40, "cols": 132}, "resize answers the size", json.dumps(r))
    tap(collect(stream, events, "40 132"), "resize: SIGWINCH, and stty size sees it",
        json.dumps(events))
    # The same with curl.
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/{first['exec']}/resize",
                      "-d", '{"rows": 50, "cols": 100}')
    tap(code == 200 and collect(stream, events, "50 100"), "curl: resize", f"{code} {text}")
    for body, what in (('{"rows": 0, "cols": 80}', "rows 0"),
                       ('{"rows": 70000, "cols": 80}', "rows over 65535"),
                       ('{"rows": 10}', "no cols"), ('{"rows": "10", "cols": 5}', "a string"),
                       ('{"rows": 10, "cols": 5, "x": 1}', "an unknown field")):
        code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/{first['exec']}/resize",
                          "-d", body)
        tap(code == 400, f"resize with {what} -> 400", f"{code} {text}")
    sb.signal(first["exec"], "KILL")
    rest = list(stream)
    tap(rest[-1] == {"exit": 128 + 9}, "tty: the killed shell's status", json.dumps(rest[-3:]))

    # curl alone: the stream, the input and the echo.
    p = subprocess.Popen(["curl", "-sSN", "--unix-socket", sock, "-X", "POST",
                          f"http://localhost/sandboxes/{sb.id}/exec",
                          "-d", '{"argv": ["cat"], "tty": true}'],
                         stdout=subprocess.PIPE, text=True)
    # A reader that hangs is a failure, not a stuck test.
    watchdog = threading.Timer(base.DEADLINE_S, p.kill)
    watchdog.start()
    try:
        line = json.loads(p.stdout.readline())
        code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/{line['exec']}/stdin",
                          "--data-binary", "typed\n")
        # The echo and cat's copy come in one chunk or two.
        lines = []
        while stdout_of(lines).count("typed") < 2:
            text_line = p.stdout.readline()
            if not text_line:
                break
            lines.append(json.loads(text_line))
        code2, _ = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/{line['exec']}/stdin?eof=1")
        last = [json.loads(x) for x in p.stdout.read().splitlines()]
        tap(code == 200 and code2 == 200 and stdout_of(lines) == "typed\r\ntyped\r\n"
            and last[-1] == {"exit": 0}, "curl: a tty exec, typed into and ended with ^D",
            f"{code} {text} {lines} {last}")
    finally:
        watchdog.cancel()
        p.kill()
        p.wait()


def daemon_hwm(d):
    with open(f"/proc/{d.pid}/status") as f:
        return int([ln for ln in f if ln.startswith("VmHWM:")][0].split()[1]) * 1024


def test_stdin(d, sb, sock):
    # Warm the daemon up first: its high-water mark then moves only by
    # what stdin makes it hold.
    sb.run(["true"], stdin="x" * 65536)
    stream = sb.exec_stream(["wc", "-c"], stdin=True)
    first = next(stream)
    before = daemon_hwm(d)
    total = 10 << 20

    def chunks(n):
        for _ in range(n):
            yield os.urandom(64 << 10)

    # In three requests: two leave stdin open, the last closes it.
    w1 = sb.send_stdin(first["exec"], chunks(80))
    w2 = sb.send_stdin(first["exec"], b"y" * (1 << 20))
    w3 = sb.send_stdin(first["exec"], chunks(64), eof=True)
    r = list(stream)
    grew = daemon_hwm(d) - before
    tap(w1["written"] + w2["written"] + w3["written"] == total and w3["eof"],
        "stdin: 10 MiB in chunks over three requests", json.dumps([w1, w2, w3]))
    tap(stdout_of(r).strip() == str(total) and r[-1] == {"exit": 0},
        "stdin: wc -c counts every byte", json.dumps(r))
    tap(grew < (4 << 20), "stdin: the daemon's memory does not grow by what it passes on",
        f"grew by {grew} bytes")

    # With curl: a file sent chunked.
    path = os.path.join(TMP, "stdin.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(3 << 20))
    stream = sb.exec_stream(["sha256sum"], stdin=True)
    first = next(stream)
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/{first['exec']}/stdin?eof=1",
                      "-H", "Transfer-Encoding: chunked", "--data-binary", f"@{path}")
    import hashlib

    with open(path, "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    r = list(stream)
    tap(code == 200 and stdout_of(r).split()[:1] == [want],
        "curl: a file streamed chunked to stdin, sha256sum agrees", f"{code} {text} {r}")

    # Stdin left open, and nothing sent: the process waits until eof.
    stream = sb.exec_stream(["sh", "-c", "cat; echo done"], stdin=True)
    first = next(stream)
    sb.send_stdin(first["exec"], "a")
    sb.send_stdin(first["exec"], "b\n", eof=True)
    tap(stdout_of(list(stream)) == "ab\ndone\n", "stdin: pieces arrive in order, then eof")

    # Bad stdin requests.
    stream = sb.exec_stream(["sleep", "1000"])
    first = next(stream)
    expect_error("stdin of an exec started without stdin: true -> 409",
                 lambda: sb.send_stdin(first["exec"], "x"), 409)
    expect_error("resize of an exec without a terminal -> 409",
                 lambda: sb.resize(first["exec"], 10, 10), 409)
    stream.close()
    expect_error("stdin of an unknown exec -> 404", lambda: sb.send_stdin(999999, "x"), 404)
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/abc/stdin", "-d", "x")
    tap(code == 404, "stdin of exec 'abc' -> 404", f"{code} {text}")
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec/1/stdin?eof=2", "-d", "x")
    tap(code == 400, "stdin with eof=2 -> 400", f"{code} {text}")
    code, text = curl(sock, "GET", f"/sandboxes/{sb.id}/exec/1/stdin")
    tap(code == 405, "GET stdin -> 405", f"{code} {text}")
    code, text = curl(sock, "POST", "/sandboxes/sb-0000000000000000/exec/1/stdin", "-d", "x")
    tap(code == 404, "stdin in an unknown sandbox -> 404", f"{code} {text}")
    for body, what in (('{"argv": ["cat"], "stdin": 5}', "stdin 5"),
                       ('{"argv": ["cat"], "tty": "yes"}', "tty 'yes'"),
                       ('{"argv": ["cat"], "tty": true, "stdin": "x"}', "tty and a stdin string"),
                       ('{"argv": ["cat"], "rows": 10}', "rows without tty"),
                       ('{"argv": ["cat"], "tty": true, "cols": 0}', "cols 0")):
        code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec", "-d", body)
        tap(code == 400, f"exec with {what} -> 400", f"{code} {text}")

    # A process that does not read: the writer waits, a second writer is
    # refused, and when the exec ends the first gives up.
    stream = sb.exec_stream(["sleep", "1000"], stdin=True)
    first = next(stream)
    result = {}

    def writer():
        try:
            result["w"] = sb.send_stdin(first["exec"], b"z" * (4 << 20))
        except runsc_c.ServiceError as e:
            result["e"] = e

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.5)
    expect_error("a second writer while one waits on a full pipe -> 409",
                 lambda: sb.send_stdin(first["exec"], "x"), 409)
    sb.signal(first["exec"], "KILL")
    list(stream)
    t.join(30)
    e = result.get("e")
    tap(not t.is_alive() and e is not None and e.status == 409,
        "the waiting writer gives up when the exec ends (409)", repr(result))
    # A process that closed its stdin: the writer gets 409, not a hang.
    stream = sb.exec_stream(["sh", "-c", "exec 0<&-; echo closed; sleep 1000"], stdin=True)
    first = next(stream)
    collect(stream, [], "closed")
    expect_error("stdin of a process that closed it -> 409",
                 lambda: sb.send_stdin(first["exec"], b"q" * (1 << 20)), 409)
    stream.close()
    tap(d.poll() is None, "the daemon survived every bad stdin request")


def test_watch(c, sb, sock):
    """GET /sandboxes/ID/watch: a directory's inotify events, made through
    the sentry and the gofer by a process of the sandbox."""
    sb.run(["mkdir", "-p", "/tmp/w"])
    watch = sb.watch("/tmp/w")
    first = next(watch)
    tap(first == {"watching": "/tmp/w"}, "watch: the first line says it watches", json.dumps(first))
    r = sb.run(["sh", "-c", "cd /tmp/w && echo x > a && mkdir d && mv a b && rm b && rmdir d "
                "&& cd / && rmdir /tmp/w"])
    events = list(watch)  # ends when the directory goes
    seq = [(tuple(e["events"]), e.get("name"), e["dir"]) for e in events]
    want = [(("create",), "a", False), (("modify",), "a", False),
            (("close_write",), "a", False), (("create",), "d", True),
            (("moved_from",), "a", False), (("moved_to",), "b", False),
            (("delete",), "b", False), (("delete",), "d", True),
            (("delete_self",), None, False), (("ignored",), None, False)]
    tap(r.exit_code == 0 and seq == want, "watch: create, modify, moves, deletes, then the end",
        json.dumps(events))
    moves = [e for e in events if e["events"][0] in ("moved_from", "moved_to")]
    tap(len(moves) == 2 and moves[0].get("cookie") and moves[0]["cookie"] == moves[1]["cookie"],
        "watch: a rename's two halves share a cookie", json.dumps(moves))

    # Names are text: bytes that are not UTF-8 come as U+FFFD.
    sb.run(["mkdir", "-p", "/tmp/w2"])
    watch = sb.watch("/tmp/w2")
    next(watch)
    sb.run(["sh", "-c", "touch \"$(printf '/tmp/w2/caf\\351')\""])
    ev = next(watch)
    tap(ev["name"] == "caf\ufffd" and ev["events"] == ["create"],
        "watch: a name that is not UTF-8 is cleaned", json.dumps(ev))
    watch.close()

    # curl, and what is refused.
    p = subprocess.Popen(["curl", "-sSN", "--unix-socket", sock,
                          f"http://localhost/sandboxes/{sb.id}/watch?path=/tmp/w2"],
                         stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(base.DEADLINE_S, p.kill)
    watchdog.start()
    try:
        line = json.loads(p.stdout.readline())
        sb.run(["touch", "/tmp/w2/from-curl"])
        ev = json.loads(p.stdout.readline())
        tap(line == {"watching": "/tmp/w2"} and ev.get("name") == "from-curl",
            "curl: watch streams events", f"{line} {ev}")
    finally:
        watchdog.cancel()
        p.kill()
        p.wait()
    for q, status, what in (("path=/tmp/w2/../../etc", 400, "'..' in the path"),
                            ("path=/tmp/w2/..", 400, "a path ending in '..'"),
                            ("path=tmp", 400, "a relative path"),
                            ("path=/tmp/w2%00x", 400, "a NUL in the path"),
                            ("path=/tmp/w2&recursive=1", 400, "an unknown argument"),
                            ("", 400, "no path"),
                            ("path=/nonexistent", 404, "a missing directory"),
                            ("path=/etc/shadow", 404, "a path the policy hides"),
                            ("path=/etc/passwd", 400, "a file, not a directory")):
        code, text = curl(sock, "GET", f"/sandboxes/{sb.id}/watch?{q}")
        tap(code == status, f"watch of {what} -> {status}", f"{code} {text}")
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/watch?path=/tmp")
    tap(code == 405, "POST watch -> 405", f"{code} {text}")
    code, text = curl(sock, "GET", "/sandboxes/sb-0000000000000000/watch?path=/tmp")
    tap(code == 404, "watch in an unknown sandbox -> 404", f"{code} {text}")

    # A policy that denies the directory: 403, from the gofer's decision.
    pol = os.path.join(TMP, "deny.yaml")
    with open(pol, "w") as f:
        f.write("apiVersion: runsc-c/v1\nkind: Policy\nname: deny-secret\nextends: default\n"
                "filesystem:\n  - path: /etc/ssl/**\n    access: none\n"
                "  - path: /etc/ssl\n    access: none\n")
    with c.create(policy=pol) as denied:
        code, text = curl(sock, "GET", f"/sandboxes/{denied.id}/watch?path=/etc/ssl")
        tap(code == 403, "watch of a directory the policy denies -> 403", f"{code} {text}")
        # A symlink the guest made is resolved in its view, under the policy.
        denied.run(["ln", "-s", "../etc/ssl", "/tmp/to-ssl"])
        denied.run(["ln", "-s", "/etc/shadow", "/tmp/to-shadow"])
        code, text = curl(sock, "GET", f"/sandboxes/{denied.id}/watch?path=/tmp/to-ssl")
        tap(code == 403, "watch through a symlink to a denied directory -> 403", f"{code} {text}")
        code, text = curl(sock, "GET", f"/sandboxes/{denied.id}/watch?path=/tmp/to-shadow")
        tap(code == 404, "watch through a symlink to a hidden file -> 404", f"{code} {text}")
    # Deleting the sandbox ends a watch on it.
    with c.create() as other:
        watch = other.watch("/tmp")
        next(watch)
        done = threading.Event()

        def drain():
            for _ in watch:
                pass
            done.set()

        t = threading.Thread(target=drain, daemon=True)
        t.start()
        other.delete()
        tap(done.wait(30), "watch: ends when its sandbox is deleted")


def test_listdir_churn(sb):
    """A directory whose entries come and go while it is listed: entries
    that vanish between the readdir and the stat are left out, never an
    error."""
    stream = sb.exec_stream(["sh", "-c", "mkdir -p /tmp/churn; echo go; i=0; while :; do "
                             "i=$((i+1)); touch /tmp/churn/f$i; rm /tmp/churn/f$i; done"])
    first = next(stream)
    collect(stream, [], "go")
    errors = []
    for _ in range(40):
        try:
            sb.listdir("/tmp/churn")
        except runsc_c.ServiceError as e:
            errors.append(str(e))
    sb.signal(first["exec"], "KILL")
    list(stream)
    tap(not errors, "files: a directory listed while its entries churn", repr(errors[:3]))


def test_list(c, sock):
    """GET /sandboxes reads each one's freezer state, and does so off the
    table's lock: lists, creates and deletes run at once without error."""
    a, b = c.create(), c.create()
    a.pause()
    states = {s["id"]: s["state"] for s in c.list()}
    tap(states.get(a.id) == "paused" and states.get(b.id) == "running",
        "GET /sandboxes: paused and running", json.dumps(states))
    errors = []
    stop = threading.Event()

    def lister():
        while not stop.is_set():
            try:
                for s in c.list():
                    if s["state"] not in ("running", "paused", "ended"):
                        errors.append(s)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

    threads = [threading.Thread(target=lister) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(4):
            s = c.create()
            s.run(["true"])
            s.delete()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    tap(not errors, "lists while sandboxes come and go: no error", repr(errors[:3]))
    a.resume()
    a.delete()
    b.delete()


def test_token():
    """With a token, stdin, resize and watch need it too; a stdin body
    sent without it never reaches the process."""
    tok = os.path.join(TMP, "io-token")
    with open(tok, "w") as f:
        f.write("io-token-0123456789abcdef\n")
    os.chmod(tok, 0o600)
    sock = os.path.join(TMP, "tok.sock")
    d = start_daemon("--listen", f"unix:{sock}", "--token-file", tok)
    good = runsc_c.Client(f"unix:{sock}", token="io-token-0123456789abcdef")
    bad = runsc_c.Client(f"unix:{sock}", token="wrong-token-0123456789ab")
    with good.create() as sb:
        stream = sb.exec_stream(["cat"], tty=True)
        first = next(stream)
        forged = runsc_c.Sandbox(bad, sb.id)
        expect_error("stdin with a wrong token: 401",
                     lambda: forged.send_stdin(first["exec"], "forged\n", eof=True), 401)
        expect_error("resize with a wrong token: 401",
                     lambda: forged.resize(first["exec"], 10, 10), 401)
        expect_error("watch with a wrong token: 401", lambda: next(forged.watch("/tmp")), 401)
        sb.send_stdin(first["exec"], "real\n")
        events = []
        collect(stream, events, "real\r\n", 2)
        sb.send_stdin(first["exec"], "", eof=True)
        events += list(stream)
        tap("forged" not in stdout_of(events) and events[-1] == {"exit": 0},
            "what a wrong token sent never reached the process", json.dumps(events))
    stop_daemon(d)


def busybox_rootfs(root):
    """A root file system of busybox-static's applets (relative links)."""
    os.makedirs(os.path.join(root, "bin"))
    for d in ("tmp", "etc"):
        os.makedirs(os.path.join(root, d))
    with open("/bin/busybox", "rb") as src, open(os.path.join(root, "bin", "busybox"), "wb") as dst:
        dst.write(src.read())
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True).stdout
    for a in applets.split():
        if a != "busybox":
            os.symlink("busybox", os.path.join(root, "bin", a))


def test_templates():
    """Templates of the config with a rootfs of their own and volumes."""
    root = os.path.join(TMP, "bb-root")
    busybox_rootfs(root)
    vol_ro, vol_rw = os.path.join(TMP, "vol-ro"), os.path.join(TMP, "vol-rw")
    os.makedirs(vol_ro)
    os.makedirs(vol_rw)
    with open(os.path.join(vol_ro, "hello"), "w") as f:
        f.write("from the host\n")
    os.symlink(vol_ro, os.path.join(TMP, "vol-link"))
    cfg = os.path.join(TMP, "templates.yaml")
    with open(cfg, "w") as f:
        f.write(f"""templates:
  bb:
    rootfs: {root}
    volumes:
      - {TMP}/vol-link:/data:ro
      - {vol_rw}:/out
    pool: {{size: 1}}
  plain:
    volumes: ["{vol_rw}:/srv/out:rw"]
""")
    sock = os.path.join(TMP, "tmpl.sock")
    d = start_daemon("--listen", f"unix:{sock}", "--config", cfg)
    c = runsc_c.Client(f"unix:{sock}")
    tap(until(lambda: c.pool()["templates"]["bb"]["ready"] == 1, "the bb pool"),
        "a template with a rootfs fills its pool", json.dumps(c.pool()))
    with c.create(template="bb") as sb:
        r = sb.run(["sh", "-c", "ls /; cat /data/hello; echo out > /out/written; "
                    "echo x > /data/x || echo read-only"])
        tap(r.stdout.split("\n")[:4] == ["bin", "data", "dev", "etc"]
            and "from the host\n" in r.stdout and "read-only" in r.stdout,
            "template: the rootfs is the view's root, volumes ro and rw", repr(r))
        with open(os.path.join(vol_rw, "written")) as f:
            tap(f.read() == "out\n", "template: a write to an rw volume reaches the host")
        tap(not os.path.exists(os.path.join(vol_ro, "x")), "template: the ro volume kept nothing")
        r = sb.run(["test", "-e", "/usr/bin/python3"])
        tap(r.exit_code == 1, "template: nothing of the host's root is in the view", repr(r))
        tap(sb.read("/data/hello") == b"from the host\n", "template: files API reads a volume")
        watch = sb.watch("/tmp")
        first = next(watch)
        sb.run(["touch", "/tmp/seen"])
        ev = next(watch)
        watch.close()
        tap(first == {"watching": "/tmp"} and ev.get("name") == "seen",
            "template without python3: watch works (init's builtin)", f"{first} {ev}")
    with c.create(template="plain") as sb:
        r = sb.run(["sh", "-c", "echo plain > /srv/out/p && test -e /usr/bin/python3"])
        with open(os.path.join(vol_rw, "p")) as f:
            tap(r.exit_code == 0 and f.read() == "plain\n",
                "template: volumes over the host's root", repr(r))
    stop_daemon(d)

    bad = os.path.join(TMP, "bad-tmpl.yaml")
    for text, where in [
        ("templates:\n  x:\n    rootfs: /nonexistent\n", ":3:13: rootfs: '/nonexistent': not a directory"),
        ("templates:\n  x:\n    rootfs: relative\n", ":3:13: rootfs: expected an absolute path"),
        ("templates:\n  x:\n    rootfs: /etc/passwd\n", ":3:13: rootfs: '/etc/passwd': not a directory"),
        ("templates:\n  x:\n    volumes: /tmp:/data\n", ":3:14: volumes: expected a list"),
        ("templates:\n  x:\n    volumes:\n      - /tmp\n", ":4:9: volumes: '/tmp': expected HOST:GUEST"),
        ("templates:\n  x:\n    volumes: [/tmp:/data:rx]\n", ":3:15: volumes: '/tmp:/data:rx': the mode"),
        ("templates:\n  x:\n    volumes: [/nonexistent:/data]\n", ":3:15: volumes: '/nonexistent:/data': the host path"),
        ("templates:\n  x:\n    volumes: [tmp:/data]\n", ":3:15: volumes: 'tmp:/data': the host path must be absolute"),
        ("templates:\n  x:\n    volumes: [/tmp:data]\n", ":3:15: volumes: '/tmp:data': the guest path"),
        ("templates:\n  x:\n    volumes: [/tmp:/a/../etc]\n", ":3:15: volumes: '/tmp:/a/../etc': the guest path"),
        ("templates:\n  x:\n    volumes: [{host: /tmp}]\n", ":3:15: volumes: expected HOST:GUEST"),
        ("template:\n  rootfs: [a]\n", ":2:11: rootfs: expected an absolute path"),
    ]:
        with open(bad, "w") as f:
            f.write(text)
        p = start_daemon("--listen", f"unix:{TMP}/bad.sock", "--config", bad, wait=False)
        p.wait(base.DEADLINE_S)
        tap(p.returncode == 2 and where in logtext(p) and not os.path.exists(f"{TMP}/bad.sock"),
            f"config {text!r}: {where}", logtext(p))


def main():
    sock = os.path.join(TMP, "io.sock")

    def body():
        d = start_daemon("--listen", f"unix:{sock}")
        c = runsc_c.Client(f"unix:{sock}")
        with c.create() as sb:
            test_tty(sb, sock)
            test_stdin(d, sb, sock)
            test_watch(c, sb, sock)
            test_listdir_churn(sb)
        test_list(c, sock)
        test_templates()
        test_token()
        tap(d.poll() is None, "the daemon is up at the end", logtext(d))
        stop_daemon(d)

    return base.run_tests(body)


if __name__ == "__main__":
    sys.exit(main())
