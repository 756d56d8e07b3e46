"""Retry policy: what is retried, how often, how long it waits; rate limiting."""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time

import httpx
import pytest

from amperity_facade import Amperity, RetryPolicy, errors
from amperity_facade._ratelimit import RateLimiter
from amperity_facade._retry import parse_retry_after

from .conftest import TOKEN, MockAPI, error, page, workflow

OK_WF = httpx.Response(201, json=workflow("wf-new", "scheduled"))


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_retried_on_transient_status(api: MockAPI, client: Amperity, status: int) -> None:
    api.on("GET", "/segments", error(status), error(status), page([]))
    assert list(client.segments.list()) == []
    assert len(api.requests) == 3


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("drop")],
)
def test_get_retried_on_transport_errors(api: MockAPI, client: Amperity, exc: Exception) -> None:
    api.on("GET", "/segments", exc, page([]))
    assert list(client.segments.list()) == []
    assert len(api.requests) == 2


def test_attempts_are_max_retries_plus_one(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", error(503, "down", request_id="req-9"))
    with pytest.raises(errors.ServiceUnavailableError) as info:
        list(client.segments.list())
    assert len(api.requests) == 4 and info.value.request_id == "req-9"
    api.requests.clear()
    with pytest.raises(errors.ServiceUnavailableError):
        list(client.with_options(max_retries=0).segments.list())
    assert len(api.requests) == 1


def test_persistent_timeout_raises_timeout_error(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", httpx.ReadTimeout("slow"))
    with pytest.raises(errors.APITimeoutError, match="GET /api/segments: timed out"):
        list(client.segments.list())
    assert len(api.requests) == 4
    api.on("GET", "/campaigns", httpx.ConnectError("refused"))
    with pytest.raises(errors.APIConnectionError) as info:
        list(client.campaigns.list())
    assert not isinstance(info.value, errors.APITimeoutError)


def test_non_transient_status_not_retried(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", error(400))
    with pytest.raises(errors.BadRequestError):
        list(client.segments.list())
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        error(500),
        error(502),
        error(503),
        error(504),
        httpx.ReadTimeout("t"),
        httpx.RemoteProtocolError("x"),
    ],
)
def test_run_is_never_repeated_after_it_may_have_arrived(
    api: MockAPI, client: Amperity, reply: object
) -> None:
    api.on("POST", "/workflow/runs", reply, OK_WF)  # type: ignore[arg-type]
    with pytest.raises(errors.AmperityError):
        client.workflows.run("cg-1")
    assert len(api.calls("POST", "/workflow/runs")) == 1


@pytest.mark.parametrize("reply", [error(429), httpx.ConnectError("refused")])
def test_run_retried_when_server_surely_did_not_act(
    api: MockAPI, client: Amperity, reply: object
) -> None:
    api.on("POST", "/workflow/runs", reply, OK_WF)  # type: ignore[arg-type]
    assert client.workflows.run("cg-1").id == "wf-new"
    assert len(api.calls("POST", "/workflow/runs")) == 2
    assert api.json_bodies("POST", "/workflow/runs") == [{"config_id": "cg-1"}] * 2


def test_stop_is_retried_like_a_read(api: MockAPI, client: Amperity) -> None:
    api.on(
        "POST",
        "/workflow/runs/wf-1/stop",
        error(500),
        httpx.Response(200, json=workflow(state="stopping")),
    )
    assert client.workflows.stop("wf-1").state == "stopping"
    assert len(api.requests) == 2


def test_retry_after_seconds_is_honoured(api: MockAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr("amperity_facade._sync.client.time.sleep", sleeps.append)
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    api.on(
        "GET",
        "/segments",
        httpx.Response(429, headers={"Retry-After": "2"}, json={"status": 429, "message": "slow"}),
        httpx.Response(503, headers={"Retry-After": date}, json={"status": 503, "message": "x"}),
        httpx.Response(429, headers={"Retry-After": "3600"}, json={"status": 429, "message": "x"}),
        page([]),
    )
    policy = RetryPolicy(max_retries=3, backoff_base=0.25, backoff_max=0.5, max_retry_after=60)
    with (
        Amperity(
            tenant="acme",
            token=TOKEN,
            transport=httpx.MockTransport(api.handler),
            rate_limit=None,
            retry_policy=policy,
        ) as client,
        pytest.raises(errors.RateLimitError) as info,
    ):
        list(client.segments.list())
    assert sleeps[0] == 2.0
    assert 25 < sleeps[1] <= 30
    # Beyond the cap: raised at once with the server's wait, not replaced by a short retry.
    assert len(sleeps) == 2 and len(api.requests) == 3
    assert info.value.retry_after == 3600.0


def test_backoff_is_exponential_full_jitter_and_capped() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8.0)
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (3, 4.0), (10, 8.0)]:
        samples = [policy.backoff(attempt) for _ in range(200)]
        assert min(samples) >= 0 and max(samples) <= ceiling
        assert max(samples) > ceiling / 2  # spread over the range, not fixed


