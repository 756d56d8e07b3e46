"""What an error may keep of an exchange, and what it must not.

Exceptions travel far (crash reporters, pickled task results, `repr` in logs): the request
and answer they keep are copies without credentials, and a request's personal values (a
lookup's identity keys, a streamed record) are cut from their text in every form a server
might quote them back in. Kept apart from `errors` so the exception classes read alone.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Callable, Iterable

import httpx

HIDDEN = "<redacted>"


def redacted_request(request: httpx.Request) -> httpx.Request:
    """A copy of `request` safe to keep on an exception: no credentials, no form body.

    Exceptions travel far (crash reporters, pickled task results, `repr` in logs), and
    `exc.response.request` would otherwise carry the bearer token and, for the OAuth
    token request, the client secret in its form body.
    """
    if request.extensions.get("amperity_redacted"):
        return request
    headers = httpx.Headers(request.headers)
    if "authorization" in headers:
        headers["authorization"] = HIDDEN
    content = b""
    if headers.get("content-type", "").startswith("application/json"):
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = b""
    if request.extensions.get("amperity_private_body"):  # a lookup's identity keys
        content = b""
    headers.pop("content-length", None)
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=content,
        extensions={
            "amperity_redacted": True,
            # Kept: it tells the retry loop that a failure here left the call unsent.
            "amperity_token_request": bool(request.extensions.get("amperity_token_request")),
        },
    )


def redact(response: httpx.Response) -> httpx.Response:
    """Swap the response's request for a redacted copy (in place; returns the response)."""
    try:
        request = response.request
    except RuntimeError:  # a response built without a request
        return response
    response.request = redacted_request(request)
    # Earlier answers of the same send (the OAuth token exchange, a 401 before the replay)
    # would carry the client secret and a live access token: none of them is kept.
    response.history = []
    # The consumed stream (and httpcore's objects behind it) still point at the original
    # request; the body is already read into `content`, so the stream is not needed.
    response.stream = httpx.ByteStream(response.content if _is_read(response) else b"")
    response.extensions = {
        k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")
    }
    return response


def _is_read(response: httpx.Response) -> bool:
    try:
        response.content  # noqa: B018 (raises ResponseNotRead when it was never read)
    except httpx.ResponseNotRead:
        return False
    return True


_UNPARSABLE = "the server's answer is not valid HTTP/1.1 (its bytes are not shown)"
_QUOTES_BYTES = re.compile(r"\bb'|\bb\"|bytearray\(")


def redact_chain(error: BaseException) -> None:
    """Redact the request of every httpx error in the cause/context chain of `error`."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, httpx.RequestError):
            with contextlib.suppress(RuntimeError):  # raised without a request
                current.request = redacted_request(current.request)
        if type(current).__name__.endswith("ProtocolError") and _QUOTES_BYTES.search(str(current)):
            # httpx's, httpcore's and h11's quote the bytes they could not parse, which
            # can be the rest of an earlier answer: another request's echoed record.
            current.args = (_UNPARSABLE,)
        current = current.__cause__ or current.__context__


def _forms(value: str) -> set[str]:
    """`value` as a server might quote it back: as sent, with its spaces squeezed (a page
    shown as text), JSON-escaped (ASCII or not; `/` as `\\/`; `<>&` as Go writes them),
    HTML-escaped, and each of those JSON-escaped again."""
    escaped = json.dumps(value)[1:-1]
    forms = {value, " ".join(value.split()), escaped, json.dumps(value, ensure_ascii=False)[1:-1]}
    forms |= {form.replace("/", "\\/") for form in forms}
    forms.add(escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    quoted = html.escape(value)
    forms |= {quoted, quoted.replace("&#x27;", "&#39;"), html.escape(value, quote=False)}
    # Quoted once more: a JSON message that holds the record as JSON text, seen in the body.
    forms |= {json.dumps(form, ensure_ascii=False)[1:-1] for form in forms}
    return {form for form in forms if form}


def cutter(values: Iterable[str], mark: str = HIDDEN) -> Callable[[str], str]:
    """A function that cuts `values`, in every form a server might quote them, from text."""
    ordered = sorted({form for value in values for form in _forms(value)}, key=len, reverse=True)

    def cut(text: str) -> str:
        for form in ordered:
            if form in text:
                text = text.replace(form, mark)
        return text

    return cut


def cut_response(response: httpx.Response, cut: Callable[[str], str]) -> None:
    """Apply `cut` to the headers and the read body of a response kept on an error."""
    code = response.headers.encoding  # values may be UTF-8: kept as bytes, cut as text
    response.headers = httpx.Headers(
        [(k, cut(v.decode(code)).encode(code, "replace")) for k, v in response.headers.raw]
    )
    if not _is_read(response):
        return
    try:
        text: str | None = response.content.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or cut(text) != text:
        response._content = b"" if text is None else cut(text).encode("utf-8")
        response.stream = httpx.ByteStream(response._content)
        response.__dict__.pop("_text", None)  # `.text` is cached once it has been read


__all__ = ["HIDDEN", "cut_response", "cutter", "redact", "redact_chain", "redacted_request"]
