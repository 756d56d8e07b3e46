"""The write side: Streaming Ingest records and Real-Time events, checked and kept in order.

Every record the fake accepts is stored with its request id, in the order of acceptance, so
a test can prove a client sent each record exactly once (or reported it): a retried record
carrying the same X-Request-Id shows up twice under that id. Bodies never reach the request
log (only the path, and the request id). Refusals follow the vendor documents: 411 without a
Content-Length, 413 over the limit, 400 for a malformed stream id, an unaccepted content type,
an empty body, or JSON that is not one object.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._answer import Answer
from ._errors import ApiError, FakeUsageError

# The Streaming API's own document says 5 MB (its operator guide 1 MB; clients default to the
# stricter); Real-Time events take at most 64 KiB.
DEFAULT_MAX_STREAM_BYTES = 5_000_000
MAX_EVENT_BYTES = 64 * 1024
STREAM_ID = re.compile(r"is-[A-Za-z0-9_-]+")
# What the fake echoes as X-Request-Id: printable ASCII, so it travels back unchanged.
REQUEST_ID = re.compile(r"[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*")
JSON_TYPES = frozenset({"application/json"})
XML_TYPES = frozenset({"application/xml", "text/xml"})

EventStreamBehaviour = Literal["accepting", "dropping", "not-accepting"]
EVENT_STATUS: dict[str, int] = {"accepting": 202, "dropping": 204, "not-accepting": 409}


@dataclass(frozen=True)
class SeededEventStream:
    """A Real-Time event stream: "accepting" answers 202 and keeps the event, "dropping" 204
    and keeps nothing, "not-accepting" 409."""

    id: str
    behaviour: EventStreamBehaviour

    @property
    def status(self) -> int:
        """What POST /prof/events/{id} answers for a well-formed event."""
        return EVENT_STATUS[self.behaviour]


# Fixed, not seeded: tests name them. The first is openapi.yaml's example id.
EVENT_STREAMS = (
    SeededEventStream("esm-23ZvjfSSJ", "accepting"),
    SeededEventStream("esm-8kRw2TqPn", "accepting"),
    SeededEventStream("esm-5hDq7XbLz", "dropping"),
    SeededEventStream("esm-9mNc4VyFe", "not-accepting"),
)


def client_request_id(headers: Mapping[str, str]) -> str | None:
    """The caller's X-Request-Id when it can be echoed as given, else None."""
    given = headers.get("x-request-id")
    return given if given is not None and REQUEST_ID.fullmatch(given) else None


def check_max_stream_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_stream_bytes must be an int of at least 1, got {value!r}")
    return value


class Writes:
    """Stored stream records and events, shared by every connection (hence the lock)."""

    def __init__(self, max_stream_bytes: int = DEFAULT_MAX_STREAM_BYTES) -> None:
        self.max_stream_bytes = check_max_stream_bytes(max_stream_bytes)
        self.lock = threading.Lock()
        # Bodies as received, parsed again on each read: every read hands out fresh copies.
        self.records: dict[str, list[tuple[str, bool, bytes]]] = {}
        self.events: dict[str, list[bytes]] = {}
        self.streams = {stream.id: stream for stream in EVENT_STREAMS}

    def post_stream_data(
        self, stream_id: str, headers: Mapping[str, str], body: bytes, request_id: str
    ) -> Answer:
        """202, the record kept under `request_id` (the caller's X-Request-Id, or one made up,
        which the answer carries either way)."""
        check_length(headers, body, self.max_stream_bytes)
        if not STREAM_ID.fullmatch(stream_id):
            raise ApiError(
                400, "malformed stream id: 'is-' followed by letters, digits, '-' or '_'"
            )
        given = headers.get("x-request-id")
        if given is not None and given != request_id:
            raise ApiError(400, "X-Request-Id must be printable ASCII text")
        media = media_type(headers)
        if not body:
            raise ApiError(400, "request body is empty")
        if media in JSON_TYPES:
            json_object(body, "a record")
        elif media not in XML_TYPES:
            raise ApiError(
                400,
                "Content-Type must be application/json (one record) or application/xml "
                f"or text/xml (a document), got {media or 'none'!r}",
            )
        with self.lock:
            self.records.setdefault(stream_id, []).append((request_id, media in JSON_TYPES, body))
        return Answer(202, None)

    def post_event(self, stream_id: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """202 (kept), 204 (the stream drops events) or 409 (not accepting) for a well-formed
        event; the body is checked first, so a malformed one is a 400 on every stream."""
        check_length(headers, body, MAX_EVENT_BYTES)
        stream = self.streams.get(stream_id)
        if stream is None:
            raise ApiError(404, f"event stream {stream_id!r} not found")
        media = media_type(headers)
        if media not in JSON_TYPES:
            raise ApiError(400, f"Content-Type must be application/json, got {media or 'none'!r}")
        if not body:
            raise ApiError(400, "request body is empty")
        json_object(body, "an event")
        if stream.behaviour == "not-accepting":
            raise ApiError(409, f"event stream {stream_id!r} is not accepting events")
        if stream.behaviour == "dropping":
            return Answer(204, None)
        with self.lock:
            self.events.setdefault(stream_id, []).append(body)
        return Answer(202, None)

    def stream_records(self, stream_id: str) -> list[tuple[str, Any]]:
        if not isinstance(stream_id, str) or not STREAM_ID.fullmatch(stream_id):
            raise FakeUsageError(
                f"{stream_id!r} is not a stream id ('is-' followed by letters, digits, '-' or "
                "'_'): the fake refuses such ids, so no record can be stored under one"
            )
        with self.lock:
            kept = list(self.records.get(stream_id, ()))
        return [
            (rid, json.loads(body) if is_json else xml_text(body)) for rid, is_json, body in kept
        ]

    def stream_events(self, stream_id: str) -> list[dict[str, Any]]:
        if stream_id not in self.streams:
            known = ", ".join(self.streams)
            raise FakeUsageError(f"no event stream {stream_id!r}; the fake has: {known}")
        with self.lock:
            kept = list(self.events.get(stream_id, ()))
        return [json.loads(body) for body in kept]

    def clear(self) -> None:
        with self.lock:
            self.records.clear()
            self.events.clear()


def check_length(headers: Mapping[str, str], body: bytes, limit: int) -> None:
    """411 without a Content-Length (a chunked upload), 413 over `limit` bytes."""
    if "content-length" not in headers:
        raise ApiError(411, "Content-Length is required")
    if len(body) > limit:
        raise ApiError(413, f"body of {len(body):,} bytes is over the limit of {limit:,}")


def media_type(headers: Mapping[str, str]) -> str:
    """The Content-Type without parameters, lower case; "" when absent."""
    return headers.get("content-type", "").partition(";")[0].strip().lower()


def json_object(body: bytes, what: str) -> dict[str, Any]:
    """Strict JSON (no NaN or Infinity), and one object: an array is not one record."""
    try:
        parsed = json.loads(body, parse_constant=refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        kind = "an array" if isinstance(parsed, list) else "not an object"
        raise ApiError(400, f"request body must be {what} as one JSON object, got {kind}")
    return parsed


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def xml_text(body: bytes) -> str | bytes:
    """Not parsed, as the vendor does not parse it synchronously: kept as text when UTF-8,
    as the bytes received otherwise (a document may declare another encoding)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body
