"""The Real-Time API (api-version 2026-09-03 or none, under /prof): keychain lookups,
profiles, real-time segments, served over a socket and in process alike.

Success bodies are validated against openapi.yaml's schemas (closed, as in
test_fake_contract); every error is the Real-Time envelope, ErrorBody {error, message}.
Identity keys sent in a lookup never reach the request log.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from amperity_facade.testing import (
    FakeAmperity,
    FakeUsageError,
    Fault,
    OperationName,
    SeededCollection,
)

from .test_fake_profile import (
    FAULTS,
    assert_fault_effect,
    raw_send,
    spec_operation,
    validate,
)
from .test_fake_profile import (
    SIZES as PROFILE_SIZES,
)

TOKEN = "tok-realtime-0123456789abcdef"
VERSION = "2026-09-03"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "amperity-tenant": "acme", "api-version": VERSION}
PROFILE_HEADERS = {**HEADERS, "api-version": "2025-07-31"}
IN_PROCESS = "http://fake.invalid/prof"
SIZES = {
    **PROFILE_SIZES,
    "indexes": 1,
    "profiles_per_index": 10,
    "collections": 2,
    "profiles_per_collection": 60,
    "realtime_segments": 6,
}
ERROR_BODY = {"error", "message"}
REALTIME_OPERATIONS: tuple[OperationName, ...] = (
    "post-lookup-keychain",
    "get-realtime-profile",
    "list-profile-segments",
    "list-segment-profiles",
)
LISTINGS = frozenset({"list-profile-segments", "list-segment-profiles"})


def check(operation: OperationName, response: httpx.Response, status: int = 200) -> Any:
    """The body, validated against the declared schema; a status the spec does not declare
    for the operation (400 on a GET, 404 on a segment listing) must still be ErrorBody."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"].startswith("req-")
    body = response.json()
    declared = spec_operation(operation)["responses"].get(str(status))
    if status >= 400:
        assert set(body) == ERROR_BODY and body["message"]
        assert body["error"] == response.reason_phrase.lower().replace(" ", "_")
    if declared is not None and "content" in declared:
        ref = declared["content"]["application/json"]["schema"]["$ref"]
        validate(ref.rsplit("/", 1)[1], body)
    else:
        assert status >= 400, f"{operation} {status} has no declared body"
        validate("ErrorBody", body)
    return body


def make_fake(**kwargs: Any) -> FakeAmperity:
    return FakeAmperity(tenant="acme", seed=7, token=TOKEN, **{**SIZES, **kwargs})


@pytest.fixture
def fake() -> FakeAmperity:
    return make_fake()


@pytest.fixture(params=["socket", "transport"])
def rt(request: pytest.FixtureRequest, fake: FakeAmperity) -> Iterator[httpx.Client]:
    if request.param == "socket":
        with (
            fake,
            httpx.Client(base_url=fake.realtime_base_url, headers=HEADERS, timeout=5) as client,
        ):
            yield client
    else:
        with httpx.Client(
            base_url=IN_PROCESS, headers=HEADERS, transport=fake.transport()
        ) as client:
            yield client


def lookup(client: httpx.Client, collection: str, keys: Any, **extra: Any) -> httpx.Response:
    return client.post(f"/lookup/{collection}/keychain", json={"keys": keys, **extra})


def walk(client: httpx.Client, path: str, operation: OperationName, **params: Any) -> list[Any]:
    items: list[Any] = []
    token: str | None = None
    totals = set()
    while True:
        query = {**params, **({"next_token": token} if token else {})}
        body = check(operation, client.get(path, params=query))
        items += body["data"]
        totals.add(body["total"])
        token = body.get("next_token")
        if not token:
            assert totals == {len(items)}
            return items


def with_key(fake: FakeAmperity, collection: SeededCollection, key: str) -> dict[str, Any]:
    """A seeded profile carrying `key` (loyalty_id is on most, not all)."""
    return next(p for p in fake.realtime_profiles(collection.id) if key in p["attributes"])


# --- seeded data -----------------------------------------------------------------------------


