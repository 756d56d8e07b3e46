"""Transport wrappers: rate limiting and retries underneath every request the client sends.

Sitting below httpx's auth and redirect handling, they see each physical attempt: every
retry and every token request waits for a rate-limit slot, and a retried request is the
same `httpx.Request` (bodies are bytes, so they replay).
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

from ._ratelimit import RateLimiter
from ._retry import RetryPolicy

log = logging.getLogger("amperity_facade")


def _log_retry(
    request: httpx.Request, why: str, delay: float, attempt: int, policy: RetryPolicy
) -> None:
    log.warning(
        "retrying %s %s after %s in %.2fs (retry %d of %d)",
        request.method,
        request.url.path,
        why,
        delay,
        attempt + 1,
        policy.max_retries,
    )


class RetryTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        limiter: RateLimiter | None,
        *,
        owns_inner: bool = True,
    ) -> None:
        self.inner, self.policy, self.limiter, self.owns_inner = inner, policy, limiter, owns_inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            if self.limiter is not None:
                wait = self.limiter.reserve()
                if wait > 0:
                    time.sleep(wait)
            try:
                response = self.inner.handle_request(request)
                response.read()  # body errors (reset, timeout) surface here, inside the loop
            except Exception as exc:
                delay = self.policy.delay_for_error(request, exc, attempt)
                if delay is None:
                    raise
                _log_retry(request, type(exc).__name__, delay, attempt, self.policy)
            else:
                delay = self.policy.delay_for_response(request, response, attempt)
                if delay is None:
                    return response
                response.close()
                _log_retry(request, f"status {response.status_code}", delay, attempt, self.policy)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        if self.owns_inner:
            self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        limiter: RateLimiter | None,
        *,
        owns_inner: bool = True,
    ) -> None:
        self.inner, self.policy, self.limiter, self.owns_inner = inner, policy, limiter, owns_inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            if self.limiter is not None:
                wait = self.limiter.reserve()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                response = await self.inner.handle_async_request(request)
                await response.aread()  # body errors surface here, inside the loop
            except Exception as exc:
                delay = self.policy.delay_for_error(request, exc, attempt)
                if delay is None:
                    raise
                _log_retry(request, type(exc).__name__, delay, attempt, self.policy)
            else:
                delay = self.policy.delay_for_response(request, response, attempt)
                if delay is None:
                    return response
                await response.aclose()
                _log_retry(request, f"status {response.status_code}", delay, attempt, self.policy)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()
