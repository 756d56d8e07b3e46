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
import string
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from html.entities import codepoint2name
from typing import Protocol

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


# What System.Text.Json (ASP.NET Core) leaves unescaped; all else is \uXXXX, hex in capitals.
_NET_PLAIN = frozenset(string.ascii_letters + string.digits + " !#$%()*,-./:;=?@[]^_{|}~")
_HEX = re.compile(r"\\u([0-9a-f]{4})")
# A form shorter than this (spaces squeezed out of a longer value) is too common to cut;
# a value this short is cut as it is (a lookup key may be "42").
SHORTEST = 3
_RUN = re.compile(r"[A-Za-z0-9]+")
_KEY = 12


def _net(value: str) -> str:
    units = value.encode("utf-16-be", "surrogatepass")
    return "".join(
        char if char in _NET_PLAIN else f"\\u{int.from_bytes(units[2 * i : 2 * i + 2]):04X}"
        for i, char in enumerate(units.decode("utf-16-be", "surrogatepass"))
    )


def _html(value: str) -> set[str]:
    """As Python, and PHP's htmlspecialchars / htmlentities, write it into a page."""
    quoted = html.escape(value)
    named = "".join(
        f"&{codepoint2name[ord(c)]};" if ord(c) > 127 and ord(c) in codepoint2name else c
        for c in quoted
    )
    numeric = quoted.encode("ascii", "xmlcharrefreplace").decode("ascii")
    pages = {quoted, html.escape(value, quote=False), named, numeric}
    # Python writes ' as &#x27;, PHP's htmlspecialchars as &#039;, others &#39; or &apos;.
    return pages | {
        page.replace("&#x27;", other) for page in pages for other in ("&#39;", "&#039;", "&apos;")
    }


def forms(value: str) -> set[str]:
    """`value` as a server might quote it back: as sent; spaces squeezed (a page shown as
    text); JSON-escaped as Python, Go (`<>&` escaped), PHP (`/` as `\\/`), Java
    (ESCAPE_NON_ASCII: capital hex) and .NET (all but the plainest characters) write it;
    HTML-escaped; as a bytes repr (httpcore's headers in its debug log); and each of those
    JSON-escaped once more (a JSON message that holds the record as JSON text)."""
    escaped = json.dumps(value)[1:-1]
    found = {value, " ".join(value.split()), escaped, json.dumps(value, ensure_ascii=False)[1:-1]}
    found |= {_HEX.sub(lambda m: "\\u" + m.group(1).upper(), escaped), _net(value)}
    found |= {form.replace("/", "\\/") for form in found}
    found.add(escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    found |= _html(value)
    if not value.isascii():
        found.add(str(value.encode("utf-8", "surrogatepass"))[2:-1])
    found |= {json.dumps(form, ensure_ascii=False)[1:-1] for form in found}
    return {form for form in found if len(form) >= min(SHORTEST, len(value))}


_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?")


def spellings(value: str) -> list[str]:
    """`value`, and when it is a float as json writes it, the other ways servers echo that
    number: JavaScript and Go positionally (no `.0` on a whole number, 0.000015 for
    1.5e-05, 1.5e-7 not 1.5e-07); Java from 1e7 up (and below 1e-3) as `1.2345E7`."""
    if not ("." in value or "e" in value) or not _FLOAT.fullmatch(value):
        return [value]
    number = float(value)
    if float.__repr__(number) != value:
        return [value]
    texts = [value, re.sub(r"e([+-])0*(\d)", r"e\1\2", value)]
    if abs(number) < 1e21:
        positional = format(Decimal(value), "f")
        texts.append(positional.removesuffix(".0") if number.is_integer() else positional)
    if number and not 1e-3 <= abs(number) < 1e7:
        sign, digits, exponent = Decimal(value).normalize().as_tuple()
        assert isinstance(exponent, int)  # a float repr is finite
        shown = "".join(map(str, digits))
        power = exponent + len(shown) - 1
        texts.append(f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}")
    return list(dict.fromkeys([value, *(text for text in texts if len(text) > SHORTEST)]))


class Cut(Protocol):
    """Takes personal values out of text, putting `mark` where each was."""

    def __call__(self, text: str, mark: str = ...) -> str: ...


def keep(text: str, mark: str = HIDDEN) -> str:
    """The `Cut` of a request that carries no personal values."""
    return text


def cutter(values: Iterable[str]) -> Cut:
    """A function that cuts `values`, in every form a server might quote them, from text.

    Every form keeps a value's runs of ASCII letters and digits as they are, so a value
    with a run that is not in the text is in no form there: forms are only made for the
    values whose runs all are, found by the run fewest values share (a record may hold
    thousands of values, and a log line is cut on every request)."""
    runs_of = {
        spelling: set(_RUN.findall(spelling)) for value in values for spelling in spellings(value)
    }
    seen = Counter(run for runs in runs_of.values() for run in runs)
    by_run: dict[str, list[tuple[list[str], str]]] = {}  # by the start of its rarest run
    always: list[str] = []  # no run to look for: "Zoë", "東京"
    for value, runs in runs_of.items():
        if not runs:
            always.append(value)
            continue
        rarest = min(runs, key=lambda run: (seen[run], -len(run)))
        # Keyed by its start: a run's start is in the text wherever the run is, and few
        # key lengths keep the scan of a long text short.
        by_run.setdefault(rarest[:_KEY], []).append((sorted(runs), value))
    made: dict[str, set[str]] = {}
    lengths = sorted({len(key) for key in by_run})

    def runs_in(text: str) -> Iterable[str]:
        if len(by_run) <= 256:  # few: search for each
            return (run for run in by_run if run in text)
        # many: look up every stretch of the text as long as some run is
        return {
            text[i : i + n]
            for n in lengths
            for i in range(len(text) - n + 1)
            if text[i : i + n] in by_run
        }

    def cut(text: str, mark: str = HIDDEN) -> str:
        found: set[str] = set()
        candidates = [
            value
            for run in runs_in(text)
            for runs, value in by_run[run]
            if all(other in text for other in runs)
        ]
        for value in [*always, *candidates]:
            if value not in made:
                made[value] = forms(value)
            found |= {form for form in made[value] if form in text}
        for form in sorted(found, key=len, reverse=True):
            text = text.replace(form, mark)
        return text

    return cut


def cut_response(response: httpx.Response, cut: Cut) -> None:
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


__all__ = [
    "HIDDEN",
    "Cut",
    "cut_response",
    "cutter",
    "keep",
    "redact",
    "redact_chain",
    "redacted_request",
]
