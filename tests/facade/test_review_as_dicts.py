"""Review: `as_dicts()` against hostile servers, compared with the typed listing."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade.testing import FakeAmperity
from amperity_facade.testing._times import DEFAULT_ANCHOR

from .conftest import FAST, MockAPI, error, page

SEG = {"id": "s1", "name": "one", "status": "active"}
Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, **kwargs: Any) -> Amperity:
    kwargs.setdefault("max_retries", 0)
    return Amperity(
        tenant="acme",
        token="t0k",
        transport=httpx.MockTransport(handler),
        rate_limit=None,
        **kwargs,
    )


def _outcome(handler: Handler, dicts: bool, **list_kwargs: Any) -> Any:
    """What a whole export gives: the item ids, or the error class (and its message)."""
    with _client(handler) as client:
        listing: Any = client.segments.list(**list_kwargs)
        if dicts:
            listing = listing.as_dicts()
        try:
            return [item["id"] if dicts else item.id for item in listing]
        except errors.AmperityError as exc:
            return type(exc).__name__


def _both(handler_factory: Callable[[], Handler], **list_kwargs: Any) -> tuple[Any, Any]:
    return (
        _outcome(handler_factory(), False, **list_kwargs),
        _outcome(handler_factory(), True, **list_kwargs),
    )


def _constant(body: Any) -> Callable[[], Handler]:
    def factory() -> Handler:
        def handler(request: httpx.Request) -> httpx.Response:
            if isinstance(body, bytes):
                return httpx.Response(200, content=body)
            return httpx.Response(200, json=body)

        return handler

    return factory


BROKEN_ENVELOPES = [
    [SEG],
    "page",
    None,
    {},
    {"data": None},
    {"data": {"id": "s1"}},
    {"data": [SEG, None]},
    {"data": [SEG, [SEG]]},
    {"data": [SEG, "s2"]},
    {"data": [SEG], "next_token": 7},
    {"data": [SEG], "next_token": False},
    {"data": [SEG], "next_token": ["t"]},
    {"data": [SEG], "next_token": {"t": 1}},
    {"data": [SEG], "total": 1.0},
    {"data": [SEG], "total": 1.5},
    {"data": [SEG], "total": True},
    {"data": [SEG], "total": "1"},
    b'{"data": [{"id": "s1", "name": "one", "status": "active"}], "total": 1e400}',
    b'{"data": [{"id": "s1", "name": "one", "status": "active"}], "total": NaN}',
]


@pytest.mark.parametrize("body", BROKEN_ENVELOPES, ids=repr)
def test_typed_and_dict_listings_refuse_the_same_broken_envelopes(body: Any) -> None:
    typed, dicts = _both(_constant(body))
    assert typed == dicts == "APIResponseValidationError"


@pytest.mark.parametrize(
    "body",
    [
        {"data": [SEG], "next_token": ""},  # an empty cursor ends the listing, in both modes
        {"data": [SEG], "next_token": None, "total": None},
        {"data": [SEG], "total": -1},
        {"data": [SEG], "total": 10**30},
        b'\xef\xbb\xbf{"data": [{"id": "s1", "name": "one", "status": "active"}]}',
        b'{"data": [], "data": [{"id": "s1", "name": "one", "status": "active"}]}',
    ],
    ids=repr,
)
def test_typed_and_dict_listings_accept_the_same_odd_envelopes(body: Any) -> None:
    typed, dicts = _both(_constant(body))
    assert typed == dicts == ["s1"]


def _cycling(pages: list[dict[str, Any]]) -> Callable[[], Handler]:
    def factory() -> Handler:
        counter = itertools.count()

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json=pages[min(next(counter), len(pages) - 1)])

        return handler

    return factory


def test_a_cursor_coming_back_stops_both_modes() -> None:
    pages = [
        {"data": [SEG], "next_token": "a"},
        {"data": [{**SEG, "id": "s2"}], "next_token": "b"},
        {"data": [{**SEG, "id": "s3"}], "next_token": "a"},
    ]
    assert _both(_cycling(pages)) == ("PaginationError", "PaginationError")


def test_a_page_repeated_under_fresh_cursors_stops_both_modes() -> None:
    def factory() -> Handler:
        counter = itertools.count()
        return lambda request: page([SEG], f"t{next(counter)}")

    assert _both(factory) == ("PaginationError", "PaginationError")


def test_endless_empty_pages_with_cursors_stop_both_modes() -> None:
    def factory() -> Handler:
        counter = itertools.count()
        return lambda request: page([], f"t{next(counter)}")

    assert _both(factory) == ("PaginationError", "PaginationError")


def test_a_few_empty_pages_then_items_are_followed_in_both_modes() -> None:
    pages = [{"data": [], "next_token": f"e{n}"} for n in range(10)] + [{"data": [SEG]}]
    assert _both(_cycling(pages)) == (["s1"], ["s1"])


def test_a_server_sending_more_than_max_items_with_a_cursor_is_refused() -> None:
    items = [{**SEG, "id": f"s{n}"} for n in range(10)]
    body = {"data": items, "next_token": "more"}
    assert _both(_constant(body), max_items=3) == ("PaginationError", "PaginationError")


def test_max_items_cuts_the_last_page_alike_and_asks_for_less() -> None:
    items = [{**SEG, "id": f"s{n}"} for n in range(10)]
    asked: list[str | None] = []

    def factory() -> Handler:
        def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.url.params.get("limit"))
            return httpx.Response(200, json={"data": items})

        return handler

    typed, dicts = _both(factory, max_items=3, limit=100)
    assert typed == dicts == ["s0", "s1", "s2"]
    assert asked == ["3", "3"]


def test_huge_page_is_read_whole_in_both_modes() -> None:
    items = [{**SEG, "id": f"s{n}"} for n in range(20_000)]
    typed, dicts = _both(_constant({"data": items}))
    assert typed == dicts and len(dicts) == 20_000


def test_pages_alternating_under_fresh_cursors_are_not_yielded_twice() -> None:
    def factory() -> Handler:
        counter = itertools.count()

        def handler(request: httpx.Request) -> httpx.Response:
            n = next(counter)
            return page([{**SEG, "id": f"s{n % 2}"}], f"t{n}")

        return handler

    for outcome in _both(factory, max_items=10):
        assert outcome == "PaginationError" or len(outcome) == len(set(outcome))


def test_unreadable_pages_are_retried_in_dict_mode(api: MockAPI) -> None:
    api.on(
        "GET",
        "/segments",
        httpx.Response(200, content=b'{"data": [{"id": "s1"'),  # cut short
        httpx.Response(200, content=b"<html><title>502 Bad Gateway</title></html>"),
        error(429),
        page([{"id": "s1", "x": None}]),
    )
    with Amperity(
        tenant="acme",
        token="t0k",
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=FAST,
    ) as client:
        assert list(client.segments.list().as_dicts()) == [{"id": "s1", "x": None}]
    assert len(api.calls("GET", "/segments")) == 4


def test_a_broken_envelope_is_not_retried(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(200, json={"data": [1]}), page([SEG]))
    with (
        Amperity(
            tenant="acme",
            token="t0k",
            transport=httpx.MockTransport(api.handler),
            rate_limit=None,
            retry_policy=FAST,
        ) as client,
        pytest.raises(errors.APIResponseValidationError) as caught,
    ):
        list(client.segments.list().as_dicts())
    assert not caught.value.unreadable
    assert caught.value.response is not None
    assert caught.value.response.json() == {"data": [1]}
    assert len(api.calls("GET", "/segments")) == 1


def test_as_dicts_keeps_next_token_and_max_items_given_to_list(api: MockAPI) -> None:
    api.on("GET", "/segments", page([SEG, {**SEG, "id": "s2"}], "n2"))
    with _client(api.handler) as client:
        listing = client.segments.list(next_token="start", max_items=2, limit=50)
        assert [d["id"] for d in listing.as_dicts()] == ["s1", "s2"]
        assert [d["id"] for d in listing.as_dicts().as_dicts()] == ["s1", "s2"]
    params = api.calls("GET", "/segments")[0].url.params
    assert params["next_token"] == "start" and params["limit"] == "2"


def test_item_dicts_are_the_answer_untouched(api: MockAPI) -> None:
    odd = {"id": 5, "nested": {"a": [1, None]}, "big": 2**70, "f": 0.1}
    api.on("GET", "/segments", page([odd, {}]))
    with _client(api.handler) as client:
        assert list(client.segments.list().as_dicts()) == [odd, {}]


def test_ingest_window_cursors_resume_across_modes_mid_window() -> None:
    fake = FakeAmperity()
    end = DEFAULT_ANCHOR
    start = end - dt.timedelta(days=20)
    with Amperity(
        tenant=fake.tenant, token=fake.token, transport=fake.transport(), rate_limit=None
    ) as client:
        everything = [
            j.id for j in client.ingest_jobs.list(created_from=start, created_to=end, limit=3)
        ]
        assert len(everything) > 8
        typed_pages = list(
            client.ingest_jobs.list(created_from=start, created_to=end, limit=3).pages()
        )
        dict_pages = list(
            client.ingest_jobs.list(created_from=start, created_to=end, limit=3).as_dicts().pages()
        )
        assert [p.next_token for p in typed_pages] == [p.next_token for p in dict_pages]
        assert all(p.next_token.startswith("af1.") for p in typed_pages[:-1] if p.next_token)
        for index in range(len(typed_pages) - 1):
            cursor = typed_pages[index].next_token
            done = sum(len(p.items) for p in typed_pages[: index + 1])
            as_dicts = client.ingest_jobs.list(
                created_from=start, created_to=end, limit=3, next_token=cursor
            ).as_dicts()
            assert [d["id"] for d in as_dicts] == everything[done:]
            cursor = dict_pages[index].next_token
            typed = client.ingest_jobs.list(
                created_from=start, created_to=end, limit=3, next_token=cursor
            )
            assert [j.id for j in typed] == everything[done:]


def test_ingest_dict_listing_with_max_items_stops_exactly() -> None:
    fake = FakeAmperity()
    end = DEFAULT_ANCHOR
    start = end - dt.timedelta(days=20)
    with Amperity(
        tenant=fake.tenant, token=fake.token, transport=fake.transport(), rate_limit=None
    ) as client:
        everything = [
            j.id for j in client.ingest_jobs.list(created_from=start, created_to=end, limit=4)
        ]
        pages = list(
            client.ingest_jobs.list(created_from=start, created_to=end, limit=4, max_items=5)
            .as_dicts()
            .pages()
        )
        got = [d["id"] for p in pages for d in p.items]
        assert got == everything[:5]
        rest = client.ingest_jobs.list(
            created_from=start, created_to=end, limit=4, next_token=pages[-1].next_token
        ).as_dicts()
        assert got + [d["id"] for d in rest] == everything


def test_async_dicts_refuse_the_same_envelopes_and_retry() -> None:
    api = MockAPI()
    api.on("GET", "/segments", error(503), page([SEG], "n"), page([], "n"))

    async def run() -> Any:
        async with AsyncAmperity(
            tenant="acme",
            token="t0k",
            transport=httpx.MockTransport(api.handler),
            rate_limit=None,
            retry_policy=FAST,
        ) as client:
            try:
                return [d async for d in client.segments.list().as_dicts()]
            except errors.PaginationError:
                return "PaginationError"

    assert asyncio.run(run()) == "PaginationError"  # cursor "n" came back
    assert len(api.calls("GET", "/segments")) == 3

    api.on("GET", "/segments", httpx.Response(200, json={"data": [SEG], "total": 2.0}))

    async def broken() -> None:
        async with AsyncAmperity(
            tenant="acme", token="t0k", transport=httpx.MockTransport(api.handler), rate_limit=None
        ) as client:
            [d async for d in client.segments.list().as_dicts()]

    with pytest.raises(errors.APIResponseValidationError, match="total is not an integer"):
        asyncio.run(broken())


@pytest.mark.parametrize("dicts", [False, True])
def test_a_repeated_page_is_caught_even_when_the_caller_edits_rows(dicts: bool) -> None:
    counter = itertools.count()

    def handler(request: httpx.Request) -> httpx.Response:
        return page([SEG, {**SEG, "id": "s2"}], f"t{next(counter)}")

    with _client(handler) as client:
        listing: Any = client.segments.list(max_items=40)
        rows = 0
        with pytest.raises(errors.PaginationError):
            for row in listing.as_dicts() if dicts else listing:
                if dicts:
                    row["exported"] = True
                else:
                    row.additional_properties["exported"] = True
                rows += 1
    assert rows <= 4


def test_a_repeated_page_is_caught_when_rows_are_only_read() -> None:
    counter = itertools.count()

    def handler(request: httpx.Request) -> httpx.Response:
        return page([SEG, {**SEG, "id": "s2"}], f"t{next(counter)}")

    with _client(handler) as client, pytest.raises(errors.PaginationError):
        for row in client.segments.list(max_items=40).as_dicts():
            assert row["id"] in ("s1", "s2")


def test_campaign_drafts_as_dicts_keep_the_unstable_version(api: MockAPI) -> None:
    api.on("GET", "/campaign-drafts", page([{"id": "d1", "name": "x"}]))
    api.on("GET", "/campaigns/drafts", page([{"id": "d1", "name": "x"}]))
    with _client(api.handler) as client:
        assert [d["id"] for d in client.campaign_drafts.list().as_dicts()] == ["d1"]
    (request,) = api.calls("GET")
    assert request.headers["api-version"] == "unstable"
