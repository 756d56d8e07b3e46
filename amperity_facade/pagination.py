"""Pages and paginators, the objects every listing returns.

    from amperity_facade.pagination import Page, Paginator, AsyncPaginator

`Paginator` (sync) and `AsyncPaginator` iterate items across pages, or pages themselves
with `.pages()`; a `Page` carries its items, the cursor to the next page and the total
when asked for.
"""

from ._async.pagination import AsyncPaginator
from ._pagination import Page
from ._sync.pagination import Paginator

__all__ = ["AsyncPaginator", "Page", "Paginator"]
