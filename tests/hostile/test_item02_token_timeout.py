"""Issue 10, item 2: the OAuth token request honours the client's timeout and retry budget.

A token endpoint that accepts the connection and never answers must end the call with
`APITimeoutError` after the client's timeout, not block forever (a hang guard turns a hang
into a failure). Token-endpoint 503s are retried within the call's one budget.
"""

from __future__ import annotations

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    HANG,
    SEGMENTS_PATH,
    TOKEN_PATH,
    HostileServer,
    Serve,
    arun_guarded,
    error_reply,
    json_reply,
    oauth_args,
    route,
    run_guarded,
    segments_page,
    sequence,
)

GUARD = 5.0  # seconds; the calls below should end after about one timeout


def hanging_token_endpoint(serve: Serve) -> HostileServer:
    return serve(route({("POST", TOKEN_PATH): sequence(HANG)}, default=segments_page(1)))


def test_item02_token_request_times_out(serve: Serve) -> None:
    server = hanging_token_endpoint(serve)
    with (
        Amperity(**oauth_args(server, retries=0, timeout=0.5)) as client,
        pytest.raises(errors.APITimeoutError),
    ):
        run_guarded(lambda: client.segments.list().first_page(), GUARD)
    assert server.count(TOKEN_PATH) == 1
    assert server.count(SEGMENTS_PATH) == 0


@pytest.mark.anyio
async def test_item02_token_request_times_out_async(serve: Serve) -> None:
    server = hanging_token_endpoint(serve)
    async with AsyncAmperity(**oauth_args(server, retries=0, timeout=0.5)) as client:
        with pytest.raises(errors.APITimeoutError):
            await arun_guarded(client.segments.list().first_page(), GUARD)
    assert server.count(TOKEN_PATH) == 1
    assert server.count(SEGMENTS_PATH) == 0


def test_item02_token_request_honours_with_options_timeout(serve: Serve) -> None:
    server = hanging_token_endpoint(serve)
    with Amperity(**oauth_args(server, retries=0)) as client:
        quick = client.with_options(timeout=0.5)
        with pytest.raises(errors.APITimeoutError):
            run_guarded(lambda: quick.segments.list().first_page(), GUARD)


def test_item02_token_timeouts_retried_within_the_budget(serve: Serve) -> None:
    server = hanging_token_endpoint(serve)
    with (
        Amperity(**oauth_args(server, retries=2, timeout=0.3)) as client,
        pytest.raises(errors.APITimeoutError),
    ):
        run_guarded(lambda: client.segments.list().first_page(), GUARD)
    assert server.count(TOKEN_PATH) <= 3


def _is_503(exc: BaseException) -> bool:
    return isinstance(exc, errors.APIStatusError) and exc.status_code == 503


def test_item02_token_503_forever_stays_in_the_budget(serve: Serve) -> None:
    server = serve(route({("POST", TOKEN_PATH): sequence(error_reply(503))}))
    with (
        Amperity(**oauth_args(server, retries=3)) as client,
        pytest.raises(errors.APIStatusError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert _is_503(caught.value), repr(caught.value)
    assert isinstance(caught.value, errors.AuthenticationError | errors.ServiceUnavailableError)
    assert server.count(TOKEN_PATH) <= 4
    assert server.count(SEGMENTS_PATH) == 0


@pytest.mark.anyio
async def test_item02_token_503_forever_stays_in_the_budget_async(serve: Serve) -> None:
    server = serve(route({("POST", TOKEN_PATH): sequence(error_reply(503))}))
    async with AsyncAmperity(**oauth_args(server, retries=3)) as client:
        with pytest.raises(errors.APIStatusError) as caught:
            await client.segments.list().first_page()
    assert _is_503(caught.value), repr(caught.value)
    assert server.count(TOKEN_PATH) <= 4


def _token_503s_then_api_503s(serve: Serve) -> HostileServer:
    token = sequence(
        error_reply(503),
        error_reply(503),
        json_reply({"access_token": "tok-ok", "expires_in": 3600, "token_type": "Bearer"}),
    )
    return serve(
        route({("POST", TOKEN_PATH): token, ("GET", SEGMENTS_PATH): sequence(error_reply(503))})
    )


def _failures(server: HostileServer) -> int:
    return server.count(TOKEN_PATH) - 1 + server.count(SEGMENTS_PATH)


def test_item02_token_503s_and_api_503s_share_one_budget(serve: Serve) -> None:
    """Two token 503s, then a token, then API 503s: with max_retries=3 the call sees at
    most four failed answers in all (the budget is the call's, not one per request kind)."""
    server = _token_503s_then_api_503s(serve)
    with (
        Amperity(**oauth_args(server, retries=3)) as client,
        pytest.raises(errors.ServiceUnavailableError),
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert _failures(server) <= 4, (
        f"{server.count(TOKEN_PATH)} token requests and {server.count(SEGMENTS_PATH)} API "
        "requests for one call with max_retries=3"
    )


@pytest.mark.anyio
async def test_item02_token_503s_and_api_503s_share_one_budget_async(serve: Serve) -> None:
    server = _token_503s_then_api_503s(serve)
    async with AsyncAmperity(**oauth_args(server, retries=3)) as client:
        with pytest.raises(errors.ServiceUnavailableError):
            await client.segments.list().first_page()
    assert _failures(server) <= 4
