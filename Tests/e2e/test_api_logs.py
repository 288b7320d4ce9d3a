"""/api/logs/web, /api/logs/dicom and /api/logs/audit (SPEC §5): what happened, filtered by
time, text, level, user or peer, paged, for admins only."""
import subprocess
import time
import urllib.parse

import pytest

from api_client import Server
from dicom_peers import HOST

ECHOSCU = "/usr/bin/echoscu"


def echo(port, calling="LOGTEST"):
    r = subprocess.run([ECHOSCU, "-aet", calling, "-aec", "SWIFTPACS", HOST, str(port)], capture_output=True,
                       text=True, env={"TCP_NODELAY": "1"}, timeout=30)
    assert r.returncode == 0, r.stderr


def wait_for(get, predicate, seconds=5):
    """Logs are written by a background writer: poll until `predicate` holds."""
    deadline = time.monotonic() + seconds
    while True:
        page = get()
        if predicate(page) or time.monotonic() > deadline:
            return page
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(swiftpacs, tmp_path_factory):
    s = Server(swiftpacs, tmp_path_factory.mktemp("logs") / "d").start()
    admin = s.admin()
    assert admin.post("/api/users", {"username": "viewer", "password": "Viewer-pass-1234"}).status == 201
    assert admin.put("/api/settings/network", {"serviceTimeoutSeconds": 20}).status == 200
    viewer = s.client(basic=("viewer", "Viewer-pass-1234"))
    assert viewer.get("/api/peers").status == 200
    echo(s.dicom_port)
    yield s
    s.stop()


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params) if params else path


def test_web_log_records_each_request(server):
    admin = server.admin()
    page = wait_for(lambda: admin.get(q("/api/logs/web", user="viewer")).json,
                    lambda p: any(e["path"] == "/api/peers" for e in p["entries"]))
    e = next(e for e in page["entries"] if e["path"] == "/api/peers")
    assert (e["method"], e["status"], e["user"], e["client"]) == ("GET", 200, "viewer", "127.0.0.1"), e
    assert e["bytes"] > 0 and e["durationMs"] >= 0 and e["time"].endswith("Z")
    assert all(x["user"] == "viewer" for x in page["entries"])
    # Refused requests are there too, without a user.
    server.client().get("/api/system")
    page = wait_for(lambda: admin.get(q("/api/logs/web", text="/api/system")).json,
                    lambda p: any(x["status"] == 401 for x in p["entries"]))
    assert any(x["status"] == 401 and x["user"] == "" for x in page["entries"]), page


def test_paging_newest_first(server):
    admin = server.admin()
    for _ in range(5):
        admin.get("/api/health")
    wait_for(lambda: admin.get(q("/api/logs/web", text="/api/health")).json, lambda p: p["total"] >= 5)
    first = admin.get(q("/api/logs/web", limit=2)).json
    assert len(first["entries"]) == 2 and first["limit"] == 2 and first["total"] >= 5
    ids = [e["id"] for e in first["entries"]]
    assert ids == sorted(ids, reverse=True)
    second = admin.get(q("/api/logs/web", limit=2, before=first["nextBefore"])).json
    assert all(e["id"] < min(ids) for e in second["entries"])
    by_offset = admin.get(q("/api/logs/web", limit=2, offset=2)).json
    assert by_offset["offset"] == 2 and len(by_offset["entries"]) == 2
    last = admin.get(q("/api/logs/web", limit=1000)).json
    assert last["nextBefore"] is None