def test_parse_retry_after() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 10) == 10.0
    for nonsense in ("-3", "nan", "inf", "1e309", "-inf", "garbage, 99", " ", "\xb2", "\u0663"):
        assert parse_retry_after(nonsense) is None, nonsense


def test_each_retry_is_logged(
    api: MockAPI, client: Amperity, caplog: pytest.LogCaptureFixture
) -> None:
    api.on("GET", "/segments", error(503), page([]))
    with caplog.at_level(logging.WARNING, logger="amperity_facade"):
        list(client.segments.list())
    (record,) = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert "GET /api/segments after status 503" in record.getMessage()
    assert TOKEN not in caplog.text


def test_rate_limiter_holds_a_slot_until_one_window_after_the_answer() -> None:
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    assert [limiter.try_acquire() for _ in range(10)] == [None] * 10
    assert limiter.try_acquire() == 1.0  # all ten in flight: nothing frees within a window
    now[0] = 0.3
    limiter.release()  # the first answer arrived at 0.3
    now[0] = 0.5
    assert limiter.try_acquire() == pytest.approx(0.8)
    now[0] = 1.3
    assert limiter.try_acquire() is None
    assert limiter.try_acquire() == 1.0


def test_rate_limiter_is_safe_whatever_the_delays() -> None:
    """Simulated: requests reach the server up to 300 ms after their slot, answers come back
    up to 300 ms later; the server never sees more than 10 requests in any window."""
    rng = random.Random(7)
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    events: list[tuple[float, int, str]] = [(0.0, i, "ask") for i in range(16)]
    admitted: list[float] = []
    sent = 0
    while sent < 400:
        events.sort()
        at, who, what = events.pop(0)
        now[0] = at
        if what == "ask":
            wait = limiter.try_acquire()
            if wait is not None:
                events.append((at + wait, who, "ask"))
                continue
            sent += 1
            arrives = at + rng.uniform(0, 0.3)
            admitted.append(arrives)
            events.append((arrives + rng.uniform(0, 0.3), who, "answer"))
        else:
            limiter.release()
            events.append((at, who, "ask"))
    admitted.sort()
    for i in range(10, len(admitted)):
        assert admitted[i] - admitted[i - 10] >= 1.0


@pytest.mark.slow  # two seconds of real rate limiting
def test_rate_limit_shared_across_threads(api: MockAPI) -> None:
    stamps: list[float] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            stamps.append(time.monotonic())
        return httpx.Response(200, json=workflow())

    with Amperity(
        tenant="acme", token=TOKEN, transport=httpx.MockTransport(handler), rate_limit=10
    ) as client:
        threads = [
            threading.Thread(target=lambda: [client.workflows.get("wf-1") for _ in range(6)])
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    stamps.sort()
    assert len(stamps) == 24
    for i in range(10, 24):
        assert stamps[i] - stamps[i - 10] >= 1.0
