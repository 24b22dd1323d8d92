#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sandbox service end to end: a real `runsc-c serve` on a unix socket
(and on TCP), driven with the Python client (clients/python/runsc_c.py) and
curl. Covers create, streamed exec with stdin and exit status, concurrent
execs in one sandbox, that an exec'd process is sandboxed, DELETE leaving no
process, cgroup or mount behind, the warm pool's claim and refill, the
timeout, bad requests, the token on TCP, and the config's errors. Prints TAP.

Every daemon the test starts is killed on the way out, whatever happens."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

SOURCE_ROOT = os.environ.get(
    "SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
)
sys.path.insert(0, os.path.join(SOURCE_ROOT, "clients", "python"))
import runsc_c  # noqa: E402

RUNSC_C = os.environ.get("RUNSC_C", "runsc-c")
TIME_SCALE = max(1, int(os.environ.get("RUNSC_TIME_SCALE", "1") or 1))
DEADLINE_S = 60 * TIME_SCALE

results = []
daemons = []
TMP = tempfile.mkdtemp(prefix="runsc-c-serve.")


def tap(ok, name, diag=""):
    n = len(results) + 1
    results.append(bool(ok))
    print(f"{'ok' if ok else 'not ok'} {n} - {name}", flush=True)
    if not ok and diag:
        for line in str(diag).splitlines()[-25:]:
            print(f"#   {line}", flush=True)


def start_daemon(*args, wait=True, env=None, prefix=()):
    """`runsc-c serve ARGS`, run through the command prefix (setpriv ...)."""
    log = open(os.path.join(TMP, f"daemon{len(daemons)}.log"), "w+")
    p = subprocess.Popen([*prefix, RUNSC_C, "serve", *args], stdout=log, stderr=log, start_new_session=True,
                         env=dict(os.environ, **env) if env else None)
    p.log = log
    daemons.append(p)
    if wait:
        until(lambda: p.poll() is not None or "listening on" in logtext(p), "daemon up")
    return p


def logtext(p):
    p.log.flush()
    with open(p.log.name) as f:
        return f.read()


def stop_daemon(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(DEADLINE_S)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def until(cond, what):
    """Waits for cond() (polling); False if the deadline passed first."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    print(f"# gave up waiting for: {what}", flush=True)
    return False


def monitors(sandbox_id=None):
    """Pids of serve-monitor processes (of one sandbox)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) > 2 and argv[1] == b"serve-monitor":
            if sandbox_id is None or argv[2].decode() == sandbox_id:
                out.append(int(pid))
    return out


def traces(sandbox_id):
    """Cgroup directories and mounts that name the sandbox."""
    found = []
    for root, dirs, _ in os.walk("/sys/fs/cgroup"):
        for d in dirs:
            if sandbox_id in d:
                found.append(os.path.join(root, d))
        if root.count("/") > 6:
            dirs[:] = []
    with open("/proc/self/mountinfo") as f:
        found += [line for line in f if sandbox_id in line]
    return found


