"""Settings: read from arguments or the environment, validated before any request.

Every check here exists because the failure it prevents would otherwise surface far from
its cause: a CR/LF in a header value (request smuggling), a token sent in clear over plain
http, a typo in the version that the server answers with a confusing 401.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from ._body import ACCEPT_ENCODING
from ._families import (
    BASE_PATHS,
    CONTROL_PLANE,
    DEFAULT_RATE_LIMITS,
    DEFAULT_VERSIONS,
    PROFILE,
    REALTIME,
    STREAMING,
    VERSION_ENV,
    Family,
    base_for,
)
from ._numbers import MAX_SECONDS, finite, seconds, shown
from ._redis import RedisRateLimiter
from ._retry import RetryPolicy, check_max_retries
from ._version import __version__
from .errors import ConfigurationError

DEFAULT_API_VERSION = DEFAULT_VERSIONS[CONTROL_PLANE]
UNSTABLE = "unstable"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_RATE_LIMIT = DEFAULT_RATE_LIMITS[CONTROL_PLANE]
DEFAULT_PROFILE_RATE_LIMIT = DEFAULT_RATE_LIMITS[PROFILE]
DEFAULT_REALTIME_RATE_LIMIT = DEFAULT_RATE_LIMITS[REALTIME]
DEFAULT_STREAMING_RATE_LIMIT = DEFAULT_RATE_LIMITS[STREAMING]
MIN_RATE_LIMIT = 1 / 3600
# The largest decoded answer body accepted. A page of 1,000 items is about 1 MB; this leaves
# room for fat items while stopping a compressed "zip bomb" long before memory runs out.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

_TENANT = re.compile(r"[A-Za-z0-9_-]+")
_VERSION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


class _NotGiven:
    """Sentinel for "argument not passed", distinct from an explicit None."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


@dataclass(frozen=True)
class Options:
    """Validated settings of one client. Secrets are excluded from repr."""

    tenant: str
    base_url: str
    api_version: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    rate_limit: float | None
    max_response_bytes: int
    token: str | None = field(default=None, repr=False)
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    profile_api_version: str = DEFAULT_VERSIONS[PROFILE]
    realtime_api_version: str = DEFAULT_VERSIONS[REALTIME]
    profile_rate_limit: float | None = DEFAULT_PROFILE_RATE_LIMIT
    realtime_rate_limit: float | None = DEFAULT_REALTIME_RATE_LIMIT
    streaming_rate_limit: float | None = DEFAULT_STREAMING_RATE_LIMIT
    max_stream_bytes: int = 1_000_000
    # Where the rate budgets are kept when not in this process (its repr hides passwords),
    # and whether the client made it from AMPERITY_RATE_LIMIT_URL (then it closes it).
    rate_limiter: RedisRateLimiter | None = None
    owns_rate_limiter: bool = field(default=False, repr=False)

    @property
    def max_retries(self) -> int:
        return self.retry.max_retries

    def version_of(self, family: Family) -> str:
        if family == PROFILE:
            return self.profile_api_version
        if family == REALTIME:
            return self.realtime_api_version
        return self.api_version

    def rate_limits(self) -> dict[Family, float | None]:
        return {
            CONTROL_PLANE: self.rate_limit,
            PROFILE: self.profile_rate_limit,
            REALTIME: self.realtime_rate_limit,
            STREAMING: self.streaming_rate_limit,
        }

    def base_url_of(self, family: Family) -> str:
        base = base_for(family, self.base_url)
        if base is None:
            raise ConfigurationError(
                f"the {family} API lives at {BASE_PATHS[family]} beside /api on the tenant's "
                f"host, but base_url {self.base_url!r} does not end in /api: pass the tenant's "
                "/api URL"
            )
        return base

    def derive(
        self,
        *,
        timeout: Any,
        max_retries: Any,
        api_version: Any,
        profile_api_version: Any = NOT_GIVEN,
        realtime_api_version: Any = NOT_GIVEN,
    ) -> Options:
        changes: dict[str, Any] = {}
        if timeout is not NOT_GIVEN:
            changes["timeout"] = check_timeout(timeout)
        if max_retries is not NOT_GIVEN:
            changes["retry"] = replace(self.retry, max_retries=check_max_retries(max_retries))
        if api_version is not NOT_GIVEN:
            changes["api_version"] = check_api_version(api_version)
        if profile_api_version is not NOT_GIVEN:
            changes["profile_api_version"] = check_api_version(
                profile_api_version, "profile_api_version"
            )
        if realtime_api_version is not NOT_GIVEN:
            changes["realtime_api_version"] = check_api_version(
                realtime_api_version, "realtime_api_version"
            )
        return replace(self, **changes)


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def check_tenant(tenant: object) -> str:
    if not isinstance(tenant, str) or not tenant:
        raise ConfigurationError(
            "tenant is required: pass tenant=... or set AMPERITY_TENANT (the tenant id)"
        )
    if not _TENANT.fullmatch(tenant):
        raise ConfigurationError(
            f"tenant {tenant!r} is malformed: only letters, digits, '-' and '_' are allowed"
        )
    return tenant


