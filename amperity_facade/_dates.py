"""Turning what callers pass for times (datetime, date, ISO string) into UTC datetimes.

Naive datetimes and bare dates are taken as UTC, never as the machine's zone: the API
speaks UTC, and a local guess would make the same call mean other hours on another host.
"""

from __future__ import annotations

import datetime as dt

from .errors import ConfigurationError

UTC = dt.UTC
INGEST_WINDOW = dt.timedelta(days=7)

Moment = dt.datetime | dt.date | str


def to_datetime(value: object, name: str) -> dt.datetime:
    """A timezone-aware UTC datetime; naive values and bare dates are taken as UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        from dateutil.parser import isoparse  # only strings need it; it is slow to import

        try:
            moment = isoparse(value.strip())
        except (ValueError, OverflowError):
            raise ConfigurationError(
                f"{name}={value!r} is not an ISO-8601 date or date-time"
            ) from None
    else:
        raise ConfigurationError(
            f"{name} must be a datetime, a date or an ISO-8601 string, got {type(value).__name__}"
        )
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is still year 0 in UTC
        raise ConfigurationError(
            f"{name}={value!r} lies outside the years 1 to 9999 once converted to UTC"
        ) from None
    except ValueError as exc:  # a tzinfo whose offset is not a valid one
        raise ConfigurationError(f"{name}={value!r} has an unusable time zone: {exc}") from None


def optional_datetime(value: object, name: str) -> dt.datetime | None:
    return None if value is None else to_datetime(value, name)


def check_range(
    low: dt.datetime | None, high: dt.datetime | None, low_name: str, high_name: str
) -> None:
    """Refuse a reversed range here: the API would answer it with nothing, or a 400."""
    if low is not None and high is not None and high < low:
        raise ConfigurationError(
            f"{high_name} ({high.isoformat()}) must not be before {low_name} ({low.isoformat()})"
        )


def ingest_window(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The window of at most seven days that starts at `start` and stops at `end` at the latest.

    Compared as a difference, not as `start + 7 days`, which overflows near year 9999.
    """
    if start >= end:
        return None
    return start, end if end - start <= INGEST_WINDOW else start + INGEST_WINDOW


def format_window(window: tuple[dt.datetime, dt.datetime]) -> str:
    """An ISO-8601 interval, `start/end`: how an ingest-jobs cursor names its window."""
    return f"{window[0].isoformat()}/{window[1].isoformat()}"


def parse_window(text: str) -> tuple[dt.datetime, dt.datetime]:
    """The window `format_window` wrote; ValueError saying why when `text` is not one."""
    parts = text.split("/")
    if len(parts) != 2:
        raise ValueError(f"{text[:80]!r} is not a start/end interval")
    low, high = (dt.datetime.fromisoformat(part) for part in parts)
    if low.tzinfo is None or high.tzinfo is None:
        raise ValueError(f"the window {text[:80]!r} has no time zone")
    try:
        low, high = low.astimezone(UTC), high.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"the window {text[:80]!r} lies outside the years 1 to 9999") from None
    if high <= low:
        raise ValueError(f"the window {text[:80]!r} ends before it starts")
    if high - low > INGEST_WINDOW:
        raise ValueError(f"the window {text[:80]!r} is longer than seven days")
    return low, high
