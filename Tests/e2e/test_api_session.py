"""REST API authentication: session cookie with CSRF, HTTP Basic, bearer tokens, throttling."""
import pytest

from api_client import ADMIN_PASSWORD, Server


@pytest.fixture
def server(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    yield s
    s.stop()


def test_everything_but_health_and_login_needs_credentials(server):
    c = server.client()
    assert c.get("/api/health").status == 200
    for method, path in [("GET", "/api/session"), ("DELETE", "/api/session"), ("GET", "/api/users"),
                         ("GET", "/api/nothing-here"), ("POST", "/api/peers")]:
        r = c.request(method, path)
        assert r.status == 401, (method, path, r)
        assert r.error_code() == "unauthorized"
        assert set(r.json["error"]) == {"code", "message", "field"}


def test_login_cookie_and_logout(server):
    c = server.client()
    r = c.login("admin", ADMIN_PASSWORD)
    assert r.status == 200, r
    assert r.json["username"] == "admin" and r.json["role"] == "admin" and r.json["csrfToken"]
    cookie = [v for k, v in r.all_headers if k.lower() == "set-cookie"][0]
    assert cookie.startswith("swiftpacs_session=")
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attrs and "samesite=strict" in attrs and "secure" not in attrs
    assert any(a.startswith("max-age=") and int(a[8:]) > 0 for a in attrs)
    me = c.get("/api/session")
    assert me.status == 200 and me.json["username"] == "admin" and me.json["method"] == "session"
    assert ADMIN_PASSWORD not in me.raw.decode()
    out = c.delete("/api/session")
    assert out.status == 204, out
    assert c.get("/api/session").status == 401, "the cookie stops working after logout"


def test_basic_authentication(server):
    ok = server.client(basic=("admin", ADMIN_PASSWORD)).get("/api/session")
    assert ok.status == 200 and ok.json["method"] == "basic" and "csrfToken" not in ok.json
    bad = server.client(basic=("admin", "wrong-password")).get("/api/session")
    assert bad.status == 401 and bad.error_code() == "invalid_credentials"
    junk = server.client().get("/api/session", headers={"Authorization": "Basic %%%not-base64"})
    assert junk.status == 401
    token = server.client().get("/api/session", headers={"Authorization": "Bearer spx_unknown"})
    assert token.status == 401 and token.error_code() == "invalid_token"


def test_wrong_password_and_unknown_user_look_the_same(server):
    c = server.client()
    wrong = c.post("/api/session", {"username": "admin", "password": "not-the-password"})
    unknown = c.post("/api/session", {"username": "nobody-here", "password": "not-the-password"})
    assert wrong.status == unknown.status == 401
    assert wrong.raw == unknown.raw
    assert wrong.error_code() == "invalid_credentials"
    assert not [k for k, _ in wrong.all_headers if k.lower() == "set-cookie"]


def test_login_input_is_checked(server):
    c = server.client()
    assert c.post("/api/session", {"username": "admin"}).status == 422
    assert c.post("/api/session", raw=b"{not json").status == 400
    assert c.post("/api/session", raw=b"username=admin", headers={"Content-Type": "text/plain"}).status == 415
    assert c.post("/api/session", raw=b"[1,2]").status == 400


def test_csrf_needed_for_cookie_changes_only(server):
    c = server.client()
    assert c.login("admin", ADMIN_PASSWORD).status == 200
    missing = c.delete("/api/session", csrf=False)
    assert missing.status == 403 and missing.error_code() == "csrf_failed"
    wrong = c.delete("/api/session", csrf=False, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status == 403 and wrong.error_code() == "csrf_failed"
    assert c.get("/api/session", csrf=False).status == 200, "reads need no CSRF token"
    assert c.delete("/api/session").status == 204
    # Basic needs no CSRF token for changes.
    assert server.admin().delete("/api/session").status == 204


def test_throttling_after_repeated_failures(server):
    c = server.client()
    statuses = [c.post("/api/session", {"username": "admin", "password": f"bad-{i}"}).status for i in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429, statuses
    r = c.post("/api/session", {"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status == 429 and r.error_code() == "too_many_attempts"
    assert int(r.headers["Retry-After"]) > 0


def test_hostile_bodies_get_4xx_and_the_server_goes_on(server):
    admin = server.admin()
    for path, method in [("/api/session", "POST"), ("/api/users", "POST"), ("/api/peers", "POST"),
                         ("/api/settings/dicom", "PUT")]:
        for raw in [b"[" * 60000, b'{"a":' * 13000, b"\xff\xfe{}", b"", b"{" + b" " * 70000 + b"}"]:
            r = admin.request(method, path, raw=raw)
            assert 400 <= r.status < 500 and r.error_code(), (path, raw[:10], r)
    assert admin.get("/api/health").status == 200