def check_api_version(version: object, name: str = "api_version") -> str:
    if not isinstance(version, str) or not (version == UNSTABLE or _VERSION.fullmatch(version)):
        raise ConfigurationError(
            f"{name} {version!r} is malformed: use a date YYYY-MM-DD or 'unstable'"
        )
    return version


def check_secret(name: str, value: object) -> str:
    """Validate a credential without ever putting its value in the message."""
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{name} must be a non-empty string")
    if not _VISIBLE_ASCII.fullmatch(value):
        raise ConfigurationError(
            f"{name} contains whitespace or control characters (only visible ASCII is allowed)"
        )
    return value


def _positive(value: object) -> bool:
    number = finite(value)
    return number is not None and number > 0


def _positive_seconds(value: object) -> bool:
    number = seconds(value)
    return number is not None and number > 0


def check_timeout(timeout: object) -> httpx.Timeout:
    """A positive, finite number of seconds, or an `httpx.Timeout` whose parts all are.

    A part set to None in an `httpx.Timeout` is an explicit "no limit" and is kept; NaN or
    infinity is a mistake that would make every wait endless or instant.
    """
    if isinstance(timeout, httpx.Timeout):
        for name in ("connect", "read", "write", "pool"):
            value = getattr(timeout, name)
            if value is not None and not _positive_seconds(value):
                raise ConfigurationError(
                    f"timeout.{name} must be a positive, finite number of seconds "
                    f"(at most {MAX_SECONDS:g}, a year) or None; got {shown(value)}"
                )
        return timeout
    if not _positive_seconds(timeout):
        raise ConfigurationError(
            f"timeout must be a positive, finite number of seconds, at most {MAX_SECONDS:g} (a year); "
            f"got {shown(timeout)}"
        )
    return httpx.Timeout(float(timeout))  # type: ignore[arg-type]


def check_rate_limit(rate_limit: object, name: str = "rate_limit") -> float | None:
    if rate_limit is None:
        return None
    if not _positive(rate_limit) or rate_limit < MIN_RATE_LIMIT:  # type: ignore[operator]
        raise ConfigurationError(
            f"{name} must be a finite number of requests per second of at least "
            f"{MIN_RATE_LIMIT:g} (one an hour), or None; got {shown(rate_limit)}"
        )
    return float(rate_limit)  # type: ignore[arg-type]


RATE_LIMIT_URL_ENV = "AMPERITY_RATE_LIMIT_URL"


def check_rate_limiter(rate_limiter: object) -> tuple[RedisRateLimiter | None, bool]:
    """The shared limiter given, or the one AMPERITY_RATE_LIMIT_URL names (made here, so
    owned by the client), or None: each family's budget stays in this process."""
    if rate_limiter is not None:
        if not isinstance(rate_limiter, RedisRateLimiter):
            raise ConfigurationError(
                "rate_limiter must be a RedisRateLimiter (or None for the in-process limiter), "
                f"got {type(rate_limiter).__name__}"
            )
        return rate_limiter, False
    url = _env(RATE_LIMIT_URL_ENV)
    if url is None:
        return None, False
    try:
        return RedisRateLimiter(url), True
    except ConfigurationError as exc:
        raise ConfigurationError(f"{RATE_LIMIT_URL_ENV}: {exc}") from None


def check_max_response_bytes(value: object, name: str = "max_response_bytes") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be an integer >= 1, got {value!r}")
    return value


def check_retry(max_retries: object, retry_policy: object) -> RetryPolicy:
    """One source of truth for the retry budget: the policy, or the keyword, never both."""
    if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
        raise ConfigurationError(
            f"retry_policy must be a RetryPolicy, got {type(retry_policy).__name__}"
        )
    if max_retries is None:
        return retry_policy if retry_policy is not None else RetryPolicy()
    count = check_max_retries(max_retries)
    if retry_policy is None:
        return RetryPolicy(max_retries=count)
    if retry_policy.max_retries != count:
        raise ConfigurationError(
            f"max_retries={count} conflicts with retry_policy.max_retries="
            f"{retry_policy.max_retries}: give the budget in one place"
        )
    return retry_policy


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: object) -> str:
    if not isinstance(base_url, str) or not base_url or _CONTROL.search(base_url):
        raise ConfigurationError(
            f"base_url {base_url!r} is malformed: expected something like https://acme.amperity.com/api"
        )
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"base_url {base_url!r} is not a valid URL: {exc}") from None
    if url.userinfo:  # it would show in reprs, messages and logs; credentials go elsewhere
        raise ConfigurationError(
            "base_url must not carry a user name or password (user:password@host); "
            "pass credentials as token or client_id/client_secret"
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"base_url {base_url!r} must be an http(s) URL with a host")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ConfigurationError(
            f"base_url {base_url!r} uses plain http to a remote host; tokens would travel "
            "unencrypted. Use https (plain http is accepted only for loopback addresses)"
        )
    if url.query or url.fragment:
        raise ConfigurationError(f"base_url {base_url!r} must not carry a query or fragment")
    return base_url.rstrip("/")


