"""Bulk reads: `as_dicts()` listings, one page in memory at a time, no answer kept by a
reference cycle, and the same results whichever JSON decoder is installed."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, _json, errors
from amperity_facade.testing import FakeAmperity
from amperity_facade.testing._times import DEFAULT_ANCHOR

from .conftest import MockAPI, error, page


@pytest.fixture
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(segments=2_500) as running:
        yield running


def _client(fake: FakeAmperity, **kwargs: Any) -> Amperity:
    return Amperity(
        tenant=fake.tenant, token=fake.token, transport=fake.transport(), rate_limit=None, **kwargs
    )


def test_dicts_are_the_same_listing_as_models(fake: FakeAmperity) -> None:
    with _client(fake) as client:
        models = list(client.segments.list(limit=400))
        dicts = list(client.segments.list(limit=400).as_dicts())
    assert len(dicts) == len(models) == 2_500
    assert all(type(item) is dict for item in dicts)
    assert [d["id"] for d in dicts] == [m.id for m in models]
    assert dicts[7] == models[7].to_dict()


def test_dicts_keep_cursors_max_items_and_resume_across_modes(fake: FakeAmperity) -> None:
    with _client(fake) as client:
        typed = client.segments.list(limit=100, max_items=250).first_page()
        raw_pages = list(client.segments.list(limit=100, max_items=250).as_dicts().pages())
        assert [len(p.items) for p in raw_pages] == [100, 100, 50]
        assert raw_pages[0].next_token == typed.next_token
        # A cursor from the typed listing resumes the raw one, and the other way round.
        rest = client.segments.list(limit=100, next_token=typed.next_token).as_dicts()
        again = client.segments.list(limit=100, next_token=raw_pages[0].next_token)
        assert [d["id"] for d in rest] == [m.id for m in again]


def test_dicts_follow_ingest_windows(fake: FakeAmperity) -> None:
    end = DEFAULT_ANCHOR
    start = end - dt.timedelta(days=20)
    with _client(fake) as client:
        models = list(client.ingest_jobs.list(created_from=start, created_to=end, limit=50))
        pages = client.ingest_jobs.list(created_from=start, created_to=end, limit=50)
        dicts = list(pages.as_dicts())
    assert [d["id"] for d in dicts] == [m.id for m in models]


def test_async_dicts(fake: FakeAmperity) -> None:
    async def run() -> list[Any]:
        async with AsyncAmperity(
            tenant=fake.tenant,
            token=fake.token,
            transport=fake.async_transport(),
            rate_limit=None,
        ) as client:
            return [item async for item in client.segments.list(limit=1000).as_dicts()]

    items = asyncio.run(run())
    assert len(items) == 2_500 and all(type(item) is dict for item in items)


def test_dict_listings_retry_like_any_other(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", error(503), page([{"id": "s1", "anything": [1]}]))
    assert list(client.segments.list().as_dicts()) == [{"id": "s1", "anything": [1]}]
    assert len(api.calls("GET", "/segments")) == 2


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([1, 2], "a listing is an object, not list"),
        ({"data": {"id": "s1"}}, "its data is not a list"),
        ({"data": [{"id": "s1"}, "s2"]}, "an item of its data is not an object"),
        ({"data": [], "next_token": 7}, "its next_token is not a string"),
        ({"data": [], "total": "9"}, "its total is not an integer"),
        ({"data": [], "total": True}, "its total is not an integer"),
    ],
)
def test_a_broken_envelope_is_refused_naming_the_problem(
    api: MockAPI, client: Amperity, body: Any, problem: str
) -> None:
    api.on("GET", "/segments", httpx.Response(200, json=body))
    with pytest.raises(errors.APIResponseValidationError, match=problem):
        list(client.segments.list().as_dicts())


def test_undecodable_pages_are_refused_in_both_modes(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(200, content=b"<html>busy</html>"))
    for dicts in (False, True):
        with make_sync(api) as client:
            listing: Any = client.segments.list()
            if dicts:
                listing = listing.as_dicts()
            with pytest.raises(errors.APIResponseValidationError) as caught:
                list(listing)
            assert caught.value.unreadable


def make_sync(api: MockAPI) -> Amperity:
    return Amperity(
        tenant="acme",
        token="t0k",
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        max_retries=0,
    )


def test_only_one_page_is_alive_at_a_time(api: MockAPI, client: Amperity) -> None:
    first = [{"id": f"a{n}", "name": "n", "status": "active"} for n in range(5)]
    second = [{"id": f"b{n}", "name": "n", "status": "active"} for n in range(5)]
    api.on("GET", "/segments", page(first, "next"), page(second))
    seen: list[weakref.ref[Any]] = []
    gc.collect()
    gc.disable()
    try:
        for item in client.segments.list():
            if item.id == "a2":
                seen.append(weakref.ref(item))
            if item.id == "b0":
                # Page one's items are gone although no collection ran.
                assert seen[0]() is None
    finally:
        gc.enable()
    assert len(seen) == 1


def test_an_answer_is_freed_without_a_garbage_collection(api: MockAPI) -> None:
    answers: list[weakref.ref[httpx.Response]] = []

    def reply(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, json={"data": [{"id": "s1"}]})
        answers.append(weakref.ref(response))
        return response

    api.on("GET", "/segments", reply)
    with make_sync(api) as client:
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                list(client.segments.list().as_dicts())
            assert len(answers) == 3 and all(ref() is None for ref in answers)
        finally:
            gc.enable()


ODD_BODIES = [
    b'{"data": [{"id": "s1", "n": 123456789012345678901234567890}]}',  # past 64 bits
    b'{"data": [{"id": "s1", "x": NaN}]}',
    b'{"data": [{"id": "\\ud800"}]}',  # a lone surrogate, escaped
    b'{"data": [{"id": "s1"}], "data": []}',  # a repeated key: the last one wins
    b'{"data": [{"id": "\xff"}]}',  # not UTF-8
    b'{"data": ' + b"[" * 5000 + b"]" * 5000 + b"}",  # nested past any parser's limit
    b'{"data": [{"id": "s1"}]',  # cut short
]


@pytest.fixture(params=["json", "installed"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(_json, "loads", _json._standard)
    return request.param


def _outcome(api: MockAPI, body: bytes) -> Any:
    api.on("GET", "/segments", httpx.Response(200, content=body))
    with make_sync(api) as client:
        try:
            return list(client.segments.list().as_dicts())
        except errors.APIResponseValidationError as exc:
            return ("refused", exc.unreadable)


@pytest.mark.parametrize("body", ODD_BODIES)
def test_odd_bodies_read_the_same_whatever_the_decoder(
    api: MockAPI, decoder: str, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = _outcome(api, body)
    monkeypatch.setattr(_json, "loads", _json._standard)
    expected = _outcome(MockAPI(), body)
    assert repr(got) == repr(expected)  # repr: NaN != NaN


def test_the_fast_decoder_is_used_when_installed() -> None:
    try:
        import orjson  # noqa: F401
    except ImportError:
        assert _json.DECODER == "json"
    else:
        assert _json.DECODER == "orjson"
    assert _json.loads(b'{"a": [1, 2.5, null]}') == json.loads(b'{"a": [1, 2.5, null]}')


@pytest.mark.skipif(_json.DECODER != "orjson", reason="only orjson reads items this deep")
def test_items_deeper_than_repr_can_walk_are_yielded(api: MockAPI, client: Amperity) -> None:
    deep = b"[" * 1010 + b"]" * 1010
    body = b'{"data": [{"id": "s1"}, {"id": "s2", "deep": ' + deep + b"}]}"
    api.on("GET", "/segments", httpx.Response(200, content=body))
    items = list(client.segments.list().as_dicts())
    assert [item["id"] for item in items] == ["s1", "s2"]
