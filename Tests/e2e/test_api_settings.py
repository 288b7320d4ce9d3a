"""REST API: /api/settings/dicom and /network applied live (real DCMTK echoscu), /api/system."""
import socket

import pytest

from api_client import Server
from dicom_peers import DCMTK, HOST, free_port, run

USER_PASSWORD = "User-pass-5678"


@pytest.fixture
def server(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    yield s
    s.stop()


def echo(port, aet="SWIFTPACS"):
    return run([DCMTK["echoscu"], "-aec", aet, HOST, str(port)])


def test_get_dicom_settings(server):
    r = server.admin().get("/api/settings/dicom")
    assert r.status == 200, r
    d = r.json
    assert d["aeTitle"] == "SWIFTPACS" and d["port"] == server.dicom_port and d["debugMode"] is False
    assert f"{HOST}:{server.dicom_port}" in d["listening"]
    assert isinstance(d["ipAddresses"], list) and d["ipAddresses"]


def test_listener_moves_with_the_port(server):
    admin = server.admin()
    old, new = server.dicom_port, free_port()
    assert echo(old).returncode == 0
    r = admin.put("/api/settings/dicom", {"port": new})
    assert r.status == 200 and r.json["port"] == new and f":{new}" in r.json["listening"], r
    ok = echo(new)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert echo(old).returncode != 0, "nothing listens on the old port"


def test_changed_ae_title_rejects_the_old_one(server):
    admin = server.admin()
    r = admin.put("/api/settings/dicom", {"aeTitle": "NEWPACS", "ipAddresses": ["ignored"], "listening": "ignored"})
    assert r.status == 200 and r.json["aeTitle"] == "NEWPACS", r
    old = echo(server.dicom_port, "SWIFTPACS")
    assert old.returncode != 0 and "Called AE Title Not Recognized" in old.stdout + old.stderr
    assert echo(server.dicom_port, "NEWPACS").returncode == 0


def test_busy_port_answers_409_and_keeps_the_listener(server):
    admin = server.admin()
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen(1)
        busy = holder.getsockname()[1]
        r = admin.put("/api/settings/dicom", {"port": busy})
        assert r.status == 409 and r.error_code() == "port_unavailable" and r.json["error"]["field"] == "port", r
    assert admin.get("/api/settings/dicom").json["port"] == server.dicom_port
    assert echo(server.dicom_port).returncode == 0, "the old listener stays"
    clash = admin.put("/api/settings/dicom", {"port": server.http_port})
    assert clash.status == 409 and clash.error_code() == "port_conflict"


def test_dicom_validation_and_rights(server):
    admin = server.admin()
    cases = [({"aeTitle": ""}, 422, "invalid_ae_title", "aeTitle"),
             ({"aeTitle": "TOO LONG AE TITLE!"}, 422, "invalid_ae_title", "aeTitle"),
             ({"port": 70000}, 422, "invalid_port", "port"),
             ({"port": "11112"}, 422, "invalid_type", "port"),
             ({"maxAssociations": 0}, 422, "out_of_range", "maxAssociations"),
             ({"duplicatePolicy": "merge"}, 422, "invalid_choice", "duplicatePolicy"),
             ({"colour": "blue"}, 422, "unknown_field", "colour")]
    for body, status, code, field in cases:
        r = admin.put("/api/settings/dicom", body)
        assert r.status == status and r.error_code() == code and r.json["error"]["field"] == field, (body, r)
    assert admin.put("/api/settings/dicom", raw=b"[1]").status == 400
    assert admin.get("/api/settings/dicom").json["aeTitle"] == "SWIFTPACS"
    assert admin.post("/api/users", {"username": "alice", "password": USER_PASSWORD}).status == 201
    alice = server.client(basic=("alice", USER_PASSWORD))
    assert alice.get("/api/settings/dicom").status == 200
    assert alice.put("/api/settings/dicom", {"debugMode": True}).error_code() == "forbidden"
    assert alice.put("/api/settings/network", {"serviceTimeoutSeconds": 5}).error_code() == "forbidden"


def test_network_settings_and_echo_timeout(server):
    admin = server.admin()
    n = admin.get("/api/settings/network").json
    assert n == {"maxOutgoingConnections": 4, "serviceTimeoutSeconds": 30, "openReceivedStudies": False}
    bad = admin.put("/api/settings/network", {"serviceTimeoutSeconds": 0})
    assert bad.status == 422 and bad.error_code() == "out_of_range" and bad.json["error"]["field"] == "serviceTimeoutSeconds"
    assert admin.put("/api/settings/network", {"maxOutgoingConnections": 33}).status == 422
    r = admin.put("/api/settings/network", {"serviceTimeoutSeconds": 1, "openReceivedStudies": True})
    assert r.status == 200 and r.json["serviceTimeoutSeconds"] == 1 and r.json["openReceivedStudies"] is True
    # A peer that accepts the connection but never answers: the echo times out after the service time-out.
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen(5)
        peer = admin.post("/api/peers", {"aeTitle": "SILENT", "host": HOST, "port": silent.getsockname()[1]}).json
        e = admin.post(f"/api/peers/{peer['id']}/echo")
        assert e.status == 200 and e.json["success"] is False and e.json["error"] == "timed out", e
        assert e.json["roundTripMs"] < 10_000


def test_settings_survive_a_restart(swiftpacs, tmp_path):
    s = Server(swiftpacs, tmp_path / "d").start()
    new = free_port()
    try:
        admin = s.admin()
        assert admin.put("/api/settings/dicom", {"port": new, "aeTitle": "KEPT"}).status == 200
        assert admin.put("/api/settings/network", {"serviceTimeoutSeconds": 7}).status == 200
    finally:
        s.stop()
    s.http_port = free_port()
    s.start(dicom_flag=False)
    try:
        assert f"AE title KEPT listening on {HOST}:{new}" in s.banner
        d = s.admin().get("/api/settings/dicom").json
        assert d["port"] == new and d["aeTitle"] == "KEPT"
        assert s.admin().get("/api/settings/network").json["serviceTimeoutSeconds"] == 7
        assert echo(new, "KEPT").returncode == 0
    finally:
        s.stop()


def test_system(server):
    r = server.admin().get("/api/system")
    assert r.status == 200, r
    s = r.json
    assert s["version"] and s["uptimeSeconds"] >= 0
    assert s["counts"] == {"patients": 0, "studies": 0, "series": 0, "instances": 0}
    assert s["disk"]["total"] > 0 and s["disk"]["free"] > 0 and s["disk"]["bytesStored"] == 0
    assert server.client().get("/api/system").status == 401
