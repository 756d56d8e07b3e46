"""The API families one client reaches, and what sets them apart.

Amperity versions each family on its own (the control plane, the Profile API, the Real-Time
API) and gives each its own rate limit, tenant-wide. One client holds one version and one
limiter per family, so an export on the control plane never slows profile lookups and a
version bump of one family never touches another. Which family a request belongs to is
data that travels with it (`FAMILY`, a request extension), read by the transport wrapper
(whose limiter) and by the auth flow (whose slot), never guessed from the URL.
"""

from __future__ import annotations

from typing import Literal

Family = Literal["control-plane", "profile", "realtime", "streaming"]
CONTROL_PLANE: Family = "control-plane"
PROFILE: Family = "profile"
REALTIME: Family = "realtime"
STREAMING: Family = "streaming"
FAMILIES: tuple[Family, ...] = (CONTROL_PLANE, PROFILE, REALTIME, STREAMING)

# Request extensions: the family (its limiter), and a body to keep off exceptions (the
# identity keys of a lookup are personal data).
FAMILY = "amperity_family"
PRIVATE_BODY = "amperity_private_body"

DEFAULT_VERSIONS: dict[Family, str] = {
    CONTROL_PLANE: "2024-04-01",
    PROFILE: "2025-07-31",
    REALTIME: "2026-09-03",
}  # Streaming Ingest is v0 in its path and takes no api-version header
# Requests per second, counted tenant-wide by Amperity (sandboxes included for Profile;
# Streaming Ingest counts production and each sandbox apart).
DEFAULT_RATE_LIMITS: dict[Family, float] = {
    CONTROL_PLANE: 10.0,
    PROFILE: 2000.0,
    REALTIME: 2000.0,
    STREAMING: 1000.0,
}
# The environment variable that pins each family's version.
VERSION_ENV: dict[Family, str] = {
    CONTROL_PLANE: "AMPERITY_API_VERSION",
    PROFILE: "AMPERITY_PROFILE_API_VERSION",
    REALTIME: "AMPERITY_REALTIME_API_VERSION",
}
# The control plane and the Profile API live under /api; the Real-Time API under /prof and
# Streaming Ingest under /stream/v0 on the same host, so their base URLs are the configured
# one with its /api swapped.
API_PATH = "/api"
BASE_PATHS: dict[Family, str] = {
    CONTROL_PLANE: API_PATH,
    PROFILE: API_PATH,
    REALTIME: "/prof",
    STREAMING: "/stream/v0",
}


def base_for(family: Family, base_url: str) -> str | None:
    """`family`'s base URL beside `base_url` (the /api one), or None if it has no /api."""
    if BASE_PATHS[family] == API_PATH:
        return base_url
    if base_url.endswith(API_PATH):
        return base_url[: -len(API_PATH)] + BASE_PATHS[family]
    return None
