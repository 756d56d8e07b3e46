"""The default client against a server enforcing 10 requests per second does not trip it,
threads and tasks alike, even on fresh connections whose setup delays the first burst by
150 ms (stamping slots before the connection exists gives about ten 429s here). The fake runs
in its own process so its arrival clock does not share the GIL with the client threads; one
429 is tolerated for scheduling jitter on a loaded machine (the 30 ms margin can be
outrun by a starved server process), and it is retried, so every call still succeeds."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity


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


@pytest.fixture(scope="module")
def server() -> Iterator[dict[str, str]]:
    """A rate-limited fake in a child process; yields its base_url and token."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "amperity_facade.testing", "--port", "0", "--rate-limit", "10"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    info: dict[str, str] = {"tenant": "acme"}
    for line in proc.stdout:  # the launcher prints where things are, never the secrets
        if line.startswith("Serving"):
            break
        if line.startswith("Fake Amperity API at "):
            info["base_url"] = line.split(" at ", 1)[1].strip()
        elif "static token in " in line:
            path = line.split(" in ", 1)[1].strip()
            with open(path, encoding="utf-8") as handle:
                info["token"] = handle.read().strip()
    try:
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def settings(server: dict[str, str]) -> dict[str, Any]:
    # A fresh second after the previous test's burst, then the default limiter (10/s).
    time.sleep(1.1)
    return {
        "tenant": server["tenant"],
        "token": server["token"],
        "base_url": server["base_url"],
    }


def rate_limited_retries(caplog: pytest.LogCaptureFixture) -> int:
    return sum("after status 429" in r.getMessage() for r in caplog.records)


@pytest.mark.slow  # waits out the server's window, then seconds of 10/s traffic
def test_threads_never_trip_the_server_limit(
    server: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="amperity_facade")
    failures: list[BaseException] = []

    def export(client: Amperity) -> None:
        try:
            for _ in range(6):
                client.segments.list().first_page()
        except BaseException as exc:  # collected: a thread's exception would be lost
            failures.append(exc)

    with Amperity(**settings(server), transport=slow_transport()) as client:
        threads = [threading.Thread(target=export, args=(client,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    assert rate_limited_retries(caplog) <= 1


@pytest.mark.slow
def test_tasks_on_fresh_connections_never_trip_the_server_limit(
    server: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="amperity_facade")

    async def main() -> None:
        async with AsyncAmperity(**settings(server), transport=async_slow_transport()) as client:
            await asyncio.gather(*(client.segments.list(limit=10).first_page() for _ in range(25)))

    asyncio.run(main())
    assert rate_limited_retries(caplog) <= 1
