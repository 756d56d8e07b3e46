"""The Profile API (api-version 2025-07-31, under /api): indexes and their profiles, with
attribute filters, served over a socket and in process alike.

Every success body is validated against the schema openapi.yaml declares for it, closed as in
test_fake_contract (the fake sends exactly the declared fields); every error is the control
plane's envelope, which the Profile API shares.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import openapi_schema_validator as oas
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from amperity_facade.testing import FakeAmperity, FakeUsageError, Fault, OperationName

from .conftest import SMALL

SPEC: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[2] / "openapi.yaml").read_text(encoding="utf-8")
)
BASE = "urn:amperity-openapi"
TOKEN = "tok-profile-0123456789abcdef"
VERSION = "2025-07-31"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "amperity-tenant": "acme", "api-version": VERSION}
IN_PROCESS = "http://fake.invalid/api"
SIZES = {
    **SMALL,
    "indexes": 3,
    "profiles_per_index": 60,
    "collections": 1,
    "profiles_per_collection": 30,
    "realtime_segments": 2,
}
ENVELOPE = {"status", "message", "request_id", "trace_id"}
PROFILE_OPERATIONS: tuple[OperationName, ...] = (
    "list-indexes",
    "get-index",
    "list-profiles",
    "get-profile",
)


def closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


STRICT = copy.deepcopy(SPEC)
STRICT["components"]["schemas"] = closed(STRICT["components"]["schemas"])
REGISTRY: Registry[Any] = Registry().with_resource(
    BASE, Resource.from_contents(STRICT, default_specification=DRAFT4)
)


def spec_operation(name: str) -> dict[str, Any]:
    for item in SPEC["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("x-facade-operation-id") == name:
                return op
    raise KeyError(name)


def validate(schema_name: str, body: Any) -> None:
    validator = oas.OAS30Validator(
        {"$ref": f"{BASE}#/components/schemas/{schema_name}"},
        registry=REGISTRY,
        format_checker=oas.oas30_format_checker,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{schema_name}: {errors[:5]}"


def check(operation: OperationName, response: httpx.Response, status: int = 200) -> Any:
    """The body, validated against the operation's declared schema for this status; the
    spec gives the Profile API's errors no schema, and the fake answers the envelope."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"].startswith("req-")
    declared = spec_operation(operation)["responses"]
    assert str(status) in declared, f"{operation} answered undeclared {status}"
    body = response.json()
    if status >= 400:
        assert set(body) == ENVELOPE and body["status"] == status and body["message"]
        validate("ErrorResponse", body)
        return body
    schema = declared[str(status)]["content"]["application/json"]["schema"]["$ref"]
    validate(schema.rsplit("/", 1)[1], body)
    return body


def make_fake(seed: int = 7, **kwargs: Any) -> FakeAmperity:
    return FakeAmperity(tenant="acme", seed=seed, token=TOKEN, **{**SIZES, **kwargs})


@pytest.fixture
def fake() -> FakeAmperity:
    """Not started: the socket mode of `api` starts it."""
    return make_fake()


@pytest.fixture(params=["socket", "transport"])
def api(request: pytest.FixtureRequest, fake: FakeAmperity) -> Iterator[httpx.Client]:
    if request.param == "socket":
        with fake, httpx.Client(base_url=fake.base_url, headers=HEADERS, timeout=5) as client:
            yield client
    else:
        with httpx.Client(
            base_url=IN_PROCESS, headers=HEADERS, transport=fake.transport()
        ) as client:
            yield client


def walk(client: httpx.Client, path: str, operation: OperationName, **params: Any) -> list[Any]:
    """Every item of a listing, page by page."""
    items: list[Any] = []
    token: str | None = None
    while True:
        query = {**params, **({"next_token": token} if token else {})}
        body = check(operation, client.get(path, params=query))
        items += body["data"]
        token = body.get("next_token")
        if not token:
            return items


# --- happy paths -----------------------------------------------------------------------------


def test_list_indexes(fake: FakeAmperity, api: httpx.Client) -> None:
    seeded = fake.profile_indexes
    assert [i.name for i in seeded] == ["Customer 360", "Loyalty Members", "Web Visitors"]
    everything = check("list-indexes", api.get("/indexes", params={"with_total": "true"}))
    assert [i["id"] for i in everything["data"]] == [i.id for i in seeded]
    assert everything["total"] == 3 and "next_token" not in everything
    assert all(i["id"].startswith("idx-") for i in everything["data"])
    assert walk(api, "/indexes", "list-indexes", limit=1) == everything["data"]


