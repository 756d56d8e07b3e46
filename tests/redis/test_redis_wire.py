"""Counted at a real HTTP server: clients that share a budget through Redis never send more
than N requests in any one-second window, from threads and asyncio tasks alike, each client
with its own Redis connections as separate processes would have. The server is the fake
tenant with its 10-requests-per-second limit, which answers 429 past it; the OAuth flow
(slots taken before the token is chosen) and its token requests draw on the same budget."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, RedisRateLimiter
from amperity_facade.testing import FakeAmperity

from .conftest import RedisServer

LIMIT = 10
SEGMENTS = 20
PAGE = 5  # four pages an export


def busiest_second(fake: FakeAmperity) -> int:
    """The most requests the server received in any one-second window."""
    arrivals = sorted(request.at for request in fake.requests)
    most = 0
    start = 0
    for end, at in enumerate(arrivals):
        while at - arrivals[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def in_flight(server: RedisServer, key: str) -> int:
    """Members still leased (not released): more than a window ahead of the server's now."""
    with server.client() as client:
        seconds, micros = client.time()
        now = seconds + micros / 1e6
        return int(client.zcount(key, now + 1.5, "+inf"))


def export_in_threads(clients: list[Amperity], threads_each: int) -> list[int]:
    counts: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def export(client: Amperity) -> None:
        try:
            ids = [segment.id for segment in client.segments.list(limit=PAGE)]
            with lock:
                counts.append(len(ids))
        except BaseException as exc:  # collected: an exception in a thread would be lost
            failures.append(exc)

    threads = [
        threading.Thread(target=export, args=(client,))
        for client in clients
        for _ in range(threads_each)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    return counts


@pytest.mark.slow  # about 5 s at 10 requests a second
def test_threads_and_tasks_on_many_limiters_never_exceed_the_budget(
    redis_server: RedisServer, prefix: str
) -> None:
    with FakeAmperity(segments=SEGMENTS, rate_limit=LIMIT) as fake:
        base: dict[str, Any] = {
            "tenant": fake.tenant,
            "token": fake.token,
            "base_url": fake.base_url,
        }
        stores = [RedisRateLimiter(redis_server.url, prefix=prefix) for _ in range(4)]
        clients = [Amperity(**base, rate_limiter=store) for store in stores[:3]]

        async def tasks() -> list[int]:
            async with AsyncAmperity(**base, rate_limiter=stores[3]) as client:

                async def export() -> int:
                    return len([s.id async for s in client.segments.list(limit=PAGE)])

                counts = await asyncio.gather(*(export() for _ in range(4)))
                await stores[3].aclose()
                return list(counts)

        from_tasks: list[int] = []
        runner = threading.Thread(target=lambda: from_tasks.extend(asyncio.run(tasks())))
        started = time.monotonic()
        runner.start()
        counts = export_in_threads(clients, threads_each=3)
        runner.join(timeout=120)
        elapsed = time.monotonic() - started
        for client in clients:
            client.close()
        for store in stores:
            store.close()
        assert counts + from_tasks == [SEGMENTS] * 13  # 9 thread exports, 4 task exports
        assert fake.count(status=429) == 0
        assert busiest_second(fake) <= LIMIT
        assert len(fake.requests) == 13 * 4
        assert elapsed > 4  # 52 requests at 10 a second: the budget was enforced
        assert in_flight(redis_server, f"{prefix}:{fake.tenant}:control-plane") == 0


@pytest.mark.slow  # a few seconds at 10 requests a second
def test_oauth_slots_and_token_requests_share_the_budget(
    redis_server: RedisServer, prefix: str
) -> None:
    with FakeAmperity(segments=SEGMENTS, rate_limit=LIMIT) as fake:
        base: dict[str, Any] = {
            "tenant": fake.tenant,
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "base_url": fake.base_url,
        }
        store = RedisRateLimiter(redis_server.url, prefix=prefix)
        with Amperity(**base, rate_limiter=store) as client:
            counts = export_in_threads([client], threads_each=4)
            fake.expire_tokens()  # the next calls get a 401, refresh and replay
            counts += export_in_threads([client], threads_each=2)

        async def main() -> list[int]:
            async with AsyncAmperity(**base, rate_limiter=store) as client:

                async def export() -> int:
                    return len([s.id async for s in client.segments.list(limit=PAGE)])

                first = await asyncio.gather(*(export() for _ in range(3)))
                fake.expire_tokens()
                second = await asyncio.gather(*(export() for _ in range(2)))
                await store.aclose()
                return [*first, *second]

        counts += asyncio.run(main())
        store.close()
        assert counts == [SEGMENTS] * 11
        assert fake.count(operation="create-token") >= 4  # two clients, each refreshed once
        assert fake.count(status=401) >= 2
        assert fake.count(status=429) == 0
        assert busiest_second(fake) <= LIMIT
        # Every slot taken by the auth flow was released by the transport (or cancelled).
        assert in_flight(redis_server, f"{prefix}:{fake.tenant}:control-plane") == 0
