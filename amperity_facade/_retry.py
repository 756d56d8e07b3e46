"""When to retry, and how long to wait: a pure policy both transports consult.

Amperity asks for exponential backoff with jitter on 429 and 5xx. What may be retried
depends on whether a retry can repeat a side effect: reads and `stop` are safe to repeat;
`POST /workflow/runs` has no idempotency key, so it is retried only when the server surely
did not act on it (a 429, or a connection that was never established).

Libraries weighed: httpx-retries fits the transport shape but retries per method, not per
operation, and cannot express "POST /workflow/runs only on 429 or connect errors";
tenacity and stamina wrap calls, not transports, so every generated call would need
wrapping. The policy is small enough to own.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures after which the request cannot have reached the server.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def is_unsafe(request: httpx.Request) -> bool:
    """A request whose repetition could repeat a side effect (start a workflow twice)."""
    return request.method == "POST" and request.url.path.rstrip("/").endswith("/workflow/runs")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), if valid."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if "," in value or " " in value else None
        if parsed is None or parsed.tzinfo is None:
            return None
        seconds = parsed.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings. `max_retries` counts attempts after the first."""

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        ceiling = min(self.backoff_max, self.backoff_base * (2**attempt))
        return (rng or random).uniform(0, ceiling)

    def delay_for_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying this answer, or None to hand it back."""
        if attempt >= self.max_retries or response.status_code not in RETRY_STATUSES:
            return None
        if response.status_code != 429 and is_unsafe(request):
            return None
        try:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        except (TypeError, ValueError, OverflowError):
            retry_after = None
        if retry_after is not None and retry_after <= self.max_retry_after:
            return retry_after
        return self.backoff(attempt)

    def delay_for_error(
        self, request: httpx.Request, error: Exception, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to raise it."""
        if attempt >= self.max_retries or not isinstance(error, httpx.TransportError):
            return None
        if isinstance(error, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
            return None
        if is_unsafe(request) and not isinstance(error, NEVER_SENT):
            return None
        return self.backoff(attempt)
