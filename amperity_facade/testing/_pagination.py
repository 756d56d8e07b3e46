"""Cursor pagination shared by every list operation.

Cursors are opaque to clients but self-describing to the fake: an offset plus a short hash
of the filters they were issued for, so a cursor replayed against other filters (a classic
client bug) is refused instead of silently serving the wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import ApiError

Query = Mapping[str, list[str]]


@dataclass(frozen=True)
class PageRequest:
    limit: int
    offset: int
    with_total: bool
    scope: str


def first(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def filter_scope(operation: str, query: Query, filter_names: Sequence[str]) -> str:
    raw = "\x1f".join([operation, *(f"{n}={first(query, n) or ''}" for n in filter_names)])
    return hashlib.blake2s(raw.encode(), digest_size=6).hexdigest()


def encode_cursor(offset: int, scope: str) -> str:
    raw = json.dumps({"o": offset, "f": scope}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(token: str, scope: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw)
    except (binascii.Error, ValueError):
        raise ApiError(400, "invalid next_token") from None
    if not isinstance(decoded, dict):
        raise ApiError(400, "invalid next_token")
    offset = decoded.get("o")
    if type(offset) is not int or offset < 0:
        raise ApiError(400, "invalid next_token")
    if decoded.get("f") != scope:
        raise ApiError(400, "invalid next_token: it was issued for different filters")
    return offset


def parse_bool(query: Query, name: str) -> bool:
    """A true/false query parameter (any case), false when absent; anything else is a 400."""
    raw = first(query, name)
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"{name} must be true or false, got {raw!r}")
    return raw.lower() == "true"


def parse_page(
    query: Query,
    operation: str,
    filter_names: Sequence[str],
    default_size: int,
    max_size: int,
) -> PageRequest:
    limit = default_size
    raw_limit = first(query, "limit")
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise ApiError(400, f"limit must be an integer, got {raw_limit!r}") from None
        if not 1 <= limit <= max_size:
            raise ApiError(400, f"limit must be between 1 and {max_size}, got {limit}")
    with_total = parse_bool(query, "with_total")
    scope = filter_scope(operation, query, filter_names)
    offset = 0
    token = first(query, "next_token")
    if token is not None:
        if not token:
            raise ApiError(400, "next_token must not be empty; omit it for the first page")
        offset = decode_cursor(token, scope)
    return PageRequest(limit=limit, offset=offset, with_total=with_total, scope=scope)


def page_body(items: Sequence[Any], page: PageRequest) -> dict[str, Any]:
    end = page.offset + page.limit
    body: dict[str, Any] = {"data": list(items[page.offset : end])}
    if end < len(items):
        body["next_token"] = encode_cursor(end, page.scope)
    if page.with_total:
        body["total"] = len(items)
    return body
