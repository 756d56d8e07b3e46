"""The paginator every listing returns: items across pages, or the pages themselves.

Which request comes next, and when to stop, is `Walk`'s business (in `_pagination`); this
class only runs the calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .. import _operations
from .._pagination import Page, Walk, chain_of

if TYPE_CHECKING:
    from .._operations import Call, PageSource

T = TypeVar("T")
R = TypeVar("R")


class AsyncExecute(Protocol):
    """The client's retry loop: sends any call, returns what the call parses."""

    def __call__(self, call: Call[R], /) -> Awaitable[R]: ...


class AsyncPaginator(Generic[T]):
    """Iterate it for items, or iterate `.pages()` for pages (items, next_token, total).

    Each iteration starts again from the first page (or the `next_token` it was given).
    `max_empty_pages` (default `MAX_EMPTY_PAGES`) bounds the empty pages with a cursor
    followed in a row before `PaginationError`.
    """

    def __init__(
        self,
        execute: AsyncExecute,
        sources: Sequence[PageSource[T]],
        *,
        next_token: str | None = None,
        max_items: int | None = None,
        max_empty_pages: int | None = None,
    ) -> None:
        self._execute = execute
        self._walk = Walk.factory(sources, next_token, max_items, max_empty_pages)
        self._sources, self._next_token = sources, next_token
        self._max_items, self._max_empty_pages = max_items, max_empty_pages

    def as_dicts(self) -> AsyncPaginator[dict[str, Any]]:
        """The same listing (cursors, retries, rate limit, `max_items`), each item the plain
        dict the API sent instead of a model: for bulk exports, where building models is
        most of the client's work. Only the page's envelope is checked, not the items."""
        chain = chain_of(self._sources)
        sources = [] if chain is None else [chain.reading(_operations.raw_page)]
        return AsyncPaginator(
            self._execute,
            sources,
            next_token=self._next_token,
            max_items=self._max_items,
            max_empty_pages=self._max_empty_pages,
        )

    async def pages(self) -> AsyncIterator[Page[T]]:
        walk = self._walk()
        while (call := walk.next_call()) is not None:
            yield walk.accept(await self._execute(call))

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            items = page.items
            del page  # only `items` stays alive while the next page is fetched...
            for item in items:
                yield item
            del items  # ...and not even that: one page in memory at a time

    async def first_page(self) -> Page[T]:
        async for page in self.pages():
            return page
        return Page([])


__all__ = ["AsyncPaginator"]
