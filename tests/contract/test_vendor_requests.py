"""Every request the facade sends to the Profile, Real-Time and Streaming APIs is valid by
the vendor's own documents (tests/spec/vendor, the Real-Time one converted from Swagger 2.0
the way `make spec` converts it), not only by openapi.yaml, which carries our additions.

A request is matched to the vendor operation by method and path template under its family's
base path; its path and query parameters, required headers (and the values of declared
ones) and body are checked against the vendor's schemas, the body by its Content-Type: a
JSON body parsed, an XML one as text. The only query parameters allowed beyond those
declared are the Profile API's `filter[<attribute>]` pairs, which the vendor documents in
prose only; the only body allowed where the vendor declares none is a Real-Time event's,
checked against our marked requestBody instead (UNDECLARED_BODIES).
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
from scripts import spec_family, specio, swagger2

VENDOR = Path(__file__).resolve().parents[1] / "spec" / "vendor"
FAMILIES = {
    "/api": specio.load(VENDOR / "profile-2025-07-31.yaml"),
    "/prof": swagger2.convert(specio.load(VENDOR / "real-time-2026-09-03.swagger.yaml")),
    "/stream/v0": specio.load(VENDOR / "streaming-v0.yaml"),
}
OURS = specio.load(specio.SPEC)
# Operations (our names) whose body the vendor's document does not declare: openapi.yaml
# declares it as our marked addition (x-facade-addition on the requestBody), and the body
# is checked against that. The Real-Time document (Swagger 2.0) names application/json for
# POST /events/{stream-id} but declares no body: see post-event in openapi.yaml.
UNDECLARED_BODIES = frozenset({"post-event"})
FILTER = re.compile(r"filter\[[^\[\]]+\]")
JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json")
PROFILE = {"profile_id": "p-1", "collection_id": "apc-1", "attributes": {}}
INDEX = {"id": "idx-1", "name": "n", "description": "d", "created_at": "x", "updated_at": "y"}
ITEM = {"id": "p-1", "index_id": "idx-1", "attributes": {"tier": "gold"}}
STREAM = "is-a1b2c3d4"
RECORD = {"order_id": "o-1", "amount": 12.5, "items": [{"sku": "s-1", "qty": 2}], "gift": None}


def answer(request: httpx.Request) -> httpx.Response:
    path = request.url.raw_path.decode().split("?")[0]  # ids stay one (encoded) segment
    if path.startswith("/stream/v0/data/"):  # accepted, under the caller's upload id
        return httpx.Response(202, headers={"X-Request-Id": request.headers["x-request-id"]})
    if path.startswith("/prof/events/"):
        return httpx.Response(202)
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
    "post-stream-data": lambda c: c.streams.send(STREAM, RECORD),
    "post-stream-data-xml": lambda c: c.streams.send(STREAM, "<order id='o-2'/>"),
    "post-stream-data-request-id": lambda c: c.streams.send(STREAM, RECORD, request_id="up-1"),
    "post-event": lambda c: c.realtime.send_event(
        "esm-23ZvjfSSJ", {"type": "page_view", "at": "2026-12-06T10:00:00Z"}
    ),
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


def _operation(request: httpx.Request) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    """(vendor document, its base path, template, operation) the request names."""
    for base, doc in FAMILIES.items():
        if not request.url.path.startswith(base + "/"):
            continue
        rest = request.url.raw_path.decode().split("?")[0][len(base) :]
        for template, method, op in specio.iter_operations(doc):
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            if method == request.method.lower() and re.fullmatch(pattern, rest):
                return doc, base, template, op
    raise AssertionError(f"no vendor operation for {request.method} {request.url.path}")


def _shape(template: str) -> str:
    """A path template with its variables unnamed (the vendor may rename them)."""
    return re.sub(r"\{[^}]+\}", "{}", template)


def undeclared_body_of(base: str, template: str, method: str) -> str | None:
    """Which of UNDECLARED_BODIES the vendor operation is, if any: the same method and
    path under the same base path in openapi.yaml."""
    families = spec_family.families(OURS)
    for name in sorted(UNDECLARED_BODIES):
        path, ours, op = specio.find_operation(OURS, name)
        where = families[spec_family.family_of(op)]["base-path"]
        if (where, ours, _shape(path)) == (base, method, _shape(template)):
            return name
    return None


def our_marked_body(operation_id: str) -> dict[str, Any]:
    """openapi.yaml's requestBody of the operation: ours, so marked as our addition."""
    _, _, op = specio.find_operation(OURS, operation_id)
    body: dict[str, Any] = _inline(OURS, op["requestBody"])
    assert "x-facade-addition" in body, f"{operation_id}: requestBody is not marked as ours"
    return body


