"""Client-side rate limiting: never more than N requests in any one-second window.

A sliding-window log of send times, shared by every thread or task using one client. Each
caller reserves the earliest slot that keeps the window legal and then sleeps until it (the
sleeping happens outside the lock, so the same limiter serves threads and asyncio tasks).
A small margin on the window absorbs scheduling jitter between our clock and the server's.

Libraries weighed: pyrate-limiter and limits implement the same windows, but both answer
"allowed or not" and leave waiting (and async waiting) to the caller; the reservation below
is what both would still need around them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 1.0
MARGIN = 0.03


class RateLimiter:
    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(1, math.floor(per_second))
        # Fractional rates below one request per second stretch the window instead.
        self.window = WINDOW * self.capacity / per_second + MARGIN
        self._clock = clock
        self._sent: deque[float] = deque(maxlen=self.capacity)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Claim the next slot; return how many seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            at = now
            if len(self._sent) == self.capacity:
                at = max(now, self._sent[0] + self.window)
            self._sent.append(at)
            return at - now

    def __repr__(self) -> str:
        return f"RateLimiter(capacity={self.capacity}, window={self.window:.3f}s)"
