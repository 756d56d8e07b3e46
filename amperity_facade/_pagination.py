"""Cursor pagination: iterate items across pages, or pages themselves, in O(one page) memory.

Every listing is walked as a `Chain` of spans, each span one server-side listing with its
own cursors: a single span for most operations, one per window of at most seven days for
ingest jobs. The walk itself (which request comes next, when to stop, `max_items`, and
giving up on a server that answers without getting anywhere) lives in `Walk`, shared by
the paginators (`_async/pagination.py` and its sync twin); they differ only in how a call runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import ConfigurationError, PaginationError

if TYPE_CHECKING:  # _operations imports Page from here: no import back at run time
    from ._operations import Call, PageSource

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items, the cursor to the next page, the total if asked."""

    items: list[T]
    next_token: str | None = None
    total: int | None = None
    raw: Any = field(default=None, repr=False, compare=False)


# Cursor format version: a cursor of another version is refused by name, not misread.
CURSOR_VERSION = "af1"
# Consecutive empty pages that each carry a new cursor before the walk gives up. A real
# listing may skip a few (items deleted under it); fifty in a row only happens when a
# server keeps handing out cursors to nothing.
MAX_EMPTY_PAGES = 50
# Cursors remembered, per span, to spot one coming back; older ones are forgotten so a
# listing of millions of pages still walks in constant memory.
SEEN_CURSORS = 1000


class Chain(Generic[T]):
    """Server-side listings read one after another, as one listing behind one cursor.

    A server cursor means something only in the listing that issued it (sent with another
    ingest window it is answered 400), so the cursors a chain gives out name their span as
    well: `af1.` then the URL-safe base64, unpadded, of the JSON
    `{"span": <span name>, "token": <server cursor, or null for the span's first page>}`.
    Resuming from one neither re-reads nor skips anything, whichever span it was saved in.

    `first` names the first span; `fetch(span, token)` builds the request for a page;
    `after(span)` names the span that follows (None after the last); `check(span)` raises
    ConfigurationError when a span named by a caller's cursor cannot be read here.
    """

    def __init__(
        self,
        *,
        what: str,
        first: str,
        fetch: Callable[[str, str | None], Call[Page[T]]],
        after: Callable[[str], str | None],
        check: Callable[[str], None],
        plain: bool = False,
    ) -> None:
        self.what = what
        self.first = first
        self.fetch = fetch
        self.after = after
        self._check = check
        self._plain = plain  # a lone span: its cursors are the server's own, passed through

    @classmethod
    def single(cls, source: PageSource[T]) -> Chain[T]:
        """One server-side listing, whose cursors the caller gets and gives back unchanged."""
        return cls(
            what="listing",
            first="",
            fetch=lambda _, token: source(token),
            after=lambda _: None,
            check=lambda _: None,
            plain=True,
        )

    @classmethod
    def of(cls, sources: Sequence[PageSource[T]]) -> Chain[T]:
        """Page sources read in order; spans are named by position."""
        count = len(sources)

        def check(span: str) -> None:
            if not (span.isdigit() and int(span) < count):
                raise ConfigurationError(
                    f"next_token names part {span[:20]!r} of a {count}-part listing"
                )

        return cls(
            what="listing",
            first="0",
            fetch=lambda span, token: sources[int(span)](token),
            after=lambda span: str(int(span) + 1) if int(span) + 1 < count else None,
            check=check,
        )

    def reading(self, parse: Callable[[Any], Page[U]]) -> Chain[U]:
        """The same spans and cursors, each page read by `parse` (see `as_dicts`)."""
        fetch = self.fetch
        return Chain(
            what=self.what,
            first=self.first,
            fetch=lambda span, token: fetch(span, token).reading(parse),
            after=self.after,
            check=self._check,
            plain=self._plain,
        )

    def cursor(self, span: str, token: str | None) -> str:
        """The cursor a caller gets for the page at `token` in `span`."""
        if self._plain:
            assert token is not None  # a lone span has no "start of the next span"
            return token
        payload = json.dumps({"span": span, "token": token}, separators=(",", ":"))
        encoded = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
        return f"{CURSOR_VERSION}.{encoded}"

    def position(self, cursor: str | None) -> tuple[str, str | None]:
        """(span, server token) of a caller's cursor; ConfigurationError saying what is wrong."""
        if cursor is None or self._plain:
            return self.first, cursor
        version, dot, encoded = cursor.partition(".")
        if not dot or not version.startswith("af") or not version[2:].isdigit():
            raise ConfigurationError(
                f"next_token {cursor[:40]!r} is not a cursor of this {self.what} listing: pass "
                f"the next_token of one of its pages (they start with {CURSOR_VERSION + '.'!r})"
            )
        if version != CURSOR_VERSION:
            raise ConfigurationError(
                f"next_token is a {version!r} cursor, from another version of amperity-facade; "
                f"this one reads {CURSOR_VERSION!r} cursors: start the listing again"
            )
        try:
            raw = base64.b64decode(
                encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True
            )
            decoded: Any = json.loads(raw)
        except (binascii.Error, ValueError, RecursionError):
            raise ConfigurationError(
                f"next_token {cursor[:40]!r} is malformed: not base64-encoded JSON"
            ) from None
        span = decoded.get("span") if isinstance(decoded, dict) else None
        token = decoded.get("token") if isinstance(decoded, dict) else None
        if not isinstance(span, str) or not (token is None or (isinstance(token, str) and token)):
            raise ConfigurationError(
                f"next_token {cursor[:40]!r} is malformed: it needs a span name and a "
                "non-empty server cursor or null"
            )
        self._check(span)
        return span, token

    def __call__(self, cursor: str | None) -> Call[Page[T]]:
        """The page at one of this chain's cursors, its next_token one too: a chain is a
        page source like any other, which is how it travels in a list of sources."""
        span, token = self.position(cursor)
        call = self.fetch(span, token)

        def parse(response: Any) -> Page[T]:
            page = call.parse(response)
            if page.next_token:
                return replace(page, next_token=self.cursor(span, page.next_token))
            following = self.after(span)
            cursor = None if following is None else self.cursor(following, None)
            return replace(page, next_token=cursor)

        return replace(call, parse=parse)


