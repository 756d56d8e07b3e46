"""Issue 10, second hostile review: what still broke the promises after the first round.

Each test failed before its fix: 401 replays that escaped the retry budget when the replay
itself failed; stacked Content-Encoding inflating past max_response_bytes; cursor cycles of
500 to 1,000 pages; a fractional rate limit letting nearly twice the rate through; cursors and
arguments that raised raw UnicodeEncodeError / InvalidURL; a token answer's body reachable
through the exception chain; finite but huge settings overflowing time_t; a password in
base_url; a 21-digit Retry-After; a hostile Retry-After replaced by no wait at all.
"""

from __future__ import annotations

import gzip
import logging
import random
import tracemalloc
import zlib
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, _pagination, errors
from amperity_facade._auth import Attempt
from amperity_facade._ratelimit import RateLimiter

from .conftest import (
    DROP,
    SEGMENTS_PATH,
    TOKEN,
    TOKEN_PATH,
    Reply,
    Seen,
    Serve,
    arun_guarded,
    cycle,
    error_reply,
    json_reply,
    oauth_args,
    run_guarded,
    segments_page,
    static_args,
)

LYING_GZIP = Reply(200, b'{"data": []}', [("Content-Encoding", "gzip")])


def _token_ok(seen: Seen) -> Reply:
    return json_reply({"access_token": f"token-{seen.number:04d}", "expires_in": 3600})


# The API path's answers, in turn: each attempt gets a 401, then its replay (after a token
# refresh) fails another way. The token endpoint always answers.
REPLAY_FAILURES = {
    "replay-dropped": (error_reply(401), DROP),
    "replay-undecodable": (error_reply(401), LYING_GZIP),
}


def _server(kind: str) -> Any:
    api = cycle(*REPLAY_FAILURES[kind])

    def handler(seen: Seen) -> Any:
        return _token_ok(seen) if seen.path == TOKEN_PATH else api(seen)

    return handler


@pytest.mark.parametrize("retries", [0, 1, 3])
@pytest.mark.parametrize("kind", sorted(REPLAY_FAILURES))
def test_a_replay_that_fails_still_spends_the_budget(serve: Serve, kind: str, retries: int) -> None:
    server = serve(_server(kind))
    with Amperity(**oauth_args(server, retries)) as client, pytest.raises(errors.AmperityError):
        run_guarded(lambda: list(client.segments.list()))
    # The first refresh-and-replay is allowed even with max_retries=0 (README), and spends.
    assert server.count(SEGMENTS_PATH) <= max(retries + 1, 2)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", sorted(REPLAY_FAILURES))
async def test_a_replay_that_fails_still_spends_the_budget_async(serve: Serve, kind: str) -> None:
    server = serve(_server(kind))

    async def walk() -> None:
        async with AsyncAmperity(**oauth_args(server, 3)) as client:
            [s async for s in client.segments.list()]

    with pytest.raises(errors.AmperityError):
        await arun_guarded(walk())
    assert server.count(SEGMENTS_PATH) <= 4


def test_a_token_endpoint_failing_after_a_401_spends_the_budget(serve: Serve) -> None:
    def handler(seen: Seen) -> Any:
        if seen.path == TOKEN_PATH:
            return _token_ok(seen) if seen.number == 1 else error_reply(503)
        return error_reply(401)

    server = serve(handler)
    with Amperity(**oauth_args(server, 3)) as client, pytest.raises(errors.AmperityError):
        run_guarded(lambda: list(client.segments.list()))
    assert server.count(SEGMENTS_PATH) + server.count(TOKEN_PATH) <= 3 + 1 + 2


def test_replays_beyond_the_first_need_budget_left() -> None:
    """Many threads' cached tokens revoked at once: only the first replay is free."""
    none_left, one_left = Attempt(0), Attempt(1)
    assert none_left.may_replay() and not none_left.may_replay()
    assert one_left.may_replay() and not one_left.may_replay()
    assert (none_left.replays, one_left.replays) == (1, 1)
    two_left = Attempt(2)
    assert [two_left.may_replay() for _ in range(4)] == [True, True, False, False]


