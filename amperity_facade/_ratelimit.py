"""Client-side rate limiting that cannot exceed the server's window, whatever the timing.

The tenant admits at most N requests in any one-second window, counted when it receives
them. A limiter that stamps a slot when it *plans* to send can be fooled: the request may
leave late (a GIL stall, a slow connect, a loaded machine), land in the next server-side
second together with requests planned after it, and draw a 429. No margin fixes that for
every machine.

So a slot is held from the moment a request is about to be sent until one window after its
*answer* arrived. The server admitted the request before it answered, so by the time the
slot frees, the server's window for that request has surely closed too, on any clock and
under any delay. Requests still in flight occupy their slot. The cost is one round trip
per window, which on a 10-per-second budget is under 1% for answers faster than 10 ms.

Waiting is done by the caller (`time.sleep` or `asyncio.sleep`), outside the lock, so one
limiter serves threads and asyncio tasks alike.

Libraries weighed: pyrate-limiter and limits count requests when they are allowed, not when
they are answered, which is exactly the race described above.

`Limiter` is what the transport wrapper and the OAuth flow use: take a slot (which returns a
`Slot`, the handle to give back), then release it once the answer arrived, or cancel it if
no request was sent. Two kinds implement it: `RateLimiter` here, one budget in this process,
and the Redis-backed one of `_redis`, one budget shared by every process that names the same
Redis key (see `RedisRateLimiter`). `Limiters` holds one per API family.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from ._families import CONTROL_PLANE, FAMILY, Family

WINDOW = 1.0
# Set on a request whose slot was taken above the transport (by the OAuth flow, which must
# choose the token after the wait), as a `Held`; the transport then only releases it.
SLOT_HELD = "amperity_slot_held"

# The handle of one slot taken: what `release` and `cancel` are given back. None for the
# in-process limiter (its slots are interchangeable), the slot's id for the Redis one.
Slot = str | None


@dataclass(frozen=True, slots=True)
class Held:
    """The slot the OAuth flow took for a request (a `Slot` may be None, hence the box)."""

    slot: Slot


def budget(per_second: float) -> tuple[int, float]:
    """(capacity, window in seconds) for a rate: at most `capacity` requests in any window.

    A fractional rate rounds down (9.5 a second: 9 in any second); a shorter window would
    let a slot free within the second and admit nearly twice the rate. Rates below one a
    second stretch the window instead (0.5 a second: one in any two seconds).
    """
    capacity = max(1, math.floor(per_second))
    return capacity, (WINDOW if per_second >= 1 else WINDOW / per_second)


class Limiter(Protocol):
    """One rate budget: a slot is held from just before a request is sent until one window
    after its answer arrived. `acquire` waits for a slot and returns its handle; `release`
    says the answer arrived (or the request failed after it may have left); `cancel` gives
    back a slot no request used. The `_async` forms wait in the event loop instead."""

    capacity: int
    window: float

    def acquire(self) -> Slot: ...

    async def acquire_async(self) -> Slot: ...

    def release(self, slot: Slot = None) -> None: ...

    async def release_async(self, slot: Slot = None) -> None: ...

    def cancel(self, slot: Slot = None) -> None: ...

    async def cancel_async(self, slot: Slot = None) -> None: ...


class SharedBudgets(Protocol):
    """Where limiters shared beyond this process come from (a `RedisRateLimiter`): one per
    tenant and API family, each at that family's rate."""

    def limiter(self, tenant: str, family: Family, per_second: float) -> Limiter: ...

    def close(self) -> None: ...

    async def aclose(self) -> None: ...


class RateLimiter:
    """The in-process `Limiter`: one budget for the threads and tasks of this process."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.window = budget(per_second)
        self._clock = clock
        self._in_flight = 0
        self._free_at: list[float] = []  # heap: when each answered slot becomes usable again
        self._lock = threading.Lock()

    def try_acquire(self) -> float | None:
        """Take a slot (None), or say how many seconds to wait before asking again."""
        with self._lock:
            now = self._clock()
            while self._free_at and self._free_at[0] <= now:
                heapq.heappop(self._free_at)
            if self._in_flight + len(self._free_at) < self.capacity:
                self._in_flight += 1
                return None
            if self._free_at:
                return self._free_at[0] - now
            # Every slot is in flight: none can free sooner than one window from now.
            return self.window

    def release(self, slot: Slot = None) -> None:
        """The answer to a request holding a slot arrived (or it failed): free it later."""
        with self._lock:
            self._in_flight -= 1
            heapq.heappush(self._free_at, self._clock() + self.window)

    def cancel(self, slot: Slot = None) -> None:
        """Give back a slot that was taken but not used for a request: free at once."""
        with self._lock:
            self._in_flight -= 1

    def acquire(self) -> Slot:
        """Block the calling thread until a slot is taken."""
        while (wait := self.try_acquire()) is not None:
            time.sleep(wait)
        return None

    async def acquire_async(self) -> Slot:
        """Wait in the event loop until a slot is taken."""
        import asyncio  # sync-only programs never import it

        while (wait := self.try_acquire()) is not None:
            await asyncio.sleep(wait)
        return None

    async def release_async(self, slot: Slot = None) -> None:
        self.release(slot)  # no I/O: nothing to wait for

    async def cancel_async(self, slot: Slot = None) -> None:
        self.cancel(slot)

    def __repr__(self) -> str:
        return f"RateLimiter(capacity={self.capacity}, window={self.window:.3f}s)"


class Limiters:
    """One limiter per API family (None where a family is unlimited), chosen per request by
    the family it carries: each family has its own budget at Amperity, so one family's
    traffic never waits on another's.

    With `shared` (a `RedisRateLimiter`), each family's budget is kept there, under the
    tenant's name, and shared by every process using the same Redis; otherwise in this
    process. `owns_shared`: the client made it (from AMPERITY_RATE_LIMIT_URL), so closing the
    client closes it; one passed in by the caller is the caller's to close.
    """

    def __init__(
        self,
        rates: Mapping[Family, float | None],
        *,
        tenant: str = "",
        shared: SharedBudgets | None = None,
        owns_shared: bool = False,
    ) -> None:
        self._shared = shared
        self._owns_shared = owns_shared
        self._by_family: dict[Family, Limiter | None] = {
            family: None if not rate else self._make(tenant, family, rate)
            for family, rate in rates.items()
        }

    def _make(self, tenant: str, family: Family, rate: float) -> Limiter:
        if self._shared is None:
            return RateLimiter(rate)
        return self._shared.limiter(tenant, family, rate)

    def of(self, family: Family) -> Limiter | None:
        return self._by_family.get(family)

    def for_request(self, request: httpx.Request) -> Limiter | None:
        return self._by_family.get(request.extensions.get(FAMILY, CONTROL_PLANE))

    def close(self) -> None:
        if self._shared is not None and self._owns_shared:
            self._shared.close()

    async def aclose(self) -> None:
        if self._shared is not None and self._owns_shared:
            await self._shared.aclose()

    def __repr__(self) -> str:
        return f"Limiters({self._by_family!r})"
