"""Every request the facade sends to the Profile and Real-Time APIs is valid by the vendor's
own documents (tests/spec/vendor, the Real-Time one converted from Swagger 2.0 the way
`make spec` converts it), not only by openapi.yaml, which carries our additions.

A request is matched to the vendor operation by method and path template under its family's
base path; its path and query parameters, required headers and JSON body are checked
against the vendor's schemas. The only query parameters allowed beyond those declared are
the Profile API's `filter[<attribute>]` pairs, which the vendor documents in prose only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from amperity_facade import Amperity
from scripts import specio, swagger2

VENDOR = Path(__file__).resolve().parents[1] / "spec" / "vendor"
FAMILIES = {
    "/api": specio.load(VENDOR / "profile-2025-07-31.yaml"),
    "/prof": swagger2.convert(specio.load(VENDOR / "real-time-2026-09-03.swagger.yaml")),
}
FILTER = re.compile(r"filter\[[^\[\]]+\]")
PROFILE = {"profile_id": "p-1", "collection_id": "apc-1", "attributes": {}}
INDEX = {"id": "idx-1", "name": "n", "description": "d", "created_at": "x", "updated_at": "y"}
ITEM = {"id": "p-1", "index_id": "idx-1", "attributes": {"tier": "gold"}}


def answer(request: httpx.Request) -> httpx.Response:
    path = request.url.raw_path.decode().split("?")[0]  # ids stay one (encoded) segment
    if path.startswith("/prof/lookup") or re.fullmatch(r"/prof/profiles/[^/]+/[^/]+", path):
        return httpx.Response(200, json=PROFILE)
    if path.endswith("/segments"):
        return httpx.Response(200, json={"data": [{"segment_id": "rts-1"}]})
    if path.startswith("/prof/segments/"):
        return httpx.Response(200, json={"data": [{"profile_id": "p-1"}]})
    if path == "/api/indexes":
        return httpx.Response(200, json={"data": [INDEX]})
    if re.fullmatch(r"/api/indexes/[^/]+", path):
        return httpx.Response(200, json=INDEX)
    if path.endswith("/profiles"):
        return httpx.Response(200, json={"data": [ITEM]})
    return httpx.Response(200, json=ITEM)


CALLS: dict[str, Callable[[Amperity], Any]] = {
    "list-indexes": lambda c: list(c.profiles.indexes.list(limit=10, with_total=True)),
    "get-index": lambda c: c.profiles.indexes.get("idx/1 ?#"),
    "list-profiles": lambda c: list(
        c.profiles.list("idx-1", filters={"tier": "gold & co", "visits": 3}, limit=5)
    ),
    "list-profiles-resumed": lambda c: list(c.profiles.list("idx-1", next_token="abc")),
    "get-profile": lambda c: c.profiles.get("idx-1", "p 1"),
    "post-lookup-keychain": lambda c: c.realtime.lookup(
        "apc-1", keys={"email": "a@example.com", "loyalty_id": "L-1"}, enrich=True
    ),
    "get-realtime-profile": lambda c: c.realtime.get_profile("apc-1", "p-1", enrich=True),
    "list-profile-segments": lambda c: list(
        c.realtime.profile_segments("apc-1", "p-1", limit=3, next_token="n1")
    ),
    "list-segment-profiles": lambda c: list(c.realtime.segment_members("rts-1", limit=3)),
}


def sent_by(call: Callable[[Amperity], Any]) -> list[httpx.Request]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return answer(request)

    transport = httpx.MockTransport(handler)
    with Amperity(tenant="acme", token="tok-0123456789", transport=transport) as client:
        call(client)
    assert sent
    return sent


def _inline(doc: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(doc, specio.resolve(doc, node))
        return {k: _inline(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(doc, v) for v in node]
    return node


def _operation(request: httpx.Request) -> tuple[dict[str, Any], str, dict[str, Any]]:
    for base, doc in FAMILIES.items():
        if not request.url.path.startswith(base + "/"):
            continue
        rest = request.url.raw_path.decode().split("?")[0][len(base) :]
        for template, method, op in specio.iter_operations(doc):
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            if method == request.method.lower() and re.fullmatch(pattern, rest):
                return doc, template, op
    raise AssertionError(f"no vendor operation for {request.method} {request.url.path}")


def problems(request: httpx.Request) -> list[str]:
    """What the vendor's document would refuse in `request` (empty when valid)."""
    doc, template, op = _operation(request)
    found: list[str] = []
    params = [_inline(doc, p) for p in op.get("parameters", [])]
    declared = {(p["in"], p["name"].lower()): p for p in params}
    for param in params:
        required = param["in"] == "header" and param.get("required")
        if required and param["name"] not in request.headers:
            found.append(f"missing required header {param['name']}")
    for name, value in request.url.params.multi_items():
        param = declared.get(("query", name.lower()))
        if param is None:
            if not FILTER.fullmatch(name):
                found.append(f"undeclared query parameter {name}")
            continue
        schema = param.get("schema", {})
        typed: Any = value
        if schema.get("type") == "integer":
            typed = int(value) if value.lstrip("-").isdigit() else value
        elif schema.get("type") == "boolean":
            typed = {"true": True, "false": False}.get(value, value)
        for error in OAS30Validator(schema).iter_errors(typed):
            found.append(f"query {name}: {error.message}")
    body = op.get("requestBody")
    if body is not None:
        schema = _inline(doc, body)["content"]["application/json"]["schema"]
        payload = json.loads(request.content) if request.content else None
        if payload is None and body.get("required"):
            found.append("missing required body")
        for error in OAS30Validator(schema).iter_errors(payload):
            found.append(f"body: {error.message}")
    elif request.content:
        found.append(f"a body the vendor does not take ({template})")
    return found


@pytest.mark.parametrize("name", sorted(CALLS))
def test_facade_requests_are_valid_by_the_vendor_documents(name: str) -> None:
    for request in sent_by(CALLS[name]):
        assert problems(request) == [], (name, request.method, str(request.url))


def test_the_check_refuses_what_the_vendor_would() -> None:
    good = sent_by(CALLS["post-lookup-keychain"])[0]
    extra = httpx.Request(
        "POST", good.url, headers=good.headers, json={"keys": {"email": 1}, "other": True}
    )
    assert any("body" in p for p in problems(extra))
    listing = sent_by(CALLS["list-indexes"])[0]
    headers = {k: v for k, v in listing.headers.items() if k.lower() != "api-version"}
    bare = httpx.Request("GET", listing.url.copy_add_param("zz_undeclared", "1"), headers=headers)
    assert set(problems(bare)) >= {
        "missing required header Api-Version",
        "undeclared query parameter zz_undeclared",
    }
    bad_limit = httpx.Request("GET", listing.url.copy_set_param("limit", "many"), headers=headers)
    assert any(p.startswith("query limit") for p in problems(bad_limit))
