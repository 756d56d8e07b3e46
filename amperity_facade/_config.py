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

from .errors import ConfigurationError

DEFAULT_API_VERSION = "2024-04-01"
UNSTABLE = "unstable"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_RATE_LIMIT = 10.0

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
    max_retries: int
    rate_limit: float | None
    token: str | None = field(default=None, repr=False)
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)

    def derive(self, *, timeout: Any, max_retries: Any, api_version: Any) -> Options:
        changes: dict[str, Any] = {}
        if timeout is not NOT_GIVEN:
            changes["timeout"] = check_timeout(timeout)
        if max_retries is not NOT_GIVEN:
            changes["max_retries"] = check_max_retries(max_retries)
        if api_version is not NOT_GIVEN:
            changes["api_version"] = check_api_version(api_version)
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


def check_api_version(version: object) -> str:
    if not isinstance(version, str) or not (version == UNSTABLE or _VERSION.fullmatch(version)):
        raise ConfigurationError(
            f"api_version {version!r} is malformed: use a date YYYY-MM-DD or 'unstable'"
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


def check_timeout(timeout: object) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return httpx.Timeout(float(timeout))


def check_max_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    return max_retries


def check_rate_limit(rate_limit: object) -> float | None:
    if rate_limit is None:
        return None
    if isinstance(rate_limit, bool) or not isinstance(rate_limit, int | float) or rate_limit <= 0:
        raise ConfigurationError(
            f"rate_limit must be a positive number of requests per second or None, got {rate_limit!r}"
        )
    return float(rate_limit)


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
    max_retries: int,
    rate_limit: float | None,
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
        api_version = _env("AMPERITY_API_VERSION") or DEFAULT_API_VERSION
    return Options(
        tenant=tenant,
        base_url=check_base_url(base_url),
        api_version=check_api_version(api_version),
        timeout=check_timeout(timeout),
        max_retries=check_max_retries(max_retries),
        rate_limit=check_rate_limit(rate_limit),
        token=token,
        client_id=client_id,
        client_secret=client_secret,
    )


def request_headers(options: Options) -> dict[str, str]:
    """The headers every API call carries besides Authorization: the one place they are set."""
    from . import __version__

    return {
        "amperity-tenant": options.tenant,
        "api-version": options.api_version,
        "user-agent": f"amperity-facade/{__version__}",
    }
