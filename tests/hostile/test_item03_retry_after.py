"""Issue 10, item 3: hostile Retry-After values.

Negative, NaN, infinite or unparsable values are ignored (the policy's exponential backoff
applies, so a server cannot make the client hammer it with `Retry-After: -5`); a value above
the policy's `max_retry_after` ends the call at once with the status error, whose
`retry_after` says how long the server asked to wait. Every status error carries
`retry_after` (seconds, or None when the header is absent or invalid).
"""

from __future__ import annotations

import email.utils
import time

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade._retry import parse_retry_after

from .conftest import (
    SEGMENTS_PATH,
    Serve,
    error_reply,
    run_guarded,
    sequence,
    static_args,
)

HOSTILE_VALUES = ["-5", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "garbage", "-0.5"]
UNPARSABLE_DATES = ["not a date, really", "Mon, 99 Foo 99999 99:99:99 GMT", "Wed, 32 Oct"]


@pytest.mark.parametrize("value", HOSTILE_VALUES + UNPARSABLE_DATES)
def test_item03_parse_retry_after_ignores_hostile_values(value: str) -> None:
    assert parse_retry_after(value) is None


@pytest.mark.parametrize(
    ("value", "seconds"), [("0", 0.0), ("7", 7.0), ("2.5", 2.5), (" 3 ", 3.0), ("3600", 3600.0)]
)
def test_item03_parse_retry_after_keeps_valid_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize("value", HOSTILE_VALUES + UNPARSABLE_DATES)
@pytest.mark.parametrize("status", [429, 503])
def test_item03_hostile_retry_after_falls_back_to_backoff(
    serve: Serve, value: str, status: int
) -> None:
    server = serve(sequence(error_reply(status, retry_after=value)))
    expected = errors.RateLimitError if status == 429 else errors.ServiceUnavailableError
    with Amperity(**static_args(server, retries=3)) as client, pytest.raises(expected) as caught:
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 4
    assert caught.value.retry_after is None


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["-5", "nan", "inf", "garbage", UNPARSABLE_DATES[0]])
async def test_item03_hostile_retry_after_falls_back_to_backoff_async(
    serve: Serve, value: str
) -> None:
    server = serve(sequence(error_reply(429, retry_after=value)))
    async with AsyncAmperity(**static_args(server, retries=3)) as client:
        with pytest.raises(errors.RateLimitError) as caught:
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) == 4
    assert caught.value.retry_after is None


def test_item03_retry_after_above_the_maximum_raises_at_once(serve: Serve) -> None:
    server = serve(sequence(error_reply(429, retry_after="3600")))
    with (
        Amperity(**static_args(server, retries=3)) as client,
        pytest.raises(errors.RateLimitError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 1
    assert caught.value.retry_after == 3600.0


@pytest.mark.anyio
async def test_item03_retry_after_above_the_maximum_raises_at_once_async(serve: Serve) -> None:
    server = serve(sequence(error_reply(429, retry_after="3600")))
    async with AsyncAmperity(**static_args(server, retries=3)) as client:
        with pytest.raises(errors.RateLimitError) as caught:
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) == 1
    assert caught.value.retry_after == 3600.0


def test_item03_retry_after_date_above_the_maximum_raises_at_once(serve: Serve) -> None:
    later = email.utils.formatdate(time.time() + 7200, usegmt=True)
    server = serve(sequence(error_reply(429, retry_after=later)))
    with (
        Amperity(**static_args(server, retries=3)) as client,
        pytest.raises(errors.RateLimitError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 1
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 60


def test_item03_long_retry_after_on_503_is_reported(serve: Serve) -> None:
    """A 503 asking for an hour: never slept on; the error says how long was asked."""
    server = serve(sequence(error_reply(503, retry_after="3600")))
    with (
        Amperity(**static_args(server, retries=3)) as client,
        pytest.raises(errors.ServiceUnavailableError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) <= 4
    assert caught.value.retry_after == 3600.0


@pytest.mark.parametrize(("value", "seconds"), [("0", 0.0), ("12", 12.0), (None, None)])
def test_item03_status_errors_carry_retry_after(
    serve: Serve, value: str | None, seconds: float | None
) -> None:
    reply = error_reply(429) if value is None else error_reply(429, retry_after=value)
    server = serve(sequence(reply))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.RateLimitError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert caught.value.retry_after == seconds


def test_item03_retry_after_on_other_statuses_is_carried(serve: Serve) -> None:
    server = serve(sequence(error_reply(404, retry_after="5")))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.NotFoundError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert caught.value.retry_after == 5.0