def children(pid):
    """Pids of pid's child processes (the daemon's: its sandboxes' monitors)."""
    out = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.update(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def service_cgroups():
    """Names of the sandbox cgroups a service's sandboxes have (sb-...)."""
    found = set()
    for ctrl in os.listdir("/sys/fs/cgroup"):
        try:
            found.update(n for n in os.listdir(f"/sys/fs/cgroup/{ctrl}/runsc-c")
                         if n.startswith("sb-"))
        except OSError:
            pass
    return found


def curl(sock, method, path, *extra):
    r = subprocess.run(
        ["curl", "-sS", "--path-as-is", "--unix-socket", sock, "-X", method,
         "-w", "\n%{http_code}", *extra, f"http://localhost{path}"],
        capture_output=True, text=True, errors="replace", timeout=DEADLINE_S)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def expect_error(name, fn, status):
    try:
        fn()
        tap(False, name, "no error")
    except runsc_c.ServiceError as e:
        tap(e.status == status, name, f"status {e.status}: {e.message}")


def test_flags():
    p = start_daemon("--listen", "tcp:127.0.0.1:0", wait=False)
    p.wait(DEADLINE_S)
    tap(p.returncode == 2 and "--token-file" in logtext(p), "TCP without a token is refused",
        logtext(p))
    tok = os.path.join(TMP, "token")
    with open(tok, "w") as f:
        f.write("s3cret-token-0123456789\n")
    os.chmod(tok, 0o644)
    p = start_daemon("--listen", "tcp:127.0.0.1:0", "--token-file", tok, wait=False)
    p.wait(DEADLINE_S)
    tap(p.returncode == 2 and "readable by group or others" in logtext(p),
        "a token file others can read is refused", logtext(p))
    os.chmod(tok, 0o600)
    p = start_daemon("--listen", "tcp:127.0.0.1:0", "--token-file", tok)
    addr = logtext(p).split("listening on tcp:", 1)[-1].split()[0]
    good = runsc_c.Client("http://" + addr, token="s3cret-token-0123456789")
    tap(good.list() == [], "TCP with the token answers")
    expect_error("TCP with a wrong token: 401",
                 lambda: runsc_c.Client("http://" + addr, token="wrong-token-0123456789").list(), 401)
    expect_error("TCP without a token header: 401",
                 lambda: runsc_c.Client("http://" + addr).list(), 401)
    tsb = good.create()
    bad_sb = runsc_c.Sandbox(runsc_c.Client("http://" + addr, token="wrong-token-0123456789"), tsb.id)
    # A name no host file has: the view shows the host's /tmp.
    fresh = f"/tmp/runsc-c-serve-token-{os.getpid()}"
    expect_error("PUT files with a wrong token: 401", lambda: bad_sb.write(fresh, b"x"), 401)
    expect_error("... and nothing was written", lambda: tsb.read(fresh), 404)
    expect_error("exec with a wrong token: 401", lambda: bad_sb.run(["true"]), 401)
    tsb.delete()
    stop_daemon(p)

    cfg = os.path.join(TMP, "bad.yaml")
    with open(cfg, "w") as f:
        f.write("pool:\n  size: 2\n  colour: blue\n")
    p = start_daemon("--listen", f"unix:{TMP}/x.sock", "--config", cfg, wait=False)
    p.wait(DEADLINE_S)
    tap(p.returncode == 2 and f"{cfg}:3:3: pool: unknown key 'colour'" in logtext(p),
        "a config error names file:line:column", logtext(p))
    for text, where in [
        ("templates:\n  a/b: {}\n", ":2:3: templates: 'a/b'"),
        ("templates:\n  x: {pool: {size: 1}}\n  x: {}\n", ":3:3: templates: 'x' is there already"),
        ("template:\n  pool: {size: 1}\n", ":2:3: template: unknown key 'pool'"),
        ("templates:\n  x:\n    limits: {gpus: 1}\n", ":3:14: limits: unknown key 'gpus'"),
        ("template:\n  limits: {disk: huge}\n", ":2:18: limits.disk: 'huge': expected a size"),
        ("template:\n  limits: {pids: abc}\n",
         ":2:18: limits.pids: 'abc': expected a number of tasks"),
        ("template:\n  limits: {pids: 0}\n", ":2:18: limits.pids: '0': expected a number of tasks"),
        ("template:\n  limits: {pids: 1e30}\n", ":2:18: limits.pids: '1e30': expected a number"),
        ("template:\n  limits: {pids: -1}\n", ":2:18: limits.pids: '-1': expected a number"),
        ("templates:\n  x:\n    limits: {cpus: -0.5}\n",
         ":3:20: limits.cpus: '-0.5': expected a number of CPUs"),
        ("templates:\n  x:\n    limits: {cpus: 1000}\n",
         ":3:20: limits.cpus: '1000': expected from 0.01 to"),
        ("template:\n  limits: {memory: 12Q}\n", ":2:20: limits.memory: '12Q': expected a size"),
        ("template:\n  limits: {disk: '0'}\n", ":2:18: limits.disk: '0': expected a size"),
        ("max_sandboxes: 2\npool: {size: 2}\ntemplates: {x: {pool: {size: 1}}}\n",
         "add up to 3, more than max_sandboxes 2"),
        ("pool: [1, 2\n", ":2:1:"),
    ]:
        with open(cfg, "w") as f:
            f.write(text)
        # A config that is taken starts the service: stopped, a failure.
        p = start_daemon("--listen", f"unix:{TMP}/x.sock", "--config", cfg)
        stop_daemon(p)
        tap(p.returncode == 2 and where in logtext(p), f"config {text!r}: {where}", logtext(p))
    # The route out's variables, which every egress sandbox reads: a bad
    # value stops the service at its start, with runsc-c do's line (exit 2,
    # no socket left behind).
    for var, why in [("RUNSC_C_NET_ENGINE", "expected pasta or slirp4netns"),
                     ("RUNSC_C_DNS_UPSTREAM", "expected an IPv4 address")]:
        p = start_daemon("--listen", f"unix:{TMP}/net.sock", wait=False, env={var: "nonsense"})
        p.wait(DEADLINE_S)
        want = f"runsc-c serve: {var}: {why}, got 'nonsense'\n"
        tap(p.returncode == 2 and logtext(p) == want and not os.path.exists(f"{TMP}/net.sock"),
            f"a bad {var} stops the service at its start: one line naming it and its value",
            f"status {p.returncode}: {logtext(p)}")
    with open(cfg, "w") as f:
        f.write("pool: {size: many}\n")
    p = start_daemon("--listen", f"unix:{TMP}/x.sock", "--config", cfg, wait=False)
    p.wait(DEADLINE_S)
    tap(p.returncode == 2 and f"{cfg}:1:14: pool.size" in logtext(p), "a config of the wrong type: file:line:column",
        logtext(p))


def test_pause(sb, sock):
    """Pause and resume: a counting exec's output stops and goes on; exec
    into a paused sandbox is refused; usage comes from the cgroups."""
    stream = sb.exec_stream(["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done"])
    first = next(stream)
    lines = []

    def consume():
        for ev in stream:
            lines.append(ev.get("stdout", ""))

    t = threading.Thread(target=consume)
    t.start()

    def count():
        return "".join(lines).count("\n")

    until(lambda: count() > 3, "the counter to count")
    u0 = sb.info()["usage"]
    tap(u0 is not None and u0["pids"] >= 2 and u0["memory_bytes"] > 0 and u0["cpu_ns"] > 0
        and u0["memory_peak_bytes"] >= u0["memory_bytes"] and u0["pids_limit"] is not None,
        "GET /sandboxes/ID: usage from the cgroups", json.dumps(u0))
    r = sb.pause()
    tap(r == {"id": sb.id, "state": "paused"}, "POST pause", json.dumps(r))
    tap(sb.info()["state"] == "paused", "GET says paused")
    tap([s["state"] for s in sb.client.list() if s["id"] == sb.id] == ["paused"],
        "GET /sandboxes says paused")
    expect_error("pause of a paused sandbox: 409", sb.pause, 409)
    expect_error("exec into a paused sandbox: 409", lambda: sb.run(["true"]), 409)
    time.sleep(0.3)  # what was written before the freeze arrives
    n1 = count()
    cpu1 = sb.info()["usage"]["cpu_ns"]
    time.sleep(0.5)
    n2 = count()
    tap(n1 == n2, "a paused sandbox's counter stops", f"{n1} then {n2}")
    tap(sb.resume() == {"id": sb.id, "state": "running"}, "POST resume")
    tap(until(lambda: count() > n2 + 3, "the counter to go on"), "after resume it counts on")
    tap(until(lambda: sb.info()["usage"]["cpu_ns"] > cpu1, "cpu usage to grow"),
        "usage: cpu time moves")
    expect_error("resume of a running sandbox: 409", sb.resume, 409)
    sb.signal(first["exec"], "KILL")
    t.join(30)
    tap(not t.is_alive(), "the counter ends when killed")
    tap(sb.run(["echo", "after"]).stdout == "after\n", "exec works again after resume")
    code, text = curl(sock, "GET", f"/sandboxes/{sb.id}/pause")
    tap(code == 405, "GET pause -> 405", f"{code} {text}")
    expect_error("pause of an unknown sandbox: 404",
                 runsc_c.Sandbox(sb.client, "sb-0000000000000000").pause, 404)


def bad_limits(d, c, sock):
    """Limits `runsc-c do` refuses as flags: 400 naming the field and the
    value, and no sandbox started for them."""
    until(lambda: c.pool()["ready"] == 2 and c.pool()["starting"] == 0, "a steady pool")
    monitors_before, cgroups_before = children(d.pid), service_cgroups()
    listed_before = [s["id"] for s in c.list()]
    cases = [
        ("pids", "-1", "-1"), ("pids", "0", "0"), ("pids", '"abc"', "abc"),
        ("pids", "1e30", "1e30"), ("pids", "1.5", "1.5"), ("pids", '"4194305"', "4194305"),
        ("pids", '""', ""), ("cpus", "-0.5", "-0.5"), ("cpus", '"abc"', "abc"),
        ("cpus", "0", "0"), ("cpus", "0.001", "0.001"),
        ("cpus", str(os.cpu_count() + 1), str(os.cpu_count() + 1)),
        ("cpus", "1e30", "1e30"), ("cpus", "1e0", "1e0"), ("cpus", '"0x1p0"', "0x1p0"),
        ("cpus", '"inf"', "inf"), ("cpus", '"1."', "1."), ("memory", '"12Q"', "12Q"), ("memory", "-1", "-1"),
        ("memory", '"1k"', "1k"), ("memory", "1e30", "1e30"), ("disk", '"0"', "0"),
        ("disk", "0", "0"), ("disk", '"-1G"', "-1G"), ("pids", "true", "boolean"),
        ("memory", "[1]", "array"), ("cpus", '{"n": 1}', "object"),
        ("pids", '"64\\u0000"', "64..."),
    ]
    for field, value, shown in cases:
        body = '{"limits": {"%s": %s}}' % (field, value)
        code, text = curl(sock, "POST", "/sandboxes", "-d", body)
        try:
            err = json.loads(text)["error"]
        except (ValueError, KeyError, TypeError):
            err = ""
        named = err.startswith(f"limits.{field}: ") and (
            f"'{shown}'" in err if shown not in ("boolean", "array", "object") else shown in err)
        tap(code == 400 and named, f"POST /sandboxes {body} -> 400 naming the field and value",
            f"{code} {text}")
    tap(until(lambda: c.pool()["ready"] == 2 and c.pool()["starting"] == 0, "a steady pool")
        and children(d.pid) == monitors_before,
        "bad limits start no sandbox", f"{monitors_before} before, {children(d.pid)} after")
    left = [i for i in service_cgroups() - cgroups_before if not monitors(i)]
    tap([s["id"] for s in c.list()] == listed_before and not left,
        "bad limits leave no sandbox and no cgroup behind", f"{c.list()} {left}")
    # Good values, as strings and as numbers: the sandbox gets them.
    for limits in [{"pids": 64, "cpus": 0.5, "memory": "64M", "disk": "8M"},
                   {"pids": "64", "cpus": "0.5", "memory": 64 << 20, "disk": 8 << 20}]:
        sb = c.create(limits=limits)
        usage = sb.info()["usage"]
        r = sb.run(["sh", "-c", "df -k /tmp | tail -n 1"])
        tap(usage["pids_limit"] == 64 and usage["memory_limit_bytes"] == 64 << 20
            and r.exit_code == 0 and r.stdout.split()[1] == "8192",
            f"good limits {limits} are applied", f"{usage} {r}")
        sb.delete()


def connection_bound(d, c, sock):
    """More connections than the service serves at once (1024, a thread
    each): the next ones get a 503 with a JSON error and are closed, the
    service keeps answering the others and serves again once they go."""
    import resource
    import socket
    c.close()  # its kept connection would count among the 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1024 + 200
    if hard != resource.RLIM_INFINITY and hard < want:
        tap(True, "more than 1024 connections # SKIP RLIMIT_NOFILE hard limit " + str(hard))
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    held = []

    def request(s, path):
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        s.settimeout(DEADLINE_S)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        while len(rest) < length:
            chunk = s.recv(4096)
            if not chunk:
                break
            rest += chunk
        status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
        return status, rest.decode(errors="replace")

    try:
        for _ in range(1024):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock)
            held.append(s)
        status, body = request(held[0], "/pool")
        tap(status == 200, "1024 connections at once are served", f"{status} {body}")
        # Taken in order: the 1024 above are counted before this one.
        over = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        over.connect(sock)
        held.append(over)
        status, body = request(over, "/pool")
        try:
            err = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            err = ""
        tap(status == 503 and "connections" in err,
            "one more gets a 503 with a JSON error", f"{status} {body}")
        tap(over.recv(1) == b"", "... and is closed")
        tap(d.poll() is None, "the service runs on")
    finally:
        for s in held:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    def serves():
        # The service may not have seen every close yet: until it has, a
        # request gets the same 503 as the 1,025th connection.
        try:
            return c.pool()["size"] >= 0
        except runsc_c.ServiceError as e:
            if e.status == 503 and "connections" in e.message:
                return False
            raise

    tap(until(serves, "an answer") and d.poll() is None,
        "with the connections gone it serves again")