def _mark(items: Sequence[Any]) -> str:
    """A page's length and first and last items, as text, to know the page again."""
    try:
        return repr((len(items), items[0], items[-1]))
    except RecursionError:
        # An item nested past what repr can walk (orjson reads deeper than repr writes):
        # its top level only, which still tells pages of distinct items apart.
        return repr((len(items), _shallow(items[0]), _shallow(items[-1])))


def _shallow(item: Any) -> Any:
    scalar = (str, int, float, bool, type(None))
    if isinstance(item, dict):
        return [(k, v if isinstance(v, scalar) else type(v).__name__) for k, v in item.items()]
    names = list(vars(item)) if hasattr(item, "__dict__") else getattr(item, "__slots__", ())
    shown: list[Any] = [type(item).__name__]
    for name in names:
        if isinstance(name, str) and not name.startswith("_"):
            value = getattr(item, name, None)
            shown.append((name, value if isinstance(value, scalar) else type(value).__name__))
    return shown


def chain_of(sources: Sequence[PageSource[T]]) -> Chain[T] | None:
    if not sources:
        return None
    if len(sources) > 1:
        return Chain.of(sources)
    (source,) = sources
    return source if isinstance(source, Chain) else Chain.single(source)


def _check_count(value: object, name: str, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigurationError(f"{name} must be an integer >= {low} or None, got {value!r}")


def _at_most(call: Call[Page[T]], left: int) -> Call[Page[T]]:
    """Ask for no more items than `max_items` still allows.

    A page cut short on our side would leave no cursor to resume from: the server's points
    past the whole page, so the items cut off would be skipped. A smaller last page keeps
    every `Page.next_token` exact.
    """
    params = dict(call.kwargs.get("params") or {})
    asked = params.get("limit")
    if isinstance(asked, int) and asked <= left:
        return call
    params["limit"] = left
    return replace(call, kwargs={**call.kwargs, "params": params})


# The longest id or cursor accepted, in characters: far above any real one, far below the
# 65,536 at which httpx refuses a URL component with a raw InvalidURL.
MAX_TEXT = 16_384


def text_problem(value: str) -> str | None:
    """Why `value` cannot travel in a URL, or None: too long, or not encodable (a lone
    surrogate, which UTF-8 cannot carry, raises a raw UnicodeEncodeError in httpx)."""
    if len(value) > MAX_TEXT:
        return f"is {len(value):,} characters long (at most {MAX_TEXT:,})"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid text (it holds a lone surrogate)"
    return None


class Walk(Generic[T]):
    def __init__(
        self,
        sources: Sequence[PageSource[T]],
        next_token: str | None,
        max_items: int | None,
        max_empty_pages: int | None,
    ) -> None:
        if max_items is not None:
            _check_count(max_items, "max_items", 0)
        if max_empty_pages is not None:
            _check_count(max_empty_pages, "max_empty_pages", 1)
        if next_token is not None and (not isinstance(next_token, str) or not next_token):
            raise ConfigurationError(
                "next_token must be a non-empty string (or None for the start)"
            )
        if next_token is not None and (problem := text_problem(next_token)) is not None:
            raise ConfigurationError(f"next_token {problem}")
        self._chain = chain_of(sources)
        self._span: str | None = None
        self._token: str | None = None
        if self._chain is not None:
            self._span, self._token = self._chain.position(next_token)
        self._left = max_items
        self._max_empty = MAX_EMPTY_PAGES if max_empty_pages is None else max_empty_pages
        self._loop: str | None = None
        self._new_span()

    @classmethod
    def factory(
        cls,
        sources: Sequence[PageSource[T]],
        next_token: str | None,
        max_items: int | None,
        max_empty_pages: int | None = None,
    ) -> Callable[[], Walk[T]]:
        """Validate the arguments now (not on first use); each call starts a fresh walk."""
        cls(sources, next_token, max_items, max_empty_pages)
        return lambda: cls(sources, next_token, max_items, max_empty_pages)

    def _new_span(self) -> None:
        """Forget what the previous span's server said: its cursors mean nothing here."""
        # Cursors and page marks are remembered apart, each up to SEEN_CURSORS: sharing one
        # memory halved it, and a cycle of 600 cursors went unnoticed forever.
        self._memory: dict[bytes, tuple[set[bytes], deque[bytes]]] = {
            b"cursor": (set(), deque()),
            b"page": (set(), deque()),
        }
        self._empty = 0
        if self._token is not None:
            self._remember(self._token)

    def _remember(self, text: str, kind: bytes = b"cursor") -> bool:
        """Record a server cursor (or a page's mark); False when it was already seen
        (among the last SEEN_CURSORS of its kind) in this span."""
        seen, order = self._memory[kind]
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if key in seen:
            return False
        if len(order) >= SEEN_CURSORS:
            seen.discard(order.popleft())
        order.append(key)
        seen.add(key)
        return True

    def next_call(self) -> Call[Page[T]] | None:
        if self._chain is None or self._span is None or self._left == 0:
            return None
        if self._loop is not None:  # raised only now: the page carrying it was still new
            raise PaginationError(
                f"the server returned cursor {self._loop[:40]!r} a second time; stopping "
                "instead of looping forever"
            )
        call = self._chain.fetch(self._span, self._token)
        return call if self._left is None else _at_most(call, self._left)

    def accept(self, page: Page[T]) -> Page[T]:
        assert self._chain is not None and self._span is not None
        token = page.next_token or None
        self._check_progress(page, token)
        if token is None:  # this span is exhausted; the next one (if any) starts fresh
            self._span = self._chain.after(self._span)
            self._token = None
            self._new_span()
            cursor = None if self._span is None else self._chain.cursor(self._span, None)
        else:
            if not self._remember(token):
                self._loop = token
            self._token = token
            cursor = self._chain.cursor(self._span, token)
        items = page.items
        if self._left is not None:
            if len(items) > self._left:
                if cursor is not None:  # no cursor could resume after the cut: refuse
                    raise PaginationError(
                        f"the server sent {len(items)} items when at most {self._left} were "
                        "asked for (max_items); a cursor after a cut page would skip the rest"
                    )
                items = items[: self._left]
            self._left -= len(items)
        return replace(page, items=items, next_token=cursor)

    def _check_progress(self, page: Page[T], token: str | None) -> None:
        """Give up on a server whose pages lead nowhere, before following it any further."""
        items = page.items
        if items:
            self._empty = 0
            # Taken now, before the caller sees (and perhaps edits) the items; any page seen
            # earlier in the span counts, so pages taking turns are caught too.
            mark = _mark(items)
            if not self._remember(mark, b"page"):
                raise PaginationError(
                    f"the server answered cursor {(self._token or '')[:40]!r} with a page it "
                    "had already sent: it ignores the cursor; stopping instead of looping forever"
                )
        elif token is not None:
            self._empty += 1
            if self._empty >= self._max_empty:
                raise PaginationError(
                    f"{self._empty} pages in a row came back empty, each with a new cursor; "
                    "stopping instead of following them forever"
                )
