"""schemathesis against a real `swiftpacs serve`: every operation of openapi/openapi.yaml, with
generated valid and invalid requests, authenticated as admin; each answer must be no 5xx and
must match the document (status, content type, headers, body schema).

The run changes the server as any admin could (settings, users, peers, tokens). A few cases
would cut the test off from the server or send traffic off this machine; they are kept in
bounds here, each with its reason, and nothing else is listed per route:

- the caller's own credentials stay: the admin account the test calls as is neither deleted,
  disabled nor demoted, and its API token is not revoked (`protected`, such cases are not sent);
- a listener the settings move stays on a port this test reserved (LISTENER_PORTS): a generated
  port could be another test's, and a web port of 0 would stop the API;
- every peer points at this server's own DICOM port on loopback (`keep_peers_local`): an echo
  to a generated host would connect to an address off this machine;
- a rule the document states in prose only (a password may not be the username) is not sent
  as valid data (`prose_only_rule`);
- a few rules hold between values or inside them, beyond what a schema can say: a real
  calendar date, a range whose end is not before its start, HTTPS only with an uploaded
  certificate, a certificate and key that are a valid PEM pair, an upload that is a DICOM file.
  A schema-valid request refused for one of these gets exactly that rule's error code
  (`PROSE_RULES`), and for nothing else: schemathesis's own positive-data check is replaced by
  `positive_data_accepted`, which is the same check with these codes allowed.

The run is reproducible (derandomized) and takes well under two minutes on two cores.
"""
import re
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from requests.adapters import HTTPAdapter
from schemathesis.checks import CHECKS, load_all_checks
from urllib3.util.retry import Retry

from api_client import ADMIN_PASSWORD, Server
from dicom_peers import HOST

ROOT = Path(__file__).resolve().parents[2]
schema = schemathesis.openapi.from_path(ROOT / "openapi" / "openapi.yaml")

load_all_checks()
# Every check schemathesis has, except:
#   ignored_auth: its probes with invalid Basic credentials count towards the per-client login
#     throttle, which then answers 429 (as it should); test_protected_operations_refuse_anonymous_callers
#     below checks every operation without credentials instead;
#   object_level_authorization: needs resources of a second identity; users and tokens of one
#     user hidden from another are covered by test_api_users.py and test_api_session.py.
#   positive_data_acceptance: replaced by positive_data_accepted below (the same check, which
#     allows the error codes of PROSE_RULES).
EXCLUDED_CHECKS = {"ignored_auth", "object_level_authorization", "positive_data_acceptance"}
CHECKS_RUN = [c for c in CHECKS.get_all() if c.__name__ not in EXCLUDED_CHECKS]

# Rules between or inside values that no schema states, by the error code that names each.
PROSE_RULES = {
    ("GET", "/api/studies"): {"invalid_date", "invalid_date_range"},
    ("GET", "/api/logs/web"): {"invalid_time"},
    ("GET", "/api/logs/dicom"): {"invalid_time"},
    ("GET", "/api/logs/audit"): {"invalid_time"},
    ("PUT", "/api/settings/http"): {"certificate_missing"},
    ("PUT", "/api/settings/http/certificate"): {"invalid_certificate"},
    ("POST", "/api/instances"): {"not_dicom", "invalid_dicom", "unsupported_transfer_syntax", "invalid_instance"},
}
# Bodies the document gives as bytes or text in a non-JSON type are sent as they are.
schemathesis.serializer.alias(["application/dicom", "application/x-pem-file"], "application/octet-stream")


