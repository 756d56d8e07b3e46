"""What the sync and async clients share: settings, auth, limiter, and the retry decisions.

A client and every client derived from it with `with_options` share one `Shared`: the
connection pool, the token cache, the rate limiters (one budget per API family), the
record of deprecation warnings already given, and whether the owner closed it.

Each call runs one retry loop (`Amperity._execute` / `AsyncAmperity._execute`, identical but
for how they wait). Every way an attempt can fail (no answer, an error status, an answer
too large or unreadable, the token request failing) is settled by `settle_error` or
`settle_response` here against one counter, so no mix of failures costs more than
`max_retries + 1` attempts.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

import httpx

from ._auth import ATTEMPT, Attempt, BearerTokenAuth, ClientCredentialsAuth, is_token_request
from ._config import NOT_GIVEN, Options, family_headers, resolve
from ._families import API_PATH, BASE_PATHS, FAMILIES, FAMILY, PRIVATE_BODY, Family, base_for
from ._operations import Call
from ._ratelimit import Limiters
from ._redaction import redact_chain
from ._retry import RetryPolicy, parse_retry_after
from .errors import (
    AmperityDeprecationWarning,
    AmperityError,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    scrub,
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
            f"deprecated from {(deprecation or 'unannounced')[:100]}, "
            f"sunset on {(sunset or 'unannounced')[:100]}"
        )
        log.warning("%s", message)
        warnings.warn(message, AmperityDeprecationWarning, stacklevel=5)


@dataclass(frozen=True)
class Retry:
    """The verdict "wait this long, then try again", and how many attempts were spent."""

    delay: float
    spent: int = 1


def build_auth(options: Options, limiters: Limiters) -> httpx.Auth:
    if options.token is not None:
        return BearerTokenAuth(options.token)
    assert options.client_id is not None and options.client_secret is not None
    return ClientCredentialsAuth(
        base_url=options.base_url,
        tenant=options.tenant,
        client_id=options.client_id,
        client_secret=options.client_secret,
        limiters=limiters,
    )


Pool = TypeVar("Pool", httpx.BaseTransport, httpx.AsyncBaseTransport)


@dataclass
class Shared(Generic[Pool]):
    """What a client and those `with_options` derives from it share: one token, one rate
    limit, one connection pool, one set of deprecation notices, and being closed."""

    auth: httpx.Auth
    limiters: Limiters
    pool: Pool
    notices: DeprecationNotices = field(default_factory=DeprecationNotices)
    closed: bool = False

    @classmethod
    def create(cls, options: Options, pool: Pool) -> Shared[Pool]:
        limiters = Limiters(
            options.rate_limits(),
            tenant=options.tenant,
            shared=options.rate_limiter,
            owns_shared=options.owns_rate_limiter,
        )
        return cls(build_auth(options, limiters), limiters, pool)


class BaseClient(Generic[Pool]):
    _options: Options
    _shared: Shared[Pool]

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
    def profile_api_version(self) -> str:
        return self._options.profile_api_version

    @property
    def realtime_api_version(self) -> str:
        return self._options.realtime_api_version

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(tenant={self.tenant!r}, base_url={self.base_url!r}, "
            f"api_version={self.api_version!r}, "
            f"profile_api_version={self.profile_api_version!r}, "
            f"realtime_api_version={self.realtime_api_version!r})"
        )

    def _setup(self, options: Options, shared: Shared[Pool], *, owner: bool) -> None:
        raise NotImplementedError

    def _start(
        self,
        settings: dict[str, Any],
        transport: object,
        kind: type[Pool],
        default: Callable[[], Pool],
    ) -> None:
        """The constructor's work, shared by both clients: validate, then build.

        `transport` is checked at run time because callers without a type checker pass
        anything, and a sync transport in the async client would fail only at first use.
        """
        options = resolve(**settings)
        if transport is None:
            pool = default()
        elif isinstance(transport, kind):
            pool = transport
        else:
            raise ConfigurationError(f"transport must be an httpx.{kind.__name__}")
        self._setup(options, Shared.create(options, pool), owner=True)

    def with_options(
        self,
        *,
        timeout: Any = NOT_GIVEN,
        max_retries: Any = NOT_GIVEN,
        api_version: Any = NOT_GIVEN,
        profile_api_version: Any = NOT_GIVEN,
        realtime_api_version: Any = NOT_GIVEN,
    ) -> Self:
        """A client with some settings changed, sharing connections, token and rate limits.

        `api_version` is the control plane's; each other API family has its own.
        """
        derived = type(self).__new__(type(self))
        options = self._options.derive(
            timeout=timeout,
            max_retries=max_retries,
            api_version=api_version,
            profile_api_version=profile_api_version,
            realtime_api_version=realtime_api_version,
        )
        derived._setup(options, self._shared, owner=False)
        return derived

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._options.retry

    def _attempt(self, attempt: int) -> Attempt:
        """The record of one attempt's replays, knowing how many retries are left."""
        return Attempt(self._options.max_retries - attempt)

    @functools.cached_property
    def _headers_of(self) -> dict[Family, dict[str, str]]:
        return {family: family_headers(self._options, family) for family in FAMILIES}

    def _request(self, call: Call[Any], attempt: Attempt) -> dict[str, Any]:
        """The keyword arguments that send `call` as one attempt: its family's tenant and
        version headers (the call's own win: drafts are `unstable`), its family's base URL,
        and extensions that travel with the request to the auth flow and the transport
        (the attempt's replays, the family's limiter, a body to keep off exceptions)."""
        kwargs = dict(call.kwargs)
        kwargs["headers"] = {**self._headers_of[call.family], **kwargs.get("headers", {})}
        extensions: dict[str, Any] = {ATTEMPT: attempt, FAMILY: call.family}
        if call.private or call.private_body:
            extensions[PRIVATE_BODY] = True
        kwargs["extensions"] = extensions
        if BASE_PATHS[call.family] != API_PATH:
            kwargs["url"] = self._options.base_url_of(call.family) + kwargs["url"]
        return kwargs

    def _check_open(self) -> None:
        if self._shared.closed:
            raise ClientClosedError(
                f"this {type(self).__name__} was closed; make a new client to send requests"
            )

    def _log_retry(self, call: Call[Any], why: str, verdict: Retry, attempt: int) -> Retry:
        if call.tally is not None:
            call.tally.retries += 1
        log.warning(
            "retrying %s after %s in %.2fs (retry %d of %d)",
            self._where(call),
            why,
            verdict.delay,
            attempt + 1,
            self._options.max_retries,
        )
        return verdict

    def settle_response(self, call: Call[T], response: httpx.Response, attempt: int) -> T | Retry:
        """The call's result, a `Retry`, or the error to raise for this answer."""
        policy = self._options.retry
        status = response.status_code
        if status in call.absent:
            return None  # type: ignore[return-value]  # Call[T | None] says so
        if status >= 300:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            delay = policy.delay_for_status(
                status, retry_after, attempt, idempotent=call.idempotent
            )
            if delay is None:
                raise _scrubbed(call, status_error(response, retry_after, call.cut))
            return self._log_retry(call, f"status {status}", Retry(delay), attempt)
        self._shared.notices.check(call.operation, response)
        try:
            return call.parse(response)
        except APIResponseValidationError as exc:
            delay = policy.delay_for_unreadable(attempt, idempotent=call.idempotent)
            if not exc.unreadable or delay is None:
                raise _scrubbed(call, exc) from None
            why = f"an unreadable {status} answer"
            return self._log_retry(call, why, Retry(delay), attempt)

    def settle_error(self, call: Call[Any], error: Exception, attempt: int) -> Retry:
        """A `Retry` after an attempt that raised, or the (typed, redacted) error to raise."""
        try:
            return self._after_error(call, error, attempt)
        except AmperityError as exc:
            _scrubbed(call, exc)
            raise

    def _after_error(self, call: Call[Any], error: Exception, attempt: int) -> Retry:
        policy = self._options.retry
        if isinstance(error, AuthenticationError):  # only the token request raises it here
            retry_after = parse_retry_after(error.response.headers.get("retry-after"))
            error.retry_after = retry_after
            delay = policy.delay_for_status(
                error.status_code, retry_after, attempt, idempotent=True
            )
            if delay is None:
                raise error
            why = f"the token request's status {error.status_code}"
            return self._log_retry(call, why, Retry(delay), attempt)
        if isinstance(error, APIResponseValidationError):
            # Cut short or undecodable on the way (a lying Content-Encoding): retried like
            # an unreadable body, when the request it answers may be repeated.
            token_request = is_token_request(error.response.request)
            idempotent = call.idempotent or token_request
            delay = policy.delay_for_unreadable(attempt, idempotent=idempotent)
            if delay is not None and error.unreadable:
                return self._log_retry(call, "an undecodable answer", Retry(delay), attempt)
            if token_request:  # every failure of the token endpoint is an AuthenticationError
                raise AuthenticationError(
                    f"token request to {error.response.request.url} failed: {error}",
                    response=error.response,
                ) from None
            raise error
        if isinstance(error, AmperityError):
            raise error
        if isinstance(error, httpx.TransportError):
            idempotent = call.idempotent or is_token_request(_request_of(error))
            delay = policy.delay_for_error(error, attempt, idempotent=idempotent)
            if delay is None:
                redact_chain(error)
                raise self._transport_error(call, error) from error
            return self._log_retry(call, type(error).__name__, Retry(delay), attempt)
        if isinstance(error, RuntimeError) and self._shared.closed:
            raise ClientClosedError(f"this {type(self).__name__} was closed") from None
        if isinstance(error, httpx.InvalidURL | UnicodeError):
            # An argument httpx cannot put in a request (too long for a URL, a lone
            # surrogate): the caller's input, named without its value (it may be personal).
            raise ConfigurationError(
                f"{call.operation}: an argument cannot be sent: {type(error).__name__} "
                "(too long for a URL, or not valid text)"
            ) from None
        raise error

    def _where(self, call: Call[Any]) -> str:
        """`GET /api/segments`: what a person reading a log line can match to the API docs."""
        base = base_for(call.family, self._options.base_url) or self._options.base_url
        path = httpx.URL(base).path.rstrip("/") + call.kwargs["url"]
        return f"{call.kwargs['method'].upper()} {path}"

    def _transport_error(self, call: Call[Any], exc: httpx.TransportError) -> APIConnectionError:
        """The typed error for a request that got no answer; `request` is the one that failed
        (the OAuth token request, if that was it), redacted."""
        where = self._where(call)
        request = _request_of(exc)
        if is_token_request(request):
            where += " (its OAuth token request)"
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"{where}: timed out ({type(exc).__name__})", request=request)
        return APIConnectionError(f"{where}: {type(exc).__name__}: {exc}", request=request)


def _scrubbed(call: Call[Any], error: AmperityError) -> AmperityError:
    """`error`, with the call's personal values (identity keys) cut from what it carries."""
    if call.private:
        scrub(error, call.cut)
    return error


def _request_of(error: httpx.RequestError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:
        return None
