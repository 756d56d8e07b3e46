"""The Profile and Real-Time API families: where each request goes, with which version, and
what a lookup's identity keys may never reach (URLs, logs, exceptions). Sync and async."""

from __future__ import annotations

import json
import logging
import pickle
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from amperity_facade import Amperity, errors
from tests.facade.conftest import FAST, TOKEN, MockAPI, error, make_async, page

EMAIL = "shopper-7@example.com"
PROFILE = {"profile_id": "p-1", "collection_id": "apc-1", "attributes": {"tier": "gold"}}
INDEX = {
    "id": "idx-1",
    "name": "Loyalty",
    "description": "members",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-02T00:00:00Z",
}


def rt_error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": "x", "message": message})


def test_each_family_sends_its_own_version_and_base_path(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([]))
    api.on("GET", "/indexes", page([INDEX]))
    api.on("POST", "/prof/lookup/apc-1/keychain", httpx.Response(200, json=PROFILE))
    list(client.segments.list())
    assert [i.id for i in client.profiles.indexes.list()] == ["idx-1"]
    assert client.realtime.lookup("apc-1", keys={"email": EMAIL}) is not None
    sent = {r.url.path: r.headers["api-version"] for r in api.requests}
    assert sent == {
        "/api/segments": "2024-04-01",
        "/api/indexes": "2025-07-31",
        "/prof/lookup/apc-1/keychain": "2026-09-03",
    }
    assert all(r.headers["amperity-tenant"] == "acme" for r in api.requests)
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in api.requests)


def test_versions_are_pinned_once_and_overridden_per_call(
    api: MockAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPERITY_PROFILE_API_VERSION", "2025-12-01")
    monkeypatch.setenv("AMPERITY_REALTIME_API_VERSION", "2027-01-01")
    api.on("GET", "/indexes/idx-1", httpx.Response(200, json=INDEX))
    api.on("GET", "/prof/profiles/apc-1/p-1", httpx.Response(200, json=PROFILE))
    with Amperity(
        tenant="acme", token=TOKEN, transport=httpx.MockTransport(api.handler), rate_limit=None
    ) as client:
        assert (client.profile_api_version, client.realtime_api_version) == (
            "2025-12-01",
            "2027-01-01",
        )
        client.profiles.indexes.get("idx-1")
        client.realtime.get_profile("apc-1", "p-1")
        other = client.with_options(
            profile_api_version="unstable", realtime_api_version="2028-02-02"
        )
        other.profiles.indexes.get("idx-1")
        other.realtime.get_profile("apc-1", "p-1")
        client.profiles.indexes.get("idx-1")  # the original keeps its own
    assert [r.headers["api-version"] for r in api.requests] == [
        "2025-12-01",
        "2027-01-01",
        "unstable",
        "2028-02-02",
        "2025-12-01",
    ]


@pytest.mark.parametrize("name", ["profile_api_version", "realtime_api_version"])
def test_a_malformed_family_version_is_refused_by_name(name: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=name):
        Amperity(tenant="acme", token=TOKEN, **{name: "2025-7-31"})
    with (
        Amperity(tenant="acme", token=TOKEN) as client,
        pytest.raises(errors.ConfigurationError, match=name),
    ):
        client.with_options(**{name: "latest"})


@pytest.mark.parametrize("name", ["profile_rate_limit", "realtime_rate_limit"])
@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "fast"])
def test_a_bad_family_rate_limit_is_refused_by_name(name: str, value: Any) -> None:
    with pytest.raises(errors.ConfigurationError, match=name):
        Amperity(tenant="acme", token=TOKEN, **{name: value})


def test_realtime_needs_a_base_url_it_can_put_prof_beside(api: MockAPI) -> None:
    with (
        Amperity(
            tenant="acme",
            token=TOKEN,
            base_url="https://proxy.example.com/amperity",
            transport=httpx.MockTransport(api.handler),
        ) as client,
        pytest.raises(errors.ConfigurationError, match="/prof"),
    ):
        client.realtime.get_profile("apc-1", "p-1")
    assert api.requests == []


def _filters_sent(request: httpx.Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.url.params.multi_items() if k.startswith("filter")]


def test_filters_become_one_bracketed_pair_each_with_values_kept_whole(
    api: MockAPI, client: Amperity
) -> None:
    api.on("GET", "/indexes/idx-1/profiles", page([]))
    filters = {"loyalty_tier": "gold", "note": "a&b=c [x] é", "active": True, "visits": 3}
    list(client.profiles.list("idx-1", filters=filters))
    (request,) = api.requests
    assert _filters_sent(request) == [
        ("filter[loyalty_tier]", "gold"),
        ("filter[note]", "a&b=c [x] é"),
        ("filter[active]", "true"),
        ("filter[visits]", "3"),
    ]
    raw = request.url.query.decode()
    assert "&b=" not in raw and "filter%5Bnote%5D=a%26b%3Dc" in raw