def test_get_index(fake: FakeAmperity, api: httpx.Client) -> None:
    listed = api.get("/indexes").json()["data"]
    for item in listed:
        assert check("get-index", api.get(f"/indexes/{item['id']}")) == item
    check("get-index", api.get("/indexes/idx-missing"), 404)


def test_list_profiles_walks_every_profile_once(fake: FakeAmperity, api: httpx.Client) -> None:
    for index in fake.profile_indexes:
        path = f"/indexes/{index.id}/profiles"
        first = check("list-profiles", api.get(path))
        assert len(first["data"]) == 25  # the Profile API's default page size
        walked = walk(api, path, "list-profiles", limit=7)
        assert [p["id"] for p in walked] == list(index.profile_ids)
        assert len({p["id"] for p in walked}) == SIZES["profiles_per_index"]
        assert walked == fake.profiles(index.id)
        assert all(set(p["attributes"]) == set(index.attributes) for p in walked)
        assert all(p["index_id"] == index.id for p in walked)


def test_with_total_is_accepted_but_list_profiles_declares_no_total(
    fake: FakeAmperity, api: httpx.Client
) -> None:
    index = fake.profile_indexes[0]
    body = check(
        "list-profiles", api.get(f"/indexes/{index.id}/profiles", params={"with_total": "true"})
    )
    assert "total" not in body


def test_get_profile(fake: FakeAmperity, api: httpx.Client) -> None:
    for index in fake.profile_indexes:
        for profile in fake.profiles(index.id)[:5]:
            url = f"/indexes/{index.id}/profiles/{profile['id']}"
            assert check("get-profile", api.get(url)) == profile
        check("get-profile", api.get(f"/indexes/{index.id}/profiles/nobody"), 404)
    other = fake.profile_indexes[1].profile_ids[0]  # a profile of another index
    check("get-profile", api.get(f"/indexes/{fake.profile_indexes[0].id}/profiles/{other}"), 404)
    check("get-profile", api.get(f"/indexes/idx-missing/profiles/{other}"), 404)


def test_seeded_data_is_synthetic_and_deterministic(fake: FakeAmperity) -> None:
    again = make_fake()
    assert fake.profile_indexes == again.profile_indexes
    index = fake.profile_indexes[0]
    assert fake.profiles(index.id) == again.profiles(index.id)
    first = fake.profiles(index.id)[41]["attributes"]
    assert first["email"] == "customer-0042@example.com"
    assert first["customer_id"] == "CUST-0042"
    assert first["loyalty_tier"] in ("gold", "silver", "bronze")
    assert isinstance(first["lifetime_value"], float)
    other = make_fake(seed=8)
    assert other.profile_indexes[0].id != index.id
    with pytest.raises(FakeUsageError, match="no index 'idx-nope'"):
        fake.profiles("idx-nope")


def test_helpers_return_copies(fake: FakeAmperity, api: httpx.Client) -> None:
    index = fake.profile_indexes[0]
    fake.profiles(index.id)[0]["attributes"]["email"] = "changed"
    assert api.get(f"/indexes/{index.id}/profiles").json()["data"][0]["attributes"]["email"] != (
        "changed"
    )


# --- filters ---------------------------------------------------------------------------------


def expected(fake: FakeAmperity, index_id: str, **wanted: str) -> list[Any]:
    def text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    return [
        p
        for p in fake.profiles(index_id)
        if all(k in p["attributes"] and text(p["attributes"][k]) == v for k, v in wanted.items())
    ]


def filtered(client: httpx.Client, index_id: str, **wanted: str) -> list[Any]:
    params = {f"filter[{k}]": v for k, v in wanted.items()}
    return walk(client, f"/indexes/{index_id}/profiles", "list-profiles", limit=10, **params)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("loyalty_tier", "gold"),
        ("favorite_category", "Home & Garden"),
        ("favorite_category", "Toys [Kids]"),
        ("promo_code", "SAVE=10"),
        ("promo_code", "VIP [early]"),
        ("city", "Côte-Lumière"),
        ("city", "Nordvik Øst"),
        ("city", "Port Calder"),
        ("email", "customer-0007@example.com"),
    ],
)
def test_one_filter_is_an_exact_match(
    fake: FakeAmperity, api: httpx.Client, attribute: str, value: str
) -> None:
    index = fake.profile_indexes[0]
    want = expected(fake, index.id, **{attribute: value})
    assert want, "the seeded data must hold the value, or the test proves nothing"
    assert filtered(api, index.id, **{attribute: value}) == want


