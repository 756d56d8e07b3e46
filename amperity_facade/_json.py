"""Decoding answers: orjson when installed (`amperity-facade[fast]`), else the standard library.

orjson decodes a listing page several times faster, but it refuses some documents the
standard library reads (NaN), words its errors differently, and turns an integer past 64 bits
into a float, silently losing digits. So orjson only takes the common path: a body with a run
of 19 digits (every integer past 64 bits has one) goes to `json.loads`, and so does whatever
orjson refuses; the standard library's result or error then decides, exactly as without
orjson. One difference remains: orjson reads nesting up to 1,024 levels, where the standard
library gives up near 1,000 at a depth that depends on the caller's stack; walking every
answer to even that out would cost more than orjson saves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _standard(content: bytes) -> Any:
    return json.loads(content)


_DIGITS = bytes(ord("0") if 48 <= byte <= 57 else ord(" ") for byte in range(256))
_NINETEEN_DIGITS = b"0" * 19


def _choose() -> tuple[str, Callable[[bytes], Any]]:
    try:
        import orjson
    except ImportError:
        return "json", _standard

    fast = orjson.loads
    refused = orjson.JSONDecodeError

    def decode(content: bytes) -> Any:
        # Digits to "0", the rest to " ", then one substring search: ten times faster than
        # the regular expression [0-9]{19}, which would cost more than orjson saves.
        if _NINETEEN_DIGITS in content.translate(_DIGITS):
            return json.loads(content)
        try:
            return fast(content)
        except refused:
            return json.loads(content)

    return "orjson", decode


DECODER, loads = _choose()

__all__ = ["DECODER", "loads"]