@pytest.mark.parametrize(
    "filters",
    [{"": "x"}, {"a[b]": "x"}, {"a": None}, {"a": ["x"]}, ["a", "b"], "tier=gold"],
)
def test_bad_filters_are_refused_before_any_request(
    api: MockAPI, client: Amperity, filters: Any
) -> None:
    with pytest.raises(errors.ConfigurationError, match="filter"):
        client.profiles.list("idx-1", filters=filters)
    assert api.requests == []


def test_profile_listing_reads_each_item_as_a_profile_and_follows_cursors(
    api: MockAPI, client: Amperity
) -> None:
    item = {"id": "p-1", "index_id": "idx-1", "attributes": {"tier": "gold"}}
    api.on("GET", "/indexes/idx-1/profiles", page([item], "c2"), page([{**item, "id": "p-2"}]))
    got = list(client.profiles.list("idx-1", limit=1))
    assert [p.id for p in got] == ["p-1", "p-2"]
    assert got[0].attributes.additional_properties == {"tier": "gold"}
    assert api.requests[1].url.params["next_token"] == "c2"


@pytest.mark.parametrize("bad", [["x"], {"id": 5, "index_id": "i", "attributes": {}}, {"id": "p"}])
def test_a_profile_item_of_the_wrong_shape_is_a_validation_error(
    api: MockAPI, client: Amperity, bad: Any
) -> None:
    api.on("GET", "/indexes/idx-1/profiles", page([bad]))
    with pytest.raises(errors.APIResponseValidationError):
        list(client.profiles.list("idx-1"))


def test_lookup_sends_keys_in_the_body_never_the_url(api: MockAPI, client: Amperity) -> None:
    api.on("POST", "/prof/lookup/apc-1/keychain", httpx.Response(200, json=PROFILE))
    profile = client.realtime.lookup("apc-1", keys={"email": EMAIL, "loyalty_id": "L-9"})
    assert profile is not None and profile.profile_id == "p-1"
    (request,) = api.requests
    assert EMAIL not in unquote(str(request.url))
    assert json.loads(request.content) == {
        "keys": {"email": EMAIL, "loyalty_id": "L-9"},
        "enrich": False,
    }


def test_lookup_without_a_match_is_none(api: MockAPI, client: Amperity) -> None:
    api.on("POST", "/prof/lookup/apc-1/keychain", rt_error(404, "no profile"))
    assert client.realtime.lookup("apc-1", keys={"email": EMAIL}, enrich=True) is None
    assert json.loads(api.requests[0].content)["enrich"] is True


@pytest.mark.parametrize(
    "keys", [{}, {"email": ""}, {"email": 7}, {"": EMAIL}, [("email", EMAIL)], None]
)
def test_bad_keys_are_refused_naming_no_value(api: MockAPI, client: Amperity, keys: Any) -> None:
    with pytest.raises(errors.ConfigurationError, match="key") as caught:
        client.realtime.lookup("apc-1", keys=keys)
    assert EMAIL not in str(caught.value)
    assert api.requests == []


def _everything_reachable(error: BaseException) -> str:
    """What an error lets anyone read: its text, repr, pickle, request and answer."""
    parts = [str(error), repr(error), repr(pickle.dumps(error))]
    response = getattr(error, "response", None)
    if isinstance(response, httpx.Response):
        parts += [response.text, repr(response.request.content), str(response.request.url)]
    return "\n".join(parts)