def test_collections_are_seeded_deterministically(fake: FakeAmperity) -> None:
    first, second = fake.collections
    assert first.id.startswith("apc-") and second.id.startswith("apc-")
    assert first.key_priority == ("customer_id", "email", "loyalty_id")
    assert second.key_priority == ("email", "customer_id", "loyalty_id")
    assert first.identity_keys == ("customer_id", "email", "loyalty_id", "device_id")
    assert first.enriched_attributes == ("predicted_clv", "churn_risk", "next_best_category")
    assert len(first.profile_ids) == len(second.profile_ids) == 60
    segments = [s for c in fake.collections for s in c.segments]
    assert len(segments) == 6 and all(s.id.startswith("rts-") for s in segments)
    assert [len(c.segments) for c in fake.collections] == [3, 3]
    assert all(s.collection_id == c.id for c in fake.collections for s in c.segments)
    assert make_fake().collections == fake.collections
    profile = fake.realtime_profiles(first.id)[41]
    assert profile["attributes"]["email"] == "customer-0042@example.com"
    assert profile["attributes"]["customer_id"] == "CUST-0042"
    assert profile["profile_id"] == first.profile_ids[41]
    share = sum("loyalty_id" in p["attributes"] for p in fake.realtime_profiles(first.id)) / 60
    assert 0.3 < share < 0.9
    with pytest.raises(FakeUsageError, match="no collection 'apc-nope'"):
        fake.realtime_profiles("apc-nope")


# --- lookups ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["customer_id", "email", "loyalty_id"])
def test_lookup_by_each_configured_key(fake: FakeAmperity, rt: httpx.Client, key: str) -> None:
    for collection in fake.collections:
        assert key in collection.key_priority
        profile = with_key(fake, collection, key)
        answer = lookup(rt, collection.id, {key: profile["attributes"][key]})
        assert check("post-lookup-keychain", answer) == profile
        location = answer.headers["location"]
        assert location == f"/prof/profiles/{collection.id}/{profile['profile_id']}"
        assert location == profile["links"]["self"]
        again = rt.get(location.removeprefix("/prof"))
        assert check("get-realtime-profile", again) == profile


def test_lookup_by_an_unconfigured_key(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[0]
    assert "device_id" not in collection.key_priority
    profile = fake.realtime_profiles(collection.id)[5]
    device = profile["attributes"]["device_id"]
    assert check("post-lookup-keychain", lookup(rt, collection.id, {"device_id": device})) == (
        profile
    )
    # Configured keys that match nothing fall through to the unconfigured one.
    misses = {"customer_id": "CUST-9999", "email": "nobody@example.com", "device_id": device}
    assert check("post-lookup-keychain", lookup(rt, collection.id, misses)) == profile
    # A name no profile carries matches nothing.
    check("post-lookup-keychain", lookup(rt, collection.id, {"shoe_size": "42"}), 404)


def test_configured_priority_decides_between_profiles(fake: FakeAmperity, rt: httpx.Client) -> None:
    """Keys of two different profiles: the collection's priority, not the body's order,
    picks the one returned; the two collections rank customer_id and email differently."""
    for collection in fake.collections:
        profiles = fake.realtime_profiles(collection.id)
        a, b = profiles[1], profiles[2]
        keys = {"email": b["attributes"]["email"], "customer_id": a["attributes"]["customer_id"]}
        winner = a if collection.key_priority[0] == "customer_id" else b
        body = check("post-lookup-keychain", lookup(rt, collection.id, keys))
        assert body["profile_id"] == winner["profile_id"]
        # Configured keys come before an unconfigured one given first.
        keys = {"device_id": a["attributes"]["device_id"], "email": b["attributes"]["email"]}
        body = check("post-lookup-keychain", lookup(rt, collection.id, keys))
        assert body["profile_id"] == b["profile_id"]
    # Another collection's profiles are not found here.
    first, second = fake.collections
    stranger = with_key(fake, second, "device_id")["attributes"]["device_id"]
    check("post-lookup-keychain", lookup(rt, first.id, {"device_id": stranger}), 404)


def test_no_match_is_404(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[0]
    body = check(
        "post-lookup-keychain", lookup(rt, collection.id, {"email": "nobody@example.com"}), 404
    )
    assert body["error"] == "not_found" and "nobody" not in body["message"]
    check("post-lookup-keychain", lookup(rt, "apc-missing", {"email": "a@example.com"}), 404)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'"keys"',
        b"{}",
        b'{"keys": null}',
        b'{"keys": "customer-0001@example.com"}',
        b'{"keys": ["customer-0001@example.com"]}',
        b'{"keys": {}}',
        b'{"keys": {"email": 42}}',
        b'{"keys": {"email": null}}',
        b'{"keys": {"email": ""}}',
        b'{"keys": {"": "customer-0001@example.com"}}',
        b'{"keys": {"email": "customer-0001@example.com"}, "enrich": "yes"}',
        b'{"keys": {"email": "customer-0001@example.com"}, "extra": 1}',
    ],
)
def test_bad_bodies_are_400(fake: FakeAmperity, rt: httpx.Client, content: bytes) -> None:
    collection = fake.collections[0]
    answer = rt.post(
        f"/lookup/{collection.id}/keychain",
        content=content,
        headers={"content-type": "application/json"},
    )
    body = check("post-lookup-keychain", answer, 400)
    assert body["error"] == "bad_request"
    assert "customer-0001" not in body["message"]  # values are never echoed


