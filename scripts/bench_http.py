"""The request parsing the benchmark's minimal servers share (lookups and stream records).

Each is an asyncio protocol on one keep-alive connection: requests are parsed as their bytes
arrive and answered at once, so the server costs a few per cent of a core and is never what
a benchmark measures. A subclass says how to answer one request.
"""

from __future__ import annotations

import asyncio
from typing import Any

REFUSED = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class KeepAlive(asyncio.Protocol):
    """One keep-alive connection; `answer` gets each whole request (request line split,
    lower-cased header fields, body) and returns a problem to refuse it with, or None."""

    def __init__(self, stats: Any) -> None:
        self.stats, self.buffer = stats, b""
        stats.connections += 1

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            start, *lines = self.buffer[:end].split(b"\r\n")
            fields = {}
            for line in lines:
                name, _, value = line.partition(b":")
                fields[name.strip().lower()] = value.strip()
            length = fields.get(b"content-length", b"")
            if not length.isdigit():
                return self.refuse("no Content-Length")
            stop = end + 4 + int(length)
            if len(self.buffer) < stop:
                return  # the rest of the body is still on its way
            body, self.buffer = self.buffer[end + 4 : stop], self.buffer[stop:]
            if problem := self.answer(start.split(b" "), fields, body):
                return self.refuse(problem)

    def answer(self, start: list[bytes], fields: dict[bytes, bytes], body: bytes) -> str | None:
        raise NotImplementedError

    def refuse(self, problem: str) -> None:
        self.stats.bad.append(problem)
        self.transport.write(REFUSED)
        self.transport.close()
