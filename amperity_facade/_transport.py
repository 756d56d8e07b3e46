"""Transport wrappers: a rate-limit slot and a bounded body read around every physical request.

Sitting below httpx's auth handling, they see each request on the wire, the OAuth token
request and the replay after a 401 included, so all of them wait for a slot. A slot is
held until the answer's headers arrive (see `_ratelimit`).

The body is read here, with a cap on its *decoded* size: a 300 kB gzip answer can inflate
to gigabytes, and httpx would otherwise hold all of it in memory. Error bodies are only
needed for a message, so they are cut short instead of refused. Retries are not decided
here but in the client's single loop, which also sees what only parsing can tell.
"""

from __future__ import annotations

import logging
import time

import httpx

from ._ratelimit import SLOT_HELD, RateLimiter
from .errors import APIResponseValidationError

log = logging.getLogger("amperity_facade")
ERROR_BODY_LIMIT = 64 * 1024


class _Body:
    """The decoded chunks of one answer, up to its limit, and what went wrong reading them.

    Shared by both transports, which differ only in how they iterate and close; the error,
    if any, is raised by `finish` after the stream is closed (the error's redaction takes
    the stream away, and an unclosed one would keep its connection).
    """

    def __init__(self, response: httpx.Response, max_response_bytes: int) -> None:
        self.response = response
        self.success = response.status_code < 300
        # Error bodies are only needed for a message: cut short rather than refused.
        self.limit = (
            max_response_bytes if self.success else min(max_response_bytes, ERROR_BODY_LIMIT)
        )
        self.parts: list[bytes] = []
        self.size = 0
        self.error: APIResponseValidationError | None = None

    def take(self, chunk: bytes) -> bool:
        """Keep `chunk`; False when the limit is passed and reading should stop."""
        self.size += len(chunk)
        if self.size <= self.limit:
            self.parts.append(chunk)
            return True
        if self.success:
            self.error = self._refusal(
                f"is larger than max_response_bytes={self.limit:,}; refused without reading the rest"
            )
        else:
            self.parts.append(chunk[: len(chunk) - (self.size - self.limit)])
        return False

    def undecodable(self, error: httpx.DecodingError) -> None:
        """A Content-Encoding that lied: fatal for a success, ignored for an error answer."""
        if self.success:
            self.error = self._refusal(f"could not be decoded ({error})", unreadable=True)
        self.parts = []

    def finish(self) -> None:
        if self.error is not None:
            raise self.error
        # What `Response.read()` itself does; setting it here lets the capped read stand in.
        self.response._content = b"".join(self.parts)

    def _refusal(self, what: str, *, unreadable: bool = False) -> APIResponseValidationError:
        request = self.response.request
        return APIResponseValidationError(
            f"{request.method} {request.url.path}: the {self.response.status_code} answer's "
            f"body {what}",
            response=self.response,
            unreadable=unreadable,
        )


def _log_request(request: httpx.Request, response: httpx.Response, started: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            request.method,
            request.url.path,
            response.status_code,
            len(response.content),
            (time.perf_counter() - started) * 1000,
        )


class LimitedTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        limiter: RateLimiter | None,
        max_response_bytes: int,
        *,
        owns_inner: bool = True,
    ) -> None:
        self.inner, self.limiter, self.owns_inner = inner, limiter, owns_inner
        self.max_response_bytes = max_response_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        held = request.extensions.pop(SLOT_HELD, False)
        if self.limiter is not None and not held:
            self.limiter.acquire()
        try:
            response = self.inner.handle_request(request)
        finally:
            if self.limiter is not None:
                self.limiter.release()
        response.request = request  # httpx sets it only later; errors raised here need it
        try:
            self._read(response)
        except BaseException:
            response.close()
            raise
        _log_request(request, response, started)
        return response

    def _read(self, response: httpx.Response) -> None:
        body = _Body(response, self.max_response_bytes)
        try:
            for chunk in response.iter_bytes():
                if not body.take(chunk):
                    break
        except httpx.DecodingError as exc:
            body.undecodable(exc)
        response.close()
        body.finish()

    def close(self) -> None:
        if self.owns_inner:
            self.inner.close()


class AsyncLimitedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limiter: RateLimiter | None,
        max_response_bytes: int,
        *,
        owns_inner: bool = True,
    ) -> None:
        self.inner, self.limiter, self.owns_inner = inner, limiter, owns_inner
        self.max_response_bytes = max_response_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        held = request.extensions.pop(SLOT_HELD, False)
        if self.limiter is not None and not held:
            await self.limiter.acquire_async()
        try:
            response = await self.inner.handle_async_request(request)
        finally:
            if self.limiter is not None:
                self.limiter.release()
        response.request = request  # httpx sets it only later; errors raised here need it
        try:
            await self._read(response)
        except BaseException:
            await response.aclose()
            raise
        _log_request(request, response, started)
        return response

    async def _read(self, response: httpx.Response) -> None:
        body = _Body(response, self.max_response_bytes)
        try:
            async for chunk in response.aiter_bytes():
                if not body.take(chunk):
                    break
        except httpx.DecodingError as exc:
            body.undecodable(exc)
        await response.aclose()
        body.finish()

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()


__all__ = ["AsyncLimitedTransport", "LimitedTransport"]
