"""Cursors that resume anywhere (issue 10, item 11) and walks that cannot run forever (item 12).

Ingest jobs are read in windows of at most seven days, each its own server-side listing; the
cursors a caller gets name the window as well as the server's cursor, so a listing resumes
exactly where it stopped, in any window. A server that answers without getting anywhere
(empty pages with new cursors forever, or the same page whatever the cursor) ends in
PaginationError after a bounded number of pages, and the memory of seen cursors is bounded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, Paginator, errors
from amperity_facade import _pagination as pagination
from amperity_facade._operations import Call  # _pagination imports it for types only
from amperity_facade.testing import FakeAmperity

from .conftest import MockAPI, error, make_async, page

FROM, TO = "2026-10-01", "2026-11-01"
SEG = {"id": "seg-1", "name": "Loyal", "status": "active"}
GUARD = 300  # requests after which a mock server refuses, so old code fails instead of hanging


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


def window_of(request: httpx.Request) -> tuple[str, str]:
    q = query(request)
    return q["created_from"][0][:10], q["created_to"][0][:10]


def encode(payload: Any, version: str = "af1") -> str:
    raw = json.dumps(payload).encode()
    return f"{version}." + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(cursor: str) -> Any:
    version, _, encoded = cursor.partition(".")
    assert version == "af1"
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def job(name: str) -> dict[str, Any]:
    return {"id": name, "workflow_id": "wf-1", "tables": []}


# --- item 11: against the fake, whose cursors are refused (400) outside their own window ---


@pytest.fixture
def fake() -> FakeAmperity:
    """Not started: the clients reach it in process (fake.transport()), without a socket."""
    return FakeAmperity(ingest_jobs=60)


def fake_client(fake: FakeAmperity) -> Amperity:
    return Amperity(
        tenant=fake.tenant, token=fake.token, transport=fake.transport(), rate_limit=None
    )


def test_ingest_cursor_of_every_page_resumes_exactly_there(fake: FakeAmperity) -> None:
    with fake_client(fake) as client:
        pages = list(client.ingest_jobs.list(created_from=FROM, created_to=TO, limit=4).pages())
        ids = [j.id for p in pages for j in p.items]
        assert len(ids) == len(set(ids)) == 60
        assert [p.next_token is None for p in pages] == [False] * (len(pages) - 1) + [True]
        windows = {r.query["created_from"][0][:10] for r in fake.requests}
        assert len(windows) == 5  # the walk really crossed four window boundaries
        done = 0
        for saved in pages[:-1]:
            done += len(saved.items)
            rest = client.ingest_jobs.list(
                created_from=FROM, created_to=TO, limit=4, next_token=saved.next_token
            )
            assert [j.id for j in rest] == ids[done:]
    assert fake.count(operation="list-ingest-jobs", status=400) == 0


@pytest.mark.anyio
async def test_ingest_cursor_of_every_page_resumes_exactly_there_async(
    fake: FakeAmperity,
) -> None:
    async with AsyncAmperity(
        tenant=fake.tenant, token=fake.token, transport=fake.async_transport(), rate_limit=None
    ) as client:
        listing = client.ingest_jobs.list(created_from=FROM, created_to=TO, limit=7)
        pages = [p async for p in listing.pages()]
        ids = [j.id for p in pages for j in p.items]
        assert [p.next_token is None for p in pages] == [False] * (len(pages) - 1) + [True]
        done = 0
        for saved in pages[:-1]:
            done += len(saved.items)
            rest = client.ingest_jobs.list(
                created_from=FROM, created_to=TO, limit=7, next_token=saved.next_token
            )
            assert [j.id async for j in rest] == ids[done:]
    assert fake.count(operation="list-ingest-jobs", status=400) == 0


# --- item 11: the cursor format and what is sent, with a scripted server ---


def windows_server(api: MockAPI, tokens: bool = True) -> None:
    """Two pages per window (the second only when `tokens`), named after the window."""

    def answer(request: httpx.Request) -> httpx.Response:
        low = window_of(request)[0]
        if tokens and "next_token" not in query(request):
            return page([job(f"isj-{low}")], f"srv-{low}")
        return page([job(f"isj-{low}-b" if tokens else f"isj-{low}")])

    api.on("GET", "/ingest/jobs", answer)


def test_cursor_format_names_the_window_and_the_server_cursor(
    api: MockAPI, client: Amperity
) -> None:
    windows_server(api)
    pages = list(client.ingest_jobs.list(created_from=FROM, created_to="2026-10-20").pages())
    cursors = [p.next_token for p in pages]
    assert all(c and c.startswith("af1.") and c.isascii() and "=" not in c for c in cursors[:-1])
    assert [decode(c) for c in cursors[:-1]] == [
        {"span": "2026-10-01T00:00:00+00:00/2026-10-08T00:00:00+00:00", "token": "srv-2026-10-01"},
        {"span": "2026-10-08T00:00:00+00:00/2026-10-15T00:00:00+00:00", "token": None},
        {"span": "2026-10-08T00:00:00+00:00/2026-10-15T00:00:00+00:00", "token": "srv-2026-10-08"},
        {"span": "2026-10-15T00:00:00+00:00/2026-10-20T00:00:00+00:00", "token": None},
        {"span": "2026-10-15T00:00:00+00:00/2026-10-20T00:00:00+00:00", "token": "srv-2026-10-15"},
    ]
    assert cursors[-1] is None
    api.requests.clear()
    resumed = client.ingest_jobs.list(
        created_from=FROM, created_to="2026-10-20", next_token=cursors[2]
    )
    assert [j.id for j in resumed] == ["isj-2026-10-08-b", "isj-2026-10-15", "isj-2026-10-15-b"]
    assert [(window_of(r), query(r).get("next_token")) for r in api.requests] == [
        (("2026-10-08", "2026-10-15"), ["srv-2026-10-08"]),
        (("2026-10-15", "2026-10-20"), None),
        (("2026-10-15", "2026-10-20"), ["srv-2026-10-15"]),
    ]


@pytest.mark.anyio
async def test_cursor_at_a_window_boundary_starts_the_next_window_async(api: MockAPI) -> None:
    windows_server(api, tokens=False)
    async with make_async(api) as client:
        listing = client.ingest_jobs.list(created_from=FROM, created_to="2026-10-20")
        pages = [p async for p in listing.pages()]
        assert [p.next_token is None for p in pages] == [False, False, True]
        assert decode(pages[0].next_token or "")["token"] is None
        api.requests.clear()
        resumed = client.ingest_jobs.list(
            created_from=FROM, created_to="2026-10-20", next_token=pages[0].next_token
        )
        assert [j.id async for j in resumed] == ["isj-2026-10-08", "isj-2026-10-15"]
    assert [window_of(r) for r in api.requests] == [
        ("2026-10-08", "2026-10-15"),
        ("2026-10-15", "2026-10-20"),
    ]
    assert all("next_token" not in query(r) for r in api.requests)


def test_resume_within_another_range_keeps_the_cursor_window(
    api: MockAPI, client: Amperity
) -> None:
    """The server's cursor was issued for one exact window: that window is read first,
    whatever windows the new range would have cut, then seven-day windows from its end."""
    windows_server(api)
    cursor = encode(
        {"span": "2026-10-08T00:00:00+00:00/2026-10-15T00:00:00+00:00", "token": "srv-x"}
    )
    list(
        client.ingest_jobs.list(
            created_from="2026-10-05", created_to="2026-10-30", next_token=cursor
        )
    )
    assert [window_of(r) for r in api.requests][::2] == [
        ("2026-10-08", "2026-10-15"),
        ("2026-10-15", "2026-10-22"),
        ("2026-10-22", "2026-10-29"),
        ("2026-10-29", "2026-10-30"),
    ]
    assert query(api.requests[0])["next_token"] == ["srv-x"]


SPAN = "2026-10-08T00:00:00+00:00/2026-10-15T00:00:00+00:00"
BAD_CURSORS = [
    ("srv-123", "not a cursor of this ingest-jobs listing"),
    ("af1.!!!", "malformed: not base64-encoded JSON"),
    ("af1." + "é", "malformed: not base64-encoded JSON"),
    (encode([1, 2]), "malformed: it needs a span name"),
    (encode({"span": 5, "token": None}), "malformed: it needs a span name"),
    (encode({"span": SPAN, "token": ""}), "malformed: it needs a span name"),
    (encode({"span": SPAN, "token": 7}), "malformed: it needs a span name"),
    (encode({"span": "soon/later", "token": None}), "malformed"),
    (encode({"span": "2026-10-08T00:00:00/2026-10-15T00:00:00", "token": None}), "no time zone"),
    (
        encode({"span": "2026-10-15T00:00:00+00:00/2026-10-08T00:00:00+00:00", "token": None}),
        "ends before it starts",
    ),
    (
        encode({"span": "2026-10-01T00:00:00+00:00/2026-10-09T00:00:00+00:00", "token": None}),
        "longer than seven days",
    ),
    (encode({"span": SPAN, "token": None}, version="af2"), "from another version"),
    (
        encode({"span": "2026-09-28T00:00:00+00:00/2026-10-02T00:00:00+00:00", "token": "x"}),
        r"lies outside \[created_from, created_to\)",
    ),
    (
        encode({"span": "2026-10-18T00:00:00+00:00/2026-10-21T00:00:00+00:00", "token": "x"}),
        "lies outside",
    ),
]


@pytest.mark.parametrize(("cursor", "problem"), BAD_CURSORS)
def test_bad_ingest_cursor_is_refused_before_any_request(
    api: MockAPI, client: Amperity, cursor: str, problem: str
) -> None:
    with pytest.raises(errors.ConfigurationError, match=problem):
        client.ingest_jobs.list(created_from=FROM, created_to="2026-10-20", next_token=cursor)
    assert api.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("cursor", "problem"), BAD_CURSORS)
async def test_bad_ingest_cursor_is_refused_before_any_request_async(
    api: MockAPI, cursor: str, problem: str
) -> None:
    async with make_async(api) as client:
        with pytest.raises(errors.ConfigurationError, match=problem):
            client.ingest_jobs.list(created_from=FROM, created_to="2026-10-20", next_token=cursor)
    assert api.requests == []


def test_listings_of_one_source_keep_the_server_cursor(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([SEG], "srv-2"), page([{**SEG, "id": "seg-2"}]))
    assert [p.next_token for p in client.segments.list().pages()] == ["srv-2", None]


def test_several_plain_sources_chain_with_cursors_naming_the_part() -> None:
    def source(name: str, pages: int) -> pagination.PageSource[str]:
        def call(token: str | None) -> pagination.Call[pagination.Page[str]]:
            at = int(token or 0)
            following = str(at + 1) if at + 1 < pages else None
            result = pagination.Page([f"{name}{at}"], following)
            return Call("list", {"method": "get", "url": "/"}, lambda *_: result)

        return call

    def run(call: pagination.Call[pagination.Page[str]]) -> pagination.Page[str]:
        return call.parse(None)  # type: ignore[arg-type]

    sources = [source("a", 2), source("b", 3)]
    pages = list(Paginator(run, sources).pages())
    assert [p.items[0] for p in pages] == ["a0", "a1", "b0", "b1", "b2"]
    assert decode(pages[1].next_token or "") == {"span": "1", "token": None}
    resumed = Paginator(run, sources, next_token=pages[2].next_token)
    assert list(resumed) == ["b1", "b2"]
    with pytest.raises(errors.ConfigurationError, match="part '2' of a 2-part listing"):
        Paginator(run, sources, next_token=encode({"span": "2", "token": None}))
    chain = pagination.Chain.of(sources)
    assert run(chain(pages[0].next_token)).next_token == pages[1].next_token


# --- item 12: servers that answer without getting anywhere ---


def endless(reply: Callable[[int], httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
    count = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        return reply(count) if count <= GUARD else error(400, "the test's guard")

    return answer


def test_empty_pages_with_fresh_cursors_end_in_pagination_error(
    api: MockAPI, client: Amperity
) -> None:
    api.on("GET", "/segments", endless(lambda n: page([], f"c{n}")))
    with pytest.raises(errors.PaginationError, match="50 pages in a row came back empty"):
        list(client.segments.list())
    assert len(api.requests) == pagination.MAX_EMPTY_PAGES == 50


@pytest.mark.anyio
async def test_empty_pages_with_fresh_cursors_end_in_pagination_error_async(
    api: MockAPI,
) -> None:
    api.on("GET", "/audit-events", endless(lambda n: page([], f"c{n}")))
    async with make_async(api) as client:
        with pytest.raises(errors.PaginationError, match="came back empty"):
            [e async for e in client.audit_events.list()]
    assert len(api.requests) == 50


def test_server_ignoring_the_cursor_ends_in_pagination_error(
    api: MockAPI, client: Amperity
) -> None:
    first = [SEG, {**SEG, "id": "seg-2"}]
    api.on("GET", "/segments", endless(lambda n: page(first, f"fresh-{n}")))
    seen = []
    with pytest.raises(errors.PaginationError, match="ignores the cursor"):
        for segment in client.segments.list():
            seen.append(segment.id)
    assert seen == ["seg-1", "seg-2"]  # page one once, not its copy
    assert len(api.requests) == 2


@pytest.mark.anyio
async def test_server_ignoring_the_cursor_ends_in_pagination_error_async(
    api: MockAPI,
) -> None:
    api.on("GET", "/ingest/jobs", endless(lambda n: page([job("isj-1")], f"fresh-{n}")))
    async with make_async(api) as client:
        listing = client.ingest_jobs.list(created_from=FROM, created_to="2026-10-20")
        with pytest.raises(errors.PaginationError, match="ignores the cursor"):
            [j async for j in listing]
    assert len(api.requests) == 2


def test_server_ignoring_the_cursor_with_one_token(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", endless(lambda n: page([{**SEG, "id": f"seg-{n}"}], "same")))
    with pytest.raises(errors.PaginationError, match="second time"):
        list(client.segments.list())
    assert len(api.requests) == 2


@pytest.mark.anyio
async def test_server_ignoring_the_cursor_with_one_token_async(api: MockAPI) -> None:
    api.on("GET", "/segments", endless(lambda n: page([{**SEG, "id": f"seg-{n}"}], "same")))
    async with make_async(api) as client:
        with pytest.raises(errors.PaginationError, match="second time"):
            [s async for s in client.segments.list()]
    assert len(api.requests) == 2


def test_a_few_empty_pages_are_still_followed(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([], "c1"), page([], "c2"), page([], "c3"), page([SEG]))
    assert [s.id for s in client.segments.list()] == ["seg-1"]


def test_empty_pages_limit_is_a_setting(
    api: MockAPI, client: Amperity, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.on("GET", "/segments", endless(lambda n: page([], f"c{n}")))
    monkeypatch.setattr(pagination, "MAX_EMPTY_PAGES", 5)
    with pytest.raises(errors.PaginationError, match="5 pages in a row"):
        list(client.segments.list())
    assert len(api.requests) == 5
    calls = []

    def source(token: str | None) -> pagination.Call[pagination.Page[str]]:
        calls.append(token)
        empty = pagination.Page[str]([], f"c{len(calls)}")
        return Call("list", {"method": "get", "url": "/"}, lambda *_: empty)

    paginator = Paginator(lambda call: call.parse(None), [source], max_empty_pages=2)  # type: ignore[arg-type]
    with pytest.raises(errors.PaginationError, match="2 pages in a row"):
        list(paginator)
    assert calls == [None, "c1"]
    with pytest.raises(errors.ConfigurationError, match="max_empty_pages"):
        Paginator(client._execute, [source], max_empty_pages=0)


def test_empty_windows_are_not_empty_pages(api: MockAPI, client: Amperity) -> None:
    """A long ingest range crosses many windows with nothing in them: each answers one
    empty page without a cursor, which is an ending, not a server going nowhere."""
    api.on("GET", "/ingest/jobs", page([]))
    assert list(client.ingest_jobs.list(created_from="2025-01-01", created_to="2026-03-01")) == []
    assert len(api.requests) == 61


def test_memory_of_seen_cursors_is_bounded() -> None:
    def source(token: str | None) -> pagination.Call[pagination.Page[int]]:
        raise AssertionError("not called")

    walk = pagination.Walk.factory([source], None, None)()
    for n in range(5 * pagination.SEEN_CURSORS):
        walk.accept(pagination.Page([n], f"cursor-{n:06d}-" + "x" * 200))
    remembered = [kept for memory in walk._memory.values() for kept in memory]
    assert remembered and all(len(v) <= pagination.SEEN_CURSORS for v in remembered)
    walk.accept(pagination.Page([-1], f"cursor-{5 * pagination.SEEN_CURSORS - 1:06d}-" + "x" * 200))
    with pytest.raises(errors.PaginationError, match="second time"):
        walk.next_call()


def test_max_items_never_cuts_a_page_so_its_cursor_resumes_exactly(fake: FakeAmperity) -> None:
    with fake_client(fake) as client:
        everything = [s.id for s in client.segments.list(limit=100)]
        first = list(client.segments.list(limit=100, max_items=150).pages())
        assert [len(p.items) for p in first] == [100, 50]
        assert first[-1].next_token is not None
        rest = [s.id for s in client.segments.list(limit=100, next_token=first[-1].next_token)]
    taken = [s.id for p in first for s in p.items]
    assert taken + rest == everything  # nothing skipped, nothing twice


@pytest.mark.anyio
async def test_max_items_never_cuts_a_page_async(fake: FakeAmperity) -> None:
    async with AsyncAmperity(
        tenant=fake.tenant, token=fake.token, transport=fake.async_transport(), rate_limit=None
    ) as client:
        everything = [s.id async for s in client.segments.list(limit=40)]
        first = [p async for p in client.segments.list(limit=40, max_items=70).pages()]
        assert [len(p.items) for p in first] == [40, 30]
        cursor = first[-1].next_token
        rest = [s.id async for s in client.segments.list(limit=40, next_token=cursor)]
    assert [s.id for p in first for s in p.items] + rest == everything
