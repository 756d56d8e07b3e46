"""What a FakeAmperity may be asked to be: settings checked before anything is built, and
one rate limiter per API family."""

from __future__ import annotations

import math
from collections.abc import Mapping

from ._auth import RateLimiter
from ._names import CONTROL_PLANE, PROFILE, REALTIME, STREAMING

LIMITED_FAMILIES = (PROFILE, REALTIME, STREAMING)


MAX_STEP_SECONDS = 86400.0  # a day per workflow state: beyond it, nobody would see one end


def check_settings(
    counts: Mapping[str, object], *, rate_limit: object, token_ttl: object, step_seconds: object
) -> None:
    """Refuse settings that would make the fake quietly do something else than asked: a
    rate limit of 0 that answers every request 429, a NaN step that never moves a
    workflow, a negative count that builds no data."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be an int of at least 0, got {value!r}")
    if rate_limit is not None and (
        isinstance(rate_limit, bool) or not isinstance(rate_limit, int) or rate_limit < 1
    ):
        raise ValueError(f"rate_limit must be an int of at least 1 or None, got {rate_limit!r}")
    if not _finite(token_ttl) or not token_ttl > 0:  # type: ignore[operator]
        raise ValueError(f"token_ttl must be a finite number of seconds above 0, got {token_ttl!r}")
    if not _finite(step_seconds) or not 0 <= step_seconds <= MAX_STEP_SECONDS:  # type: ignore[operator]
        raise ValueError(
            f"step_seconds must be a finite number of seconds from 0 to {MAX_STEP_SECONDS:g}, "
            f"got {step_seconds!r}"
        )


def _finite(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def family_limiters(
    rate_limit: int | None, rate_limits: Mapping[str, int | None] | None
) -> dict[str, RateLimiter]:
    """One limiter per family; `rate_limits` names only the Profile, Real-Time and Streaming
    APIs, since the control plane's limit is `rate_limit` (two ways to set one limit would
    conflict)."""
    limits: dict[str, int | None] = {
        CONTROL_PLANE: rate_limit,
        PROFILE: None,
        REALTIME: None,
        STREAMING: None,
    }
    for family, limit in (rate_limits or {}).items():
        if family not in LIMITED_FAMILIES:
            hint = " (use rate_limit= for it)" if family == CONTROL_PLANE else ""
            raise ValueError(
                f"rate_limits takes {', '.join(map(repr, LIMITED_FAMILIES[:-1]))} and "
                f"{LIMITED_FAMILIES[-1]!r}, "
                f"got {family!r}{hint}"
            )
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise ValueError(f"rate_limits[{family!r}] must be an int or None, got {limit!r}")
        if limit is not None and limit < 1:
            raise ValueError(f"rate_limits[{family!r}] must be at least 1, got {limit}")
        limits[family] = limit
    return {family: RateLimiter(limit) for family, limit in limits.items()}
