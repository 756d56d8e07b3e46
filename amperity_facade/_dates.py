"""Turning what callers pass for times (datetime, date, ISO string) into UTC datetimes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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
    return moment.astimezone(UTC)


def optional_datetime(value: object, name: str) -> dt.datetime | None:
    return None if value is None else to_datetime(value, name)


def windows(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Consecutive [from, to) windows of at most seven days covering [start, end)."""
    if end <= start:
        raise ConfigurationError(
            f"created_to ({end.isoformat()}) must be after created_from ({start.isoformat()})"
        )
    while start < end:
        stop = min(start + INGEST_WINDOW, end)
        yield start, stop
        start = stop
