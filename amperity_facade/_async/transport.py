"""The transport wrapper: a rate-limit slot and a bounded body read around every physical request.

Sitting below httpx's auth handling, it sees each request on the wire, the OAuth token
request and the replay after a 401 included, so all of them wait for a slot. A slot is held
until the answer's headers arrive (see `_ratelimit`); the body is then read with a cap (see
`_body`). Retries are not decided here but in the client's single loop, which also sees
what only parsing can tell.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx

from .._body import Body, log_exchange
from .._ratelimit import SLOT_HELD, Held, Limiters, Slot


class AsyncLimitedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limiters: Limiters,
        max_response_bytes: int,
        *,
        owns_inner: bool = True,
    ) -> None:
        self.inner, self.limiters, self.owns_inner = inner, limiters, owns_inner
        self.max_response_bytes = max_response_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        held: Held | None = request.extensions.pop(SLOT_HELD, None)
        limiter = self.limiters.for_request(request)
        slot: Slot = None
        if limiter is not None:
            slot = held.slot if held is not None else await limiter.acquire_async()
        try:
            response = await self.inner.handle_async_request(request)
        finally:
            if limiter is not None:
                await limiter.release_async(slot)
        response.request = request  # httpx sets it only later; errors raised here need it
        try:
            await self._read(response)
        except BaseException:
            await response.aclose()
            raise
        # httpx times an answer when it closes the stream; the body was read here instead,
        # so without this `response.elapsed` (on an error's response too) would raise.
        response.elapsed = dt.timedelta(seconds=time.perf_counter() - started)
        log_exchange(request, response)
        return response

    async def _read(self, response: httpx.Response) -> None:
        body = Body(response, self.max_response_bytes)
        if body.in_memory():  # an answer built from bytes (a mock's) was decoded already
            body.take(response.content)
        else:
            try:  # raw bytes, decoded by Body under its cap (see `_body`)
                async for raw in response.aiter_raw():
                    if not body.feed(raw):
                        break
                else:
                    body.end()
            except httpx.DecodingError as exc:
                body.undecodable(exc)
        await response.aclose()
        body.finish()

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()


__all__ = ["AsyncLimitedTransport"]
