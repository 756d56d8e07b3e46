"""What the sync and async clients share: settings, auth, limiter, answer handling.

A client and every client derived from it with `with_options` share one `_Shared`: the
connection pool, the token cache, the rate limiter (one budget per tenant connection) and
the record of deprecation warnings already given.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from ._auth import BearerTokenAuth, ClientCredentialsAuth
from ._config import NOT_GIVEN, Options, resolve
from ._operations import Call
from ._ratelimit import RateLimiter
from ._retry import RetryPolicy, is_unsafe

if TYPE_CHECKING:
    from amperity_api.client import Client as GeneratedClient

from .errors import (
    AmperityDeprecationWarning,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ConfigurationError,
    status_error,
)

T = TypeVar("T")
log = logging.getLogger("amperity_facade")


class DeprecationNotices:
    """Warn once per (operation, api-version) when answers carry Deprecation/Sunset."""

    def __init__(self) -> None:
        self._given: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def check(self, operation: str, response: httpx.Response) -> None:
        deprecation = response.headers.get("deprecation")
        sunset = response.headers.get("sunset")
        if deprecation is None and sunset is None:
            return
        version = response.request.headers.get("api-version", "?")
        with self._lock:
            if (operation, version) in self._given:
                return
            self._given.add((operation, version))
        message = (
            f"Amperity announced the end of {operation} under api-version {version}: "
            f"deprecated from {deprecation or 'unannounced'}, sunset on {sunset or 'unannounced'}"
        )
        log.warning("%s", message)
        warnings.warn(message, AmperityDeprecationWarning, stacklevel=5)


def build_auth(options: Options) -> httpx.Auth:
    if options.token is not None:
        return BearerTokenAuth(options.token)
    assert options.client_id is not None and options.client_secret is not None
    return ClientCredentialsAuth(
        base_url=options.base_url,
        tenant=options.tenant,
        client_id=options.client_id,
        client_secret=options.client_secret,
    )


@dataclass
class Shared:
    auth: httpx.Auth
    limiter: RateLimiter | None
    policy: RetryPolicy
    pool: Any  # httpx.BaseTransport or httpx.AsyncBaseTransport
    notices: DeprecationNotices = field(default_factory=DeprecationNotices)

    @classmethod
    def create(cls, options: Options, policy: RetryPolicy | None, pool: Any) -> Shared:
        limiter = RateLimiter(options.rate_limit) if options.rate_limit else None
        return cls(build_auth(options), limiter, policy or RetryPolicy(), pool)


class BaseClient:
    _options: Options
    _shared: Shared
    _gen: GeneratedClient

    @property
    def tenant(self) -> str:
        return self._options.tenant

    @property
    def base_url(self) -> str:
        return self._options.base_url

    @property
    def api_version(self) -> str:
        return self._options.api_version

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(tenant={self.tenant!r}, base_url={self.base_url!r}, "
            f"api_version={self.api_version!r})"
        )

    def _setup(self, options: Options, shared: Shared, *, owner: bool) -> None:
        raise NotImplementedError

    def _start(
        self,
        settings: dict[str, Any],
        transport: Any,
        kind: type[Any],
        default: Callable[[], Any],
        retry_policy: RetryPolicy | None,
    ) -> None:
        """The constructor's work, shared by both clients: validate, then build."""
        options = resolve(**settings)
        if transport is not None and not isinstance(transport, kind):
            raise ConfigurationError(f"transport must be an httpx.{kind.__name__}")
        pool = transport if transport is not None else default()
        self._setup(options, Shared.create(options, retry_policy, pool), owner=True)

    def with_options(
        self,
        *,
        timeout: Any = NOT_GIVEN,
        max_retries: Any = NOT_GIVEN,
        api_version: Any = NOT_GIVEN,
    ) -> Self:
        """A client with some settings changed, sharing connections, token and rate limit."""
        derived = type(self).__new__(type(self))
        options = self._options.derive(
            timeout=timeout, max_retries=max_retries, api_version=api_version
        )
        derived._setup(options, self._shared, owner=False)
        return derived

    def _policy(self) -> RetryPolicy:
        return replace(self._shared.policy, max_retries=self._options.max_retries)

    def _finish(self, call: Call[T], response: httpx.Response) -> T:
        self._shared.notices.check(call.operation, response)
        if response.status_code >= 300:
            raise status_error(response)
        return call.parse(self._gen, response)

    def _unreadable_retry(
        self, call: Call[Any], exc: APIResponseValidationError, attempt: int
    ) -> float | None:
        """Seconds to wait before asking again for a read whose 200 body was not JSON."""
        if not exc.unreadable or is_unsafe(exc.response.request):
            return None
        if attempt >= self._options.max_retries:
            return None
        delay = self._shared.policy.backoff(attempt)
        log.warning(
            "retrying %s after an unreadable %d answer in %.2fs (retry %d of %d)",
            call.operation, exc.status_code, delay, attempt + 1, self._options.max_retries,
        )  # fmt: skip
        return delay

    @staticmethod
    def _transport_error(call: Call[Any], exc: httpx.TransportError) -> APIConnectionError:
        where = f"{call.kwargs['method'].upper()} {call.kwargs['url']}"
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"{where}: timed out ({type(exc).__name__})", request=None)
        return APIConnectionError(f"{where}: {type(exc).__name__}: {exc}", request=None)
