"""REST API: /api/users (admin only), own password change, API tokens; no secret is ever answered."""
import base64

import pytest

from api_client import ADMIN_PASSWORD, Server

USER_PASSWORD = "User-pass-5678"


@pytest.fixture
def server(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    yield s
    s.stop()


def make_user(admin, name="alice", password=USER_PASSWORD, **extra):
    r = admin.post("/api/users", {"username": name, "password": password, **extra})
    assert r.status == 201, r
    return r.json


def test_user_crud(server):
    admin = server.admin()
    users = admin.get("/api/users")
    assert users.status == 200 and [u["username"] for u in users.json] == ["admin"]
    alice = make_user(admin, role="user", enabled=True, canSend=True, canUpload=False)
    assert alice["role"] == "user" and alice["canSend"] is True and alice["canUpload"] is False and alice["enabled"] is True
    assert admin.get(f"/api/users/{alice['id']}").json["username"] == "alice"
    changed = admin.put(f"/api/users/{alice['id']}", {"canUpload": True, "role": "admin"})
    assert changed.status == 200 and changed.json["canUpload"] is True and changed.json["role"] == "admin"
    assert changed.json["canSend"] is True, "members not sent are kept"
    assert admin.delete(f"/api/users/{alice['id']}").status == 204
    assert admin.get(f"/api/users/{alice['id']}").status == 404
    assert admin.delete(f"/api/users/{alice['id']}").status == 404
    assert admin.get("/api/users/not-a-number").status == 404


def test_validation_conflicts_and_last_admin(server):
    admin = server.admin()
    make_user(admin)
    dup = admin.post("/api/users", {"username": "alice", "password": USER_PASSWORD})
    assert dup.status == 409 and dup.error_code() == "user_exists" and dup.json["error"]["field"] == "username"
    weak = admin.post("/api/users", {"username": "bob", "password": "short"})
    assert weak.status == 422 and weak.error_code() == "weak_password" and weak.json["error"]["field"] == "password"
    bad_name = admin.post("/api/users", {"username": "bob smith", "password": USER_PASSWORD})
    assert bad_name.status == 422 and bad_name.error_code() == "invalid_username"
    bad_role = admin.post("/api/users", {"username": "bob", "password": USER_PASSWORD, "role": "root"})
    assert bad_role.status == 422 and bad_role.error_code() == "invalid_role" and bad_role.json["error"]["field"] == "role"
    wrong_type = admin.post("/api/users", {"username": "bob", "password": USER_PASSWORD, "enabled": "yes"})
    assert wrong_type.status == 422 and wrong_type.json["error"]["field"] == "enabled"
    missing = admin.post("/api/users", {"username": "bob"})
    assert missing.status == 422 and missing.json["error"]["field"] == "password"
    me = admin.get("/api/session").json["id"]
    last = admin.put(f"/api/users/{me}", {"role": "user"})
    assert last.status == 409 and last.error_code() == "last_admin"
    assert admin.delete(f"/api/users/{me}").error_code() == "last_admin"


def test_role_user_gets_403(server):
    admin = server.admin()
    alice = make_user(admin)
    user = server.client(basic=("alice", USER_PASSWORD))
    for method, path in [("GET", "/api/users"), ("POST", "/api/users"), ("GET", f"/api/users/{alice['id']}"),
                         ("PUT", f"/api/users/{alice['id']}"), ("DELETE", f"/api/users/{alice['id']}")]:
        r = user.request(method, path, body={} if method in ("POST", "PUT") else None)
        assert r.status == 403 and r.error_code() == "forbidden", (method, path, r)
    assert user.get("/api/session").json["role"] == "user"


def test_no_secret_in_any_answer(server):
    admin = server.admin()
    alice = make_user(admin)
    tok = admin.post("/api/tokens", {"name": "script"}).json["token"]
    answers = [admin.get("/api/users"), admin.get(f"/api/users/{alice['id']}"), admin.get("/api/tokens"),
               admin.put(f"/api/users/{alice['id']}", {"password": "Another-pass-9"}), admin.get("/api/session")]
    for r in answers:
        text = r.raw.decode()
        for secret in (ADMIN_PASSWORD, USER_PASSWORD, "Another-pass-9", tok, "pbkdf2", "password_hash", "passwordHash"):
            assert secret not in text, (secret, r)


def test_own_password_change(server):
    admin = server.admin()
    make_user(admin)
    c = server.client()
    assert c.login("alice", USER_PASSWORD).status == 200
    wrong = c.put("/api/session/password", {"currentPassword": "not-it-at-all", "newPassword": "New-pass-4321"})
    assert wrong.status == 403 and wrong.error_code() == "wrong_password" and wrong.json["error"]["field"] == "currentPassword"
    weak = c.put("/api/session/password", {"currentPassword": USER_PASSWORD, "newPassword": "short"})
    assert weak.status == 422 and weak.json["error"]["field"] == "newPassword"
    old_cookie = c.cookie
    ok = c.login("alice", USER_PASSWORD) and c.put("/api/session/password",
                                                    {"currentPassword": USER_PASSWORD, "newPassword": "New-pass-4321"})
    assert ok.status == 200 and ok.json["csrfToken"]
    stale = server.client()
    stale.cookie = old_cookie
    assert stale.get("/api/session").status == 401, "other sessions end with the password change"
    assert server.client(basic=("alice", "New-pass-4321")).get("/api/session").status == 200
    assert server.client(basic=("alice", USER_PASSWORD)).get("/api/session").status == 401
    basic = server.client(basic=("alice", "New-pass-4321"))
    assert basic.put("/api/session/password", {"currentPassword": "New-pass-4321", "newPassword": "Third-pass-777"}).status == 204


def test_api_tokens(server):
    admin = server.admin()
    make_user(admin)
    alice = server.client(basic=("alice", USER_PASSWORD))
    created = alice.post("/api/tokens", {"name": "backup script"})
    assert created.status == 201 and created.json["token"].startswith("spx_") and created.json["id"] > 0
    token = created.json["token"]
    bearer = server.client(bearer=token)
    me = bearer.get("/api/session")
    assert me.status == 200 and me.json["username"] == "alice" and me.json["method"] == "bearer"
    listed = alice.get("/api/tokens")
    assert [t["name"] for t in listed.json] == ["backup script"] and "token" not in listed.json[0]
    other = admin.post("/api/tokens", {"name": "admin's"}).json
    assert alice.delete(f"/api/tokens/{other['id']}").status == 404, "a user revokes only their own tokens"
    assert len(admin.get("/api/tokens").json) == 2, "an admin sees every token"
    assert bearer.post("/api/tokens", {"name": ""}).error_code() == "invalid_token_name"
    assert alice.delete(f"/api/tokens/{created.json['id']}").status == 204
    assert bearer.get("/api/session").status == 401, "a revoked token stops working"


def test_hostile_strings(server):
    admin = server.admin()
    for name in ["x'; DROP TABLE users;--", "<script>alert(1)</script>", "a\u0000b", "é" * 10]:
        r = admin.post("/api/users", {"username": name, "password": USER_PASSWORD})
        assert r.status == 422 and r.error_code() == "invalid_username", r
        assert r.headers["Content-Type"].startswith("application/json")
    nul = admin.post("/api/users", {"username": "bob", "password": "abc\u0000defghij"})
    assert nul.status == 422 and nul.error_code() == "invalid_password"
    huge = admin.post("/api/users", {"username": "bob", "password": "p" * 1_000_000})
    assert huge.status == 413
    for name in ["x'); DROP TABLE api_tokens;--", "<script>alert('t')</script>", "\"quoted\" & <b>"]:
        r = admin.post("/api/tokens", {"name": name})
        assert r.status == 201 and r.json["name"] == name
        assert r.headers["Content-Type"].startswith("application/json")
    assert admin.post("/api/tokens", {"name": "a\u0000b"}).status == 422
    names = [t["name"] for t in admin.get("/api/tokens").json]
    assert "<script>alert('t')</script>" in names and "x'); DROP TABLE api_tokens;--" in names
    assert [u["username"] for u in admin.get("/api/users").json] == ["admin"]


def test_no_secret_in_the_data_directory(server):
    """Passwords, tokens, session cookies and CSRF tokens used over the API leave no readable
    trace in any file of the data directory: index, its journal, logs, settings."""
    admin = server.admin()
    assert admin.put("/api/settings/dicom", {"debugMode": True}).status == 200, "debug mode logs the most"
    alice = make_user(admin)
    assert admin.put(f"/api/users/{alice['id']}", {"password": "Reset-by-admin-42"}).status == 200
    c = server.client()
    assert c.login("alice", "Reset-by-admin-42").status == 200
    assert c.put("/api/session/password", {"currentPassword": "Reset-by-admin-42", "newPassword": "Chosen-by-alice-7"}).status == 200
    assert c.login("alice", "Chosen-by-alice-7").status == 200 and c.get("/api/session").status == 200
    token = c.post("/api/tokens", {"name": "nightly"}).json["token"]
    assert server.client(bearer=token).get("/api/studies").status == 200
    assert server.client(basic=("alice", "Chosen-by-alice-7")).get("/api/system").status == 200
    assert server.client().login("alice", "Mistyped-secret-99").status == 401
    assert server.client(bearer=token).get("/api/logs/web").status == 403
    secrets = [ADMIN_PASSWORD, USER_PASSWORD, "Reset-by-admin-42", "Chosen-by-alice-7", "Mistyped-secret-99",
               token, token.removeprefix("spx_"), c.cookie.split("=", 1)[1], c.csrf]
    secrets += [base64.b64encode(f"{u}:{p}".encode()).decode() for u, p in
                [("admin", ADMIN_PASSWORD), ("alice", "Chosen-by-alice-7")]]

    def scan():
        files = [p for p in server.data_path.rglob("*") if p.is_file()]
        assert any(p.name.startswith("index.sqlite") for p in files), files
        for p in files:
            content = p.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, (secret, p.relative_to(server.data_path))

    scan()
    server.stop()
    scan()
