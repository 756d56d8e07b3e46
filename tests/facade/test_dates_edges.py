"""Times at the edges of the calendar and of floats (issue 10, item 7), and reversed ranges
(item 22): ConfigurationError naming the argument, before any request, never OverflowError
or a wait that never ends."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from amperity_facade import Amperity, errors

from .conftest import MockAPI, error, make_async, page, workflow

GUARD = 30  # polls after which the mock answers 404, so an endless wait fails, not hangs


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


def test_ingest_windows_reach_the_end_of_year_9999(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/ingest/jobs", page([]))
    listing = client.ingest_jobs.list(
        created_from="9999-12-20", created_to=dt.datetime(9999, 12, 31, 23, 59, 59)
    )
    assert list(listing) == []
    assert [(query(r)["created_from"][0], query(r)["created_to"][0]) for r in api.requests] == [
        ("9999-12-20T00:00:00+00:00", "9999-12-27T00:00:00+00:00"),
        ("9999-12-27T00:00:00+00:00", "9999-12-31T23:59:59+00:00"),
    ]


@pytest.mark.anyio
async def test_ingest_windows_reach_the_end_of_year_9999_async(api: MockAPI) -> None:
    api.on("GET", "/ingest/jobs", page([]))
    async with make_async(api) as client:
        listing = client.ingest_jobs.list(created_from="9999-12-28", created_to="9999-12-31")
        assert [j async for j in listing] == []
    assert len(api.requests) == 1


BEYOND_UTC = [
    ("happened_from", "0001-01-01T00:00:00+01:00"),
    ("happened_to", "9999-12-31T23:30:00-01:00"),
    ("happened_from", dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))),
]


@pytest.mark.parametrize(("name", "value"), BEYOND_UTC)
def test_time_beyond_utc_range_names_the_argument(
    api: MockAPI, client: Amperity, name: str, value: Any
) -> None:
    with pytest.raises(errors.ConfigurationError, match=f"{name}=.* outside the years 1 to 9999"):
        client.audit_events.list(**{name: value})
    with pytest.raises(errors.ConfigurationError, match=r"range_from=.* outside"):
        client.workflows.run("cg-1", range_from=value)
    assert api.requests == []


@pytest.mark.anyio
async def test_time_beyond_utc_range_names_the_argument_async(api: MockAPI) -> None:
    async with make_async(api) as client:
        with pytest.raises(errors.ConfigurationError, match=r"created_to=.* outside"):
            client.ingest_jobs.list(
                created_from="9999-12-30", created_to="9999-12-31T23:30:00-01:00"
            )
        with pytest.raises(errors.ConfigurationError, match=r"ended_from=.* outside"):
            client.workflows.list(ended_from="0001-01-01T00:30:00+00:45")
    assert api.requests == []


WAITS = [
    ({"timeout": math.nan}, "timeout must be a positive, finite number"),
    ({"timeout": math.inf}, "timeout must be a positive, finite number"),
    ({"poll_interval": math.nan}, "poll_interval must be a positive, finite number"),
    ({"poll_interval": -math.inf}, "poll_interval"),
    ({"timeout": 10**400}, "timeout .* got an integer of 1329 bits"),
    ({"timeout": 10**5000}, "timeout .* got an integer of"),
]


def still_running(api: MockAPI) -> None:
    replies = [httpx.Response(200, json=workflow(state="running"))] * GUARD + [error(404)]
    api.on("GET", "/workflow/runs/wf-1", *replies)


@pytest.mark.parametrize(("kwargs", "problem"), WAITS)
def test_wait_refuses_a_timeout_that_never_runs_out(
    api: MockAPI, client: Amperity, kwargs: dict[str, float], problem: str
) -> None:
    still_running(api)
    kwargs.setdefault("poll_interval", 0.001)
    with pytest.raises(errors.ConfigurationError, match=problem):
        client.workflows.wait("wf-1", **kwargs)
    assert api.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("kwargs", "problem"), WAITS)
async def test_wait_refuses_a_timeout_that_never_runs_out_async(
    api: MockAPI, kwargs: dict[str, float], problem: str
) -> None:
    still_running(api)
    kwargs.setdefault("poll_interval", 0.001)
    async with make_async(api) as client:
        with pytest.raises(errors.ConfigurationError, match=problem):
            await client.workflows.wait("wf-1", **kwargs)
    assert api.requests == []


REVERSED = [
    (
        "audit_events",
        {"happened_from": "2026-10-08", "happened_to": "2026-10-01"},
        r"happened_to \(2026-10-01T00:00:00\+00:00\) must not be before happened_from",
    ),
    (
        "workflows",
        {"created_from": "2026-10-08T12:00:00+02:00", "created_to": "2026-10-08"},
        r"created_to \(2026-10-08T00:00:00\+00:00\) must not be before created_from "
        r"\(2026-10-08T10:00:00\+00:00\)",
    ),
    (
        "workflows",
        {"ended_from": dt.date(2026, 10, 2), "ended_to": dt.datetime(2026, 10, 1)},
        r"ended_to .* must not be before ended_from",
    ),
    (
        "ingest_jobs",
        {"created_from": "2026-10-08", "created_to": "2026-10-01"},
        r"created_to .* must be after created_from",
    ),
]


@pytest.mark.parametrize(("resource", "kwargs", "problem"), REVERSED)
def test_reversed_range_names_both_ends_before_any_request(
    api: MockAPI, client: Amperity, resource: str, kwargs: dict[str, Any], problem: str
) -> None:
    api.on("GET", "/audit-events", page([]))
    api.on("GET", "/workflow/runs", page([]))
    with pytest.raises(errors.ConfigurationError, match=problem):
        getattr(client, resource).list(**kwargs)
    assert api.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("resource", "kwargs", "problem"), REVERSED)
async def test_reversed_range_names_both_ends_before_any_request_async(
    api: MockAPI, resource: str, kwargs: dict[str, Any], problem: str
) -> None:
    api.on("GET", "/audit-events", page([]))
    api.on("GET", "/workflow/runs", page([]))
    async with make_async(api) as client:
        with pytest.raises(errors.ConfigurationError, match=problem):
            getattr(client, resource).list(**kwargs)
    assert api.requests == []


def test_an_empty_range_is_not_reversed(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/audit-events", page([]))
    api.on("GET", "/workflow/runs", page([]))
    assert (
        list(client.audit_events.list(happened_from="2026-10-01", happened_to="2026-10-01")) == []
    )
    assert list(client.workflows.list(ended_from="2026-10-01", ended_to="2026-10-01")) == []
    assert len(api.requests) == 2


def test_naive_times_and_bare_dates_are_utc(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/audit-events", page([]))
    list(
        client.audit_events.list(happened_from=dt.date(2026, 10, 1), happened_to="2026-10-02T03:04")
    )
    assert query(api.requests[0]) == {
        "happened_from": ["2026-10-01T00:00:00+00:00"],
        "happened_to": ["2026-10-02T03:04:00+00:00"],
        "with_total": ["false"],
    }