def exec_bound(sb):
    """An init runs at most 64 execs at once: the next one is a 503 (retry
    later), not a 400, and the sandbox serves again once they end."""
    streams = []
    try:
        for _ in range(64):
            streams.append(sb.exec_stream(["sleep", "60"]))
            next(streams[-1])  # {"exec": N, "pid": P}: it runs
        expect_error("the 65th exec running at once: 503",
                     lambda: sb.exec_stream(["sleep", "60"]), 503)
    finally:
        for st in streams:
            st.close()
    def runs():
        try:
            return sb.run(["true"]).exit_code == 0
        except runsc_c.ServiceError:
            return False
    tap(until(runs, "an exec after the others"), "with them ended the sandbox runs execs again")


def keep_alive(c, sb):
    """The Python client keeps its connection (HTTP/1.1 keep-alive) from
    one request to the next, and closes it when an exec's stream is closed
    before its end, which ends the exec."""
    def kept():
        return [os.fstat(conn.sock.fileno()).st_ino for conn in c._idle if conn.sock]

    c.close()
    r1 = sb.run(["echo", "one"])
    first = kept()
    r2 = sb.run(["echo", "two"])
    info = sb.info()
    tap(r1.stdout == "one\n" and r2.stdout == "two\n" and info["id"] == sb.id
        and len(first) == 1 and kept() == first,
        "execs and requests in a row share one kept connection", f"{first} {kept()}")
    stream = sb.exec_stream(["sleep", "1000"])
    next(stream)
    tap(c._idle == [], "a running exec's stream holds its connection")
    stream.close()
    tap(c._idle == [], "a stream closed before its end closes its connection")
    r3 = sb.run(["echo", "three"])
    tap(r3.stdout == "three\n" and len(kept()) == 1 and kept() != first,
        "the next request opens a new connection, then keeps it")