def test_enrich(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[1]
    plain = fake.realtime_profiles(collection.id)[0]
    enriched = fake.realtime_profiles(collection.id, enrich=True)[0]
    added = set(enriched["attributes"]) - set(plain["attributes"])
    assert added == set(collection.enriched_attributes)
    assert {k: enriched[k] for k in plain if k != "attributes"} == {
        k: v for k, v in plain.items() if k != "attributes"
    }
    url = f"/profiles/{collection.id}/{plain['profile_id']}"
    assert check("get-realtime-profile", rt.get(url)) == plain
    assert check("get-realtime-profile", rt.get(url, params={"enrich": "false"})) == plain
    assert check("get-realtime-profile", rt.get(url, params={"enrich": "true"})) == enriched
    assert check("get-realtime-profile", rt.get(url, params={"enrich": "TRUE"})) == enriched
    check("get-realtime-profile", rt.get(url, params={"enrich": "maybe"}), 400)
    keys = {"email": plain["attributes"]["email"]}
    assert check("post-lookup-keychain", lookup(rt, collection.id, keys, enrich=True)) == enriched
    assert check("post-lookup-keychain", lookup(rt, collection.id, keys, enrich=False)) == plain


def test_get_realtime_profile(fake: FakeAmperity, rt: httpx.Client) -> None:
    for collection in fake.collections:
        for profile in fake.realtime_profiles(collection.id)[:5]:
            url = f"/profiles/{collection.id}/{profile['profile_id']}"
            assert check("get-realtime-profile", rt.get(url)) == profile
    first, second = fake.collections
    check("get-realtime-profile", rt.get(f"/profiles/{first.id}/nobody"), 404)
    check("get-realtime-profile", rt.get(f"/profiles/{first.id}/{second.profile_ids[0]}"), 404)
    check("get-realtime-profile", rt.get(f"/profiles/apc-missing/{first.profile_ids[0]}"), 404)


# --- segments --------------------------------------------------------------------------------


def test_list_segment_profiles_walks_every_member_once(
    fake: FakeAmperity, rt: httpx.Client
) -> None:
    for collection in fake.collections:
        for segment in collection.segments:
            path = f"/segments/{segment.id}/profiles"
            members = walk(rt, path, "list-segment-profiles", limit=4)
            assert [m["profile_id"] for m in members] == list(segment.profile_ids)
            assert len(set(segment.profile_ids)) == len(segment.profile_ids) > 0
            assert set(segment.profile_ids) <= set(collection.profile_ids)
    biggest = max(
        (s for c in fake.collections for s in c.segments), key=lambda s: len(s.profile_ids)
    )
    assert len(biggest.profile_ids) > 25
    page = check("list-segment-profiles", rt.get(f"/segments/{biggest.id}/profiles"))
    assert len(page["data"]) == 25 and page["total"] == len(biggest.profile_ids)
    check("list-segment-profiles", rt.get("/segments/rts-missing/profiles"), 404)


def test_list_profile_segments(fake: FakeAmperity, rt: httpx.Client) -> None:
    seen_empty = seen_many = False
    for collection in fake.collections:
        for profile_id in collection.profile_ids:
            expected = [
                {"segment_id": s.id, "segment_name": s.name}
                for s in collection.segments
                if profile_id in s.profile_ids
            ]
            path = f"/profiles/{collection.id}/{profile_id}/segments"
            assert walk(rt, path, "list-profile-segments", limit=1) == expected
            seen_empty |= not expected
            seen_many |= len(expected) > 1
    assert seen_empty and seen_many
    first, second = fake.collections
    check("list-profile-segments", rt.get(f"/profiles/{first.id}/nobody/segments"), 404)
    wrong = f"/profiles/{first.id}/{second.profile_ids[0]}/segments"
    check("list-profile-segments", rt.get(wrong), 404)


def test_segment_cursors_are_bound_to_their_listing(fake: FakeAmperity, rt: httpx.Client) -> None:
    one, two = fake.collections[0].segments[:2]
    token = rt.get(f"/segments/{one.id}/profiles", params={"limit": 1}).json()["next_token"]
    resumed = rt.get(f"/segments/{one.id}/profiles", params={"limit": 1, "next_token": token})
    check("list-segment-profiles", resumed)
    moved = rt.get(f"/segments/{two.id}/profiles", params={"next_token": token})
    check("list-segment-profiles", moved, 400)
    for bad in ({"limit": "0"}, {"limit": "x"}, {"next_token": "zzz"}, {"next_token": ""}):
        check("list-segment-profiles", rt.get(f"/segments/{one.id}/profiles", params=bad), 400)


# --- headers, versions, routes ---------------------------------------------------------------


def test_versions(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[0]
    url = f"/profiles/{collection.id}/{collection.profile_ids[0]}"
    request = rt.build_request("GET", url)
    del request.headers["api-version"]
    assert (
        check("get-realtime-profile", rt.send(request))["profile_id"] == collection.profile_ids[0]
    )
    for version in ("2024-04-01", "2025-07-31", "unstable"):
        refused = check("get-realtime-profile", rt.get(url, headers={"api-version": version}), 400)
        assert VERSION in refused["message"]
        keys = {"email": "customer-0001@example.com"}
        answer = rt.post(
            f"/lookup/{collection.id}/keychain",
            json={"keys": keys},
            headers={"api-version": version},
        )
        check("post-lookup-keychain", answer, 400)


def test_token_and_tenant(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[0]
    url = f"/profiles/{collection.id}/{collection.profile_ids[0]}"
    check("get-realtime-profile", rt.get(url, headers={"Authorization": "Bearer nope"}), 401)
    check("get-realtime-profile", rt.get(url, headers={"amperity-tenant": "globex"}), 401)
    for header in ("authorization", "amperity-tenant"):
        request = rt.build_request("GET", url)
        del request.headers[header]
        status = 401 if header == "authorization" else 400
        check("get-realtime-profile", rt.send(request), status)
    # OAuth tokens from the control plane's endpoint work here too.
    token_url = str(rt.base_url).removesuffix("/prof/") + "/api/v0/oauth2/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    issued = rt.post(token_url, data=form, headers={"x-amperity-tenant": "acme"}).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    check("get-realtime-profile", rt.get(url, headers=bearer))


def test_routes_the_facade_does_not_use_answer_like_unknown_ones(
    fake: FakeAmperity, rt: httpx.Client
) -> None:
    collection = fake.collections[0]
    get_form = rt.get(f"/lookup/{collection.id}/keychain", params={"email": "a@example.com"})
    assert get_form.status_code == 405 and get_form.headers["allow"] == "POST"
    assert set(get_form.json()) == ERROR_BODY
    for path in (
        "/",
        "/nothing",
        f"/profiles/{collection.id}",
        f"/profiles/{collection.id}/x/segments/y",
        f"/lookup/{collection.id}",
        "/segments/rts-1",
    ):
        lost = rt.get(path)
        assert lost.status_code == 404, path
        assert set(lost.json()) == ERROR_BODY
    for path in (f"/profiles/{collection.id}/x", "/segments/rts-1/profiles"):
        refused = rt.delete(path)
        assert refused.status_code == 405 and refused.headers["allow"] == "GET"
    assert [r.operation for r in fake.requests][:2] == [None, None]


def test_deprecation_headers(fake: FakeAmperity, rt: httpx.Client) -> None:
    fake.set_deprecation("@1700000000", operation="post-lookup-keychain")
    collection = fake.collections[0]
    found = lookup(rt, collection.id, {"email": "customer-0001@example.com"})
    assert found.headers["deprecation"] == "@1700000000" and found.headers["location"]
    segment = collection.segments[0]
    assert "deprecation" not in rt.get(f"/segments/{segment.id}/profiles").headers


# --- the request log -------------------------------------------------------------------------


def test_the_log_never_holds_identity_values(fake: FakeAmperity, rt: httpx.Client) -> None:
    collection = fake.collections[0]
    profile = with_key(fake, collection, "loyalty_id")
    secrets = {k: profile["attributes"][k] for k in ("customer_id", "email", "loyalty_id")}
    assert check("post-lookup-keychain", lookup(rt, collection.id, secrets, enrich=True))
    lookup(rt, collection.id, {"email": "nobody@example.com"})
    rt.post(
        f"/lookup/{collection.id}/keychain",
        content=b"email=customer-0003@example.com",
        headers={"content-type": "application/json"},
    )
    rt.post(f"/lookup/{collection.id}/keychain", json=["customer-0004@example.com"])
    rt.post(
        f"/lookup/{collection.id}/keychain",
        json={"keys": {"email": "customer-0005@x"}, "x": "customer-0006"},
    )
    rt.get(f"/lookup/{collection.id}/keychain", params={"email": "customer-0007@example.com"})
    rt.post("/events/esm-1", json={"email": "customer-0008@example.com"})
    logged = repr(fake.requests)
    for value in (*secrets.values(), "nobody@", "customer-000"):
        assert value not in logged
    entries = fake.requests
    assert [r.operation for r in entries[:5]] == ["post-lookup-keychain"] * 5
    assert [r.path for r in entries[:2]] == [f"/prof/lookup/{collection.id}/keychain"] * 2
    assert json.loads(entries[0].body) == {
        "keys": {"customer_id": "<redacted>", "email": "<redacted>", "loyalty_id": "<redacted>"},
        "enrich": True,
    }
    assert [r.status for r in entries] == [200, 404, 400, 400, 400, 405, 404]
    assert entries[5].query == {"email": ["<redacted>"]}


# --- faults ----------------------------------------------------------------------------------

Request = Callable[[httpx.Client, FakeAmperity], httpx.Request]


def realtime_requests() -> dict[OperationName, Request]:
    def first(f: FakeAmperity) -> SeededCollection:
        return f.collections[0]

    def member(f: FakeAmperity) -> str:
        """A profile in at least one segment, so its segment listing has items."""
        return first(f).segments[0].profile_ids[0]

    return {
        "post-lookup-keychain": lambda c, f: c.build_request(
            "POST",
            f"/lookup/{first(f).id}/keychain",
            json={"keys": {"email": "customer-0001@example.com"}},
        ),
        "get-realtime-profile": lambda c, f: c.build_request(
            "GET", f"/profiles/{first(f).id}/{member(f)}"
        ),
        "list-profile-segments": lambda c, f: c.build_request(
            "GET", f"/profiles/{first(f).id}/{member(f)}/segments", params={"limit": 1}
        ),
        "list-segment-profiles": lambda c, f: c.build_request(
            "GET", f"/segments/{first(f).segments[0].id}/profiles", params={"limit": 3}
        ),
    }


CASES = [
    (kind, op)
    for kind in FAULTS
    for op in REALTIME_OPERATIONS
    if kind not in ("bad-cursor", "wrong-type") or op in LISTINGS
]


@pytest.mark.parametrize(("kind", "operation"), CASES)
def test_every_fault_kind_hits_realtime_operations(
    fake: FakeAmperity, rt: httpx.Client, kind: str, operation: OperationName
) -> None:
    requests = realtime_requests()
    fake.inject(dataclasses.replace(FAULTS[kind], operation=operation))
    other = next(op for op in REALTIME_OPERATIONS if op != operation)
    assert raw_send(rt, requests[other](rt, fake)).status_code == 200
    assert_fault_effect(
        kind,
        lambda: raw_send(rt, requests[operation](rt, fake)),
        operation in LISTINGS,
        ERROR_BODY,
    )
    assert raw_send(rt, requests[operation](rt, fake)).status_code == 200
    expected_status = {"drop": 0, "status": 503, "html": 502}.get(kind, 200)
    assert fake.count(operation=operation, status=expected_status) >= 1


def test_status_fault_answers_error_body(fake: FakeAmperity, rt: httpx.Client) -> None:
    fake.inject(Fault("status", status=429, retry_after="1", operation="list-segment-profiles"))
    segment = fake.collections[0].segments[0]
    limited = rt.get(f"/segments/{segment.id}/profiles")
    body = check("list-segment-profiles", limited, 429)
    assert body == {"error": "too_many_requests", "message": "injected fault: status 429"}
    assert limited.headers["retry-after"] == "1"


def test_unknown_operation_names_are_refused(fake: FakeAmperity) -> None:
    with pytest.raises(FakeUsageError, match="did you mean 'post-lookup-keychain'"):
        Fault("status", operation="post-lookup-keychains")  # type: ignore[arg-type]
    for unserved in ("get-lookup-keychain", "get-profile-segments"):
        with pytest.raises(FakeUsageError, match="unknown operation"):
            fake.count(operation=unserved)  # type: ignore[arg-type]
    with pytest.raises(FakeUsageError, match="rewrites listing pages"):
        Fault("bad-cursor", operation="get-realtime-profile")
    for name in REALTIME_OPERATIONS:
        assert fake.count(operation=name) == 0


# --- rate limits -----------------------------------------------------------------------------


def clients(fake: FakeAmperity) -> tuple[httpx.Client, httpx.Client, httpx.Client]:
    """Real-Time, Profile and control-plane clients over one in-process fake."""
    transport = fake.transport()
    return (
        httpx.Client(base_url=IN_PROCESS, headers=HEADERS, transport=transport),
        httpx.Client(
            base_url="http://fake.invalid/api", headers=PROFILE_HEADERS, transport=transport
        ),
        httpx.Client(
            base_url="http://fake.invalid/api",
            headers={**PROFILE_HEADERS, "api-version": "2024-04-01"},
            transport=transport,
        ),
    )


def test_a_realtime_burst_leaves_the_other_families_alone() -> None:
    fake = make_fake(rate_limits={"realtime": 3, "profile": 3}, rate_limit=3)
    realtime, profile, control = clients(fake)
    segment = fake.collections[0].segments[0]
    with realtime, profile, control:
        burst = [realtime.get(f"/segments/{segment.id}/profiles").status_code for _ in range(5)]
        assert burst == [200, 200, 200, 429, 429]
        limited = realtime.get(f"/segments/{segment.id}/profiles")
        assert check("list-segment-profiles", limited, 429)["error"] == "too_many_requests"
        refused = lookup(realtime, fake.collections[0].id, {"email": "customer-0001@example.com"})
        assert refused.status_code == 429 and set(refused.json()) == ERROR_BODY
        assert [profile.get("/indexes").status_code for _ in range(3)] == [200] * 3
        assert [control.get("/segments").status_code for _ in range(3)] == [200] * 3
        assert profile.get("/indexes").status_code == 429
        assert control.get("/segments").status_code == 429
    assert fake.count(status=429) == 6


def test_a_profile_burst_leaves_realtime_alone() -> None:
    fake = make_fake(rate_limits={"profile": 2})
    realtime, profile, control = clients(fake)
    collection = fake.collections[0]
    with realtime, profile, control:
        assert [profile.get("/indexes").status_code for _ in range(4)] == [200, 200, 429, 429]
        url = f"/profiles/{collection.id}/{collection.profile_ids[0]}"
        assert {realtime.get(url).status_code for _ in range(20)} == {200}
        assert {control.get("/segments").status_code for _ in range(20)} == {200}


@pytest.mark.slow  # waits out the one-second window
def test_the_realtime_window_slides() -> None:
    fake = make_fake(rate_limits={"realtime": 2})
    realtime = clients(fake)[0]
    url = f"/segments/{fake.collections[0].segments[0].id}/profiles"
    with realtime:
        assert [realtime.get(url).status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(1.05)
        assert realtime.get(url).status_code == 200
