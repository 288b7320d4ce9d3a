"""A small JSON client and a `swiftpacs serve` runner for the REST API suites."""
import base64
import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections import deque

from dicom_peers import HOST, free_port

ADMIN_PASSWORD = "Admin-pass-1234"


class Server:
    """`swiftpacs serve` on free ports with SWIFTPACS_ADMIN_PASSWORD set."""

    def __init__(self, swiftpacs, data, aet="SWIFTPACS", dicom_port=None):
        self.swiftpacs, self.data, self.aet = swiftpacs, str(data), aet
        self.dicom_port = dicom_port if dicom_port is not None else free_port()
        self.http_port = free_port()
        self.proc = None

    @property
    def data_path(self):
        from pathlib import Path
        return Path(self.data)

    def start(self, extra=(), dicom_flag=True):
        env = dict(os.environ, SWIFTPACS_ADMIN_PASSWORD=ADMIN_PASSWORD)
        args = [self.swiftpacs, "serve", "--data", self.data, "--http-port", str(self.http_port), "--host", HOST, *extra]
        if dicom_flag and self.dicom_port is not None:
            args += ["--dicom-port", str(self.dicom_port)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines, deadline = [], time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("HTTP:"):
                self.banner = "".join(lines)
                self._drain()
                return self
        self.proc.kill()
        raise AssertionError(f"serve did not start: {''.join(lines)} {self.proc.stderr.read()}")

    def _drain(self):
        """Reads what the server writes from now on, keeping the last lines: a pipe nobody reads
        fills up and then blocks the server's next write (every request's line in debug mode)."""
        self.output, self.errors = deque(maxlen=200), deque(maxlen=200)
        for stream, kept in ((self.proc.stdout, self.output), (self.proc.stderr, self.errors)):
            threading.Thread(target=lambda st=stream, k=kept: k.extend(st), daemon=True).start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(15) == 0
        self.proc = None

    def client(self, **kw):
        return Client(HOST, self.http_port, **kw)

    def admin(self):
        return self.client(basic=("admin", ADMIN_PASSWORD))


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        ctype = headers.get("Content-Type", "")
        self.json = json.loads(body) if body and "json" in ctype else None

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"

    def error_code(self):
        return (self.json or {}).get("error", {}).get("code")


class Client:
    """JSON over http.client; keeps the session cookie and sends the CSRF token when asked."""

    def __init__(self, host, port, basic=None, bearer=None, tls=None):
        """`tls`: an ssl.SSLContext to speak HTTPS with."""
        self.host, self.port, self.tls = host, port, tls
        self.basic, self.bearer = basic, bearer
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        if self.basic:
            h["Authorization"] = "Basic " + base64.b64encode(f"{self.basic[0]}:{self.basic[1]}".encode()).decode()
        if self.bearer:
            h["Authorization"] = "Bearer " + self.bearer
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and csrf:
            h["X-CSRF-Token"] = self.csrf
        if self.tls is not None:
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=30, context=self.tls)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            resp = Response(r.status, {k: v for k, v in r.getheaders()}, r.read())
            resp.all_headers = r.getheaders()
            return resp
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password):
        r = self.post("/api/session", {"username": username, "password": password})
        if r.status == 200:
            cookies = [v for k, v in r.all_headers if k.lower() == "set-cookie"]
            self.cookie = cookies[0].split(";")[0]
            self.csrf = r.json["csrfToken"]
        return r