def exec_rules_per_policy(c):
    """The files exec opened are kept under a policy too; each sandbox's
    exec rules still decide every exec: a path run (and kept) in a sandbox
    whose policy allows it is refused, again and again, in one whose
    policy denies it, and runs again in the first."""
    head = "apiVersion: runsc-c/v1\nkind: Policy\nextends: default\n"
    allow, deny = os.path.join(TMP, "exec-allow.yaml"), os.path.join(TMP, "exec-deny.yaml")
    with open(allow, "w") as f:
        f.write(head + "exec:\n  allow: [/usr/bin/*, /bin/*]\n")
    with open(deny, "w") as f:
        f.write(head + "exec:\n  deny: [/usr/bin/id]\n")
    with c.create(policy=allow) as a, c.create(policy=deny) as b:
        runs = [a.run(["id", "-u"]).stdout for _ in range(3)]
        tap(runs == ["0\n"] * 3, "exec under a policy: the same path runs again and again", runs)
        for i in range(2):
            expect_error(f"... refused under a policy that denies it (exec {i + 1}): 400",
                         lambda: b.run(["id", "-u"]), 400)
        r = b.run(["sh", "-c", "id -u; /usr/bin/id -u; echo $?"])
        tap(r.stdout == "126\n" and r.stderr.count("Permission denied") == 2,
            "... and by the sandbox's own processes", repr(r))
        tap(a.run(["id", "-u"]).stdout == "0\n", "... and still runs where it is allowed")