def test_several_filters_narrow_the_result(fake: FakeAmperity, api: httpx.Client) -> None:
    index = fake.profile_indexes[0]
    one = expected(fake, index.id, loyalty_tier="gold")
    category = Counter(p["attributes"]["favorite_category"] for p in one).most_common(1)[0][0]
    two = expected(fake, index.id, loyalty_tier="gold", favorite_category=category)
    city = Counter(p["attributes"]["city"] for p in two).most_common()[-1][0]
    three = expected(fake, index.id, loyalty_tier="gold", favorite_category=category, city=city)
    assert len(one) > len(two) > len(three) >= 1
    assert filtered(api, index.id, loyalty_tier="gold") == one
    assert filtered(api, index.id, loyalty_tier="gold", favorite_category=category) == two
    assert (
        filtered(api, index.id, loyalty_tier="gold", favorite_category=category, city=city) == three
    )
    assert filtered(api, index.id, loyalty_tier="gold", email="no-such@example.com") == []


def test_numbers_filter_by_their_json_text(fake: FakeAmperity, api: httpx.Client) -> None:
    customers, loyalty = fake.profile_indexes[0], fake.profile_indexes[1]
    value = fake.profiles(customers.id)[3]["attributes"]["lifetime_value"]
    assert filtered(api, customers.id, lifetime_value=json.dumps(value)) == expected(
        fake, customers.id, lifetime_value=json.dumps(value)
    )
    points = fake.profiles(loyalty.id)[0]["attributes"]["loyalty_points"]
    found = filtered(api, loyalty.id, loyalty_points=str(points))
    assert found and all(p["attributes"]["loyalty_points"] == points for p in found)


def test_percent_encoding_of_names_and_values(fake: FakeAmperity, api: httpx.Client) -> None:
    """Brackets, `&`, `=`, spaces and non-ASCII percent-encoded by hand (%20 for spaces, as
    RFC 3986 has it) mean the same as httpx's encoding (+ for spaces)."""
    index = fake.profile_indexes[0]
    path = f"/indexes/{index.id}/profiles"
    for attribute, value in (
        ("favorite_category", "Home & Garden"),
        ("promo_code", "SAVE=10"),
        ("promo_code", "VIP [early]"),
        ("city", "Côte-Lumière"),
    ):
        raw = f"{quote(f'filter[{attribute}]', safe='')}={quote(value, safe='')}&limit=100"
        by_hand = check("list-profiles", api.get(f"{path}?{raw}"))["data"]
        by_httpx = check(
            "list-profiles", api.get(path, params={f"filter[{attribute}]": value, "limit": 100})
        )["data"]
        assert by_hand == by_httpx == expected(fake, index.id, **{attribute: value})
    # Left unencoded, `&` ends the value: the filter asks for "Home " and matches nothing.
    broken = check("list-profiles", api.get(f"{path}?filter[favorite_category]=Home & Garden"))
    assert broken["data"] == []
    logged = [r.query for r in fake.requests if r.operation == "list-profiles"]
    assert {"filter[favorite_category]": ["Home & Garden"], "limit": ["100"]} in logged


def test_unknown_attribute_is_400(fake: FakeAmperity, api: httpx.Client) -> None:
    customers, visitors = fake.profile_indexes[0], fake.profile_indexes[2]
    path = f"/indexes/{customers.id}/profiles"
    body = check("list-profiles", api.get(path, params={"filter[shoe_size]": "42"}), 400)
    assert "shoe_size" in body["message"]
    # An attribute of another index is unknown here.
    assert "visitor_id" in visitors.attributes and "visitor_id" not in customers.attributes
    check("list-profiles", api.get(path, params={"filter[visitor_id]": "visitor-0001"}), 400)
    assert filtered(api, visitors.id, visitor_id="visitor-0001")


