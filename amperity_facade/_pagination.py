"""Cursor pagination: iterate items across pages, or pages themselves, in O(one page) memory.

The walk itself (which request comes next, when to stop, cursor loops, `max_items`) lives
in `_Walk`, shared by the sync and async paginators; they differ only in how a call runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

from ._operations import Call, Page, PageSource
from .errors import ConfigurationError, PaginationError

T = TypeVar("T")


class _Walk(Generic[T]):
    def __init__(
        self, sources: Sequence[PageSource[T]], next_token: str | None, max_items: int | None
    ) -> None:
        if max_items is not None and (
            isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0
        ):
            raise ConfigurationError(
                f"max_items must be an integer >= 0 or None, got {max_items!r}"
            )
        if next_token is not None and (not isinstance(next_token, str) or not next_token):
            raise ConfigurationError(
                "next_token must be a non-empty string (or None for the start)"
            )
        self._sources = list(sources)
        self._index = 0
        self._token = next_token
        self._seen: set[str] = {next_token} if next_token else set()
        self._left = max_items
        self._loop: str | None = None

    @classmethod
    def factory(
        cls, sources: Sequence[PageSource[T]], next_token: str | None, max_items: int | None
    ) -> Callable[[], _Walk[T]]:
        """Validate the arguments now (not on first use); each call starts a fresh walk."""
        cls(sources, next_token, max_items)
        return lambda: cls(sources, next_token, max_items)

    def next_call(self) -> Call[Page[T]] | None:
        if self._index >= len(self._sources) or self._left == 0:
            return None
        if self._loop is not None:  # raised only now: the page carrying it was still new
            raise PaginationError(
                f"the server returned cursor {self._loop[:40]!r} a second time; stopping "
                "instead of looping forever"
            )
        return self._sources[self._index](self._token)

    def accept(self, page: Page[T]) -> Page[T]:
        if self._left is not None:
            if len(page.items) > self._left:
                page = Page(page.items[: self._left], page.next_token, page.total, page.raw)
            self._left -= len(page.items)
        token = page.next_token
        if not token:
            self._index += 1  # this source is exhausted; the next (ingest window) starts fresh
            self._token = None
            self._seen = set()
        elif token in self._seen:
            self._loop = token
        else:
            self._seen.add(token)
            self._token = token
        return page


class Paginator(Generic[T]):
    """Iterate for items; `.pages()` for pages (items, next_token, total).

    Each iteration starts again from the first page (or the `next_token` it was given).
    """

    def __init__(
        self,
        execute: Callable[[Call[Page[T]]], Page[T]],
        sources: Sequence[PageSource[T]],
        *,
        next_token: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._execute = execute
        self._walk = _Walk.factory(sources, next_token, max_items)

    def pages(self) -> Iterator[Page[T]]:
        walk = self._walk()
        while (call := walk.next_call()) is not None:
            yield walk.accept(self._execute(call))

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def first_page(self) -> Page[T]:
        return next(iter(self.pages()), Page([]))


class AsyncPaginator(Generic[T]):
    """The async twin of `Paginator`: `async for` items, or `async for` over `.pages()`."""

    def __init__(
        self,
        execute: Callable[[Call[Page[T]]], Awaitable[Page[T]]],
        sources: Sequence[PageSource[T]],
        *,
        next_token: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._execute = execute
        self._walk = _Walk.factory(sources, next_token, max_items)

    async def pages(self) -> AsyncIterator[Page[T]]:
        walk = self._walk()
        while (call := walk.next_call()) is not None:
            yield walk.accept(await self._execute(call))

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def first_page(self) -> Page[T]:
        async for page in self.pages():
            return page
        return Page([])
