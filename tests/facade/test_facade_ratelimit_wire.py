"""The default client against a server enforcing 10 requests per second: what the server
sees (arrival times in its own log) never exceeds the limit, threads and tasks alike, even
on fresh connections whose setup delays the first burst."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpcore
import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity
from amperity_facade.testing import FakeAmperity


def busiest_window(arrivals: list[float]) -> int:
    arrivals = sorted(arrivals)
    return max(sum(1 for t in arrivals[i:] if t - start < 1.0) for i, start in enumerate(arrivals))


class SlowConnect(httpcore.SyncBackend):
    """Opening a connection takes 150 ms, like TCP + TLS to a distant server."""

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        time.sleep(0.15)
        return super().connect_tcp(*args, **kwargs)


class AsyncSlowConnect(httpcore.AnyIOBackend):
    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        await asyncio.sleep(0.15)
        return await super().connect_tcp(*args, **kwargs)


def slow_transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(network_backend=SlowConnect())
    return transport


def async_slow_transport() -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport()
    transport._pool = httpcore.AsyncConnectionPool(network_backend=AsyncSlowConnect())
    return transport


@pytest.fixture
def fake() -> FakeAmperity:
    with FakeAmperity(rate_limit=10, workflows=5) as running:
        yield running  # type: ignore[misc]


def test_threads_never_trip_the_server_limit(fake: FakeAmperity) -> None:
    with Amperity(
        tenant=fake.tenant, token=fake.token, base_url=fake.base_url, max_retries=0
    ) as client:
        threads = [
            threading.Thread(target=lambda: [client.segments.list().first_page() for _ in range(6)])
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert fake.count(status=429) == 0
    assert fake.count(operation="list-segment", status=200) == 24
    assert busiest_window([r.at for r in fake.requests]) <= 10


def test_tasks_on_fresh_connections_never_trip_the_server_limit(fake: FakeAmperity) -> None:
    async def main() -> None:
        async with AsyncAmperity(
            tenant=fake.tenant, token=fake.token, base_url=fake.base_url, max_retries=0,
            transport=async_slow_transport(),
        ) as client:  # fmt: skip
            await asyncio.gather(*(client.segments.list(limit=10).first_page() for _ in range(25)))

    asyncio.run(main())
    assert fake.count(status=429) == 0
    assert fake.count(operation="list-segment", status=200) == 25
    assert busiest_window([r.at for r in fake.requests]) <= 10
