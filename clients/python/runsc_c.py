# SPDX-License-Identifier: Apache-2.0
"""A client for the runsc-c sandbox service (`runsc-c serve`, docs/api.md).

Standard library only:

    from runsc_c import Client
    with Client("unix:/run/runsc-c.sock").sandbox(timeout=300) as sb:
        print(sb.run(["python3", "-c", "print(6*7)"]).stdout)
"""
import http.client
import json
import socket
import threading
import urllib.parse

__all__ = ["Client", "Sandbox", "Result", "ServiceError"]


class ServiceError(Exception):
    """The service answered with an error: .status (HTTP) and .message."""

    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class Result:
    """What an exec gave: exit_code, stdout and stderr (text)."""

    def __init__(self, exit_code, stdout, stderr):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        return f"Result(exit_code={self.exit_code!r}, stdout={self.stdout!r}, stderr={self.stderr!r})"


class Client:
    """address: "unix:PATH" or "http://HOST:PORT"; token: the bearer token.

    Connections are kept open between requests (HTTP/1.1 keep-alive, up
    to keep_alive idle ones, each held by a thread of the service):
    close() closes them. A Client may be used from several threads."""

    def __init__(self, address, token=None, timeout=300, keep_alive=4):
        self.address = address
        self.token = token
        self.timeout = timeout
        self.keep_alive = keep_alive
        self._idle = []
        self._lock = threading.Lock()

    def _connection(self):
        if self.address.startswith("unix:"):
            return _UnixConnection(self.address[5:], self.timeout)
        rest = self.address.split("://", 1)[-1]
        return http.client.HTTPConnection(rest, timeout=self.timeout)

    def _take(self):
        """An idle connection (and True), or a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._connection(), False

    def _give_back(self, conn, resp):
        """conn after resp was read to its end: kept for the next request
        unless the service ends it."""
        if resp.will_close or not resp.isclosed():
            conn.close()
            return
        with self._lock:
            if len(self._idle) < self.keep_alive:
                self._idle.append(conn)
                return
        conn.close()

    def close(self):
        """Closes the idle connections."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, method, path, data, headers):
        """The response to one request. A kept connection the service has
        closed meanwhile fails before any answer: the request goes again
        on a new one (when its body can be sent again)."""
        conn, reused = self._take()
        try:
            conn.request(method, path, body=data, headers=headers)
            return conn, conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            conn.close()
            if not reused or not (data is None or isinstance(data, (bytes, bytearray))):
                raise
        except BaseException:
            conn.close()
            raise
        conn = self._connection()
        try:
            conn.request(method, path, body=data, headers=headers)
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            raise

    def request(self, method, path, body=None, stream=False, raw=False):
        """Sends one request; the decoded JSON answer, or with stream=True
        a generator of the JSON lines, or with raw=True the response
        itself (read it, then close it). body may be a dict (JSON), bytes,
        a file object or an iterator of bytes (streamed). Raises
        ServiceError on an error."""
        headers = {}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if isinstance(body, (bytes, bytearray)) or hasattr(body, "read") or hasattr(body, "__next__"):
            data = body
            headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn, resp = self._send(method, path, data, headers)
        if raw and resp.status < 400:
            # The caller reads it: the connection is not kept.
            return resp
        if resp.status >= 400 or not stream:
            try:
                raw = resp.read()
            except BaseException:
                conn.close()
                raise
            self._give_back(conn, resp)
            try:
                doc = json.loads(raw) if raw else None
            except ValueError:
                doc = {"error": raw.decode(errors="replace")}
            if resp.status >= 400:
                raise ServiceError(resp.status, (doc or {}).get("error", ""))
            return doc
        return self._lines(conn, resp)

    def _lines(self, conn, resp):
        """The JSON lines of a streamed answer. Read to its end, the
        connection is kept; closed before (the generator closed early),
        the connection is closed, which ends what the stream stood for."""
        done = False
        try:
            for line in resp:
                line = line.strip()
                if line:
                    yield json.loads(line.decode("utf-8", errors="replace"))
            done = True
        finally:
            if done:
                self._give_back(conn, resp)
            else:
                conn.close()

    def create(self, **fields):
        """POST /sandboxes: template, policy, limits, env, cwd, timeout,
        idle_timeout. A Sandbox."""
        return Sandbox(self, self.request("POST", "/sandboxes", fields)["id"])

    sandbox = create

    def list(self):
        return self.request("GET", "/sandboxes")

    def pool(self, size=None, template=None):
        """GET /pool; with size, PUT /pool to resize the template's pool
        (the default one's without template)."""
        if size is not None:
            body = {"size": size}
            if template is not None:
                body["template"] = template
            return self.request("PUT", "/pool", body)
        return self.request("GET", "/pool")