def body_problems(doc: dict[str, Any], body: dict[str, Any], request: httpx.Request) -> list[str]:
    """What `body` (a requestBody of `doc`) refuses in the request's body: a media type it
    does not declare, a missing required body, a payload its schema does not allow."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not request.content:
        return ["missing required body"] if body.get("required") else []
    content = {str(k).lower(): v for k, v in _inline(doc, body)["content"].items()}
    if media not in content:
        return [f"body of content type {media or '(none)'} not declared ({sorted(content)})"]
    schema = content[media].get("schema", {})
    payload: Any
    if JSON_MEDIA.fullmatch(media):
        try:
            payload = json.loads(request.content)
        except ValueError:
            return [f"body is not JSON ({media})"]
    else:
        try:
            payload = request.content.decode("utf-8")
        except UnicodeDecodeError:
            return [f"body is not UTF-8 text ({media})"]
    return [f"body: {error.message}" for error in OAS30Validator(schema).iter_errors(payload)]


def problems(request: httpx.Request) -> list[str]:
    """What the vendor's document would refuse in `request` (empty when valid)."""
    doc, base, template, op = _operation(request)
    found: list[str] = []
    params = [_inline(doc, p) for p in op.get("parameters", [])]
    declared = {(p["in"], p["name"].lower()): p for p in params}
    for param in params:
        if param["in"] != "header":
            continue
        if param["name"] not in request.headers:
            if param.get("required"):
                found.append(f"missing required header {param['name']}")
            continue
        value = request.headers[param["name"]]
        for error in OAS30Validator(param.get("schema", {})).iter_errors(value):
            found.append(f"header {param['name']}: {error.message}")
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
    ours = undeclared_body_of(base, template, request.method.lower())
    if body is not None:
        assert ours is None, f"the vendor now declares {template}'s body: drop UNDECLARED_BODIES"
        found += body_problems(doc, body, request)
    elif ours is not None:
        found += body_problems(OURS, our_marked_body(ours), request)
    elif request.content:
        found.append(f"a body the vendor does not take ({template})")
    return found


@pytest.mark.parametrize("name", sorted(CALLS))
def test_facade_requests_are_valid_by_the_vendor_documents(name: str) -> None:
    for request in sent_by(CALLS[name]):
        assert problems(request) == [], (name, request.method, str(request.url))


def test_every_vendor_document_of_a_family_is_checked() -> None:
    """One vendor document per family but the control plane (whose requests the cassettes
    and the fake check against openapi.yaml), under the base path openapi.yaml declares."""
    declared = spec_family.families(OURS)
    others = {f["base-path"] for name, f in declared.items() if name != spec_family.DEFAULT_FAMILY}
    assert set(FAMILIES) == others


def test_stream_requests_carry_what_the_vendor_asks() -> None:
    """The Streaming API's own header spelling, its body per Content-Type, and the upload id
    the answer echoes."""
    (json_request,) = sent_by(CALLS["post-stream-data"])
    assert json_request.url.path == f"/stream/v0/data/{STREAM}"
    assert json_request.headers["x-amperity-tenant"] == "acme"
    assert "api-version" not in json_request.headers  # v0 is in the path
    assert json_request.headers["content-type"] == "application/json"
    assert json.loads(json_request.content) == RECORD
    assert json_request.headers["x-request-id"]
    (xml_request,) = sent_by(CALLS["post-stream-data-xml"])
    assert xml_request.headers["content-type"] == "application/xml"
    assert xml_request.content == b"<order id='o-2'/>"
    (given,) = sent_by(CALLS["post-stream-data-request-id"])
    assert given.headers["x-request-id"] == "up-1"


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


def resent(
    request: httpx.Request, content: bytes, media: str | None, **drop: bool
) -> httpx.Request:
    """The request again with another body and Content-Type, and without the headers named
    (underscores for dashes) in `drop`."""
    gone = {name.replace("_", "-") for name in drop} | {"content-type", "content-length"}
    headers = {k: v for k, v in request.headers.items() if k.lower() not in gone}
    if media is not None:
        headers["Content-Type"] = media
    return httpx.Request(request.method, request.url, headers=headers, content=content)


def test_the_check_refuses_what_the_streaming_api_would() -> None:
    good = sent_by(CALLS["post-stream-data"])[0]
    assert problems(resent(good, good.content, "application/json")) == []
    assert problems(resent(good, b"<a/>", "text/xml")) == []
    no_tenant = resent(good, good.content, "application/json", x_amperity_tenant=True)
    assert problems(no_tenant) == ["missing required header X-Amperity-Tenant"]
    array = resent(good, b'[{"order_id": "o-1"}]', "application/json")
    assert any(p.startswith("body:") and "object" in p for p in problems(array))
    assert problems(resent(good, b"", "application/json")) == ["missing required body"]
    (plain,) = problems(resent(good, b"order o-1", "text/plain"))
    assert plain.startswith("body of content type text/plain not declared")
    assert problems(resent(good, b"{", "application/json")) == [
        "body is not JSON (application/json)"
    ]


def test_only_the_event_body_is_taken_where_the_vendor_declares_none() -> None:
    """A Real-Time event's body is checked against our marked requestBody (one JSON
    object); a body on any other operation whose vendor document declares none is refused."""
    event = sent_by(CALLS["post-event"])[0]
    assert problems(event) == []
    assert any(p.startswith("body:") for p in problems(resent(event, b"[1]", "application/json")))
    assert problems(resent(event, b"", None)) == ["missing required body"]
    (xml,) = problems(resent(event, b"<e/>", "application/xml"))
    assert xml.startswith("body of content type application/xml not declared")
    profile = sent_by(CALLS["get-realtime-profile"])[0]
    stray = httpx.Request("GET", profile.url, headers=profile.headers, content=b"{}")
    (refused,) = problems(stray)
    assert refused.startswith("a body the vendor does not take (")