@pytest.mark.parametrize("status", [400, 401, 403, 429, 500, 503])
def test_lookup_errors_never_carry_the_keys(
    api: MockAPI, client: Amperity, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = rt_error(status, f"cannot match email={EMAIL}")
    api.on("POST", "/prof/lookup/apc-1/keychain", echo)
    with pytest.raises(errors.APIStatusError) as caught:
        client.realtime.lookup("apc-1", keys={"email": EMAIL})
    assert caught.value.status_code == status
    assert EMAIL not in _everything_reachable(caught.value)
    assert "cannot match email=" in caught.value.message
    assert EMAIL not in caplog.text
    assert "/prof/lookup/apc-1/keychain" in caplog.text


def test_lookup_of_an_unreadable_answer_never_carries_the_keys(
    api: MockAPI, client: Amperity
) -> None:
    api.on("POST", "/prof/lookup/apc-1/keychain", httpx.Response(200, json={"profile_id": 5}))
    with pytest.raises(errors.APIResponseValidationError) as caught:
        client.realtime.lookup("apc-1", keys={"email": EMAIL})
    assert EMAIL not in _everything_reachable(caught.value)


def test_each_family_has_its_own_rate_limiter(api: MockAPI) -> None:
    """A control plane at its limit does not hold back the other families."""
    api.on("GET", "/segments", page([]))
    api.on("GET", "/indexes", page([]))
    api.on("POST", "/prof/lookup/apc-1/keychain", httpx.Response(200, json=PROFILE))
    with Amperity(
        tenant="acme",
        token=TOKEN,
        transport=httpx.MockTransport(api.handler),
        rate_limit=1 / 3600,  # one request an hour: a second one would wait an hour
        retry_policy=FAST,
    ) as client:
        list(client.segments.list())
        limiters = client._shared.limiters
        assert limiters.of("control-plane").try_acquire() is not None  # type: ignore[union-attr]
        for _ in range(20):
            list(client.profiles.indexes.list())
            client.realtime.lookup("apc-1", keys={"email": EMAIL})
    assert len(api.requests) == 41
    assert repr(limiters.of("profile")) == "RateLimiter(capacity=2000, window=1.000s)"
    assert repr(limiters.of("realtime")) == "RateLimiter(capacity=2000, window=1.000s)"


def test_a_family_limit_of_none_lifts_only_that_family(api: MockAPI) -> None:
    with Amperity(
        tenant="acme",
        token=TOKEN,
        transport=httpx.MockTransport(api.handler),
        realtime_rate_limit=None,
    ) as client:
        limiters = client._shared.limiters
        assert limiters.of("realtime") is None
        assert limiters.of("profile") is not None and limiters.of("control-plane") is not None


@pytest.mark.anyio
async def test_async_client_reaches_both_families_alike(api: MockAPI) -> None:
    api.on(
        "GET", "/indexes/idx-1/profiles", page([{"id": "p", "index_id": "idx-1", "attributes": {}}])
    )
    api.on(
        "GET",
        "/indexes/idx-1/profiles/p",
        httpx.Response(200, json={"id": "p", "index_id": "idx-1", "attributes": {}}),
    )
    api.on(
        "POST",
        "/prof/lookup/apc-1/keychain",
        rt_error(404, "none"),
        httpx.Response(200, json=PROFILE),
    )
    api.on(
        "GET",
        "/prof/profiles/apc-1/p-1/segments",
        page([{"segment_id": "rts-1", "segment_name": "VIP"}]),
    )
    api.on("GET", "/prof/segments/rts-1/profiles", page([{"profile_id": "p-1"}], "n2"), page([]))
    api.on("GET", "/prof/profiles/apc-1/p-1", httpx.Response(200, json=PROFILE))
    async with make_async(api) as client:
        assert [p.id async for p in client.profiles.list("idx-1", filters={"tier": "gold"})] == [
            "p"
        ]
        assert (await client.profiles.get("idx-1", "p")).index_id == "idx-1"
        assert await client.realtime.lookup("apc-1", keys={"email": EMAIL}) is None
        found = await client.realtime.lookup("apc-1", keys={"email": EMAIL})
        assert found is not None and found.profile_id == "p-1"
        segments = [s.segment_id async for s in client.realtime.profile_segments("apc-1", "p-1")]
        members = [m.profile_id async for m in client.realtime.segment_members("rts-1")]
        profile = await client.realtime.get_profile("apc-1", "p-1", enrich=True)
    assert segments == ["rts-1"] and members == ["p-1"] and profile.collection_id == "apc-1"
    assert _filters_sent(api.requests[0]) == [("filter[tier]", "gold")]
    assert api.requests[-1].url.params["enrich"] == "true"
    versions = {r.url.path.split("/")[1]: r.headers["api-version"] for r in api.requests}
    assert versions == {"api": "2025-07-31", "prof": "2026-09-03"}


@pytest.mark.anyio
async def test_async_lookup_errors_never_carry_the_keys(api: MockAPI) -> None:
    api.on("POST", "/prof/lookup/apc-1/keychain", rt_error(400, f"bad key {EMAIL}"))
    async with make_async(api) as client:
        with pytest.raises(errors.BadRequestError) as caught:
            await client.realtime.lookup("apc-1", keys={"email": EMAIL})
    assert EMAIL not in _everything_reachable(caught.value)


def test_profile_errors_are_typed_by_status(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/indexes/missing", error(404, "no such index"))
    with pytest.raises(errors.NotFoundError, match="no such index"):
        client.profiles.indexes.get("missing")


def test_a_request_id_echoing_the_keys_is_cut_too(api: MockAPI, client: Amperity) -> None:
    echo = httpx.Response(
        400, headers={"x-request-id": f"req-{EMAIL}"}, json={"error": "x", "message": "no"}
    )
    api.on("POST", "/prof/lookup/apc-1/keychain", echo)
    with pytest.raises(errors.BadRequestError) as caught:
        client.realtime.lookup("apc-1", keys={"email": EMAIL})
    assert EMAIL not in _everything_reachable(caught.value) + str(caught.value.request_id)


def test_a_short_key_value_is_cut_too(api: MockAPI, client: Amperity) -> None:
    """Records keep values under 3 characters readable; a lookup key is cut whatever its size."""
    api.on("POST", "/prof/lookup/apc-1/keychain", rt_error(400, "no profile for 42"))
    with pytest.raises(errors.APIStatusError) as caught:
        client.realtime.lookup("apc-1", keys={"loyalty_id": "42"})
    assert "42" not in caught.value.message and "no profile for" in caught.value.message
