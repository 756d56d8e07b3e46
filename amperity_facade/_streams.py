"""Streaming Ingest and Real-Time events: what one record sends, checked before it is sent.

A stream takes one JSON object (or one XML document) per request, with a Content-Length,
up to a size limit. Everything a server would refuse with a 400, 411 or 413, and everything
that would fail inside httpx (a value JSON cannot carry), is refused here, naming the field,
before any request: a refusal mid-export is a record lost to the caller's retry logic.

Each record gets a request id (X-Request-Id), ours unless the caller gives one, created once
and kept across retries: a retry of a record that may already have arrived then carries the
same id, so downstream can tell a duplicate from a second record.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from . import _records
from ._families import REALTIME, STREAMING
from ._operations import Call, Tally, check_id
from .errors import ConfigurationError

# The Streaming API's own document says 5 MB, its operator guide 1 MB: the stricter is the
# default (a setting, `max_stream_bytes`). Real-Time events take at most 64 KiB.
DEFAULT_MAX_STREAM_BYTES = 1_000_000
MAX_EVENT_BYTES = 64 * 1024
_STREAM_ID = re.compile(r"is-[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,200}")
JSON = "application/json"
XML = "application/xml"

Record = Mapping[str, Any] | str | bytes
# What send_many reads: any iterable; the async client takes an async one as well.
Records = Iterable[Record]
AsyncRecords = Iterable[Record] | AsyncIterable[Record]


@dataclass(frozen=True)
class Receipt:
    """A record the Streaming API accepted (202): durably queued, not yet loaded."""

    stream_id: str
    request_id: str
    status: int


EventOutcome = Literal["accepted", "dropped"]


def check_stream_id(stream_id: object) -> str:
    if not isinstance(stream_id, str) or not _STREAM_ID.fullmatch(stream_id):
        shown = repr(stream_id)[:60] if isinstance(stream_id, str) else type(stream_id).__name__
        raise ConfigurationError(
            f"stream_id {shown} is malformed: a stream id is 'is-' followed by letters, "
            "digits, '-' or '_'"
        )
    return stream_id


def check_request_id(request_id: object) -> str:
    if request_id is None:
        return str(uuid.uuid4())
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        raise ConfigurationError(
            "request_id must be 1 to 200 visible ASCII characters (it travels as X-Request-Id)"
        )
    return request_id


def encode(record: object, limit: int, what: str = "record") -> tuple[bytes, str, tuple[str, ...]]:
    """The body and content type for one record, and the values in it to keep off errors;
    or a ConfigurationError naming the problem."""
    if isinstance(record, Mapping):
        copy = dict(record)  # what is checked is what is written, whatever the Mapping does
        problem, values = _records.inspect(copy, limit)
        if problem is not None:
            raise ConfigurationError(_records.problem_in(what, *problem))
        try:
            data = json.dumps(
                copy, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode("utf-8")
        except RecursionError:
            raise ConfigurationError(f"{what} is nested too deeply to send as JSON") from None
        except (TypeError, ValueError) as exc:  # no value named: it may be personal
            raise ConfigurationError(
                f"{what} cannot be written as JSON ({type(exc).__name__})"
            ) from None
        media = JSON
    elif isinstance(record, str | bytes):
        try:
            data = record.encode("utf-8") if isinstance(record, str) else bytes(record)
        except UnicodeEncodeError:
            raise ConfigurationError(
                f"the {what} holds a lone surrogate, which UTF-8 cannot carry"
            ) from None
        if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise ConfigurationError(
                f"a text {what} is sent as an XML document and must start with '<'; "
                "send a JSON record as a dict"
            )
        media = XML
    elif isinstance(record, list | tuple):
        raise ConfigurationError(
            f"a {what} must be one JSON object, not a {type(record).__name__}: the API refuses "
            "arrays (one object per request; send_many sends many)"
        )
    else:
        raise ConfigurationError(
            f"a {what} must be a JSON object (a dict) or an XML document, "
            f"not {type(record).__name__}"
        )
    if not data:
        raise ConfigurationError(f"the {what} is empty")
    if len(data) > limit:
        raise ConfigurationError(f"the {what} is {len(data):,} bytes, over the limit of {limit:,}")
    if media == XML:
        values = _records.xml_values(data)
    return data, media, tuple(values)


def _with_body(kwargs: dict[str, Any], data: bytes, media: str) -> dict[str, Any]:
    """The generated request with our checked body bytes in place of its (empty) model:
    the vendor documents give these bodies no schema, so the generated side has none."""
    kwargs.pop("json", None)
    kwargs["content"] = data
    kwargs["headers"] = {**kwargs.get("headers", {}), "Content-Type": media}
    return kwargs


def _receipt_parser(stream_id: str, request_id: str) -> Any:
    def parse(response: httpx.Response) -> Receipt:
        # Ours, not the server's echo: it is the id every retry carried, the one a caller
        # can match downstream (and an echo can be anything a hostile server likes).
        return Receipt(stream_id, request_id, response.status_code)

    return parse


def send(
    stream_id: str, record: object, request_id: str | None, limit: int, tally: Tally | None = None
) -> Call[Receipt]:
    """POST /stream/v0/data/{stream_id}: retried on 429 and 5xx and on a lost connection,
    with the same X-Request-Id every time (a duplicate is then identifiable downstream)."""
    return send_checked(
        check_stream_id(stream_id), check_request_id(request_id), record, limit, tally
    )


def send_checked(
    stream_id: str, rid: str, record: object, limit: int, tally: Tally | None = None
) -> Call[Receipt]:
    """`send` for a stream id and request id already checked (send_many: once a run)."""
    from amperity_api.api.streams import post_stream_data
    from amperity_api.models.post_stream_data_json_body import PostStreamDataJsonBody

    data, media, private = encode(record, limit)
    kwargs = post_stream_data.build_request(
        stream_id, body=PostStreamDataJsonBody(), x_request_id=rid
    )
    return Call(
        "post-stream-data",
        _with_body(kwargs, data, media),
        _receipt_parser(stream_id, rid),
        family=STREAMING,
        private=private,
        private_body=True,
        tally=tally,
    )


def _event_outcome(response: httpx.Response) -> EventOutcome:
    return "dropped" if response.status_code == 204 else "accepted"


def send_event(stream_id: str, event: object) -> Call[EventOutcome]:
    """POST /prof/events/{stream_id}: 202 accepted, 204 the stream drops events; 409 (the
    stream is not accepting) is raised as ConflictError."""
    from amperity_api.api.events import post_event
    from amperity_api.models.post_event_body import PostEventBody

    stream_id = check_id(stream_id, "stream_id")
    if not isinstance(event, Mapping):
        raise ConfigurationError(
            f"an event must be one JSON object (a dict), not {type(event).__name__}"
        )
    data, media, private = encode(event, MAX_EVENT_BYTES, "event")
    kwargs = post_event.build_request(stream_id, body=PostEventBody())
    return Call(
        "post-event",
        _with_body(kwargs, data, media),
        _event_outcome,
        family=REALTIME,
        private=private,
        private_body=True,
    )


__all__ = ["Receipt", "check_stream_id", "encode", "send", "send_checked", "send_event"]
