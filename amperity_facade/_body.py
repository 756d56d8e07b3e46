"""The bounded body read both transport wrappers do, and their log line.

The body is read with a cap on its *decoded* size: a 300 kB gzip answer can inflate to
gigabytes, and httpx would otherwise hold all of it in memory. Error bodies are only needed
for a message, so they are cut short instead of refused.

The decoding is done here, not by httpx: httpx inflates each network chunk whole, with no
bound on the output, so a 2 kB answer of stacked encodings (`gzip, gzip`) became 2 GB
before any cap could look at it. `Decoding` undoes each layer with zlib's `max_length`, a
slice at a time, so no step ever holds more than a slice per layer.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator

import httpx

from .errors import APIResponseValidationError

log = logging.getLogger("amperity_facade")
ERROR_BODY_LIMIT = 64 * 1024


SLICE = 64 * 1024  # the most one decoding step may produce, per layer
# What we ask for (httpx would add br and zstd when their packages happen to be installed,
# which this decoder does not undo) and what we undo.
ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class Decoding:
    """The answer's Content-Encoding layers, undone one bounded slice at a time."""

    def __init__(self, header: str) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        unknown = [c for c in codings if c not in _WBITS]
        if unknown:
            raise httpx.DecodingError(f"unsupported Content-Encoding {unknown[0][:40]!r}")
        # Listed in the order applied: the last one applied is undone first.
        self._names = list(reversed(codings))
        self._layers = [zlib.decompressobj(_WBITS[c]) for c in self._names]
        self._started = [False] * len(self._layers)

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._push(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            tail = layer.flush()
            if tail:
                yield from self._push(index + 1, tail)

    def _push(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        while data:
            try:
                out = self._layers[index].decompress(data, SLICE)
            except zlib.error as exc:
                if self._names[index] == "deflate" and not self._started[index]:
                    # Some servers send raw deflate without the zlib header (httpx allows it).
                    self._layers[index] = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started[index] = True
                    continue
                raise httpx.DecodingError(f"{self._names[index]}: {exc}") from None
            self._started[index] = True
            data = self._layers[index].unconsumed_tail
            yield from self._push(index + 1, out)


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
        self._decoder: Decoding | None = None

    def in_memory(self) -> bool:
        """Whether the answer's body is already read (httpx reads one built from bytes)."""
        try:
            self.response.content  # noqa: B018
        except httpx.ResponseNotRead:
            return False
        return True

    def feed(self, raw: bytes) -> bool:
        """Decode and keep a raw chunk; False when reading should stop."""
        return all(self.take(piece) for piece in self._decoding().feed(raw))

    def end(self) -> None:
        """The raw stream ended: what the decoders still hold."""
        for piece in self._decoding().finish():
            if not self.take(piece):
                return

    def _decoding(self) -> Decoding:
        if self._decoder is None:
            self._decoder = Decoding(self.response.headers.get("content-encoding", ""))
        return self._decoder

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
