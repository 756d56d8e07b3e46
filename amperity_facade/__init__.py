"""amperity-facade: a typed client for the Amperity API.

    from amperity_facade import Amperity, AsyncAmperity, errors

Everything else lives in private modules; what is re-exported here is the public surface.
Returned objects are the generated models of `amperity_api.models`.
"""

__version__ = "0.1.0"

from . import errors
from ._async_client import AsyncAmperity, AsyncPaginator
from ._client import Amperity
from ._operations import Page
from ._pagination import Paginator
from ._retry import RetryPolicy
from .errors import AmperityDeprecationWarning

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