def positive_data_accepted(case, response):
    """A request generated as valid must not be refused as invalid (400, 422), except by a rule of
    PROSE_RULES, with that rule's code."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    allowed = PROSE_RULES.get((case.method.upper(), case.path), set())
    assert code in allowed, (f"schema-valid request refused with {response.status_code} {code!r}: "
                             f"{response.text[:300]}")

# Settings resources whose `port` moves a listener, and the port this test reserved for it.
LISTENER_PORTS = {"/api/settings/dicom": "dicom_port", "/api/settings/http": "http_port"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class API:
    """The server under test and the identity the run calls as."""

    def __init__(self, server):
        self.server = server
        self.base_url = f"http://{HOST}:{server.http_port}"
        admin = server.admin()
        me = admin.get("/api/session")
        assert me.status == 200, me
        self.admin_id = me.json["id"]
        made = admin.post("/api/tokens", {"name": "schemathesis"})
        assert made.status == 201, made
        self.token, self.token_id = made.json["token"], made.json["id"]
        self.headers = {"Authorization": "Bearer " + self.token}
        # The server may be briefly unreachable while a listener moves: retry connecting only
        # (never a 429 or 503 after its Retry-After, which a login lockout makes minutes long).
        self.session = requests.Session()
        retry = Retry(total=None, connect=5, read=0, status=0, redirect=0, other=0, backoff_factor=0.2,
                      respect_retry_after_header=False)
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def call(self, method, path, body=None):
        return self.session.request(method, self.base_url + path, json=body, headers=self.headers, timeout=30)


@pytest.fixture(scope="module")
def api(swiftpacs, tmp_path_factory):
    server = Server(swiftpacs, tmp_path_factory.mktemp("schema") / "data").start()
    try:
        yield API(server)
    finally:
        server.stop()


def same_id(value, wanted):
    try:
        return int(str(value).strip()) == wanted
    except ValueError:
        return False


def protected(case, api):
    """Why sending `case` would take the caller's own credentials away, or None."""
    target = case.path_parameters.get("id") if case.path_parameters else None
    if case.path == "/api/tokens/{id}" and case.method == "DELETE" and same_id(target, api.token_id):
        return "revokes the test's own API token"
    if case.path == "/api/users/{id}" and same_id(target, api.admin_id):
        if case.method == "DELETE":
            return "deletes the admin the test calls as"
        body = case.body if isinstance(case.body, dict) else {}
        if case.method == "PUT" and (body.get("enabled") is False or body.get("role") == "user"):
            return "disables or demotes the admin the test calls as"
    return None


def prose_only_rule(case):
    """Why `case` breaks a rule the document can state in prose only, or None."""
    body = case.body if isinstance(case.body, dict) else {}
    name, password = body.get("username"), body.get("password")
    if isinstance(name, str) and isinstance(password, str) and name.lower() == password.lower():
        return "a password may not be the username (422 weak_password)"
    return None


def keep_listeners_on_reserved_ports(case, api):
    attribute = LISTENER_PORTS.get(case.path)
    body = case.body
    if attribute and case.method == "PUT" and isinstance(body, dict) and type(body.get("port")) is int:
        valid = 1 <= body["port"] <= 65535 or (body["port"] == 0 and attribute == "http_port")
        if valid:
            body["port"] = getattr(api.server, attribute)


def keep_peers_local(api):
    """Points every peer at this server's DICOM port on loopback."""
    for peer in api.call("GET", "/api/peers").json():
        if peer["host"] not in LOOPBACK or peer["port"] != api.server.dicom_port:
            r = api.call("PUT", f"/api/peers/{peer['id']}", {"host": HOST, "port": api.server.dicom_port})
            assert r.status_code == 200, r.text


