"""Transport wrappers: rate limiting and retries underneath every request the client sends.

Sitting below httpx's auth and redirect handling, they see each physical attempt: every
retry and every token request waits for a rate-limit slot, and a retried request is the
same `httpx.Request` (bodies are bytes, so they replay).

The rate-limit slot is taken at the last moment, when httpcore starts writing the request
headers (its `trace` hook), not when the request enters the transport: opening a connection
(TCP, TLS, a first-use import) can take longer than the limiter's margin, and a slot stamped
before it would let a burst reach the server inside one window. Transports that do not
report that event (mock, custom) get their slot before the call instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from ._ratelimit import RateLimiter
from ._retry import RetryPolicy

log = logging.getLogger("amperity_facade")
SEND_EVENTS = frozenset(
    {"http11.send_request_headers.started", "http2.send_request_headers.started"}
)


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

    def _wait_for_slot(self) -> None:
        if self.limiter is not None:
            wait = self.limiter.reserve()
            if wait > 0:
                time.sleep(wait)

    def _send(self, request: httpx.Request) -> httpx.Response:
        if self.limiter is None or not isinstance(self.inner, httpx.HTTPTransport):
            self._wait_for_slot()
            return self.inner.handle_request(request)
        previous: Callable[[str, dict[str, Any]], None] | None = request.extensions.get("trace")
        taken = False

        def trace(event: str, info: dict[str, Any]) -> None:
            nonlocal taken
            if event in SEND_EVENTS and not taken:
                taken = True
                self._wait_for_slot()
            if previous is not None:
                previous(event, info)

        original = request.extensions
        request.extensions = {**original, "trace": trace}
        try:
            response = self.inner.handle_request(request)
        finally:
            request.extensions = original
        if not taken:  # sent without the event we wait on: still count it
            self.limiter.reserve()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._send(request)
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

    async def _wait_for_slot(self) -> None:
        import asyncio

        if self.limiter is not None:
            wait = self.limiter.reserve()
            if wait > 0:
                await asyncio.sleep(wait)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        if self.limiter is None or not isinstance(self.inner, httpx.AsyncHTTPTransport):
            await self._wait_for_slot()
            return await self.inner.handle_async_request(request)
        previous: Callable[[str, dict[str, Any]], Awaitable[None]] | None = request.extensions.get(
            "trace"
        )
        taken = False

        async def trace(event: str, info: dict[str, Any]) -> None:
            nonlocal taken
            if event in SEND_EVENTS and not taken:
                taken = True
                await self._wait_for_slot()
            if previous is not None:
                await previous(event, info)

        original = request.extensions
        request.extensions = {**original, "trace": trace}
        try:
            response = await self.inner.handle_async_request(request)
        finally:
            request.extensions = original
        if not taken:  # sent without the event we wait on: still count it
            self.limiter.reserve()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._send(request)
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
            await _async_sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()


async def _async_sleep(seconds: float) -> None:
    import asyncio  # imported when first needed: sync-only users never pay for it

    await asyncio.sleep(seconds)