def resolve(
    *,
    tenant: str | None,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    base_url: str | None,
    api_version: str | None,
    timeout: float | httpx.Timeout,
    max_retries: int | None,
    rate_limit: float | None,
    retry_policy: RetryPolicy | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    profile_api_version: str | None = None,
    realtime_api_version: str | None = None,
    profile_rate_limit: float | None = DEFAULT_PROFILE_RATE_LIMIT,
    realtime_rate_limit: float | None = DEFAULT_REALTIME_RATE_LIMIT,
    streaming_rate_limit: float | None = DEFAULT_STREAMING_RATE_LIMIT,
    max_stream_bytes: int = 1_000_000,
    rate_limiter: RedisRateLimiter | None = None,
) -> Options:
    """Combine arguments with AMPERITY_* environment variables (arguments win)."""
    tenant = check_tenant(tenant if tenant is not None else _env("AMPERITY_TENANT"))
    explicit = any(v is not None for v in (token, client_id, client_secret))
    if not explicit:
        token = _env("AMPERITY_TOKEN")
        client_id = _env("AMPERITY_CLIENT_ID")
        client_secret = _env("AMPERITY_CLIENT_SECRET")
    if token is not None and (client_id is not None or client_secret is not None):
        raise ConfigurationError(
            "give either token or client_id/client_secret, not both "
            "(check AMPERITY_TOKEN / AMPERITY_CLIENT_ID in the environment)"
        )
    if token is not None:
        token = check_secret("token", token)
    elif client_id is not None or client_secret is not None:
        if client_id is None or client_secret is None:
            missing = "client_secret" if client_secret is None else "client_id"
            raise ConfigurationError(f"OAuth client credentials need both; {missing} is missing")
        client_id = check_secret("client_id", client_id)
        client_secret = check_secret("client_secret", client_secret)
    else:
        raise ConfigurationError(
            "no credentials: pass token=... (or set AMPERITY_TOKEN), or client_id and "
            "client_secret (or AMPERITY_CLIENT_ID and AMPERITY_CLIENT_SECRET)"
        )
    if base_url is None:
        base_url = _env("AMPERITY_BASE_URL") or f"https://{tenant}.amperity.com/api"
    if api_version is None:
        api_version = _env(VERSION_ENV[CONTROL_PLANE]) or DEFAULT_API_VERSION
    if profile_api_version is None:
        profile_api_version = _env(VERSION_ENV[PROFILE]) or DEFAULT_VERSIONS[PROFILE]
    if realtime_api_version is None:
        realtime_api_version = _env(VERSION_ENV[REALTIME]) or DEFAULT_VERSIONS[REALTIME]
    shared, owned = check_rate_limiter(rate_limiter)
    return Options(
        tenant=tenant,
        base_url=check_base_url(base_url),
        api_version=check_api_version(api_version),
        timeout=check_timeout(timeout),
        retry=check_retry(max_retries, retry_policy),
        rate_limit=check_rate_limit(rate_limit),
        max_response_bytes=check_max_response_bytes(max_response_bytes),
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        profile_api_version=check_api_version(profile_api_version, "profile_api_version"),
        realtime_api_version=check_api_version(realtime_api_version, "realtime_api_version"),
        profile_rate_limit=check_rate_limit(profile_rate_limit, "profile_rate_limit"),
        realtime_rate_limit=check_rate_limit(realtime_rate_limit, "realtime_rate_limit"),
        streaming_rate_limit=check_rate_limit(streaming_rate_limit, "streaming_rate_limit"),
        max_stream_bytes=check_max_response_bytes(max_stream_bytes, "max_stream_bytes"),
        rate_limiter=shared,
        owns_rate_limiter=owned,
    )


def request_headers(options: Options) -> dict[str, str]:
    """The headers every request carries, whatever its API family."""
    return {
        "user-agent": f"amperity-facade/{__version__}",
        "accept-encoding": ACCEPT_ENCODING,  # only what the bounded reader undoes
    }


def family_headers(options: Options, family: Family) -> dict[str, str]:
    """The tenant and version headers of one API family besides Authorization: the one place
    they are set. Streaming Ingest spells the tenant X-Amperity-Tenant and takes no version."""
    if family == STREAMING:
        return {"x-amperity-tenant": options.tenant}
    return {"amperity-tenant": options.tenant, "api-version": options.version_of(family)}
