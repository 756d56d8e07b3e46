"""Issue 10, item 1: one retry budget per call, whatever mix of failures eats it.

A call makes at most `max_retries + 1` requests in all: 5xx, 429, dropped connections and
unreadable 200 bodies draw on the same budget, and the call ends with the last failure's
exception. `workflows.run` is never resent after a failure that may have reached the server.
A `RetryPolicy` given alone decides the number of retries; given together with a different
`max_retries` it is a conflict; bad policy values are refused when the policy is built.
"""

from __future__ import annotations

import math

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors

from .conftest import (
    DROP,
    HANG,
    HTML_200,
    RUNS_PATH,
    SEGMENTS_PATH,
    TENANT,
    TOKEN,
    Action,
    Reply,
    Serve,
    cycle,
    error_reply,
    fast,
    json_reply,
    run_guarded,
    sequence,
    static_args,
    workflow,
)

# Each cycle repeats forever; with max_retries=3 the call may see its first four answers.
MIXES: dict[str, tuple[tuple[Action, ...], type[Exception]]] = {
    "503x3-then-html200": (
        (error_reply(503), error_reply(503), error_reply(503), HTML_200),
        errors.APIResponseValidationError,
    ),
    "drop-429-500-html200": (
        (DROP, error_reply(429), error_reply(500), HTML_200),
        errors.APIResponseValidationError,
    ),
    "html200-drop-429-503": (
        (HTML_200, DROP, error_reply(429), error_reply(503)),
        errors.ServiceUnavailableError,
    ),
    "html200-html200-html200-502": (
        (HTML_200, HTML_200, HTML_200, error_reply(502)),
        errors.InternalServerError,
    ),
    "truncated-504-drop-429": (
        (Reply(200, '{"data": [{"id": "seg-1", "na'), error_reply(504), DROP, error_reply(429)),
        errors.RateLimitError,
    ),
}


@pytest.mark.parametrize("mix", list(MIXES))
def test_item01_one_budget_for_mixed_failures(serve: Serve, mix: str) -> None:
    actions, expected = MIXES[mix]
    server = serve(cycle(*actions))
    with Amperity(**static_args(server)) as client, pytest.raises(expected):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) <= 4, (
        f"one call with max_retries=3 sent {server.count(SEGMENTS_PATH)} requests"
    )


@pytest.mark.anyio
@pytest.mark.parametrize("mix", list(MIXES))
async def test_item01_one_budget_for_mixed_failures_async(serve: Serve, mix: str) -> None:
    actions, expected = MIXES[mix]
    server = serve(cycle(*actions))
    async with AsyncAmperity(**static_args(server)) as client:
        with pytest.raises(expected):
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) <= 4, (
        f"one call with max_retries=3 sent {server.count(SEGMENTS_PATH)} requests"
    )


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
def test_item01_budget_scales_with_max_retries(serve: Serve, max_retries: int) -> None:
    server = serve(cycle(error_reply(503), HTML_200))
    with (
        Amperity(**static_args(server, retries=max_retries)) as client,
        pytest.raises((errors.ServiceUnavailableError, errors.APIResponseValidationError)),
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == max_retries + 1


# -- workflows.run ------------------------------------------------------------------------------

RUN_FAILURES: dict[str, tuple[tuple[Action, ...], type[Exception]]] = {
    "503": ((error_reply(503),), errors.ServiceUnavailableError),
    "500": ((error_reply(500),), errors.InternalServerError),
    "dropped-after-sending": ((DROP,), errors.APIConnectionError),
    "html-201": (
        (Reply(201, "<html>created?</html>", content_type="text/html"),),
        errors.APIResponseValidationError,
    ),
    "html-200": ((HTML_200,), errors.APIResponseValidationError),
    "429-then-503": ((error_reply(429), error_reply(503)), errors.ServiceUnavailableError),
    "429-then-drop": ((error_reply(429), DROP), errors.APIConnectionError),
}


def _expected_run_requests(actions: tuple[Action, ...]) -> int:
    """429s are retried (the server did not act); the first other failure ends the call."""
    return 1 + sum(1 for a in actions[:-1] if isinstance(a, Reply) and a.status == 429)


@pytest.mark.parametrize("case", list(RUN_FAILURES))
def test_item01_run_sent_once_after_a_failure_that_may_have_reached_the_server(
    serve: Serve, case: str
) -> None:
    actions, expected = RUN_FAILURES[case]
    server = serve(sequence(*actions))
    with Amperity(**static_args(server)) as client, pytest.raises(expected):
        run_guarded(lambda: client.workflows.run("cg-1"))
    assert server.count(RUNS_PATH, "POST") == _expected_run_requests(actions)


@pytest.mark.anyio
@pytest.mark.parametrize("case", list(RUN_FAILURES))
async def test_item01_run_sent_once_after_a_failure_async(serve: Serve, case: str) -> None:
    actions, expected = RUN_FAILURES[case]
    server = serve(sequence(*actions))
    async with AsyncAmperity(**static_args(server)) as client:
        with pytest.raises(expected):
            await client.workflows.run("cg-1")
    assert server.count(RUNS_PATH, "POST") == _expected_run_requests(actions)


def test_item01_run_sent_once_after_a_read_timeout(serve: Serve) -> None:
    server = serve(sequence(HANG))
    args = static_args(server, timeout=0.3)
    with Amperity(**args) as client, pytest.raises(errors.APITimeoutError):
        run_guarded(lambda: client.workflows.run("cg-1"))
    assert server.count(RUNS_PATH, "POST") == 1


@pytest.mark.anyio
async def test_item01_run_sent_once_after_a_read_timeout_async(serve: Serve) -> None:
    server = serve(sequence(HANG))
    args = static_args(server, timeout=0.3)
    async with AsyncAmperity(**args) as client:
        with pytest.raises(errors.APITimeoutError):
            await client.workflows.run("cg-1")
    assert server.count(RUNS_PATH, "POST") == 1


def test_item01_run_retried_on_429_within_the_budget(serve: Serve) -> None:
    server = serve(sequence(error_reply(429)))
    with Amperity(**static_args(server)) as client, pytest.raises(errors.RateLimitError):
        run_guarded(lambda: client.workflows.run("cg-1"))
    assert server.count(RUNS_PATH, "POST") == 4


def test_item01_run_retried_on_429_then_succeeds(serve: Serve) -> None:
    server = serve(sequence(error_reply(429), error_reply(429), json_reply(workflow(), 201)))
    with Amperity(**static_args(server)) as client:
        run = run_guarded(lambda: client.workflows.run("cg-1"))
    assert run.id == "wf-1"
    assert server.count(RUNS_PATH, "POST") == 3


def test_item01_run_retried_on_connect_refused() -> None:
    """A refused connection never reached a server: the run is retried. (A MockTransport,
    because a real listener cannot refuse and then accept on cue without timing games.)"""
    attempts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request.method)
        if len(attempts) <= 2:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return httpx.Response(201, json=workflow())

    transport = httpx.MockTransport(handler)
    args = {"tenant": TENANT, "token": TOKEN, "rate_limit": None, "max_retries": 3}
    with Amperity(**args, retry_policy=fast(3), transport=transport) as client:
        assert client.workflows.run("cg-1").id == "wf-1"
    assert attempts == ["POST", "POST", "POST"]


