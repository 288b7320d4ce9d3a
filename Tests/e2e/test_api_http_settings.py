"""/api/settings/http, its certificate and POST /api/settings/http/apply (SPEC §5): saved at
once, applied with rollback, HTTPS with an uploaded pair, Secure cookies, settings kept over a
restart, and one clear line at start when the stored certificate no longer loads."""
import socket
import ssl
import subprocess
import time

import pytest

from api_client import ADMIN_PASSWORD, Client, Server
from dicom_peers import HOST, free_port


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A root CA and two server certificates for 127.0.0.1 made with openssl, plus bad material."""
    d = tmp_path_factory.mktemp("pki")
    (d / "ext.cnf").write_text("[server]\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    steps = [
        ["openssl", "req", "-x509", *key, "-days", "3", "-subj", "/CN=SwiftPACS Test CA", "-keyout", "ca.key", "-out", "ca.pem"],
        ["openssl", "req", *key, "-subj", "/CN=pacs.test", "-keyout", "server.key", "-out", "server.csr"],
        ["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "7", "-days", "2",
         "-extfile", "ext.cnf", "-extensions", "server", "-out", "server.pem"],
        ["openssl", "req", *key, "-subj", "/CN=second.test", "-keyout", "other.key", "-out", "other.csr"],
        ["openssl", "x509", "-req", "-in", "other.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "8", "-days", "2",
         "-extfile", "ext.cnf", "-extensions", "server", "-out", "other.pem"],
        ["openssl", "pkey", "-in", "server.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key"],
    ]
    for step in steps:
        subprocess.run(step, cwd=d, check=True, capture_output=True)
    return d


def tls_context(pki):
    ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    return ctx


def pair(pki, cert="server.pem", key="server.key"):
    return {"certificate": (pki / cert).read_text(), "privateKey": (pki / key).read_text()}


def refused(port):
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((HOST, port)) != 0


def wait_refused(port, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if refused(port):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def server(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    yield s
    s.stop()


def test_defaults_and_read_only_members(server):
    r = server.admin().get("/api/settings/http")
    assert r.status == 200, r
    b = r.json
    assert b["port"] == server.http_port and b["sslEnabled"] is False and b["zipContent"] == "original"
    assert b["lossyQuality"] == 80 and b["institution"] == "" and b["publicAddress"] == ""
    assert b["listening"] == f"http://{HOST}:{server.http_port}" and b["restartNeeded"] is False
    assert b["certificate"] is None and "127.0.0.1" in b["ipAddresses"]
    # Sending the read-only members back unchanged is fine (a form posts what it got).
    assert server.admin().put("/api/settings/http", b).status == 200


def test_validation_rights_and_immediate_fields(server):
    admin = server.admin()
    cases = [
        ({"port": 70000}, 422, "invalid_port", "port"),
        ({"port": -1}, 422, "invalid_port", "port"),
        ({"port": server.dicom_port}, 409, "port_conflict", "port"),
        ({"lossyQuality": 0}, 422, "out_of_range", "lossyQuality"),
        ({"lossyQuality": 101}, 422, "out_of_range", "lossyQuality"),
        ({"zipContent": "tarball"}, 422, "invalid_choice", "zipContent"),
        ({"institution": "St\u0007 Mary"}, 422, "invalid_text", "institution"),
        ({"department": "x" * 65}, 422, "invalid_text", "department"),
        ({"publicAddress": "pacs example"}, 422, "invalid_text", "publicAddress"),
        ({"sslEnabled": "yes"}, 422, "invalid_type", "sslEnabled"),
        ({"sslEnabled": True}, 422, "certificate_missing", "sslEnabled"),
        ({"colour": "blue"}, 422, "unknown_field", "colour"),
    ]
    for body, status, code, field in cases:
        r = admin.put("/api/settings/http", body)
        assert (r.status, r.error_code(), r.json["error"].get("field")) == (status, code, field), (body, r)
    assert admin.put("/api/settings/http", raw=b"{nope").error_code() == "invalid_json"
    assert server.client().get("/api/settings/http").status == 401
    assert admin.post("/api/users", {"username": "viewer", "password": "Viewer-pass-1234"}).status == 201
    viewer = server.client(basic=("viewer", "Viewer-pass-1234"))
    assert viewer.get("/api/settings/http").status == 200
    for call in (lambda: viewer.put("/api/settings/http", {"institution": "X"}),
                 lambda: viewer.post("/api/settings/http/apply"),
                 lambda: viewer.put("/api/settings/http/certificate", {"certificate": "", "privateKey": ""}),
                 lambda: viewer.delete("/api/settings/http/certificate")):
        assert call().status == 403
    # Names and zip choices need no restart; nothing changed by the refused bodies above.
    r = admin.put("/api/settings/http", {"institution": "St Mary's <script>", "department": "Radiology",
                                         "zipContent": "jpeg2000-lossy", "lossyQuality": 60})
    assert r.status == 200 and r.json["restartNeeded"] is False, r
    b = admin.get("/api/settings/http").json
    assert (b["institution"], b["department"], b["zipContent"], b["lossyQuality"], b["port"]) == \
        ("St Mary's <script>", "Radiology", "jpeg2000-lossy", 60, server.http_port)


def test_certificate_upload_checks_the_pair(server, pki):
    admin = server.admin()
    bad = [
        ({"certificate": "not a certificate", "privateKey": (pki / "server.key").read_text()}, "certificate"),
        ({"certificate": (pki / "server.pem").read_text(), "privateKey": "-----BEGIN PRIVATE KEY-----\nAAAA\n"}, "privateKey"),
        (pair(pki, key="other.key"), "privateKey"),
        (pair(pki, key="encrypted.key"), "privateKey"),
        ({"certificate": (pki / "server.pem").read_text() + "\0", "privateKey": (pki / "server.key").read_text()}, "certificate"),
    ]
    for body, field in bad:
        r = admin.put("/api/settings/http/certificate", body)
        assert r.status == 422 and r.error_code() == "invalid_certificate", (field, r)
        if field:
            assert r.json["error"]["field"] == field, r
    enc = admin.put("/api/settings/http/certificate", pair(pki, key="encrypted.key"))
    assert "encrypted" in enc.json["error"]["message"] and "openssl pkey" in enc.json["error"]["message"]
    assert admin.put("/api/settings/http/certificate", {"certificate": "x"}).error_code() == "missing_field"
    assert admin.put("/api/settings/http/certificate", raw=b"abc", headers={"Content-Type": "text/plain"}).status == 415
    assert admin.get("/api/settings/http/certificate").status == 404
    assert not (server.data_path / "tls" / "certificate.pem").exists()

    r = admin.put("/api/settings/http/certificate", pair(pki))
    assert r.status == 200 and r.json["subject"].endswith("CN=pacs.test") and r.json["chainLength"] == 1, r
    first = r.json["sha256Fingerprint"]
    assert admin.get("/api/settings/http/certificate").json["sha256Fingerprint"] == first
    assert admin.get("/api/settings/http").json["certificate"]["sha256Fingerprint"] == first
    # One PEM file with the chain and the key, as `cat server.crt server.key` gives it.
    combined = ((pki / "other.pem").read_text() + (pki / "other.key").read_text()).encode()
    r = admin.put("/api/settings/http/certificate", raw=combined, headers={"Content-Type": "application/x-pem-file"})
    assert r.status == 200 and r.json["subject"].endswith("CN=second.test") and r.json["sha256Fingerprint"] != first
    key_file = server.data_path / "tls" / "private-key.pem"
    assert key_file.stat().st_mode & 0o077 == 0, "the key is readable by the server's user only"
    # The key is never answered back.
    assert "PRIVATE KEY" not in admin.get("/api/settings/http/certificate").raw.decode()
    assert "PRIVATE KEY" not in admin.get("/api/settings/http").raw.decode()
    assert admin.delete("/api/settings/http/certificate").status == 204
    assert admin.get("/api/settings/http/certificate").status == 404
    assert admin.delete("/api/settings/http/certificate").status == 404


def test_https_apply_secure_cookie_and_restart(swiftpacs, tmp_path, pki):
    s = Server(swiftpacs, tmp_path / "d").start()
    try:
        admin = s.admin()
        assert admin.put("/api/settings/http/certificate", pair(pki)).status == 200
        r = admin.put("/api/settings/http", {"sslEnabled": True})
        assert r.status == 200 and r.json["restartNeeded"] is True and r.json["listening"].startswith("http://"), r
        assert admin.delete("/api/settings/http/certificate").error_code() == "certificate_in_use"
        r = admin.post("/api/settings/http/apply")
        assert r.status == 200 and r.json["changed"] == ["sslEnabled"], r
        assert r.json["listening"] == f"https://{HOST}:{s.http_port}"
        assert r.json["url"] == f"https://{HOST}:{s.http_port}/"
        secure = Client(HOST, s.http_port, basic=("admin", ADMIN_PASSWORD), tls=tls_context(pki))
        b = secure.get("/api/settings/http").json
        assert b["restartNeeded"] is False and b["sslEnabled"] is True
        with pytest.raises(Exception):
            s.admin().get("/api/health")  # plain HTTP on the port now fails
        browser = Client(HOST, s.http_port, tls=tls_context(pki))
        login = browser.login("admin", ADMIN_PASSWORD)
        cookie = [v for k, v in login.all_headers if k.lower() == "set-cookie"][0]
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # A new certificate is served after the next apply, not before.
        assert secure.put("/api/settings/http/certificate", pair(pki, "other.pem", "other.key")).status == 200
        assert secure.get("/api/settings/http").json["restartNeeded"] is True
        r = secure.post("/api/settings/http/apply")
        assert r.status == 200 and r.json["changed"] == ["certificate"], r
        pem = ssl.get_server_certificate((HOST, s.http_port))
        assert pem.strip() == (pki / "other.pem").read_text().strip()
    finally:
        s.stop()
    # Stored: the next start speaks HTTPS from the first request.
    s.start()
    try:
        secure = Client(HOST, s.http_port, basic=("admin", ADMIN_PASSWORD), tls=tls_context(pki))
        assert secure.get("/api/settings/http").json["sslEnabled"] is True
        assert "https://" in s.banner
        # Back to plain HTTP.
        assert secure.put("/api/settings/http", {"sslEnabled": False}).status == 200
        assert secure.post("/api/settings/http/apply").json["changed"] == ["sslEnabled"]
        assert s.admin().get("/api/health").status == 200
    finally:
        s.stop()


def test_apply_moves_the_port_and_rolls_back_a_busy_one(server):
    admin = server.admin()
    busy = socket.socket()
    busy.bind((HOST, 0))
    busy.listen(1)
    try:
        taken = busy.getsockname()[1]
        assert admin.put("/api/settings/http", {"port": taken}).status == 200
        r = admin.post("/api/settings/http/apply")
        assert r.status == 409 and r.error_code() == "port_unavailable", r
        assert str(server.http_port) in r.json["error"]["message"]
        b = admin.get("/api/settings/http").json
        assert b["port"] == server.http_port and b["restartNeeded"] is False, "rolled back to the running port"
    finally:
        busy.close()
    new = free_port()
    assert admin.put("/api/settings/http", {"port": new}).status == 200
    r = admin.post("/api/settings/http/apply")
    assert r.status == 200 and r.json["changed"] == ["port"] and r.json["listening"] == f"http://{HOST}:{new}", r
    assert wait_refused(server.http_port), "the old port is closed"
    moved = Client(HOST, new, basic=("admin", ADMIN_PASSWORD))
    assert moved.get("/api/settings/http").json["port"] == new
    audit = [e["detail"] for e in moved.get("/api/logs/audit?text=settings.apply").json["entries"]]
    assert audit[0] == "changed port" and audit[1].startswith("failed, rolled back: the web server cannot listen"), audit
    server.http_port = new  # so that the fixture's stop and any later call use it


def test_apply_port_zero_turns_the_web_server_off(server):
    admin = server.admin()
    assert admin.put("/api/settings/http", {"port": 0}).status == 200
    r = admin.post("/api/settings/http/apply")
    assert r.status == 200 and r.json["listening"] == "disabled (port 0)" and r.json["url"] is None, r
    assert wait_refused(server.http_port), "nothing listens after the answer"
    # The DICOM side goes on.
    echo = subprocess.run(["/usr/bin/echoscu", "-aec", "SWIFTPACS", HOST, str(server.dicom_port)], capture_output=True,
                          env={"TCP_NODELAY": "1"})
    assert echo.returncode == 0


def test_a_certificate_that_no_longer_loads_stops_the_start(swiftpacs, tmp_path, pki):
    s = Server(swiftpacs, tmp_path / "d").start()
    try:
        admin = s.admin()
        assert admin.put("/api/settings/http/certificate", pair(pki)).status == 200
        assert admin.put("/api/settings/http", {"sslEnabled": True}).status == 200
    finally:
        s.stop()
    (tmp_path / "d" / "tls" / "certificate.pem").write_text("damaged\n")
    r = subprocess.run([swiftpacs, "serve", "--data", s.data, "--http-port", str(s.http_port), "--dicom-port",
                        str(s.dicom_port), "--host", HOST], capture_output=True, text=True, timeout=30)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode != 0 and len(lines) == 1, r
    assert "certificate" in lines[0] and "--ssl off" in lines[0], lines
    # The way back in: plain HTTP for this run, then a new pair through the API.
    s.start(extra=["--ssl", "off"])
    try:
        admin = s.admin()
        assert admin.get("/api/settings/http").json["sslEnabled"] is False
        assert admin.put("/api/settings/http/certificate", pair(pki)).status == 200
    finally:
        s.stop()
