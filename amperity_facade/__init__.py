"""amperity-facade: a typed client for the Amperity API.

    from amperity_facade import Amperity, AsyncAmperity, errors
    from amperity_facade.pagination import Page, Paginator
    from amperity_facade.types import Segment, Workflow, UNSET
    from amperity_facade import RedisRateLimiter  # with the [redis] extra: one shared budget

The public surface is this package, `errors`, `pagination` and `types`; everything else
lives in private modules. Returned objects are the generated models of `amperity_api.models`,
re-exported by `amperity_facade.types` (which, unlike this package, imports them).
"""

import logging
from typing import TYPE_CHECKING, Any

from . import _logs, errors
from ._pagination import Page
from ._redis import RedisRateLimiter
from ._retry import RetryPolicy
from ._sync.client import Amperity
from ._sync.pagination import Paginator
from ._version import __version__
from .errors import AmperityDeprecationWarning

# A library never decides where its log lines go: without this, retry warnings would reach
# the stderr of applications that configured no logging, through logging's last resort.
logging.getLogger("amperity_facade").addHandler(logging.NullHandler())
_logs.install()

if TYPE_CHECKING:
    from ._async.client import AsyncAmperity
    from ._async.pagination import AsyncPaginator


def __getattr__(name: str) -> Any:
    """The async client loads on first use, so sync-only programs never import asyncio;
    `amperity_facade.types` too, since it imports the generated models."""
    if name == "AsyncAmperity":
        from ._async.client import AsyncAmperity

        return AsyncAmperity
    if name == "AsyncPaginator":
        from ._async.pagination import AsyncPaginator

        return AsyncPaginator
    if name in ("pagination", "types"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'amperity_facade' has no attribute {name!r}")


__all__ = [
    "Amperity",
    "AmperityDeprecationWarning",
    "AsyncAmperity",
    "AsyncPaginator",
    "Page",
    "Paginator",
    "RedisRateLimiter",
    "RetryPolicy",
    "__version__",
    "errors",
]
