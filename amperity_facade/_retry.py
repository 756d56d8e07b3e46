"""When to retry, and how long to wait: a pure policy the clients' single retry loop consults.

Amperity asks for exponential backoff with jitter on 429 and 5xx. Whether a failure may be
retried depends on whether a retry could repeat a side effect, which is a property of the
operation (`Call.idempotent`), not of its URL: reads and `stop` are safe to repeat;
`POST /workflow/runs` has no idempotency key, so it is retried only when the server surely
did not act on it (a 429, or a connection that was never established). The OAuth token
request is always safe: while it fails, the call it serves has not been sent.

Libraries weighed: httpx-retries fits the transport shape but retries per method, not per
operation; tenacity and stamina wrap calls, not answers, and would need the same
classification around them. The policy is small enough to own.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
from dataclasses import dataclass

import httpx

from ._numbers import MAX_SECONDS, seconds, shown
from .errors import ConfigurationError

_SECONDS = re.compile(r"[0-9]{1,100}(?:\.[0-9]{1,100})?")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures after which the request cannot have reached the server.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures that are our own mistake, or the server's refusal of what we sent: never transient.
NOT_TRANSIENT = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), if valid.

    Anything else (negative, NaN, infinite, garbage) is None: the caller falls back to its
    own backoff rather than trusting a header that makes no sense.
    """
    if not value:
        return None
    value = value.strip()[:100]
    if _SECONDS.fullmatch(value):  # ASCII only: str.isdigit() also accepts "²"
        seconds = float(value)
    else:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if parsed is None or parsed.tzinfo is None:
            return None
        seconds = max(0.0, parsed.timestamp() - (time.time() if now is None else now))
    return seconds if math.isfinite(seconds) else None


def _check_number(name: str, value: object, *, minimum: float, allow_equal: bool) -> float:
    number = seconds(value)
    if number is None or not (number >= minimum if allow_equal else number > minimum):
        bound = f">= {minimum:g}" if allow_equal else f"> {minimum:g}"
        raise ConfigurationError(
            f"RetryPolicy.{name} must be a number of seconds {bound} and at most "
            f"{MAX_SECONDS:g} (a year), got {shown(value)}"
        )
    return number


def check_max_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    return max_retries


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings, validated when made. `max_retries` counts attempts after the first.

    A client takes its retry budget from here; its `max_retries=` keyword is a shortcut for
    `RetryPolicy(max_retries=...)`, and giving both with different values is an error.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        check_max_retries(self.max_retries)
        _check_number("backoff_base", self.backoff_base, minimum=0, allow_equal=True)
        _check_number("backoff_max", self.backoff_max, minimum=0, allow_equal=True)
        _check_number("max_retry_after", self.max_retry_after, minimum=0, allow_equal=True)
        if self.backoff_max < self.backoff_base:
            raise ConfigurationError(
                f"RetryPolicy.backoff_max ({self.backoff_max:g}) must be at least "
                f"backoff_base ({self.backoff_base:g})"
            )

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** min(attempt, 64)))
        return (rng or random).uniform(0, ceiling)

    def delay_for_status(
        self, status: int, retry_after: float | None, attempt: int, *, idempotent: bool
    ) -> float | None:
        """Seconds to wait before retrying an error answer, or None to raise it.

        A Retry-After longer than `max_retry_after` is not shortened into a retry the
        server said it would refuse: the error is raised at once, carrying the wait.
        """
        if attempt >= self.max_retries or status not in RETRY_STATUSES:
            return None
        if status != 429 and not idempotent:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return self.backoff(attempt)

    def delay_for_error(self, error: Exception, attempt: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to raise it."""
        if attempt >= self.max_retries or not isinstance(error, httpx.TransportError):
            return None
        if isinstance(error, NOT_TRANSIENT):
            return None
        if not idempotent and not isinstance(error, NEVER_SENT):
            return None
        return self.backoff(attempt)

    def delay_for_unreadable(self, attempt: int, *, idempotent: bool) -> float | None:
        """A success whose body was cut short or not JSON: a proxy glitch, worth one more ask."""
        if attempt >= self.max_retries or not idempotent:
            return None
        return self.backoff(attempt)