@pytest.mark.parametrize(
    "query",
    [
        "filter[]=x",
        "filter=x",
        "filter[city=Lakehaven",
        "filter[city]=Lakehaven&filter[city]=Rivermoor",
        "&".join(f"filter[a{n}]=1" for n in range(31)),
        "limit=0",
        "limit=x",
        "with_total=maybe",
        "next_token=zzz",
        "next_token=",
    ],
)
def test_malformed_listing_queries_are_400(
    fake: FakeAmperity, api: httpx.Client, query: str
) -> None:
    path = f"/indexes/{fake.profile_indexes[0].id}/profiles"
    check("list-profiles", api.get(f"{path}?{query}"), 400)


def test_cursor_is_bound_to_its_index_and_filters(fake: FakeAmperity, api: httpx.Client) -> None:
    first, second = fake.profile_indexes[0], fake.profile_indexes[1]
    gold: dict[str, str | int] = {"filter[loyalty_tier]": "gold", "limit": 2}
    token = api.get(f"/indexes/{first.id}/profiles", params=gold).json()["next_token"]
    resumed = api.get(f"/indexes/{first.id}/profiles", params={**gold, "next_token": token})
    check("list-profiles", resumed)
    other_filter = {"filter[loyalty_tier]": "silver", "limit": 2, "next_token": token}
    check("list-profiles", api.get(f"/indexes/{first.id}/profiles", params=other_filter), 400)
    other_index = {**gold, "next_token": token}
    check("list-profiles", api.get(f"/indexes/{second.id}/profiles", params=other_index), 400)


# --- headers, versions, routes ---------------------------------------------------------------


def test_versions(fake: FakeAmperity, api: httpx.Client) -> None:
    index = fake.profile_indexes[0]
    for version in ("2024-04-01", "unstable", "2026-09-03", "1999-01-01"):
        answer = api.get("/indexes", headers={"api-version": version})
        assert VERSION in check("list-indexes", answer, 400)["message"]
        check("get-index", api.get(f"/indexes/{index.id}", headers={"api-version": version}), 400)
    request = api.build_request("GET", "/indexes")
    del request.headers["api-version"]
    bare = api.send(request)
    assert check("list-indexes", bare, 400)["message"] == "missing api-version header"
    # The control plane still wants its own version.
    control = api.get("/segments", headers={"api-version": VERSION})
    assert control.status_code == 400
    assert api.get("/segments", headers={"api-version": "2024-04-01"}).status_code == 200


