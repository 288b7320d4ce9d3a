"""REST API changes are recorded in the audit log (<data>/logs.sqlite), with who and from where."""
import sqlite3

from api_client import ADMIN_PASSWORD, Server


def test_changes_are_audited(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    try:
        admin = s.admin()
        c = s.client()
        assert c.post("/api/session", {"username": "admin", "password": "wrong-password"}).status == 401
        assert c.login("admin", ADMIN_PASSWORD).status == 200
        user = admin.post("/api/users", {"username": "alice", "password": "User-pass-5678"}).json
        assert admin.put(f"/api/users/{user['id']}", {"canSend": True}).status == 200
        peer = admin.post("/api/peers", {"aeTitle": "CT1", "host": "10.0.0.7", "port": 104}).json
        assert admin.delete(f"/api/peers/{peer['id']}").status == 204
        assert admin.put("/api/settings/network", {"serviceTimeoutSeconds": 12}).status == 200
        token = admin.post("/api/tokens", {"name": "cron"}).json
        assert admin.delete(f"/api/tokens/{token['id']}").status == 204
        assert admin.delete(f"/api/users/{user['id']}").status == 204
        assert c.delete("/api/session").status == 204
    finally:
        s.stop()
    db = sqlite3.connect(tmp_path / "d" / "logs.sqlite")
    rows = db.execute("SELECT user, client, action, target, detail FROM audit ORDER BY id").fetchall()
    actions = [(r[2], r[3]) for r in rows]
    assert actions == [("session.login_failed", "admin"), ("session.login", "admin"), ("user.create", "alice"),
                       ("user.update", "alice"), ("peer.create", "CT1"), ("peer.delete", "CT1"),
                       ("settings.update", "network"), ("token.create", "cron"), ("token.revoke", str(token["id"])),
                       ("user.delete", "alice"), ("session.logout", "admin")], rows
    assert all(r[1] == "127.0.0.1" for r in rows)
    assert rows[0][0] == "" and all(r[0] == "admin" for r in rows[1:])
    assert rows[3][4] == "canSend" and "serviceTimeoutSeconds 30 → 12" in rows[6][4]
    assert not any(ADMIN_PASSWORD in " ".join(map(str, r)) or "User-pass-5678" in " ".join(map(str, r)) for r in rows)
