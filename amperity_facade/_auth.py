"""Authentication as `httpx.Auth` flows, so every request the client sends is covered.

Two kinds: a static bearer token, or OAuth2 client credentials. The OAuth flow yields the
token request through the same client, so it is rate-limited like any call, carries the
timeout of the call it serves, and a failure of it lands in that call's retry loop (one
budget for both). It caches the token until shortly before it expires, lets exactly one
thread (sync) or task (async) refresh it while the others wait, and on a 401 refreshes once
and replays the call.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any

import httpx

from ._numbers import finite
from ._ratelimit import SLOT_HELD, Held, Limiters, Slot
from .errors import APIResponseValidationError, AuthenticationError, error_details

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger("amperity_facade")
_UNREADABLE = object()
# What can travel in an Authorization header: anything else (CR/LF, NUL, spaces) would be
# refused by the HTTP layer or, worse, split the header.
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]{1,8192}")
TOKEN_PATH = "/v0/oauth2/token"
# Marks the token request, so the retry loop knows a failure of it left the call unsent.
TOKEN_REQUEST = "amperity_token_request"
# Refresh this long before the announced expiry (or a tenth of the lifetime, if shorter).
EXPIRY_MARGIN = 60.0
# No token is kept longer than this, whatever the server announces (or if it announces
# nothing, which RFC 6749 allows): a 401 refreshes it sooner when the server disagrees.
MAX_LIFETIME = 24 * 3600.0
# Replays after a 401 (see `_replay`): the first always, later ones only for cached tokens.
MAX_REPLAYS = 3
# Request extension: the `Attempt` of the call's retry loop this request belongs to.
ATTEMPT = "amperity_attempt"


class Attempt:
    """What one attempt of a call spends inside the auth flow, where the retry loop cannot
    see: each replay after a 401 is a request, and counts against the call's one budget
    whatever ends the attempt (an answer, a dropped connection, a failed token request).

    `budget` is what the loop has left; the first replay is always allowed (a token that
    expired between two calls must not fail a call with `max_retries=0`), later ones only
    while the budget lasts.
    """

    __slots__ = ("budget", "replays")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.replays = 0

    def may_replay(self) -> bool:
        if self.replays and self.replays >= self.budget:
            return False
        self.replays += 1
        return True


def is_token_request(request: httpx.Request | None) -> bool:
    return request is not None and bool(request.extensions.get(TOKEN_REQUEST))


def token_lifetime(expires_in: object) -> float:
    """Seconds to keep a token, from the answer's `expires_in` (RFC 6749: optional).

    A number or numeric string is trusted up to `MAX_LIFETIME`. Missing, zero, negative,
    non-finite or unreadable values say nothing usable: the token is kept until a 401 (or
    `MAX_LIFETIME`), rather than fetched again before every call or kept forever.
    """
    candidate: object = expires_in
    if isinstance(expires_in, str):
        try:
            candidate = float(expires_in.strip()[:40])
        except ValueError:
            candidate = None
    value = finite(candidate)  # also None for an int too large to be a float
    if value is None or value <= 0:
        if expires_in is not None:
            log.warning("token answer has an unusable expires_in; keeping it until a 401")
        return MAX_LIFETIME
    return min(value, MAX_LIFETIME)


def _bearer(request: httpx.Request, token: str) -> None:
    request.headers["Authorization"] = f"Bearer {token}"


class BearerTokenAuth(httpx.Auth):
    """A static access token (generated in the Amperity UI for an API key)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        _bearer(request, self._token)
        yield request

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=<redacted>)"


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client credentials against `{base_url}/v0/oauth2/token`."""

    requires_response_body = True

    def __init__(
        self,
        *,
        base_url: str,
        tenant: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
        limiters: Limiters | None = None,
    ) -> None:
        self.token_url = base_url.rstrip("/") + TOKEN_PATH
        self._tenant = tenant
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._limiters = limiters
        self._token: str | None = None
        self._expires_at = 0.0
        self._thread_lock = threading.Lock()
        self._task_lock: asyncio.Lock | None = None
        self.refreshes = 0  # how many tokens were fetched; tests and metrics read it

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(token_url={self.token_url!r}, client_id=<redacted>)"

    # -- token bookkeeping shared by both flows ---------------------------------------------
    def _current(self, rejected: set[str]) -> str | None:
        """The cached token, unless it is missing, expiring, or one that just got a 401."""
        if self._token is None or self._token in rejected or self._clock() >= self._expires_at:
            return None
        return self._token

    def _token_request(self, serving: httpx.Request) -> httpx.Request:
        """The token request for `serving`, with its timeout (httpx sets none on it)."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        headers = {"X-Amperity-Tenant": self._tenant, "Accept": "application/json"}
        extensions = {TOKEN_REQUEST: True}
        if "timeout" in serving.extensions:
            extensions["timeout"] = serving.extensions["timeout"]
        return httpx.Request(
            "POST", self.token_url, data=form, headers=headers, extensions=extensions
        )

    def _store(self, response: httpx.Response) -> str:
        if not 200 <= response.status_code < 300:
            message, request_id, trace_id = error_details(response)
            raise AuthenticationError(
                f"token request to {self.token_url} failed: {message}",
                response=_without_body(response),
                request_id=request_id,
                trace_id=trace_id,
                retry_after=None,
            )
        body: Any = _UNREADABLE
        # The refusal is raised below, not in a handler: the decoder's error holds the body
        # (a live token, maybe) and would ride along as the refusal's __context__.
        with contextlib.suppress(ValueError, RecursionError):
            body = response.json()
        if body is _UNREADABLE:
            # Not JSON at all (an HTML page, a cut-off body): as transient as on any call,
            # so the retry loop may ask again; it reports an AuthenticationError at the end.
            raise APIResponseValidationError(
                f"token request to {self.token_url}: the answer is not JSON",
                response=_without_body(response),
                unreadable=True,
            )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not _VISIBLE_ASCII.fullmatch(token):
            raise AuthenticationError(
                f"token request to {self.token_url} returned no usable access_token",
                response=_without_body(response),
            )
        lifetime = token_lifetime(body.get("expires_in"))
        margin = min(EXPIRY_MARGIN, lifetime / 10)
        self._token = token
        self._expires_at = self._clock() + lifetime - margin
        self.refreshes += 1
        return token

    # -- flows ---------------------------------------------------------------------------------
    # A request can wait for its rate-limit slot longer than a short-lived token has left, so
    # the slot is taken here, before the token is chosen, and the token is checked again once
    # the slot is held (`_hold_slot`). The token request itself takes its slot in the
    # transport, while the refresh lock is held; no one waiting for that lock holds a slot,
    # so the two can never wait on each other.
    def _hold_slot(self, request: httpx.Request, slot: Slot) -> None:
        request.extensions[SLOT_HELD] = Held(slot)

    def _sync_token(
        self, rejected: set[str], serving: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, tuple[str, bool]]:
        """A usable token, and whether this flow fetched it itself."""
        while True:
            fetched = None
            with self._thread_lock:  # held across the token request: one refresher at a time
                token = self._current(rejected)
                if token is None:
                    token = fetched = self._store((yield self._token_request(serving)))
            limiter = None if self._limiters is None else self._limiters.for_request(serving)
            if limiter is None:
                return token, token == fetched
            slot = limiter.acquire()
            current = self._current(rejected)
            if current is not None:
                self._hold_slot(serving, slot)
                return current, current == fetched
            limiter.cancel(slot)  # it went stale while we waited: refresh, then wait again

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        rejected: set[str] = set()
        for _ in range(MAX_REPLAYS + 1):
            token, fetched = yield from self._sync_token(rejected, request)
            _bearer(request, token)
            response = yield request
            if not _replay(response, rejected, token, fetched, request.extensions.get(ATTEMPT)):
                return

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._task_lock is None:
            import asyncio  # only async clients need it

            self._task_lock = asyncio.Lock()
        rejected: set[str] = set()
        for _ in range(MAX_REPLAYS + 1):
            while True:
                fetched = None
                async with self._task_lock:
                    token = self._current(rejected)
                    if token is None:
                        token = fetched = self._store((yield self._token_request(request)))
                limiter = None if self._limiters is None else self._limiters.for_request(request)
                if limiter is None:
                    break
                slot = await limiter.acquire_async()
                current = self._current(rejected)
                if current is not None:
                    token = current
                    self._hold_slot(request, slot)
                    break
                await limiter.cancel_async(slot)
            _bearer(request, token)
            response = yield request
            attempt = request.extensions.get(ATTEMPT)
            if not _replay(response, rejected, token, token == fetched, attempt):
                return


def _replay(
    response: httpx.Response,
    rejected: set[str],
    token: str,
    fetched: bool,
    attempt: Attempt | None = None,
) -> bool:
    """Whether a 401 is worth one more try with another token.

    The first 401 always is (the token expired or was revoked). After that, only when the
    rejected token was one another thread or task had cached: it may have been revoked just
    after it was fetched. A token this request fetched itself and still got a 401 for means
    the credentials are not accepted, and the 401 is the answer.
    """
    if response.status_code != 401:
        return False
    first = not rejected
    rejected.add(token)
    if not (first or not fetched):
        return False
    return attempt is None or attempt.may_replay()


def _without_body(response: httpx.Response) -> httpx.Response:
    """A copy of a token answer to keep on an exception: a 200 body may hold a live token."""
    if response.status_code >= 300:
        return response
    headers = {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in ("content-encoding", "content-length")
    }
    return httpx.Response(response.status_code, headers=headers, request=response.request)
