"""Streaming Ingest and Real-Time events end to end against the fake on loopback: every record
exactly once by request id, or reported, under faults; sync and async."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors
from amperity_facade.testing import FakeAmperity, Fault

STREAM = "is-e2e0001"
RETRIES = RetryPolicy(max_retries=6, backoff_base=0.001, backoff_max=0.004)


def records(count: int) -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield {"n": n, "email": f"customer-{n:05d}@example.com"}


def faults(fake: FakeAmperity, count: int) -> None:
    """About 5% of requests fail, in every way a stream can: before and after storing."""
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("status", {"status": 503}),
        ("status", {"status": 429}),
        ("drop", {}),
        ("drop-after-accept", {}),
    ]
    for offset, (kind, extra) in enumerate(kinds):
        for number in range(7 + 20 * offset, count, 80):
            fake.inject(Fault(kind, operation="post-stream-data", request_number=number, **extra))


def exactly_once(fake: FakeAmperity, report: Any, count: int) -> Counter[int]:
    """Each record stored once, or several times under one request id; none under two."""
    stored = fake.stream_records(STREAM)
    ids_by_record: dict[int, set[str]] = {}
    for request_id, record in stored:
        ids_by_record.setdefault(record["n"], set()).add(request_id)
    rejected = {r.index for r in report.rejected}
    assert all(len(ids) == 1 for ids in ids_by_record.values()), "a record under two ids"
    assert set(ids_by_record) | rejected == set(range(count)), "records lost"
    assert not set(ids_by_record) & rejected, "a rejected record was stored"
    return Counter(record["n"] for _, record in stored)


@pytest.mark.slow
def test_send_many_under_faults_loses_nothing_sync() -> None:
    count = 2_000
    with FakeAmperity() as fake:
        faults(fake, count)
        with Amperity(
            tenant=fake.tenant,
            token=fake.token,
            base_url=fake.base_url,
            retry_policy=RETRIES,
            streaming_rate_limit=None,
        ) as client:
            report = client.streams.send_many(
                STREAM, records(count), concurrency=16, on_error="collect"
            )
        copies = exactly_once(fake, report, count)
    assert report.accepted_count + len(report.rejected) == count
    assert report.retried > 0 and max(copies.values()) >= 2  # drop-after-accept did happen


@pytest.mark.slow
def test_send_many_under_faults_loses_nothing_async() -> None:
    count = 2_000

    async def run(fake: FakeAmperity) -> Any:
        async with AsyncAmperity(
            tenant=fake.tenant,
            token=fake.token,
            base_url=fake.base_url,
            retry_policy=RETRIES,
            streaming_rate_limit=None,
        ) as client:
            return await client.streams.send_many(
                STREAM, records(count), concurrency=16, on_error="collect"
            )

    with FakeAmperity() as fake:
        faults(fake, count)
        report = asyncio.run(run(fake))
        exactly_once(fake, report, count)
    assert report.accepted_count + len(report.rejected) == count


def test_send_is_refused_by_the_fake_the_way_the_vendor_says() -> None:
    with (
        FakeAmperity(max_stream_bytes=2_000) as fake,
        Amperity(
            tenant=fake.tenant, token=fake.token, base_url=fake.base_url, max_stream_bytes=10_000
        ) as client,
    ):
        receipt = client.streams.send(STREAM, {"n": 1}, request_id="mine-7")
        assert (receipt.status, receipt.request_id) == (202, "mine-7")
        with pytest.raises(errors.APIStatusError) as too_big:
            client.streams.send(STREAM, {"blob": "x" * 5_000})
        assert too_big.value.status_code == 413
        assert fake.count(operation="post-stream-data", status=413) == 1  # not retried
        assert fake.stream_records(STREAM) == [("mine-7", {"n": 1})]


def test_send_many_stays_within_the_stream_rate_limit() -> None:
    with (
        FakeAmperity(rate_limits={"streaming": 40}) as fake,
        Amperity(
            tenant=fake.tenant, token=fake.token, base_url=fake.base_url, streaming_rate_limit=40
        ) as client,
    ):
        report = client.streams.send_many(STREAM, records(60), concurrency=8)
        assert report.accepted_count == 60 and report.retried == 0
        assert fake.count(status=429) == 0


def test_events_accepted_dropped_and_refused() -> None:
    with (
        FakeAmperity() as fake,
        Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url) as client,
    ):
        by_behaviour = {s.behaviour: s.id for s in fake.event_streams}
        event = {"type": "page_view", "page": "/cart"}
        assert client.realtime.send_event(by_behaviour["accepting"], event) == "accepted"
        assert client.realtime.send_event(by_behaviour["dropping"], event) == "dropped"
        with pytest.raises(errors.ConflictError):
            client.realtime.send_event(by_behaviour["not-accepting"], event)
        assert fake.events(by_behaviour["accepting"]) == [event]