# -- the policy's max_retries, conflicts, bad values --------------------------------------------


def test_item01_retry_policy_alone_decides_max_retries(serve: Serve) -> None:
    server = serve(sequence(error_reply(503)))
    args = static_args(server, retry_policy=fast(10))
    del args["max_retries"]
    with Amperity(**args) as client, pytest.raises(errors.ServiceUnavailableError):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 11


@pytest.mark.anyio
async def test_item01_retry_policy_alone_decides_max_retries_async(serve: Serve) -> None:
    server = serve(sequence(error_reply(503)))
    args = static_args(server, retry_policy=fast(10))
    del args["max_retries"]
    async with AsyncAmperity(**args) as client:
        with pytest.raises(errors.ServiceUnavailableError):
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) == 11


def test_item01_retry_policy_max_retries_survives_with_options(serve: Serve) -> None:
    server = serve(sequence(error_reply(503)))
    args = static_args(server, retry_policy=fast(10))
    del args["max_retries"]
    with Amperity(**args) as client:
        derived = client.with_options(timeout=5)
        with pytest.raises(errors.ServiceUnavailableError):
            run_guarded(lambda: derived.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 11


@pytest.mark.parametrize("cls", [Amperity, AsyncAmperity])
def test_item01_conflicting_max_retries_and_policy_refused(
    serve: Serve, cls: type[Amperity] | type[AsyncAmperity]
) -> None:
    server = serve(sequence(error_reply(503)))
    with pytest.raises(errors.ConfigurationError):
        cls(**static_args(server, max_retries=2, retry_policy=fast(10)))
    assert server.count() == 0


BAD_POLICIES = {
    "negative-backoff_base": {"backoff_base": -1},
    "negative-backoff_max": {"backoff_max": -1},
    "negative-max_retries": {"max_retries": -1},
    "negative-max_retry_after": {"max_retry_after": -1},
    "nan-backoff_base": {"backoff_base": math.nan},
    "nan-backoff_max": {"backoff_max": math.nan},
    "nan-max_retry_after": {"max_retry_after": math.nan},
    "inf-backoff_base": {"backoff_base": math.inf},
    "inf-backoff_max": {"backoff_max": math.inf},
    "inf-max_retry_after": {"max_retry_after": math.inf},
}


@pytest.mark.parametrize("case", list(BAD_POLICIES))
def test_item01_bad_retry_policy_refused_at_construction(case: str) -> None:
    with pytest.raises(errors.ConfigurationError):
        RetryPolicy(**BAD_POLICIES[case])
