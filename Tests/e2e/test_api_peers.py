"""REST API: /api/peers CRUD with validation, and C-ECHO to a peer (DCMTK storescp, a closed port)."""
import os
import subprocess
import time

import pytest

from api_client import Server
from dicom_peers import DCMTK, HOST, free_port, is_listening

USER_PASSWORD = "User-pass-5678"
PEER = {"aeTitle": "CT1", "host": "127.0.0.1", "port": 104, "description": "CT scanner <room 3>",
        "allowFind": True, "allowMove": False, "allowGet": True, "allowStore": True}


@pytest.fixture
def server(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d", aet="SWIFTPACS").start()
    yield s
    s.stop()


def test_peer_crud(server):
    admin = server.admin()
    assert admin.get("/api/peers").json == []
    created = admin.post("/api/peers", PEER)
    assert created.status == 201, created
    peer = created.json
    assert {k: peer[k] for k in PEER} == PEER and peer["id"] > 0
    assert admin.get("/api/peers").json == [peer]
    assert admin.get(f"/api/peers/{peer['id']}").json == peer
    changed = admin.put(f"/api/peers/{peer['id']}", {"port": 11113, "allowMove": True})
    assert changed.status == 200 and changed.json["port"] == 11113 and changed.json["allowMove"] is True
    assert changed.json["aeTitle"] == "CT1", "members not sent are kept"
    assert admin.get(f"/api/peers/{peer['id']}").json == changed.json
    assert admin.delete(f"/api/peers/{peer['id']}").status == 204
    assert admin.get(f"/api/peers/{peer['id']}").status == 404
    assert admin.delete(f"/api/peers/{peer['id']}").status == 404
    assert admin.put(f"/api/peers/{peer['id']}", {"port": 1}).status == 404


def test_peer_validation(server):
    admin = server.admin()
    cases = [({"aeTitle": ""}, "invalid_ae_title", "aeTitle"),
             ({"aeTitle": "A" * 17}, "invalid_ae_title", "aeTitle"),
             ({"aeTitle": "CT 1"}, "invalid_ae_title", "aeTitle"),
             ({"aeTitle": "CT\\1"}, "invalid_ae_title", "aeTitle"),
             ({"host": "bad host!"}, "invalid_host", "host"),
             ({"host": ""}, "invalid_host", "host"),
             ({"port": 0}, "invalid_port", "port"),
             ({"port": 65536}, "invalid_port", "port"),
             ({"port": "104"}, "invalid_type", "port"),
             ({"allowFind": "yes"}, "invalid_type", "allowFind")]
    for change, code, field in cases:
        r = admin.post("/api/peers", {**PEER, **change})
        assert r.status == 422 and r.error_code() == code and r.json["error"]["field"] == field, (change, r)
    missing = admin.post("/api/peers", {"aeTitle": "X", "host": "h"})
    assert missing.status == 422 and missing.json["error"]["field"] == "port"
    first = admin.post("/api/peers", PEER).json
    dup = admin.post("/api/peers", {**PEER, "host": "other"})
    assert dup.status == 409 and dup.error_code() == "peer_exists" and dup.json["error"]["field"] == "aeTitle"
    second = admin.post("/api/peers", {**PEER, "aeTitle": "CT2"}).json
    clash = admin.put(f"/api/peers/{second['id']}", {"aeTitle": "CT1"})
    assert clash.status == 409 and clash.error_code() == "peer_exists"
    bad = admin.put(f"/api/peers/{first['id']}", {"port": -1})
    assert bad.status == 422 and bad.error_code() == "invalid_port"
    assert admin.get(f"/api/peers/{first['id']}").json["port"] == 104, "a refused change keeps the peer"


def test_users_read_admins_change(server):
    admin = server.admin()
    peer = admin.post("/api/peers", PEER).json
    assert admin.post("/api/users", {"username": "alice", "password": USER_PASSWORD}).status == 201
    alice = server.client(basic=("alice", USER_PASSWORD))
    assert alice.get("/api/peers").json == [peer]
    assert alice.get(f"/api/peers/{peer['id']}").status == 200
    for method, path in [("POST", "/api/peers"), ("PUT", f"/api/peers/{peer['id']}"),
                         ("DELETE", f"/api/peers/{peer['id']}"), ("POST", f"/api/peers/{peer['id']}/echo")]:
        r = alice.request(method, path, body=PEER if method != "DELETE" else None)
        assert r.status == 403 and r.error_code() == "forbidden", (method, path, r)
    assert server.client().get("/api/peers").status == 401


def test_echo_success_refused_and_rejected(server, tmp_path):
    admin = server.admin()
    port = free_port()
    scp = subprocess.Popen([DCMTK["storescp"], "-aet", "STORESCP", "-od", str(tmp_path), str(port)],
                           env=dict(os.environ, TCP_NODELAY="1"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not is_listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        peer = admin.post("/api/peers", {**PEER, "aeTitle": "STORESCP", "port": port}).json
        ok = admin.post(f"/api/peers/{peer['id']}/echo")
        assert ok.status == 200 and ok.json["success"] is True, ok
        assert ok.json["roundTripMs"] >= 0 and "error" not in ok.json
    finally:
        scp.terminate()
        scp.wait(10)
    closed = admin.post("/api/peers", {**PEER, "aeTitle": "GONE", "port": free_port()}).json
    refused = admin.post(f"/api/peers/{closed['id']}/echo")
    assert refused.status == 200 and refused.json == {**refused.json, "success": False, "error": "connection refused"}
    # Our own DICOM server rejects a called AE title that is not its own.
    wrong = admin.post("/api/peers", {**PEER, "aeTitle": "NOTUS", "port": server.dicom_port}).json
    rejected = admin.post(f"/api/peers/{wrong['id']}/echo")
    assert rejected.json["success"] is False
    assert rejected.json["error"] == "association rejected: called AE title not recognised"
    assert admin.post("/api/peers/9999/echo").status == 404


def test_echo_needs_no_request_body(swiftpacs, tmp_path):
    """`curl -X POST .../echo` sends neither Content-Length nor a body: RFC 9112 §6.3 makes
    that an empty body, so the server must not answer 411."""
    import http.client
    import json
    import os
    import signal
    import subprocess
    import time
    import base64
    from dicom_peers import HOST, free_port
    dicom, web = free_port(), free_port()
    env = dict(os.environ, SWIFTPACS_ADMIN_PASSWORD="s3cret-pass")
    proc = subprocess.Popen([swiftpacs, "serve", "--data", str(tmp_path / "d"), "--dicom-port", str(dicom),
                             "--http-port", str(web), "--host", HOST], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        for line in proc.stdout:
            if line.startswith("HTTP:"):
                break
        auth = {"Authorization": "Basic " + base64.b64encode(b"admin:s3cret-pass").decode()}
        c = http.client.HTTPConnection(HOST, web, timeout=10)
        c.request("POST", "/api/peers", body=json.dumps({"aeTitle": "SWIFTPACS", "host": HOST, "port": dicom}),
                  headers={**auth, "Content-Type": "application/json"})
        peer = json.loads(c.getresponse().read())
        # http.client adds Content-Length: 0 for a POST without body; send the raw request instead.
        import socket
        s = socket.create_connection((HOST, web), timeout=10)
        s.sendall(f"POST /api/peers/{peer['id']}/echo HTTP/1.1\r\nHost: x\r\nAuthorization: {auth['Authorization']}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        s.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert json.loads(body)["success"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
