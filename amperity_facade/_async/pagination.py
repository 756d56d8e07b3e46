"""The paginator every listing returns: items across pages, or the pages themselves.

Which request comes next, and when to stop, is `Walk`'s business (in `_pagination`); this
class only runs the calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from .._pagination import Page, Walk

if TYPE_CHECKING:
    from .._operations import Call, PageSource

T = TypeVar("T")


class AsyncPaginator(Generic[T]):
    """Iterate it for items, or iterate `.pages()` for pages (items, next_token, total).

    Each iteration starts again from the first page (or the `next_token` it was given).
    `max_empty_pages` (default `MAX_EMPTY_PAGES`) bounds the empty pages with a cursor
    followed in a row before `PaginationError`.
    """

    def __init__(
        self,
        execute: Callable[[Call[Page[T]]], Awaitable[Page[T]]],
        sources: Sequence[PageSource[T]],
        *,
        next_token: str | None = None,
        max_items: int | None = None,
        max_empty_pages: int | None = None,
    ) -> None:
        self._execute = execute
        self._walk = Walk.factory(sources, next_token, max_items, max_empty_pages)

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


__all__ = ["AsyncPaginator"]
