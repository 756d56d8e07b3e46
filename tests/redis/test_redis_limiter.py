"""The Redis budget's script against a real redis-server: capacity, in-flight slots, release,
cancel, lease expiry after a crash, fractional rates, and the async forms (cancellation
included). Waits are read from the script's answers rather than timed, where possible."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from amperity_facade import RedisRateLimiter
from amperity_facade._redis import RedisLimiter

from .conftest import RedisServer


def budget(server: RedisServer, prefix: str, rate: float, **kwargs: object) -> RedisLimiter:
    store = RedisRateLimiter(server.url, prefix=prefix, **kwargs)  # type: ignore[arg-type]
    return store.limiter("acme", "control-plane", rate)


def ask(limiter: RedisLimiter, slot: str = "probe") -> float | None:
    """One acquire attempt: None (taken) or the wait the script answered."""
    return limiter._store.try_acquire(limiter.key, limiter.capacity, limiter.window, slot)


def members(server: RedisServer, key: str) -> dict[str, float]:
    with server.client() as client:
        now = float(client.time()[0]) + client.time()[1] / 1e6
        found = client.zrange(key, 0, -1, withscores=True)
    return {member.decode(): score - now for member, score in found}


def test_the_key_names_prefix_tenant_and_family(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 10)
    assert limiter.key == f"{prefix}:acme:control-plane"
    slot = limiter.acquire()
    assert slot is not None and slot in members(redis_server, limiter.key)


def test_at_most_capacity_slots_and_in_flight_slots_count(
    redis_server: RedisServer, prefix: str
) -> None:
    limiter = budget(redis_server, prefix, 3)
    slots = [limiter.acquire() for _ in range(3)]
    assert len(set(slots)) == 3
    # All three in flight: none can free sooner than one window after its answer.
    assert ask(limiter) == pytest.approx(1.0)
    leases = members(redis_server, limiter.key)
    assert all(290 < left <= 300 for left in leases.values()), leases


def test_release_frees_one_window_after_the_answer(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 2)
    first, second = limiter.acquire(), limiter.acquire()
    limiter.release(first)
    assert first is not None
    assert 0.9 < members(redis_server, limiter.key)[first] <= 1.0
    wait = ask(limiter)
    assert wait is not None and 0.9 < wait <= 1.0  # the released slot, not the in-flight one
    started = time.monotonic()
    third = limiter.acquire()  # waits for the released slot
    assert 0.8 < time.monotonic() - started < 3
    assert set(members(redis_server, limiter.key)) == {second, third}


def test_cancel_frees_at_once(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 1)
    slot = limiter.acquire()
    assert ask(limiter) is not None
    limiter.cancel(slot)
    assert members(redis_server, limiter.key) == {}
    assert ask(limiter) is None


def test_asking_again_with_a_held_slot_id_keeps_it(redis_server: RedisServer, prefix: str) -> None:
    """An acquire whose answer was lost is sent again with the same id (redis-py retries):
    the slot is the one already held, not a second one."""
    limiter = budget(redis_server, prefix, 2)
    assert ask(limiter, "same") is None
    assert ask(limiter, "same") is None
    assert list(members(redis_server, limiter.key)) == ["same"]


def test_a_late_release_still_counts_the_answer(redis_server: RedisServer, prefix: str) -> None:
    """A request that outlived its lease: its member was dropped, and the release puts it
    back for one window (more members than capacity only makes others wait)."""
    limiter = budget(redis_server, prefix, 1)
    slot = limiter.acquire()
    assert slot is not None
    with redis_server.client() as client:
        client.zrem(limiter.key, slot)  # as if the lease had run out
    limiter.release(slot)
    assert 0.9 < members(redis_server, limiter.key)[slot] <= 1.0
    assert ask(limiter) is not None


def test_the_key_expires_after_its_last_slot(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 5, lease=2.0)
    limiter.release(limiter.acquire())
    with redis_server.client() as client:
        ttl = client.pttl(limiter.key)
    assert 2000 < ttl <= 3000  # the lease (the longest a member can live) and a second


def test_fractional_rates_round_down_and_slow_ones_stretch_the_window(
    redis_server: RedisServer, prefix: str
) -> None:
    store = RedisRateLimiter(redis_server.url, prefix=prefix)
    nine = store.limiter("acme", "control-plane", 9.5)
    assert (nine.capacity, nine.window) == (9, 1.0)
    half = store.limiter("acme", "profile", 0.5)
    assert (half.capacity, half.window) == (1, 2.0)
    half.release(half.acquire())
    wait = ask(half)
    assert wait is not None and 1.9 < wait <= 2.0


CRASHING_HOLDER = """
import os, sys
from amperity_facade import RedisRateLimiter
store = RedisRateLimiter(sys.argv[1], prefix=sys.argv[2], lease=3.0)
store.limiter("acme", "control-plane", 1).acquire()
print("holding", flush=True)
os._exit(3)  # dies holding the slot: no release, no cleanup
"""


def test_a_crashed_holder_frees_its_slot_when_the_lease_ends(
    redis_server: RedisServer, prefix: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_HOLDER, redis_server.url, prefix],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3 and done.stdout.strip() == "holding", done.stderr
    limiter = budget(redis_server, prefix, 1)
    wait = ask(limiter)
    assert wait is not None  # still held by the dead process
    started = time.monotonic()
    assert limiter.acquire() is not None
    assert time.monotonic() - started < 10  # freed by the lease (3 s), not 300 s


def test_async_acquire_release_and_cancel(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 2)

    async def main() -> None:
        first = await limiter.acquire_async()
        second = await limiter.acquire_async()
        await limiter.cancel_async(second)
        third = await limiter.acquire_async()  # the cancelled slot, at once
        await limiter.release_async(first)
        started = time.monotonic()
        fourth = await limiter.acquire_async()  # the released one, a window later
        assert 0.8 < time.monotonic() - started < 3
        assert set(members(redis_server, limiter.key)) == {third, fourth}
        await limiter._store.aclose()

    asyncio.run(main())
    asyncio.run(limiter._store.aclose())  # a loop with nothing to close


def test_waiting_does_not_block_the_event_loop(redis_server: RedisServer, prefix: str) -> None:
    limiter = budget(redis_server, prefix, 1)

    async def main() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        await limiter.release_async(await limiter.acquire_async())
        await limiter.acquire_async()  # waits about a second, in the loop
        task.cancel()
        await limiter._store.aclose()
        return ticks

    assert asyncio.run(main()) > 20


def test_a_release_survives_the_cancellation_of_its_task(
    redis_server: RedisServer, prefix: str
) -> None:
    """The release is shielded: a task cancelled while releasing still frees its slot."""
    limiter = budget(redis_server, prefix, 1)

    async def main() -> None:
        slot = await limiter.acquire_async()
        releasing = asyncio.ensure_future(limiter.release_async(slot))
        await asyncio.sleep(0)  # the release is under way
        releasing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await releasing
        await limiter._store.aclose()  # waits for the shielded release
        assert slot is not None
        assert 0.5 < members(redis_server, limiter.key)[slot] <= 1.0

    asyncio.run(main())


def test_a_task_cancelled_while_waiting_holds_no_slot(
    redis_server: RedisServer, prefix: str
) -> None:
    limiter = budget(redis_server, prefix, 1)

    async def main() -> None:
        held = await limiter.acquire_async()
        waiter = asyncio.ensure_future(limiter.acquire_async())
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await limiter._store.aclose()
        assert list(members(redis_server, limiter.key)) == [held]

    asyncio.run(main())


def test_threads_of_many_stores_never_exceed_capacity(
    redis_server: RedisServer, prefix: str
) -> None:
    """Eight threads on four limiter instances (four connection pools, as four processes
    would have), each holding a slot for a moment: never more than 3 held at once."""
    import threading

    stores = [RedisRateLimiter(redis_server.url, prefix=prefix) for _ in range(4)]
    limiters = [store.limiter("acme", "control-plane", 3) for store in stores]
    held = 0
    most = 0
    lock = threading.Lock()

    def work(limiter: RedisLimiter) -> None:
        nonlocal held, most
        for _ in range(2):
            slot = limiter.acquire()
            with lock:
                held += 1
                most = max(most, held)
            time.sleep(0.05)
            with lock:
                held -= 1
            limiter.cancel(slot)  # frees at once: the test is about concurrency, not windows

    threads = [threading.Thread(target=work, args=(limiters[i % 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert 1 < most <= 3  # they did overlap, and never past the budget
    for store in stores:
        store.close()
