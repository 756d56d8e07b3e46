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


def _too_large(response: httpx.Response, limit: int) -> APIResponseValidationError:
    request = response.request
    return APIResponseValidationError(
        f"{request.method} {request.url.path}: the {response.status_code} answer's body is "
        f"larger than max_response_bytes={limit:,}; refused without reading the rest",
        response=response,
    )


def _undecodable(response: httpx.Response, error: httpx.DecodingError) -> Exception:
    request = response.request
    return APIResponseValidationError(
        f"{request.method} {request.url.path}: the {response.status_code} answer's body could "
        f"not be decoded ({error})",
        response=response,
        unreadable=True,
    )


def _keep(response: httpx.Response, parts: list[bytes]) -> None:
    # What `Response.read()` itself does; setting it here lets the capped read stand in.
    response._content = b"".join(parts)


def _limit_for(response: httpx.Response, limit: int) -> int:
    return limit if response.status_code < 300 else min(limit, ERROR_BODY_LIMIT)


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
        limit = _limit_for(response, self.max_response_bytes)
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    if response.status_code < 300:
                        response.close()  # before the error takes the stream away
                        raise _too_large(response, limit)
                    parts.append(chunk[: len(chunk) - (size - limit)])
                    break
                parts.append(chunk)
        except httpx.DecodingError as exc:
            if response.status_code < 300:
                response.close()
                raise _undecodable(response, exc) from None
            parts = []  # an error answer keeps its status; its message comes from elsewhere
        response.close()
        _keep(response, parts)

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
        limit = _limit_for(response, self.max_response_bytes)
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    if response.status_code < 300:
                        await response.aclose()  # before the error takes the stream away
                        raise _too_large(response, limit)
                    parts.append(chunk[: len(chunk) - (size - limit)])
                    break
                parts.append(chunk)
        except httpx.DecodingError as exc:
            if response.status_code < 300:
                await response.aclose()
                raise _undecodable(response, exc) from None
            parts = []  # an error answer keeps its status; its message comes from elsewhere
        await response.aclose()
        _keep(response, parts)

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()


__all__ = ["AsyncLimitedTransport", "LimitedTransport"]
