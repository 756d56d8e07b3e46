"""Issue 10, item 8: a closed client raises errors.ClientClosedError on every call.

Not httpx's RuntimeError ("Cannot send a request, as the client has been closed"): any call
after close()/aclose(), iterating a paginator made before closing, and calls through a
client derived with `with_options` (before or after the close) all raise ClientClosedError,
an AmperityError, and nothing reaches the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    Serve,
    json_reply,
    segments_page,
    sequence,
    static_args,
    workflow,
)


def closed_error() -> type[Exception]:
    cls: type[Exception] = errors.ClientClosedError  # type: ignore[attr-defined]
    return cls


def test_item08_client_closed_error_is_an_amperity_error() -> None:
    assert issubclass(closed_error(), errors.AmperityError)


SYNC_CALLS: dict[str, Callable[[Amperity], Any]] = {
    "segments.first_page": lambda c: c.segments.list().first_page(),
    "segments.iterate": lambda c: list(c.segments.list()),
    "campaigns.list": lambda c: list(c.campaigns.list()),
    "audit_events.pages": lambda c: list(c.audit_events.list().pages()),
    "workflows.get": lambda c: c.workflows.get("wf-1"),
    "workflows.run": lambda c: c.workflows.run("cg-1"),
    "workflows.stop": lambda c: c.workflows.stop("wf-1"),
    "workflows.wait": lambda c: c.workflows.wait("wf-1", poll_interval=0.01),
    "ingest_jobs.get": lambda c: c.ingest_jobs.get("ij-1"),
}


@pytest.mark.parametrize("call", list(SYNC_CALLS))
def test_item08_call_after_close_raises_client_closed(serve: Serve, call: str) -> None:
    server = serve(sequence(segments_page(1)))
    client = Amperity(**static_args(server))
    client.close()
    with pytest.raises(closed_error()):
        SYNC_CALLS[call](client)
    assert server.count() == 0


def test_item08_paginator_made_before_close_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(segments_page(1)))
    with Amperity(**static_args(server)) as client:
        items = client.segments.list()
        pages = client.segments.list().pages()
    with pytest.raises(closed_error()):
        list(items)
    with pytest.raises(closed_error()):
        next(pages)
    assert server.count() == 0


def test_item08_paginator_closed_mid_walk_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(segments_page(2, next_token="c2")))
    client = Amperity(**static_args(server))
    walk = iter(client.segments.list())
    next(walk)
    next(walk)
    client.close()
    with pytest.raises(closed_error()):
        next(walk)
    assert server.count() == 1


def test_item08_derived_after_close_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(segments_page(1)))
    client = Amperity(**static_args(server))
    client.close()
    with pytest.raises(closed_error()):
        client.with_options(timeout=5).segments.list().first_page()
    assert server.count() == 0


def test_item08_derived_before_close_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(segments_page(1)))
    client = Amperity(**static_args(server))
    derived = client.with_options(max_retries=0)
    client.close()
    with pytest.raises(closed_error()):
        derived.segments.list().first_page()
    assert server.count() == 0


def test_item08_close_twice_is_harmless(serve: Serve) -> None:
    server = serve(sequence(segments_page(1)))
    client = Amperity(**static_args(server))
    client.close()
    client.close()
    with pytest.raises(closed_error()):
        client.segments.list().first_page()


# -- async --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_item08_call_after_aclose_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(json_reply(workflow())))
    client = AsyncAmperity(**static_args(server))
    await client.aclose()
    with pytest.raises(closed_error()):
        await client.segments.list().first_page()
    with pytest.raises(closed_error()):
        await client.workflows.get("wf-1")
    with pytest.raises(closed_error()):
        await client.workflows.run("cg-1")
    assert server.count() == 0


@pytest.mark.anyio
async def test_item08_async_paginator_made_before_close_raises_client_closed(
    serve: Serve,
) -> None:
    server = serve(sequence(segments_page(1)))
    async with AsyncAmperity(**static_args(server)) as client:
        items = client.segments.list()
    with pytest.raises(closed_error()):
        async for _ in items:
            pass
    assert server.count() == 0


@pytest.mark.anyio
async def test_item08_async_derived_raises_client_closed(serve: Serve) -> None:
    server = serve(sequence(segments_page(1)))
    client = AsyncAmperity(**static_args(server))
    before = client.with_options(timeout=5)
    await client.aclose()
    with pytest.raises(closed_error()):
        await before.segments.list().first_page()
    with pytest.raises(closed_error()):
        await client.with_options(timeout=5).segments.list().first_page()
    assert server.count() == 0