def test_tenant_and_token(fake: FakeAmperity, api: httpx.Client) -> None:
    check("list-indexes", api.get("/indexes", headers={"Authorization": "Bearer nope"}), 401)
    check("list-indexes", api.get("/indexes", headers={"amperity-tenant": "globex"}), 401)
    form = {
        "grant_type": "client_credentials",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    issued = api.post("/v0/oauth2/token", data=form, headers={"x-amperity-tenant": "acme"})
    bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    check("list-indexes", api.get("/indexes", headers=bearer))
    fake.expire_tokens()
    check("list-indexes", api.get("/indexes", headers=bearer), 401)


def test_wrong_method_and_unknown_paths(fake: FakeAmperity, api: httpx.Client) -> None:
    index = fake.profile_indexes[0]
    for path in ("/indexes", f"/indexes/{index.id}", f"/indexes/{index.id}/profiles"):
        refused = api.post(path, json={})
        assert refused.status_code == 405 and refused.headers["allow"] == "GET"
        assert set(refused.json()) == ENVELOPE
    for path in (
        "/indexes/",
        f"/indexes/{index.id}/profile",
        f"/indexes/{index.id}/profiles/x/y",
        f"/indexes/{index.id}//",
    ):
        lost = api.get(path)
        assert lost.status_code == 404, path
        assert set(lost.json()) == ENVELOPE


def test_requests_are_logged_by_operation(fake: FakeAmperity, api: httpx.Client) -> None:
    index = fake.profile_indexes[0]
    api.get("/indexes")
    api.get(f"/indexes/{index.id}")
    api.get(f"/indexes/{index.id}/profiles")
    api.get(f"/indexes/{index.id}/profiles/{index.profile_ids[0]}")
    api.get(f"/indexes/{index.id}/profiles/nobody")
    assert [r.operation for r in fake.requests] == [*PROFILE_OPERATIONS, "get-profile"]
    assert [fake.count(operation=op) for op in PROFILE_OPERATIONS] == [1, 1, 1, 2]
    assert fake.count(operation="get-profile", status=404) == 1


def test_deprecation_headers(fake: FakeAmperity, api: httpx.Client) -> None:
    fake.set_deprecation("@1700000000", "Sat, 01 Jan 2028 00:00:00 GMT", operation="get-index")
    index = fake.profile_indexes[0]
    marked = api.get(f"/indexes/{index.id}")
    assert marked.headers["deprecation"] == "@1700000000"
    assert marked.headers["sunset"] == "Sat, 01 Jan 2028 00:00:00 GMT"
    assert "deprecation" not in api.get("/indexes").headers


# --- faults ----------------------------------------------------------------------------------

Request = Callable[[httpx.Client, FakeAmperity], httpx.Request]


def profile_requests() -> dict[OperationName, Request]:
    def index(f: FakeAmperity) -> str:
        return f.profile_indexes[0].id

    return {
        "list-indexes": lambda c, f: c.build_request("GET", "/indexes", params={"limit": 2}),
        "get-index": lambda c, f: c.build_request("GET", f"/indexes/{index(f)}"),
        "list-profiles": lambda c, f: c.build_request(
            "GET", f"/indexes/{index(f)}/profiles", params={"limit": 3}
        ),
        "get-profile": lambda c, f: c.build_request(
            "GET", f"/indexes/{index(f)}/profiles/{f.profile_indexes[0].profile_ids[0]}"
        ),
    }


def raw_send(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """The bytes as sent, without httpx undoing a Content-Encoding."""
    response = client.send(request, stream=True)
    try:
        response._content = b"".join(response.iter_raw())
    finally:
        response.close()
    return response


def assert_fault_effect(
    kind: str, send: Callable[[], httpx.Response], listing: bool, error_keys: set[str]
) -> None:
    """What each fault kind does to an answer, as a client sees it; shared with the Real-Time
    tests (`error_keys` is the family's envelope)."""
    if kind == "drop":
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            send()
        return
    began = time.monotonic()
    response = send()
    if kind == "slow":
        assert time.monotonic() - began >= 0.05
        assert response.status_code == 200
        json.loads(response.content)
        return
    if kind == "status":
        assert response.status_code == 503
        assert set(json.loads(response.content)) == error_keys
        return
    if kind == "html":
        assert response.status_code == 502
        assert response.headers["content-type"].startswith("text/html")
        return
    assert response.status_code == 200
    content = response.content
    if kind == "truncated":
        with pytest.raises(json.JSONDecodeError):
            json.loads(content)
    elif kind == "malformed":
        assert content == b"<<< this is not JSON >>>"
    elif kind == "bad-encoding":
        assert response.headers["content-encoding"] == "gzip"
        json.loads(content)  # plain JSON, labelled gzip
    elif kind == "nested":
        assert content == b'{"data":' + b"[" * 20 + b"]" * 20 + b"}"
    elif kind == "gzip-bomb":
        assert gzip.decompress(content) == bytes(4096)
    elif kind == "bad-cursor":
        assert listing and json.loads(content)["next_token"] == 12345
    else:
        assert kind == "wrong-type" and listing
        items = json.loads(content)["data"]
        assert items
        assert all(not isinstance(v, dict) for item in items for v in item.values())
        assert any(v == 12345 for item in items for v in item.values())


FAULTS: dict[str, Fault] = {
    "status": Fault("status", status=503),
    "html": Fault("html", status=502),
    "drop": Fault("drop"),
    "slow": Fault("slow", delay=0.05),
    "truncated": Fault("truncated"),
    "malformed": Fault("malformed"),
    "bad-encoding": Fault("bad-encoding"),
    "nested": Fault("nested", depth=20),
    "gzip-bomb": Fault("gzip-bomb", size=4096),
    "bad-cursor": Fault("bad-cursor"),
    "wrong-type": Fault("wrong-type"),
}
LISTINGS = frozenset({"list-indexes", "list-profiles"})
CASES = [
    (kind, op)
    for kind in FAULTS
    for op in PROFILE_OPERATIONS
    if kind not in ("bad-cursor", "wrong-type") or op in LISTINGS
]


@pytest.mark.parametrize(("kind", "operation"), CASES)
def test_every_fault_kind_hits_profile_operations(
    fake: FakeAmperity, api: httpx.Client, kind: str, operation: OperationName
) -> None:
    requests = profile_requests()
    fake.inject(dataclasses.replace(FAULTS[kind], operation=operation))
    # A request to another operation passes the fault by.
    other = next(op for op in PROFILE_OPERATIONS if op != operation)
    assert raw_send(api, requests[other](api, fake)).status_code == 200
    assert_fault_effect(
        kind,
        lambda: raw_send(api, requests[operation](api, fake)),
        operation in LISTINGS,
        ENVELOPE,
    )
    assert raw_send(api, requests[operation](api, fake)).status_code == 200  # used up
    expected_status = {"drop": 0, "status": 503, "html": 502}.get(kind, 200)
    assert fake.count(operation=operation, status=expected_status) >= 1


def test_page_faults_wait_for_a_profile_listing(fake: FakeAmperity, api: httpx.Client) -> None:
    """A page fault aimed at any operation skips get-index and fires on the next listing."""
    fake.inject(Fault("bad-cursor"))
    index = fake.profile_indexes[0]
    assert api.get(f"/indexes/{index.id}").json()["id"] == index.id
    assert api.get(f"/indexes/{index.id}/profiles").json()["next_token"] == 12345


def test_unknown_operation_names_are_refused(fake: FakeAmperity) -> None:
    with pytest.raises(FakeUsageError, match="did you mean 'list-indexes'"):
        Fault("status", operation="list-index")  # type: ignore[arg-type]
    with pytest.raises(FakeUsageError, match="did you mean 'get-profile'"):
        fake.count(operation="get-profiles")  # type: ignore[arg-type]
    for unserved in ("get-lookup-keychain", "list-profile"):
        with pytest.raises(FakeUsageError, match="unknown operation"):
            fake.set_deprecation("true", operation=unserved)  # type: ignore[arg-type]
    with pytest.raises(FakeUsageError, match="rewrites listing pages"):
        Fault("wrong-type", operation="get-index")
    for name in PROFILE_OPERATIONS:
        Fault("status", operation=name)  # accepted
        assert fake.count(operation=name) == 0


# --- rate limits -----------------------------------------------------------------------------


def test_profile_rate_limit_is_its_own() -> None:
    limited = make_fake(rate_limit=2, rate_limits={"profile": 3})
    with httpx.Client(base_url=IN_PROCESS, headers=HEADERS, transport=limited.transport()) as c:
        statuses = [c.get("/indexes").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        body = check("list-indexes", c.get("/indexes"), 429)
        assert body["message"] == "rate limit exceeded; slow down"
        control = {"api-version": "2024-04-01"}
        assert [c.get("/segments", headers=control).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
        assert c.get("/indexes").status_code == 429  # still limited, counted apart
        limited.reset()
        assert c.get("/indexes").status_code == 200


def test_rate_limits_are_checked() -> None:
    for bad, message in (
        ({"control-plane": 10}, "use rate_limit= for it"),
        ({"profiles": 10}, "rate_limits takes 'profile', 'realtime' and 'streaming'"),
        ({"profile": 0}, "at least 1"),
        ({"realtime": 2.5}, "must be an int or None"),
        ({"realtime": True}, "must be an int or None"),
    ):
        with pytest.raises(ValueError, match=message):
            make_fake(rate_limits=bad)
    make_fake(rate_limits={"profile": None, "realtime": 2000})
    for name in ("indexes", "profiles_per_index", "collections"):
        with pytest.raises(ValueError, match=name):
            make_fake(**{name: -1})
    with pytest.raises(ValueError, match="need at least one collection"):
        make_fake(collections=0, realtime_segments=1)


def test_empty_profile_api() -> None:
    empty = make_fake(indexes=0, collections=0, realtime_segments=0)
    assert empty.profile_indexes == () and empty.collections == ()
    with httpx.Client(base_url=IN_PROCESS, headers=HEADERS, transport=empty.transport()) as c:
        assert check("list-indexes", c.get("/indexes"))["data"] == []


def test_profile_data_is_built_on_first_use() -> None:
    """Most tests never touch these families: constructing the fake must stay cheap."""
    began = time.perf_counter()
    fakes = [FakeAmperity(**SMALL) for _ in range(5)]
    plain = time.perf_counter() - began
    assert all(f._profiles.data is None for f in fakes)
    assert fakes[0].profile_indexes and fakes[0]._profiles.data is not None
    assert plain < 5  # a loose bound: the point is that nothing above built profiles
