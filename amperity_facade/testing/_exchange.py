"""One request in, one outcome out: record, apply faults, answer. No sockets here.

The socket server and the in-process transports both call `Exchange.handle` with the method,
the raw path and query, the headers and the body, and get back either a `Reply` (status,
headers, body) or an instruction only a connection can carry out: `Drop` (hang up without an
answer) or `Wait` (hold the answer for a while, then call `resume`). Each caller carries
those out in its own way, so both modes share one request log, one fault book and one backend.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import parse_qs

from ._errors import ApiError
from ._faults import ANSWER_KINDS, PAGE_KINDS, Fault, FaultBook, Pending
from ._hostile import mangle, rewrite_page
from ._log import RecordedRequest, RequestLog
from ._names import REALTIME, STREAMING
from ._operations import Answer, Backend
from ._profiles import REDACTED, redact_lookup
from ._routes import LOOKUP, Route, family_of, resolve
from ._writes import client_request_id

JSON = "application/json"
NO_CONTENT = frozenset({202, 204})  # statuses an answer may give without a body
SERVER = "amperity-fake"
HTML_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}"
    "</h1></center><hr><center>amperity-fake</center></body></html>"
)


@dataclass(frozen=True)
class Reply:
    """An answer ready for the wire. `headers` hold every header but Connection; `body` is
    empty for HEAD, while Content-Length still gives the length a GET would have had."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    close: bool = False

    @property
    def reason(self) -> str:
        return reason_phrase(self.status)


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering (a "drop" fault)."""


@dataclass(frozen=True)
class Wait:
    """Hold the answer `delay` seconds (a "slow" fault), then `resume()` builds it.

    `resume` runs the request through the API at that moment, as the server does, even when
    the client has stopped waiting: its side effects (a started workflow) happen regardless.
    """

    delay: float
    resume: Callable[[], Reply]


Outcome = Reply | Drop | Wait


class Exchange:
    """The fake's HTTP semantics, shared by the socket server and the transports."""

    def __init__(self, backend: Backend, log: RequestLog, faults: FaultBook) -> None:
        self.backend = backend
        self.log = log
        self.faults = faults

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Outcome:
        """`target` is the raw path and query as sent; header names must be lower case."""
        raw_path, _, raw_query = target.partition("?")
        route = resolve(raw_path)
        family = route.family if route is not None else family_of(raw_path)
        query = parse_qs(raw_query, keep_blank_values=True)
        logged_query, logged_body = query, body
        if family == REALTIME:
            logged_query, logged_body = redacted(route, query, body)
        elif family == STREAMING:
            logged_body = b""  # records are the caller's data: the log keeps path and id only
        # Streaming Ingest echoes the caller's X-Request-Id (the record is stored under it).
        given = client_request_id(headers) if family == STREAMING else None
        request_id = given or new_request_id()
        entry = RecordedRequest(
            method=method,
            path=raw_path,
            query=logged_query,
            headers=headers,
            body=logged_body,
            operation=route.methods.get(method) if route else None,
            status=0,
            at=time.monotonic(),
            request_id=request_id,
        )
        number = self.log.record(entry)
        pending = self.faults.take(entry.operation, number)
        fault = pending.fault if pending is not None else None
        sent = Sent(route, family, query, body)
        if fault is not None and fault.kind == "slow":
            return Wait(cast(float, fault.delay), lambda: self.serve(entry, sent, request_id))
        if fault is not None and fault.kind == "drop":
            return Drop()  # the entry keeps status 0: nothing was answered
        if fault is not None and fault.kind == "drop-after-accept":
            self.serve(entry, sent, request_id)  # stored, started, whatever the call does
            entry.status = 0  # then the connection drops: nothing was answered
            return Drop()
        if fault is not None and fault.kind in ANSWER_KINDS:
            return finish(entry, fault_reply(fault, method, request_id, family))
        return self.serve(entry, sent, request_id, pending)

    def serve(
        self,
        entry: RecordedRequest,
        sent: Sent,
        request_id: str,
        pending: Pending | None = None,
    ) -> Reply:
        """Answer through the backend; `pending` holds a page or body fault to apply, if any.

        The backend reads the request as sent (`sent`), the log keeps it redacted (`entry`)."""
        fault = pending.fault if pending is not None else None
        backend = self.backend
        extra: dict[str, str] = {}
        try:
            answer = backend.answer(
                entry.method,
                sent.route,
                entry.headers,
                sent.query,
                sent.body,
                sent.family,
                request_id,
            )
        except ApiError as error:
            body = envelope(error.status, error.message, request_id, sent.family)
            answer = Answer(error.status, body)
            extra = error.headers
        if answer.status < 400:
            extra = {**answer.headers, **backend.deprecation_headers(entry.operation)}
        status, answer_body = answer.status, answer.body
        if pending is not None and pending.fault.kind in PAGE_KINDS:
            if status == 200 and isinstance(answer_body, dict) and self.faults.consume(pending):
                answer_body = rewrite_page(pending.fault.kind, answer_body)
            fault = None
        content_type = JSON
        if answer_body is None and status in NO_CONTENT:
            payload, content_type = b"", ""  # accepted: the write APIs answer no body
        else:
            payload = json.dumps(answer_body, separators=(",", ":")).encode()
        if fault is not None:
            status, content_type = 200, JSON
            payload, mangled = mangle(fault, payload)
            extra = {**extra, **mangled}
        return finish(entry, reply(status, payload, content_type, request_id, extra, entry.method))