def test_dicom_log_by_peer_level_and_debug_detail(server):
    admin = server.admin()
    page = wait_for(lambda: admin.get(q("/api/logs/dicom", peer="LOGTEST")).json, lambda p: p["total"] >= 1)
    assert page["entries"] and all(e["peer"] == "LOGTEST" for e in page["entries"]), page
    assert any("LOGTEST" in e["message"] or "echo" in e["message"].lower() for e in page["entries"])
    assert all(e["level"] in ("info", "warning", "error", "debug") for e in page["entries"])
    assert not any(e["level"] == "debug" for e in page["entries"]), "no PDU detail while debug mode is off"
    assert admin.get(q("/api/logs/dicom", peer="NOBODY")).json["total"] == 0
    # Debug mode on: every PDU and DIMSE message of the next association is there.
    assert admin.put("/api/settings/dicom", {"debugMode": True}).status == 200
    try:
        echo(server.dicom_port, calling="DEBUGGER")
        page = wait_for(lambda: admin.get(q("/api/logs/dicom", peer="DEBUGGER", level="debug")).json,
                        lambda p: any(e["level"] == "debug" for e in p["entries"]))
        messages = " ".join(e["message"] for e in page["entries"] if e["level"] == "debug")
        assert "A-ASSOCIATE-RQ" in messages and "C-ECHO" in messages, messages[:2000]
        warnings = admin.get(q("/api/logs/dicom", level="warning")).json
        assert all(e["level"] in ("warning", "error") for e in warnings["entries"])
    finally:
        assert admin.put("/api/settings/dicom", {"debugMode": False}).status == 200


def test_audit_log_by_user_and_time(server):
    admin = server.admin()
    page = admin.get(q("/api/logs/audit", user="admin")).json
    actions = [e["action"] for e in page["entries"]]
    assert "user.create" in actions and "settings.update" in actions, actions
    e = next(e for e in page["entries"] if e["action"] == "settings.update" and e["target"] == "network")
    assert e["target"] == "network" and "serviceTimeoutSeconds 30 → 20" in e["detail"] and e["client"] == "127.0.0.1"
    assert admin.get(q("/api/logs/audit", user="viewer")).json["total"] == 0
    assert admin.get(q("/api/logs/audit", to="2000-01-01")).json["total"] == 0
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert admin.get(q("/api/logs/audit", **{"from": today})).json["total"] >= 2


def test_bad_parameters_and_rights(server):
    admin = server.admin()
    cases = [
        (q("/api/logs/web", limit=0), "invalid_parameter", "limit"),
        (q("/api/logs/web", limit=1001), "invalid_parameter", "limit"),
        (q("/api/logs/web", limit="ten"), "invalid_parameter", "limit"),
        (q("/api/logs/web", offset=-1), "invalid_parameter", "offset"),
        (q("/api/logs/dicom", association="x"), "invalid_parameter", "association"),
        (q("/api/logs/audit", **{"from": "yesterday"}), "invalid_time", "from"),
        (q("/api/logs/audit", **{"from": "2025-05-02", "to": "2025-05-01"}), "invalid_time", "to"),
        (q("/api/logs/dicom", level="loud"), "invalid_parameter", "level"),
        (q("/api/logs/web", level="info"), "unsupported_filter", "level"),
        (q("/api/logs/web", peer="CT1"), "unsupported_filter", "peer"),
        (q("/api/logs/dicom", user="admin"), "unsupported_filter", "user"),
        (q("/api/logs/web", colour="blue"), "unknown_parameter", "colour"),
        ("/api/logs/web?limit=1&limit=2", "repeated_parameter", "limit"),
        ("/api/logs/web?text=%E0%80", "invalid_query", None),
    ]
    for path, code, field in cases:
        r = admin.get(path)
        assert r.status == 400 and r.error_code() == code and r.json["error"].get("field") == field, (path, r)
    assert server.client().get("/api/logs/web").status == 401
    viewer = server.client(basic=("viewer", "Viewer-pass-1234"))
    for kind in ("web", "dicom", "audit"):
        assert viewer.get(f"/api/logs/{kind}").status == 403


def test_hostile_filters_are_data(server):
    admin = server.admin()
    for text in ["' OR 1=1 --", "%' OR '1'='1", "<script>alert(1)</script>", "_", "\\"]:
        r = admin.get(q("/api/logs/audit", text=text))
        assert r.status == 200 and r.json["total"] == 0, (text, r)
        assert b"<script>" not in r.raw
    r = admin.get("/api/logs/audit?text=a%00b")
    assert r.status == 400 and r.error_code() == "invalid_parameter" and r.json["error"]["field"] == "text", r
    r = admin.get(q("/api/logs/web", text="x" * 5000))
    assert r.status == 400 and r.json["error"]["field"] == "text", r
    r = admin.get(q("/api/logs/web", user="' OR ''='"))
    assert r.status == 200 and r.json["total"] == 0