def _deflated(chunks: int, *, wbits: int = 31) -> bytes:
    """gzip (wbits 31) of `chunks` MiB of zeros, made without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(chunks)) + packer.flush()


def _peak_of(fn: Any) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("codings", ["gzip, gzip", "gzip,gzip,deflate", "gzip"])
def test_stacked_encodings_are_undone_under_the_cap(serve: Serve, codings: str) -> None:
    body = _deflated(256)  # 256 MiB of zeros
    for coding in [c.strip() for c in codings.split(",")][1:]:
        body = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
    server = serve(cycle(Reply(200, body, [("Content-Encoding", codings)])))
    args = static_args(server, 0, max_response_bytes=1 << 20)
    with Amperity(**args) as client:

        def call() -> None:
            with pytest.raises(errors.APIResponseValidationError, match="max_response_bytes"):
                list(client.segments.list())

        peak = _peak_of(lambda: run_guarded(call))
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB decoding a bomb capped at 1 MiB"


@pytest.mark.parametrize(
    "codings, encode",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b, wbits=-15)),  # raw deflate, no zlib header
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("identity", lambda b: b),
    ],
)
def test_encoded_answers_still_read_whole(serve: Serve, codings: str, encode: Any) -> None:
    page = segments_page(300).encoded()
    server = serve(cycle(Reply(200, encode(page), [("Content-Encoding", codings)])))
    with Amperity(**static_args(server, 0)) as client:
        assert len(run_guarded(lambda: list(client.segments.list()))) == 300


def test_an_unknown_encoding_is_a_typed_error(serve: Serve) -> None:
    server = serve(cycle(Reply(200, b"\x00\x01", [("Content-Encoding", "br")])))
    with (
        Amperity(**static_args(server, 0)) as client,
        pytest.raises(errors.APIResponseValidationError, match="Content-Encoding"),
    ):
        run_guarded(lambda: list(client.segments.list()))
    assert "br" not in server.requests()[0].headers.get("accept-encoding", "")


def test_a_cursor_cycle_longer_than_half_the_memory_is_caught() -> None:
    def source(token: str | None) -> Any:
        return object()  # a call never sent: the walk alone is under test

    period = 600  # more than half of SEEN_CURSORS: pages and cursors each fill their own
    walk = _pagination.Walk.factory([source], None, None)()
    with pytest.raises(errors.PaginationError):
        for n in range(3 * period):
            walk.accept(_pagination.Page([f"row-{n % period}"], f"c{(n + 1) % period}"))
            walk.next_call()
    for seen, order in walk._memory.values():
        assert len(seen) <= _pagination.SEEN_CURSORS and len(order) <= _pagination.SEEN_CURSORS


@pytest.mark.parametrize("rate", [9.5, 1.5, 2.99, 10.0])
def test_a_fractional_rate_never_lets_more_than_the_rate_into_a_second(rate: float) -> None:
    now = [0.0]
    limiter = RateLimiter(rate, clock=lambda: now[0])
    starts: list[float] = []
    while now[0] < 20:
        wait = limiter.try_acquire()
        if wait is None:
            starts.append(now[0])
            now[0] += 0.001  # a fast answer
            limiter.release()
        else:
            now[0] += wait
    most = max(sum(1 for t in starts if s <= t < s + 1) for s in starts)
    assert most <= rate


SURROGATE_CURSOR = b'{"data": [{"id": "s", "name": "n", "status": "a"}], "next_token": "\\ud800"}'


@pytest.mark.parametrize(
    "body",
    [SURROGATE_CURSOR, b'{"data": [], "next_token": "' + b"x" * 100_000 + b'"}'],
    ids=["lone-surrogate", "100kB"],
)
@pytest.mark.parametrize("dicts", [False, True])
def test_a_cursor_that_cannot_be_sent_back_is_a_validation_error(body: bytes, dicts: bool) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    with Amperity(tenant="acme", token=TOKEN, transport=transport, rate_limit=None) as client:
        listing = client.segments.list()
        with pytest.raises(errors.APIResponseValidationError, match="next_token"):
            list(listing.as_dicts() if dicts else listing)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: list(c.segments.list(next_token="\ud800")),
        lambda c: list(c.segments.list(next_token="x" * 70_000)),
        lambda c: c.workflows.get("\ud800"),
        lambda c: c.workflows.get("x" * 70_000),
        lambda c: c.workflows.run("\ud800"),
        lambda c: list(c.workflows.list(state="\ud800")),
        lambda c: list(c.workflows.list(state="x" * 70_000)),
    ],
)
def test_arguments_that_cannot_be_sent_are_configuration_errors(call: Any) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"data": []})

    transport = httpx.MockTransport(handler)
    with (
        Amperity(tenant="acme", token=TOKEN, transport=transport, rate_limit=None) as client,
        pytest.raises(errors.ConfigurationError),
    ):
        call(client)
    assert sent == []


@pytest.mark.parametrize(
    "answer", ['{"access_token": "$TOKEN", "expires_in": 36', "access_token=$TOKEN&expires_in=3600"]
)
def test_an_unreadable_token_answer_leaves_the_token_nowhere_in_the_chain(
    serve: Serve, answer: str
) -> None:
    def handler(seen: Seen) -> Any:
        return (
            Reply(200, answer.replace("$TOKEN", "live-token-Xy7"))
            if seen.path == TOKEN_PATH
            else segments_page()
        )

    server = serve(handler)
    with (
        Amperity(**oauth_args(server, 0)) as client,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        run_guarded(lambda: list(client.segments.list()))
    chain: list[BaseException] = []
    error: BaseException | None = caught.value
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    reachable = " ".join(repr(vars(e)) + repr(e.args) for e in chain)
    assert "live-token-Xy7" not in reachable


@pytest.mark.parametrize("timeout", [1e300, httpx.Timeout(5, read=1e12)])
def test_a_huge_finite_timeout_is_refused(timeout: Any) -> None:
    with pytest.raises(errors.ConfigurationError, match="at most"):
        Amperity(tenant="acme", token=TOKEN, timeout=timeout)


@pytest.mark.parametrize(
    "settings",
    [
        {"backoff_base": 1e12, "backoff_max": 1e12},
        {"backoff_max": 1e300},
        {"max_retry_after": 1e300},
    ],
)
def test_a_huge_finite_retry_setting_is_refused(settings: dict[str, float]) -> None:
    with pytest.raises(errors.ConfigurationError, match="at most"):
        RetryPolicy(**settings)


@pytest.mark.parametrize("setting", ["timeout", "poll_interval"])
def test_a_huge_finite_wait_is_refused(setting: str) -> None:
    with (
        Amperity(tenant="acme", token=TOKEN) as client,
        pytest.raises(errors.ConfigurationError, match=setting),
    ):
        client.workflows.wait("wf-1", **{setting: 1e300})


def test_a_password_in_base_url_is_refused_without_showing_it() -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        Amperity(
            tenant="acme", token=TOKEN, base_url="https://user:S3cr3t-Pw@acme.amperity.com/api"
        )
    assert "S3cr3t-Pw" not in str(caught.value)


def test_a_retry_after_of_many_digits_raises_at_once(serve: Serve) -> None:
    server = serve(cycle(error_reply(429, retry_after="9" * 25)))
    with (
        Amperity(**static_args(server, 3)) as client,
        pytest.raises(errors.RateLimitError) as caught,
    ):
        run_guarded(lambda: list(client.segments.list()))
    assert server.count(SEGMENTS_PATH) == 1
    assert caught.value.retry_after is not None and caught.value.retry_after > 1e20


@pytest.mark.parametrize("header", ["-5", "NaN", "soon", "1e3", "\u00b2"])
def test_a_hostile_retry_after_waits_by_backoff_not_by_nothing(
    serve: Serve, header: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: high)  # full jitter at its ceiling
    caplog.set_level(logging.WARNING, logger="amperity_facade")
    server = serve(cycle(error_reply(503, retry_after=header), segments_page()))
    policy = RetryPolicy(max_retries=1, backoff_base=0.02, backoff_max=0.02)
    args = {**static_args(server, 1), "retry_policy": policy}
    with Amperity(**args) as client:
        run_guarded(lambda: list(client.segments.list()))
    assert "in 0.02s" in caplog.text, caplog.text
