"""amperity-facade: a typed client for the Amperity API.

    from amperity_facade import Amperity, AsyncAmperity, errors

Everything else lives in private modules; what is re-exported here is the public surface.
Returned objects are the generated models of `amperity_api.models`.
"""

__version__ = "0.1.0"

import logging
from typing import TYPE_CHECKING, Any

from . import errors
from ._client import Amperity
from ._operations import Page
from ._pagination import Paginator
from ._retry import RetryPolicy
from .errors import AmperityDeprecationWarning

# A library never decides where its log lines go: without this, retry warnings would reach
# the stderr of applications that configured no logging, through logging's last resort.
logging.getLogger("amperity_facade").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from ._async_client import AsyncAmperity, AsyncPaginator


def __getattr__(name: str) -> Any:
    """The async client loads on first use, so sync-only programs never import asyncio."""
    if name in ("AsyncAmperity", "AsyncPaginator"):
        from . import _async_client

        return getattr(_async_client, name)
    raise AttributeError(f"module 'amperity_facade' has no attribute {name!r}")


__all__ = [
    "Amperity",
    "AmperityDeprecationWarning",
    "AsyncAmperity",
    "AsyncPaginator",
    "Page",
    "Paginator",
    "RetryPolicy",
    "__version__",
    "errors",
]
