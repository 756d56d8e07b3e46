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
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Mapping

import httpx

from ._families import CONTROL_PLANE, FAMILY, Family

WINDOW = 1.0
# Set on a request whose slot was taken above the transport (by the OAuth flow, which must
# choose the token after the wait); the transport then only releases it.
SLOT_HELD = "amperity_slot_held"


class RateLimiter:
    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(1, math.floor(per_second))
        # A fractional rate rounds down (9.5 a second: 9 in any second); a shorter window
        # would let a slot free within the second and admit nearly twice the rate. Rates
        # below one a second stretch the window instead.
        self.window = WINDOW if per_second >= 1 else WINDOW / per_second
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

    def release(self) -> None:
        """The answer to a request holding a slot arrived (or it failed): free it later."""
        with self._lock:
            self._in_flight -= 1
            heapq.heappush(self._free_at, self._clock() + self.window)

    def cancel(self) -> None:
        """Give back a slot that was taken but not used for a request: free at once."""
        with self._lock:
            self._in_flight -= 1

    def acquire(self) -> None:
        """Block the calling thread until a slot is taken."""
        while (wait := self.try_acquire()) is not None:
            time.sleep(wait)

    async def acquire_async(self) -> None:
        """Wait in the event loop until a slot is taken."""
        import asyncio  # sync-only programs never import it

        while (wait := self.try_acquire()) is not None:
            await asyncio.sleep(wait)

    def __repr__(self) -> str:
        return f"RateLimiter(capacity={self.capacity}, window={self.window:.3f}s)"


class Limiters:
    """One limiter per API family (None where a family is unlimited), chosen per request by
    the family it carries: each family has its own budget at Amperity, so one family's
    traffic never waits on another's."""

    def __init__(self, rates: Mapping[Family, float | None]) -> None:
        self._by_family = {f: (RateLimiter(r) if r else None) for f, r in rates.items()}

    def of(self, family: Family) -> RateLimiter | None:
        return self._by_family.get(family)

    def for_request(self, request: httpx.Request) -> RateLimiter | None:
        return self._by_family.get(request.extensions.get(FAMILY, CONTROL_PLANE))

    def __repr__(self) -> str:
        return f"Limiters({self._by_family!r})"
