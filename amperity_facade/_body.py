"""The bounded body read both transport wrappers do, and their log line.

The body is read with a cap on its *decoded* size: a 300 kB gzip answer can inflate to
gigabytes, and httpx would otherwise hold all of it in memory. Error bodies are only needed
for a message, so they are cut short instead of refused.
"""

from __future__ import annotations

import logging

import httpx

from .errors import APIResponseValidationError

log = logging.getLogger("amperity_facade")
ERROR_BODY_LIMIT = 64 * 1024


class Body:
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


def log_exchange(request: httpx.Request, response: httpx.Response) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            request.method,
            request.url.path,
            response.status_code,
            len(response.content),
            response.elapsed.total_seconds() * 1000,
        )


_READ = httpx.ByteStream(b"")


def release(response: httpx.Response) -> None:
    """Break the cycle between a read answer and httpx's wrapper around its stream.

    httpx's client wraps each answer's stream in an object pointing back at the answer (to
    time it), so every answer sits in a reference cycle and its body, 70 kB for a page of
    segments, outlives it until a full garbage collection. The body is read and the stream
    closed by now (our transport reads it, httpx closes it), so an empty stream loses nothing.
    """
    response.stream = _READ
