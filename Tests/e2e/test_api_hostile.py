"""Hostile text in every JSON text field, query parameter and path parameter the OpenAPI
document names (SPEC §8): SQL fragments, script tags, NUL bytes and 1 MB strings are stored
verbatim or refused with a JSON 4xx, never executed, never a 5xx; the server goes on serving."""
import urllib.parse
from pathlib import Path

import pytest
import yaml

from api_client import Server

DOC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml").read_text())
HOSTILE = ["x'); DROP TABLE peers;--", "' OR '1'='1", "<script>alert(1)</script>", "a\u0000b", "\u202e\ufeff\U0001F600",
           "%00%27", "../../etc/passwd", "y" * 1_000_000]

# Bodies that pass every rule, so that the hostile member is the only thing in question.
BASE_BODIES = {
    ("POST", "/api/peers"): {"aeTitle": "HOSTILE1", "host": "127.0.0.1", "port": 104},
    ("POST", "/api/users"): {"username": "hostile1", "password": "Hostile-pass-1234"},
    ("POST", "/api/tokens"): {"name": "hostile"},
    ("POST", "/api/session"): {"username": "nobody", "password": "nothing-at-all"},
    ("PUT", "/api/session/password"): None,  # would change the admin's password: covered by test_api_users
}


def resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        node = DOC
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def string_members(schema):
    schema = resolve(schema)
    for part in schema.get("allOf", []):
        yield from string_members(part)
    for name, prop in (schema.get("properties") or {}).items():
        prop = resolve(prop)
        if prop.get("type") == "string" and not prop.get("readOnly"):
            yield name


def operations():
    for path, item in DOC["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "delete", "patch"):
                yield method.upper(), path, op, item.get("parameters", [])


@pytest.fixture(scope="module")
def server(swiftpacs, tmp_path_factory):
    s = Server(swiftpacs, tmp_path_factory.mktemp("hostile") / "d").start()
    yield s
    s.stop()


def check(r, what):
    assert r.status < 500, (what, r)
    assert r.headers.get("X-Content-Type-Options") == "nosniff", (what, r.headers)
    if r.status >= 400:
        assert r.json and r.json["error"]["code"] and r.json["error"]["message"], (what, r)
    ctype = r.headers.get("Content-Type", "")
    assert "html" not in ctype, (what, ctype)


def fill(path):
    return path.replace("{id}", "1").replace("{uid}", "1.2.3")


def test_hostile_json_members(server):
    admin = server.admin()
    tried = 0
    for method, path, op, _ in operations():
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not body or (method, path) in BASE_BODIES and BASE_BODIES[(method, path)] is None:
            continue
        for member in string_members(body["schema"]):
            for value in HOSTILE:
                base = dict(BASE_BODIES.get((method, path), {}))
                base[member] = value
                r = admin.request(method, fill(path), body=base)
                tried += 1
                check(r, (method, path, member, value[:20]))
                if r.status < 300 and isinstance(r.json, dict) and member in r.json and member != "password":
                    assert r.json[member] == value, (method, path, member, "not stored verbatim")
                if r.status == 201 and isinstance(r.json, dict) and "id" in r.json:
                    collection = fill(path)
                    assert admin.delete(f"{collection}/{r.json['id']}").status == 204
    assert tried > 100
    assert admin.get("/api/health").status == 200


def test_hostile_query_and_path_parameters(server):
    admin = server.admin()
    tried = 0
    for method, path, op, shared in operations():
        if method != "GET":
            continue
        params = [resolve(p) for p in shared + op.get("parameters", [])]
        for p in params:
            for value in HOSTILE:
                if p["in"] == "query":
                    target = fill(path) + "?" + urllib.parse.urlencode({p["name"]: value})
                else:
                    target = path.replace("{" + p["name"] + "}", urllib.parse.quote(value, safe=""))
                    target = fill(target)
                r = admin.get(target)
                tried += 1
                assert r.status < 500, (target[:80], r)
                if r.status not in (414,):
                    check(r, (path, p["name"], value[:20]))
                assert b"<script>" not in r.raw or "json" in r.headers.get("Content-Type", ""), target[:80]
    assert tried > 50
    assert admin.get("/api/health").status == 200