@dataclass(frozen=True)
class Sent:
    """The request as the backend reads it, before the log's redaction."""

    route: Route | None
    family: str
    query: dict[str, list[str]]
    body: bytes


def redacted(
    route: Route | None, query: dict[str, list[str]], body: bytes
) -> tuple[dict[str, list[str]], bytes]:
    """What the log keeps of a Real-Time request: identity keys travel in lookup bodies (and
    in the query of the GET lookup form, which the fake refuses but still logs), so their
    values are replaced; key names stay, so a test can still see which keys were sent."""
    if route is not None and route.methods is LOOKUP:
        query = {k: [REDACTED] * len(v) if k != "_enrich" else v for k, v in query.items()}
    return query, redact_lookup(body)


def finish(entry: RecordedRequest, answer: Reply) -> Reply:
    entry.status = answer.status
    return answer


def fault_reply(fault: Fault, method: str, request_id: str, family: str) -> Reply:
    status = fault.answer_status
    extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
    if fault.kind == "html":
        page = HTML_PAGE.format(status=status, reason=reason_phrase(status) or "Error").encode()
        return reply(status, page, "text/html; charset=utf-8", request_id, extra, method)
    body = envelope(status, f"injected fault: status {status}", request_id, family)
    return reply(status, json.dumps(body).encode(), JSON, request_id, extra, method)


def new_request_id() -> str:
    return "req-" + secrets.token_hex(8)


def error_reply(status: int, message: str | None, method: str) -> Reply:
    """The answer to a request the HTTP layer itself refuses (bad request line, oversized
    headers): the same JSON envelope as every other error, and the connection closes."""
    request_id = new_request_id()
    reason = message or reason_phrase(status) or "error"
    payload = json.dumps(envelope(status, reason, request_id)).encode()
    return reply(status, payload, JSON, request_id, {}, method, close=True)


def reply(
    status: int,
    body: bytes,
    content_type: str,
    request_id: str,
    extra: dict[str, str],
    method: str,
    *,
    close: bool = False,
) -> Reply:
    """An empty `content_type` sends none (an answer without a body); a 204 carries no
    Content-Length either, as HTTP/1.1 requires."""
    headers = [("Server", SERVER), ("Date", formatdate(usegmt=True))]
    if content_type:
        headers.append(("Content-Type", content_type))
    if status != 204:
        headers.append(("Content-Length", str(len(body))))
    headers += [("x-request-id", request_id), *extra.items()]
    return Reply(status, headers, b"" if method == "HEAD" else body, close)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def envelope(status: int, message: str, request_id: str, family: str = "") -> dict[str, Any]:
    """The family's error body: the Real-Time API's ErrorBody, or the others' ErrorResponse."""
    if family == REALTIME:
        return {"error": error_code(status), "message": message}
    return {
        "status": status,
        "message": message,
        "request_id": request_id,
        "trace_id": "tr-" + secrets.token_hex(8),
    }


def error_code(status: int) -> str:
    """The Real-Time API's error code: the status's reason, snake_cased (429 is
    too_many_requests); a status without a reason is http_<status>."""
    phrase = reason_phrase(status)
    if not phrase:
        return f"http_{status}"
    return "".join(c if c.isalnum() else "_" for c in phrase.lower()).strip("_")
