"""Bearer tokens, the client-credentials exchange, and the request-rate limiter.

Issued tokens are random, never derived from the secret, so a client cannot get away with
computing or caching them wrongly; expiry uses the monotonic clock so tests with a tiny
token_ttl really see tokens go stale.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from ._errors import ApiError


class TokenBook:
    def __init__(self, static_token: str, client_id: str, client_secret: str, ttl: float) -> None:
        self.static_token = static_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self.lock = threading.Lock()
        self.expiry: dict[str, float] = {}

    def check(self, authorization: str | None) -> None:
        if not authorization:
            raise ApiError(401, "missing Authorization header")
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise ApiError(401, "Authorization must be 'Bearer <token>'")
        credentials = credentials.strip()
        if credentials == self.static_token:
            return
        expires = self.expiry.get(credentials)
        if expires is None:
            raise ApiError(401, "invalid token")
        if time.monotonic() >= expires:
            raise ApiError(401, "token expired")

    def exchange(self, tenant: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        claimed = headers.get("x-amperity-tenant")
        if not claimed:
            raise ApiError(400, "missing X-Amperity-Tenant header")
        content_type = headers.get("content-type", "")
        if not content_type.lower().startswith("application/x-www-form-urlencoded"):
            raise ApiError(400, "token request must be application/x-www-form-urlencoded")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise ApiError(400, "token request body is not UTF-8") from None
        grant_type = (form.get("grant_type") or [""])[0]
        client_id = (form.get("client_id") or [""])[0]
        client_secret = (form.get("client_secret") or [""])[0]
        if grant_type != "client_credentials":
            raise ApiError(400, f"unsupported grant_type {grant_type!r}; use client_credentials")
        if not client_id or not client_secret:
            raise ApiError(400, "client_id and client_secret are required")
        if claimed != tenant:
            raise ApiError(401, f"unknown tenant {claimed!r}")
        # Bytes, because compare_digest raises TypeError on non-ASCII str: a 500 for bad input.
        if not (
            secrets.compare_digest(client_id.encode(), self.client_id.encode())
            and secrets.compare_digest(client_secret.encode(), self.client_secret.encode())
        ):
            raise ApiError(401, "invalid client credentials")
        issued = secrets.token_urlsafe(32)
        with self.lock:
            self.expiry[issued] = time.monotonic() + self.ttl
        return {
            "access_token": issued,
            "expires_in": max(1, math.ceil(self.ttl)),
            "token_type": "Bearer",
        }

    def expire_all(self) -> None:
        with self.lock:
            for issued in self.expiry:
                self.expiry[issued] = 0.0


class RateLimiter:
    """Sliding one-second window; only admitted requests count, as on the live API."""

    def __init__(self, per_second: int | None) -> None:
        self.per_second = per_second
        self.lock = threading.Lock()
        self.admitted: deque[float] = deque()

    def admit(self) -> bool:
        if self.per_second is None:
            return True
        now = time.monotonic()
        with self.lock:
            while self.admitted and now - self.admitted[0] >= 1.0:
                self.admitted.popleft()
            if len(self.admitted) >= self.per_second:
                return False
            self.admitted.append(now)
            return True

    def clear(self) -> None:
        with self.lock:
            self.admitted.clear()
