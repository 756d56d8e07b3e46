"""Ids become one percent-encoded path segment: they can never reach another endpoint, add a
query or a fragment, or be normalised away (`.` and `..` alone are refused)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade.testing import FakeAmperity

from .conftest import SMALL, static_in_process


@pytest.fixture
def fake() -> FakeAmperity:
    """Not started: the clients reach it in process. Its transport hands the fake the request
    target exactly as it would go on the request line (the raw, percent-encoded path)."""
    return FakeAmperity(tenant="acme", seed=7, **SMALL)


IDS = [
    "a/b",
    "../segments",
    "../../v0/oauth2/token",
    "wf-1/stop",
    "x?view=verbose",
    "x#frag",
    "a/../b",
    "%2e%2e",
    "..%2F..",
    "sp ace",
    "./x",
    "x/.",
    "...",
]
# operation name, path template, sync call, async call
CALLS: list[tuple[str, str, Callable[[Any, str], Any]]] = [
    ("get-workflow", "/api/workflow/runs/{}", lambda c, i: c.workflows.get(i)),
    ("stop-workflow", "/api/workflow/runs/{}/stop", lambda c, i: c.workflows.stop(i)),
    ("get-ingest-job", "/api/ingest/jobs/{}", lambda c, i: c.ingest_jobs.get(i)),
]


@pytest.mark.parametrize("value", IDS)
@pytest.mark.parametrize(("operation", "template", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_sync_ids_are_one_encoded_segment(
    fake: FakeAmperity, operation: str, template: str, call: Callable[[Any, str], Any], value: str
) -> None:
    with Amperity(**static_in_process(fake)) as client, pytest.raises(errors.NotFoundError):
        call(client, value)
    (request,) = fake.requests
    assert request.path == template.format(quote(value, safe=""))
    assert request.operation == operation
    assert request.query == {}


@pytest.mark.parametrize("value", ["a/b", "../segments", "x?y", "x#y"])
@pytest.mark.parametrize(("operation", "template", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_async_ids_are_one_encoded_segment(
    fake: FakeAmperity, operation: str, template: str, call: Callable[[Any, str], Any], value: str
) -> None:
    async def main() -> None:
        async with AsyncAmperity(**static_in_process(fake, asynchronous=True)) as client:
            with pytest.raises(errors.NotFoundError):
                await call(client, value)

    asyncio.run(main())
    (request,) = fake.requests
    assert request.path == template.format(quote(value, safe=""))
    assert request.operation == operation


@pytest.mark.parametrize("value", [".", "..", "", "   "])
@pytest.mark.parametrize(("operation", "template", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_dot_segments_and_blank_ids_are_refused(
    fake: FakeAmperity, operation: str, template: str, call: Callable[[Any, str], Any], value: str
) -> None:
    with Amperity(**static_in_process(fake)) as client, pytest.raises(errors.ConfigurationError):
        call(client, value)

    async def main() -> None:
        async with AsyncAmperity(**static_in_process(fake, asynchronous=True)) as client:
            with pytest.raises(errors.ConfigurationError):
                await call(client, value)

    asyncio.run(main())
    assert fake.requests == []


def test_a_real_id_still_works(fake: FakeAmperity) -> None:
    with Amperity(**static_in_process(fake)) as client:
        workflow = client.workflows.list(limit=1).first_page().items[0]
        assert client.workflows.get(workflow.id).id == workflow.id
    assert fake.requests[-1].path == f"/api/workflow/runs/{quote(workflow.id, safe='')}"