def test_service():
    sock = os.path.join(TMP, "serve.sock")
    cfg = os.path.join(TMP, "serve.yaml")
    with open(cfg, "w") as f:
        f.write("pool:\n  size: 2\nmax_sandboxes: 32\n"
                "templates:\n  small:\n    limits: {pids: 64}\n    pool: {size: 1}\n")
    d = start_daemon("--listen", f"unix:{sock}", "--config", cfg)
    tap(d.poll() is None, "the daemon runs", logtext(d))
    tap(oct(os.stat(sock).st_mode & 0o777) == "0o600", "its socket is mode 0600")
    c = runsc_c.Client(f"unix:{sock}")

    ok = until(lambda: c.pool()["ready"] == 2, "the pool to fill")
    tap(ok, "the warm pool fills to its size", json.dumps(c.pool()))

    ok = until(lambda: c.pool()["templates"]["small"]["ready"] == 1, "the small pool")
    tap(ok, "a named template's pool fills too", json.dumps(c.pool()))
    small = c.create(template="small")
    tap(small.info()["template"] == "small" and small.run(["echo", "s"]).stdout == "s\n",
        "POST /sandboxes {template} claims from that template's pool")
    tap(until(lambda: c.pool()["templates"]["small"]["ready"] == 1, "the small pool's refill"),
        "... and that pool refills", json.dumps(c.pool()))
    small.delete()
    expect_error("an unknown template: 400", lambda: c.create(template="nope"), 400)
    r = c.request("PUT", "/pool", {"template": "small", "size": 0})
    tap(until(lambda: c.pool()["templates"]["small"]["ready"] == 0, "the small pool to empty"),
        "PUT /pool {template, size} resizes that template's pool", json.dumps(r))

    sb = c.create(env={"GREETING": "hello"}, cwd="/tmp", timeout=600)
    tap(sb.id.startswith("sb-"), "POST /sandboxes claims one: " + sb.id)
    ok = until(lambda: c.pool()["ready"] == 2, "the pool to refill")
    tap(ok, "the pool refills after a claim", json.dumps(c.pool()))
    tap([s["id"] for s in c.list()] == [sb.id], "GET /sandboxes lists the claimed one only",
        json.dumps(c.list()))
    info = sb.info()
    tap(info["state"] == "running" and info["cwd"] == "/tmp", "GET /sandboxes/ID", json.dumps(info))

    r = sb.run(["sh", "-c", 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 7'])
    tap((r.exit_code, r.stdout, r.stderr) == (7, "hello from /tmp\n", "oops\n"),
        "exec: stdout, stderr and the exit status; the sandbox's env and cwd", repr(r))
    r = sb.run(["sh", "-c", "echo $A$GREETING; pwd"], env={"A": "x"}, cwd="/")
    tap(r.stdout == "xhello\n/\n", "exec: its own env and cwd", repr(r))
    data = "".join(f"line {i} é\n" for i in range(20000))
    r = sb.run(["cat"], stdin=data)
    tap(r.exit_code == 0 and r.stdout == data, "exec: stdin in, the same out (streamed in chunks)",
        f"{len(r.stdout)} of {len(data)} bytes")
    events = list(sb.exec_stream(["sh", "-c", "echo a; sleep 0.2; echo b; exit 1"]))
    tap(len(events) == 4 and set(events[0]) == {"exec", "pid"}
        and events[1:] == [{"stdout": "a\n"}, {"stdout": "b\n"}, {"exit": 1}],
        "exec output is streamed as JSON lines: the process first, the exit last",
        json.dumps(events))

    r = sb.run(["printf", "ok \\377\\300\\200 \\342\\202\\254 \\000 end"])
    tap(r.stdout == "ok \ufffd\ufffd\ufffd \u20ac \x00 end",
        "output that is not UTF-8 arrives as U+FFFD, valid JSON", repr(r.stdout))
    big = "€" * 40000
    r = sb.run(["cat"], stdin=big)
    tap(r.stdout == big, "a UTF-8 character split between reads arrives whole",
        f"{len(r.stdout)} characters")

    # Files, through a process in the sandbox: the guest's view and policy.
    tap(sb.read("/etc/hostname") == b"runsc-c\n" or sb.read("/etc/hostname") ==
        sb.run(["cat", "/etc/hostname"]).stdout.encode(), "GET files: a file as the guest sees it")
    sb.write("/tmp/up.bin", bytes(range(256)) * 10)
    tap(sb.read("/tmp/up.bin") == bytes(range(256)) * 10
        and sb.run(["sh", "-c", "wc -c < /tmp/up.bin"]).stdout.strip() == "2560",
        "PUT then GET files: binary content, and the guest sees it")
    sb.write("/tmp/empty", b"")
    tap(sb.read("/tmp/empty") == b"", "an empty file up and down")
    names = {e["name"]: e for e in sb.listdir("/tmp")}
    tap(names.get("up.bin", {}).get("type") == "file" and names["up.bin"]["size"] == 2560,
        "GET files?list=1: a directory's entries", json.dumps(names)[:500])
    expect_error("a missing file: 404", lambda: sb.read("/no/such/file"), 404)
    expect_error("list of a file: 400", lambda: sb.listdir("/tmp/up.bin"), 400)
    expect_error("PUT into a missing directory: 404", lambda: sb.write("/no/dir/x", b"x"), 404)
    if os.path.exists("/etc/shadow"):
        expect_error("a host secret stays hidden (/etc/shadow): 404",
                     lambda: sb.read("/../../etc/shadow"), 404)
    with open("/etc/passwd", "rb") as f:
        host_passwd = f.read()
    sb.write("/etc/passwd", b"tenant was here\n")
    with open("/etc/passwd", "rb") as f:
        tap(f.read() == host_passwd and sb.read("/etc/passwd") == b"tenant was here\n",
            "a write to /etc/passwd stays in the sandbox; the host's is unchanged")
    tap(sb.read("/tmp/../../../tmp/up.bin") == bytes(range(256)) * 10,
        "a path with .. means what it means to the guest")
    for q, status in [("", 400), ("?path=relative", 400), ("?path=/tmp/a%00b", 400),
                      ("?path=/tmp&mode=x", 400), ("?path=/tmp&list=maybe", 400)]:
        code, text = curl(sock, "GET", f"/sandboxes/{sb.id}/files{q}")
        tap(code == status and "error" in text, f"GET files{q} -> {status}", f"{code} {text}")
    code, text = curl(sock, "DELETE", f"/sandboxes/{sb.id}/files?path=/tmp/up.bin")
    tap(code == 405, "DELETE files -> 405", f"{code} {text}")
    code, text = curl(sock, "PUT", "/sandboxes/sb-0000000000000000/files?path=/tmp/x", "-d", "x")
    tap(code == 404, "PUT files in an unknown sandbox -> 404", f"{code} {text}")

    # 64 MiB up and down, streamed: the service's memory does not grow by it.
    big = os.path.join(TMP, "big.bin")
    with open(big, "wb") as f:
        for _ in range(64):
            f.write(os.urandom(1 << 20))

    def hwm():
        with open(f"/proc/{d.pid}/status") as f:
            return int([l for l in f if l.startswith("VmHWM:")][0].split()[1]) * 1024

    before = hwm()
    with open(big, "rb") as f:
        sb.write("/tmp/big.bin", f)
    resp = sb.client.request("GET", sb._files("/tmp/big.bin"), raw=True)
    same = True
    with open(big, "rb") as f:
        while True:
            chunk = resp.read(1 << 20)
            if not chunk:
                break
            same = same and chunk == f.read(len(chunk))
        same = same and f.read(1) == b""
    resp.close()
    grown = hwm() - before
    tap(same, "64 MiB up and down arrives intact")
    tap(grown < (16 << 20), "the service's peak memory grows by less than 16 MiB for it",
        f"grew by {grown} bytes")
    os.unlink(big)

    # Signals to a running exec.
    stream = sb.exec_stream(["sh", "-c", 'trap "echo got TERM; exit 5" TERM; echo ready; '
                             'while :; do sleep 0.05; done'])
    first = next(stream)
    ready = next(stream)
    sb.signal(first["exec"], "TERM")
    rest = list(stream)
    tap(ready == {"stdout": "ready\n"} and rest == [{"stdout": "got TERM\n"}, {"exit": 5}],
        "a signal reaches a running exec", json.dumps([first, ready] + rest))
    expect_error("a signal to an exec that ended: 404", lambda: sb.signal(first["exec"], 15), 404)
    expect_error("a signal to an exec number never given: 404",
                 lambda: sb.signal(999999, 15), 404)
    stream = sb.exec_stream(["sleep", "1000"])
    first = next(stream)
    expect_error("a signal that is not one: 400", lambda: sb.signal(first["exec"], "NOPE"), 400)
    expect_error("signal 0 is not one: 400", lambda: sb.signal(first["exec"], 0), 400)
    stream.close()  # the client goes away: the process is killed

    def sleepers():
        r = sb.run(["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"])
        return "sleep 1000" in r.stdout

    tap(until(lambda: not sleepers(), "the sleeper to be killed"),
        "a client that disconnects kills its exec")
    r = sb.run(["python3", "-c",
                "import ctypes; print(ctypes.CDLL(None).prctl(21, 0, 0, 0, 0))"])
    tap(r.stdout.strip() == "2", "the exec'd process runs under seccomp (PR_GET_SECCOMP == 2)",
        repr(r))
    r = sb.run(["sh", "-c", "kill -0 1 && readlink /proc/1/exe; echo $$"])
    tap(r.exit_code == 0 and int(r.stdout.split()[-1]) < 100,
        "the exec'd process lives in the guest's pid namespace", repr(r))
    expect_error("exec of a program that does not exist: 400",
                 lambda: sb.run(["/no/such/program"]), 400)

    test_pause(sb, sock)
    keep_alive(c, sb)
    exec_rules_per_policy(c)

    # Concurrent: the waiter ends only if the other exec runs meanwhile.
    out = {}

    def waiter():
        out["w"] = sb.run(["sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.05; done; echo waited"])

    t = threading.Thread(target=waiter)
    t.start()
    others = [threading.Thread(target=lambda i=i: out.__setitem__(i, sb.run(["echo", str(i)])))
              for i in range(4)]
    for o in others:
        o.start()
    for o in others:
        o.join(DEADLINE_S)
    sb.run(["touch", "/tmp/go"])
    t.join(DEADLINE_S)
    tap(all(out.get(i) and out[i].stdout == f"{i}\n" for i in range(4))
        and out.get("w") and out["w"].stdout == "waited\n",
        "several execs at once in one sandbox", repr(out))

    # curl: chunked streaming and the same JSON lines.
    code, body = curl(sock, "POST", f"/sandboxes/{sb.id}/exec", "-N", "-d",
                      '{"argv": ["echo", "via curl"]}')
    lines = body.splitlines()
    tap(code == 200 and lines[0].startswith('{"exec":')
        and lines[1:] == ['{"stdout":"via curl\\n"}', '{"exit":0}'],
        "curl: an exec", f"{code} {body}")

    # Bad requests: a JSON error with a status; the service goes on.
    bad = [
        ("POST", "/sandboxes", '{"polcy": "x"}', 400, "unknown field"),
        ("POST", "/sandboxes", '{"timeout": "10"}', 400, "must be a number"),
        ("POST", "/sandboxes", '{"idle_timeout": -1}', 400, "idle_timeout"),
        ("POST", "/sandboxes", '{"env": {"A": 1}}', 400, "env"),
        ("POST", "/sandboxes", '{"cwd": "relative"}', 400, "absolute"),
        ("POST", "/sandboxes", '{"limits": {"gpus": 1}}', 400, "limits.gpus"),
        ("POST", "/sandboxes", '{"limits": {"disk": "lots"}}', 400, "limits.disk: 'lots'"),
        ("POST", "/sandboxes", '{"limits": {"disk": "512k"}}', 400, "at least 1M"),
        ("POST", "/sandboxes", '{"limits": {"memory": "1k"}}', 400, "at least 16M"),
        ("POST", "/sandboxes", '[1, 2]', 400, "one JSON object"),
        ("POST", "/sandboxes", '{"policy": ', 400, "not JSON"),
        ("POST", "/sandboxes", '{} {}', 400, "JSON"),
        ("POST", "/sandboxes", '{"policy": "no-such-policy-here"}', 400, "no-such-policy-here"),
        ("POST", f"/sandboxes/{sb.id}/exec", '{"argv": []}', 400, "argv"),
        ("POST", f"/sandboxes/{sb.id}/exec", '{"argv": "ls"}', 400, "argv"),
        ("POST", f"/sandboxes/{sb.id}/exec", '{"argv": ["ls", 3]}', 400, "argv[1]"),
        ("POST", f"/sandboxes/{sb.id}/exec", '{"argv": ["ls"], "tty": "yes"}', 400, "tty"),
        ("POST", f"/sandboxes/{sb.id}/exec", '{"argv": ["ls"], "stdin": 5}', 400, "stdin"),
        ("POST", "/sandboxes/sb-0000000000000000/exec", '{"argv": ["ls"]}', 404, "no sandbox"),
        ("GET", "/sandboxes/sb-0000000000000000", None, 404, "no sandbox"),
        ("DELETE", "/sandboxes/sb-0000000000000000", None, 404, "no sandbox"),
        ("GET", "/sandboxes/../../etc/passwd", None, 404, ""),
        ("GET", f"/sandboxes/{sb.id}/../{sb.id}", None, 404, ""),
        ("GET", "/sandboxes/%2e%2e%2fetc", None, 404, ""),
        ("POST", f"/sandboxes/{sb.id}/files", "{}", 405, "only GET and PUT"),
        ("POST", f"/sandboxes/{sb.id}/other", "{}", 404, "no such endpoint"),
        ("PUT", "/sandboxes", "{}", 405, "only GET and POST"),
    ]
    for method, path, body, status, words in bad:
        extra = ["-d", body] if body is not None else []
        code, text = curl(sock, method, path, *extra)
        try:
            err = json.loads(text)["error"]
        except (ValueError, KeyError, TypeError):
            err = None
        tap(code == status and err is not None and words in err,
            f"{method} {path} {body or ''} -> {status}", f"{code} {text}")
    bad_limits(d, c, sock)
    connection_bound(d, c, sock)
    exec_bound(sb)
    big = os.path.join(TMP, "big.json")
    with open(big, "w") as f:
        f.write('{"argv": ["true"], "stdin": "' + "x" * (2 << 20) + '"}')
    code, text = curl(sock, "POST", f"/sandboxes/{sb.id}/exec", "--data-binary", f"@{big}")
    tap(code == 413 and "larger than" in text, "a body over 1 MiB: 413", f"{code} {text[:200]}")
    tap(d.poll() is None and sb.run(["true"]).exit_code == 0,
        "the service and the sandbox survive the bad requests")

    # DELETE: nothing of the sandbox is left.
    mons = monitors(sb.id)
    before = traces(sb.id)
    tap(mons and before, "a sandbox has a monitor (with its sentry and gofer) and cgroups",
        f"monitors {mons}, traces {before}")
    sb.delete()
    left = [p for p in mons if os.path.exists(f"/proc/{p}")]
    tap(not left and not traces(sb.id), "DELETE leaves no process, cgroup or mount behind",
        f"processes {left}, traces {traces(sb.id)}")
    expect_error("the deleted sandbox is gone: 404", sb.info, 404)

    # Custom sandboxes (cold) and the timeout.
    t0 = c.create(timeout=1, limits={"pids": 64})
    tap(t0.run(["echo", "cold"]).stdout == "cold\n", "a sandbox with its own limits starts cold")
    mons = monitors(t0.id)
    gone = until(lambda: t0.id not in [s["id"] for s in c.list()], "the timeout")
    tap(gone and until(lambda: not any(os.path.exists(f"/proc/{p}") for p in mons), "monitor")
        and not traces(t0.id), "the timeout reclaims the sandbox entirely")
    expect_error("exec in a timed-out sandbox: 404", lambda: t0.run(["true"]), 404)

    # The idle timeout: not while an exec runs; after it, the sandbox goes.
    idle = c.create(idle_timeout=1)
    r = idle.run(["sh", "-c", "sleep 2.5; echo still here"])
    tap(r.stdout == "still here\n" and idle.info()["idle_timeout"] == 1,
        "a running exec keeps a sandbox from going idle", repr(r))
    mons = monitors(idle.id)
    tap(until(lambda: idle.id not in [s["id"] for s in c.list()], "the idle timeout")
        and until(lambda: not any(os.path.exists(f"/proc/{p}") for p in mons), "monitor")
        and not traces(idle.id), "the idle timeout reclaims an idle sandbox")

    # DELETE under a running exec: the stream ends with 137.
    victim = c.create()
    stream = victim.exec_stream(["sleep", "1000"])
    next(stream)
    victim.delete()
    tap(list(stream) == [{"exit": 137}], "an exec running when its sandbox is deleted ends with 137")

    # A sandbox whose sentry is killed is reclaimed.
    k = c.create()
    procs = monitors(k.id)

    def status_of(pid, field):
        with open(f"/proc/{pid}/status") as f:
            return [l.split(":", 1)[1].strip() for l in f if l.startswith(field + ":")][0]

    # The sentry: the monitor's child of that name (the monitor is the
    # daemon's child).
    monitor = [p for p in procs if int(status_of(p, "PPid")) == d.pid]
    sentry = [p for p in procs if status_of(p, "Name") == "runsc-c-sentry"
              and [int(status_of(p, "PPid"))] == monitor]
    tap(len(sentry) == 1, "the sandbox's sentry is found", repr(procs))
    for p in sentry:
        os.kill(p, signal.SIGKILL)
    tap(until(lambda: k.id not in [s["id"] for s in c.list()], "the killed sandbox to go")
        and until(lambda: not any(os.path.exists(f"/proc/{p}") for p in procs), "its processes")
        and not traces(k.id), "kill -9 of a sentry: the sandbox is reclaimed, nothing left")

    # A sandbox whose monitor is killed: its sentry and gofer die with it,
    # and its cgroups are gone (in every hierarchy) by the time it leaves
    # the list.
    m = c.create()
    procs = monitors(m.id)
    monitor = [p for p in procs if int(status_of(p, "PPid")) == d.pid]
    tap(len(monitor) == 1 and traces(m.id), "the sandbox's monitor is found, with its cgroups",
        f"{procs} {traces(m.id)}")
    for p in monitor:
        os.kill(p, signal.SIGKILL)
    tap(until(lambda: m.id not in [s["id"] for s in c.list()], "the killed sandbox to go")
        and not traces(m.id), "kill -9 of a monitor: its cgroups are removed with it",
        f"traces {traces(m.id)}")
    tap(until(lambda: not any(os.path.exists(f"/proc/{p}") for p in procs), "its processes"),
        "kill -9 of a monitor: no process of its sandbox is left")

    # The pool's size through the API.
    c.pool(size=0)
    tap(until(lambda: c.pool()["ready"] == 0, "the pool to shrink"), "PUT /pool shrinks the pool")
    c.pool(size=1)
    tap(until(lambda: c.pool()["ready"] == 1, "the pool to grow"), "PUT /pool grows the pool")
    c.pool(size=3)
    c.pool(size=0)  # while the pool is starting sandboxes
    settled = until(lambda: (lambda p: p["ready"] == 0 and p["starting"] == 0)(c.pool()),
                    "the pool to settle at 0")
    tap(settled, "a pool shrunk while it fills ends at its new size", json.dumps(c.pool()))
    c.pool(size=1)
    code, text = curl(sock, "PUT", "/pool", "-d", '{"size": 1000}')
    tap(code == 400 and "max_sandboxes" in text, "PUT /pool over max_sandboxes: 400", text)

    # Parallel creates: each its own sandbox.
    ids = []
    th = [threading.Thread(target=lambda: ids.append(c.create().id)) for _ in range(4)]
    for t in th:
        t.start()
    for t in th:
        t.join(DEADLINE_S)
    tap(len(set(ids)) == 4, "four creates at once: four sandboxes", repr(ids))

    # Shutdown ends every sandbox and says so.
    all_mons = monitors()
    mine = [p for p in all_mons if any(p in monitors(i) for i in ids)]
    stop_daemon(d)
    tap(d.returncode == 0 and "ending every sandbox" in logtext(d)
        and not os.path.exists(sock), "SIGTERM: the service ends its sandboxes and stops",
        logtext(d))
    tap(until(lambda: not any(os.path.exists(f"/proc/{p}") for p in mine), "monitors")
        and not any(traces(i) for i in ids), "no sandbox outlives the service")


def test_kill_service():
    """kill -9 of the daemon: every sandbox goes with it."""
    sock = os.path.join(TMP, "killed.sock")
    d = start_daemon("--listen", f"unix:{sock}")
    c = runsc_c.Client(f"unix:{sock}")
    # Many creates at once, each with an exec, then deletes at once: all
    # served, and the service's fds are what they were.
    n = int(os.environ.get("SERVE_TEST_CONCURRENT", "200"))
    fds_before = len(os.listdir(f"/proc/{d.pid}/fd"))
    made, errors = [], []

    def one():
        try:
            sbx = c.create()
            made.append(sbx)
            if sbx.run(["echo", sbx.id]).stdout != sbx.id + "\n":
                errors.append("wrong output")
        except Exception as e:  # reported below
            errors.append(repr(e))

    th = [threading.Thread(target=one) for _ in range(n)]
    for t in th:
        t.start()
    for t in th:
        t.join(DEADLINE_S * 4)
    tap(len(made) == n and not errors, f"{n} creates and execs at once", repr(errors[:5]))
    th = [threading.Thread(target=sbx.delete) for sbx in made]
    for t in th:
        t.start()
    for t in th:
        t.join(DEADLINE_S * 4)
    tap(c.list() == [] and not monitors() or all(
        not any(m in monitors(x.id) for x in made) for m in monitors()),
        f"{n} deletes at once: none left")
    # (a connection the client closed may take a moment to be closed here)
    c.close()
    until(lambda: len(os.listdir(f"/proc/{d.pid}/fd")) == fds_before, "the service's fds")
    fds_after = len(os.listdir(f"/proc/{d.pid}/fd"))
    tap(fds_after == fds_before, "the service's fds are as before the cycles",
        f"{fds_before} before, {fds_after} after")

    ids = [c.create().id for _ in range(2)]
    procs = [p for i in ids for p in monitors(i)]
    kept = list(c._idle)
    os.killpg(d.pid, signal.SIGKILL)
    d.wait()
    tap(until(lambda: not any(os.path.exists(f"/proc/{p}") for p in procs), "the monitors")
        and not any(traces(i) for i in ids), "kill -9 of the service: its sandboxes end, nothing left")
    d2 = start_daemon("--listen", f"unix:{sock}")
    tap(d2.poll() is None and runsc_c.Client(f"unix:{sock}").list() == [],
        "a restarted service starts empty on the same socket", logtext(d2))
    # The client's kept connection went with the killed service: its next
    # request goes on a new one.
    tap(len(kept) == 1 and c.list() == [] and kept[0] not in c._idle and len(c._idle) == 1,
        "a client's connection kept from the killed service is replaced", repr(kept))
    c.close()
    stop_daemon(d2)


def run_tests(body):
    """Runs body, the tests of one file, as TAP: a crash is a failure with
    its story and the daemons' logs; every daemon started is killed and TMP
    removed whatever happens. Returns the exit status."""
    # A test runner's SIGTERM (its timeout) still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        body()
    except Exception as e:  # a crash is a failure, with its story
        import traceback

        tap(False, f"the test ran to its end: {e!r}", traceback.format_exc())
        for p in daemons:
            print("# " + logtext(p).replace("\n", "\n# "))
    finally:
        for p in daemons:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        subprocess.run(["rm", "-rf", TMP])
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


def main():
    def body():
        test_flags()
        test_service()
        test_kill_service()

    return run_tests(body)


if __name__ == "__main__":
    sys.exit(main())