class Sandbox:
    def __init__(self, client, sandbox_id):
        self.client = client
        self.id = sandbox_id

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.delete()
        except ServiceError as e:
            if e.status != 404:
                raise

    def info(self):
        return self.client.request("GET", f"/sandboxes/{self.id}")

    def delete(self):
        return self.client.request("DELETE", f"/sandboxes/{self.id}")

    def pause(self):
        """Freezes every process of the sandbox until resume(); an exec
        into a paused sandbox fails with status 409."""
        return self.client.request("POST", f"/sandboxes/{self.id}/pause")

    def resume(self):
        return self.client.request("POST", f"/sandboxes/{self.id}/resume")

    def exec_stream(self, argv, stdin=None, env=None, cwd=None, tty=False, rows=None, cols=None):
        """POST /sandboxes/ID/exec: yields {"exec": N, "pid": P} first,
        then {"stdout": ...} and {"stderr": ...} as they come, and last
        {"exit": N}. Closing the generator kills the process.

        stdin: a string (then end of file), or True to leave it open for
        send_stdin(N, ...). tty=True gives the process a terminal of
        rows x cols (default 24 x 80): its output all comes as "stdout",
        its input goes through send_stdin, resize() changes its size."""
        body = {"argv": list(argv)}
        if stdin is not None:
            body["stdin"] = stdin
        if tty:
            body["tty"] = True
            if rows is not None:
                body["rows"] = rows
            if cols is not None:
                body["cols"] = cols
        if env is not None:
            body["env"] = env
        if cwd is not None:
            body["cwd"] = cwd
        return self.client.request("POST", f"/sandboxes/{self.id}/exec", body, stream=True)

    def _files(self, path, **query):
        q = urllib.parse.urlencode({"path": path, **query})
        return f"/sandboxes/{self.id}/files?{q}"

    def read(self, path):
        """The contents of a file in the sandbox (bytes)."""
        resp = self.client.request("GET", self._files(path), raw=True)
        try:
            return resp.read()
        finally:
            resp.close()

    def write(self, path, data):
        """Writes data (bytes, str or a binary file object, streamed)."""
        if isinstance(data, str):
            data = data.encode()
        return self.client.request("PUT", self._files(path), data)

    def listdir(self, path):
        """A directory's entries: name, type, size, mtime."""
        return self.client.request("GET", self._files(path, list=1))

    def watch(self, path):
        """GET /sandboxes/ID/watch: yields {"watching": path} once the watch
        is in place, then each inotify event of the directory as it comes,
        {"events": ["create", ...], "name": ..., "dir": bool} (and "cookie"
        for moves). Closing the generator ends the watch."""
        q = urllib.parse.urlencode({"path": path})
        return self.client.request("GET", f"/sandboxes/{self.id}/watch?{q}", stream=True)

    def signal(self, exec_id, sig):
        """Sends sig (a number or a name: "TERM") to a running exec."""
        return self.client.request("POST", f"/sandboxes/{self.id}/exec/{exec_id}/signal",
                                   {"signal": sig})

    def send_stdin(self, exec_id, data, eof=False):
        """Writes data (bytes, str, a binary file object or an iterator
        of bytes, streamed) to a running exec's stdin; eof=True then
        closes it (a terminal gets its EOF character, ^D). {"written": N}."""
        if isinstance(data, str):
            data = data.encode()
        path = f"/sandboxes/{self.id}/exec/{exec_id}/stdin" + ("?eof=1" if eof else "")
        return self.client.request("POST", path, data)

    def resize(self, exec_id, rows, cols):
        """Sets the size of an exec's terminal (it gets SIGWINCH)."""
        return self.client.request("POST", f"/sandboxes/{self.id}/exec/{exec_id}/resize",
                                   {"rows": rows, "cols": cols})

    def run(self, argv, stdin=None, env=None, cwd=None):
        """Runs argv to its end: a Result."""
        out, err, code = [], [], None
        for ev in self.exec_stream(argv, stdin=stdin, env=env, cwd=cwd):
            if "stdout" in ev:
                out.append(ev["stdout"])
            elif "stderr" in ev:
                err.append(ev["stderr"])
            elif "exit" in ev:
                code = ev["exit"]
        return Result(code, "".join(out), "".join(err))