@schema.parametrize()
@settings(max_examples=50, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_operation(case, api):
    if protected(case, api) or prose_only_rule(case):
        return
    keep_listeners_on_reserved_ports(case, api)
    try:
        response = case.call_and_validate(base_url=api.base_url, session=api.session, headers=api.headers, checks=CHECKS_RUN)
        positive_data_accepted(case, response)
    finally:
        if case.path.startswith("/api/peers") and case.method in ("POST", "PUT"):
            keep_peers_local(api)


def test_server_still_serves_after_the_run(api):
    assert api.server.proc.poll() is None, "the server exited"
    health = api.call("GET", "/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text
    me = api.call("GET", "/api/session")
    assert me.status_code == 200 and me.json()["role"] == "admin", me.text


def test_document_is_valid_openapi():
    schema.validate()


def operations(raw):
    """(method, path, security) for every operation of the document."""
    default = raw.get("security", [])
    for path, item in raw["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield method.upper(), path, op.get("security", default)


def test_protected_operations_refuse_anonymous_callers(swiftpacs, tmp_path):
    """Every operation that needs a login answers a caller without credentials 401 with the
    JSON error and WWW-Authenticate challenges (RFC 9110 §11.6.1): Basic and Bearer for
    scripts, Bearer only for the browser UI (X-Requested-With or the session cookie), whose
    401s must not make the browser open a Basic login dialog."""
    server = Server(swiftpacs, tmp_path / "data").start()
    try:
        client = server.client()
        checked = 0
        for method, path, security in operations(schema.raw_schema):
            if not security:
                continue
            target = re.sub(r"\{[^}]+\}", "1", path)
            r = client.request(method, target)
            assert r.status == 401 and r.error_code() == "unauthorized", (method, path, r)
            challenges = [v for k, v in r.all_headers if k.lower() == "www-authenticate"]
            assert challenges == ['Basic realm="SwiftPACS", charset="UTF-8"', 'Bearer realm="SwiftPACS"'], (method, path)
            for ui in ({"X-Requested-With": "XMLHttpRequest"}, {"Cookie": "swiftpacs_session=ended"}):
                r = client.request(method, target, headers=ui)
                assert r.status == 401, (method, path, ui, r)
                challenges = [v for k, v in r.all_headers if k.lower() == "www-authenticate"]
                assert challenges == ['Bearer realm="SwiftPACS"'], (method, path, ui, challenges)
            checked += 1
        assert checked >= 15, checked
        # A refused token says so (RFC 6750 §3.1); a wrong password is still a 401 with challenges.
        r = server.client(bearer="spx_revoked").get("/api/system")
        assert [v for k, v in r.all_headers if k.lower() == "www-authenticate"][-1] == \
            'Bearer realm="SwiftPACS", error="invalid_token"'
        r = server.client(basic=("admin", ADMIN_PASSWORD + "x")).get("/api/system")
        assert r.status == 401 and r.error_code() == "invalid_credentials"
        assert [v for k, v in r.all_headers if k.lower() == "www-authenticate"][0].startswith("Basic ")
        assert server.admin().get("/api/system").status == 200
    finally:
        server.stop()


def test_admin_operations_refuse_users(swiftpacs, tmp_path):
    """The document marks what only an admin may do with "(admin" in an operation's text. A
    logged-in `user` gets 403 `forbidden` on each of those, before anything else about the
    request is looked at, and is never refused with 403 on the others; the upload right opens
    POST /api/instances only."""
    server = Server(swiftpacs, tmp_path / "data").start()
    try:
        admin = server.admin()
        for name, rights in (("plain", {}), ("trusted", {"canSend": True, "canUpload": True})):
            assert admin.post("/api/users", {"username": name, "password": "User-pass-5678", "role": "user", **rights}).status == 201
        peer = admin.post("/api/peers", {"aeTitle": "ANY", "host": HOST, "port": 104}).json["id"]
        plain, trusted = (server.client(basic=(n, "User-pass-5678")) for n in ("plain", "trusted"))
        admin_only = 0
        for method, path, security in operations(schema.raw_schema):
            if not security:
                continue
            op = schema.raw_schema["paths"][path][method.lower()]
            marked = "(admin" in op.get("summary", "") + " " + op.get("description", "")
            target = re.sub(r"\{id\}", str(peer) if path.startswith("/api/peers") else "1", path)
            target = re.sub(r"\{[^}]+\}", "1.2.3", target)
            body = {} if method in ("POST", "PUT") else None
            for who, client in (("plain", plain), ("trusted", trusted)):
                r = client.request(method, target, body=body)
                refused = r.status == 403 and r.error_code() == "forbidden"
                expected = marked and not (who == "trusted" and (method, path) == ("POST", "/api/instances"))
                assert refused == expected, (who, method, path, r)
            admin_only += marked
        assert admin_only >= 20, admin_only
        assert admin.get(f"/api/peers/{peer}").json["aeTitle"] == "ANY", "nothing a user sent changed the peer"
        assert [u["username"] for u in admin.get("/api/users").json] == ["admin", "plain", "trusted"]
    finally:
        server.stop()
