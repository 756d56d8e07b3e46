"""httpx transports that serve the fake in process: the same Exchange, no socket.

What a socket would do is emulated as httpx would report it: a "drop" fault raises
httpx.RemoteProtocolError (the server hung up without an answer), a "slow" fault sleeps
before answering, and raises httpx.ReadTimeout after the request's read timeout when that is
shorter than the delay (the answer is still built when the delay ends, as the server does).
What only the server's HTTP parser decides (a request line or header line over its 64 KiB
limit, more than 100 headers) raises FakeUsageError instead of being answered differently.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from ._errors import FakeUsageError
from ._exchange import Drop, Exchange, Outcome, Reply, Wait

DROPPED = "Server disconnected without sending a response."
MAX_LINE = 65536  # http.server's limits: longer lines or more headers get 414 / 431
MAX_HEADERS = 100


class FakeTransport(httpx.BaseTransport):
    """Answers each request from the fake, in the calling thread."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_size(request)
        outcome = ask(self.exchange, request, request.read())
        if isinstance(outcome, Wait):
            waited = pause(outcome, request)
            time.sleep(waited)
            outcome = resumed(outcome, waited, request)
        return response(outcome, request)


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """Answers each request from the fake on the running event loop."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check_size(request)
        outcome = ask(self.exchange, request, await request.aread())
        if isinstance(outcome, Wait):
            waited = pause(outcome, request)
            await asyncio.sleep(waited)
            outcome = resumed(outcome, waited, request)
        return response(outcome, request)


def check_size(request: httpx.Request) -> None:
    """The socket server's parser refuses these before the fake sees them, with answers
    (and limits) that belong to the standard library, so only the server mode gives them."""
    line = len(request.method) + len(request.url.raw_path) + len(" HTTP/1.1\r\n") + 1
    items = request.headers.raw
    longest = max((len(k) + len(v) + 4 for k, v in items), default=0)
    if line > MAX_LINE or longest > MAX_LINE or len(items) > MAX_HEADERS:
        raise FakeUsageError(
            "a request line or header line over 64 KiB, or over 100 headers, is refused by the "
            "fake's HTTP parser (414/431); that needs the server mode: use fake.base_url with "
            "`with FakeAmperity() as fake:` instead of fake.transport()"
        )


def ask(exchange: Exchange, request: httpx.Request, body: bytes) -> Outcome:
    """The request as the server would hand it over: raw path and query, lower-case names."""
    headers = {name.lower(): value for name, value in request.headers.multi_items()}
    return exchange.handle(request.method, request.url.raw_path.decode("ascii"), headers, body)


def pause(outcome: Wait, request: httpx.Request) -> float:
    """How long to hold the answer: the delay, or the request's read timeout when shorter."""
    limit = (request.extensions.get("timeout") or {}).get("read")
    return outcome.delay if limit is None else min(float(limit), outcome.delay)


def resumed(outcome: Wait, waited: float, request: httpx.Request) -> Reply:
    """The answer once `waited` seconds have passed, or httpx.ReadTimeout if the client gave up
    first; the server builds the answer after the delay even then, and so do we."""
    if waited < outcome.delay:
        timer = threading.Timer(outcome.delay - waited, outcome.resume)
        timer.daemon = True
        timer.start()
        raise httpx.ReadTimeout("timed out", request=request)
    return outcome.resume()


def response(outcome: Outcome, request: httpx.Request) -> httpx.Response:
    if isinstance(outcome, Drop):
        raise httpx.RemoteProtocolError(DROPPED, request=request)
    assert isinstance(outcome, Reply)
    return httpx.Response(
        outcome.status,
        headers=outcome.headers,
        stream=httpx.ByteStream(outcome.body),
        request=request,
        extensions={
            "http_version": b"HTTP/1.1",
            "reason_phrase": outcome.reason.encode("ascii"),
        },
    )
