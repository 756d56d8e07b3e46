"""Bodies of a hostile server: broken, deep, lying about their encoding, or wrongly typed.

The large ones are built once per size and cached, and the fake builds them when the fault
is injected, so the answer itself goes out as fast as any other and a client's timeout
never hides what it would have done with the body.
"""

from __future__ import annotations

import json
import struct
import zlib
from functools import lru_cache
from typing import Any

from ._faults import Fault

NOT_JSON = b"<<< this is not JSON >>>"
GZIP = {"Content-Encoding": "gzip"}
WRONG_NUMBER = 12345
BLOCK = 2**20
# Gzip member header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def prepare(fault: Fault) -> None:
    """Build (and cache) a large body now, in the test's thread, not when it is served."""
    if fault.kind == "gzip-bomb":
        gzip_bomb(fault.inflated_size)
    elif fault.kind == "nested":
        nested(fault.nesting_depth)


def mangle(fault: Fault, payload: bytes) -> tuple[bytes, dict[str, str]]:
    """The body (and extra headers) a body fault sends instead of `payload`."""
    kind = fault.kind
    if kind == "truncated":
        return payload[: len(payload) // 2], {}
    if kind == "malformed":
        return NOT_JSON, {}
    if kind == "bad-encoding":
        return payload, GZIP  # plain JSON, labelled as gzip
    if kind == "nested":
        return nested(fault.nesting_depth), {}
    return gzip_bomb(fault.inflated_size), GZIP


def rewrite_page(kind: str, page: dict[str, Any]) -> dict[str, Any]:
    """A copy, so the seeded items every later request serves stay intact."""
    if kind == "bad-cursor":
        return {**page, "next_token": WRONG_NUMBER}
    return {**page, "data": [{k: swap(v) for k, v in item.items()} for item in page["data"]]}


def swap(value: Any) -> Any:
    """A value of another JSON type: the shape a client must refuse, not pass along."""
    if isinstance(value, str) or value is None:
        return WRONG_NUMBER
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)  # arrays and objects become strings


@lru_cache(maxsize=4)
def nested(depth: int) -> bytes:
    return b'{"data":' + b"[" * depth + b"]" * depth + b"}"


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """A valid gzip member of `size` zero bytes.

    Each full 1 MiB block is deflated once and repeated: a full flush resets the compressor,
    so every block compresses to the same bytes and may follow any other. Building 256 MiB
    this way costs a CRC pass (~0.1 s), not a compression pass (~1 s).
    """
    blocks, rest = divmod(size, BLOCK)
    whole = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = whole.compress(bytes(BLOCK)) + whole.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    tail = last.compress(bytes(rest)) + last.flush()
    crc = 0
    zeros = bytes(BLOCK)
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join((GZIP_HEADER, block * blocks, tail, trailer))
