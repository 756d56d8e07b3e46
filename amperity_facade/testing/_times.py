"""Time in the fake: one wire format out, lenient ISO-8601 in, epoch milliseconds inside.

Filtering compares integers rather than datetimes so that list requests stay cheap, and
every timestamp the fake emits has the same millisecond-precision UTC shape the live API uses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.parser import isoparse

from ._errors import ApiError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
MS_PER_DAY = 86_400_000


def to_ms(moment: datetime) -> int:
    """Naive datetimes are read as UTC, like the live API reads partial dates."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


def iso_ms(ms: int) -> str:
    moment = EPOCH + timedelta(milliseconds=ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def day_stamp(ms: int) -> str:
    """The YYYYMMDD part Amperity embeds in job and workflow ids."""
    return f"{EPOCH + timedelta(milliseconds=ms):%Y%m%d}"


def parse_time(name: str, value: str) -> int:
    """Accept what clients really send (full ISO-8601 with Z or offset, or YYYY-MM-DD)."""
    try:
        return to_ms(isoparse(value))
    except (ValueError, OverflowError):
        raise ApiError(400, f"{name}: {value!r} is not an ISO-8601 date-time") from None
