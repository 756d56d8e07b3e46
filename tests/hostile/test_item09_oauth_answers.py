"""Issue 10, item 9: odd but workable OAuth token answers.

`expires_in` as a numeric string works; a missing `expires_in` means "use the token until a
401"; zero, negative, NaN and absurdly large lifetimes neither fetch a token before every call
nor cache one forever (a lifetime of 1e308 s is capped at 24 h at most, checked with the
auth's injectable clock). The token server counts token requests; the API accepts only
tokens it issued and not revoked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity
from amperity_facade._auth import ClientCredentialsAuth

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    SEGMENTS_PATH,
    TENANT,
    TOKEN_PATH,
    HostileServer,
    Serve,
    TokenServer,
    oauth_args,
    run_guarded,
)

CALLS = 20


def answer(expires_in: Any = None, *, missing: bool = False) -> Callable[[int], Any]:
    """Token answers with this `expires_in` ($TOKEN becomes the issued token)."""
    body: dict[str, Any] = {"access_token": "$TOKEN", "token_type": "Bearer"}
    if not missing:
        body["expires_in"] = expires_in
    return lambda n: body


def raw_answer(expires_in_literal: str) -> Callable[[int], Any]:
    """A token answer written by hand, for literals json.dumps would not produce (NaN)."""
    text = '{"access_token": "$TOKEN", "token_type": "Bearer", "expires_in": %s}'
    return lambda n: text % expires_in_literal


def calls(client: Amperity, count: int = CALLS) -> None:
    for _ in range(count):
        assert len(client.segments.list().first_page().items) == 2


def start(serve: Serve, token_body: Callable[[int], Any]) -> tuple[TokenServer, HostileServer]:
    tokens = TokenServer(token_body)
    return tokens, serve(tokens.handler)


def test_item09_expires_in_as_numeric_string(serve: Serve) -> None:
    _tokens, server = start(serve, answer("3600"))
    with Amperity(**oauth_args(server)) as client:
        run_guarded(lambda: calls(client))
    assert server.count(TOKEN_PATH) == 1
    assert server.count(SEGMENTS_PATH) == CALLS


@pytest.mark.anyio
async def test_item09_expires_in_as_numeric_string_async(serve: Serve) -> None:
    _tokens, server = start(serve, answer("3600"))
    async with AsyncAmperity(**oauth_args(server)) as client:
        for _ in range(CALLS):
            assert len((await client.segments.list().first_page()).items) == 2
    assert server.count(TOKEN_PATH) == 1


def test_item09_missing_expires_in_means_until_a_401(serve: Serve) -> None:
    tokens, server = start(serve, answer(missing=True))
    with Amperity(**oauth_args(server)) as client:
        run_guarded(lambda: calls(client))
        assert server.count(TOKEN_PATH) == 1
        tokens.revoke_all()
        run_guarded(lambda: calls(client, 5))
    assert server.count(TOKEN_PATH) == 2
    rejected = [
        s for s in server.requests(SEGMENTS_PATH) if s.headers["authorization"].endswith("001")
    ]
    assert len(rejected) == CALLS + 1  # one 401, then the call was replayed with token 002


@pytest.mark.anyio
async def test_item09_missing_expires_in_means_until_a_401_async(serve: Serve) -> None:
    tokens, server = start(serve, answer(missing=True))
    async with AsyncAmperity(**oauth_args(server)) as client:
        for _ in range(CALLS):
            await client.segments.list().first_page()
        tokens.revoke_all()
        for _ in range(5):
            await client.segments.list().first_page()
    assert server.count(TOKEN_PATH) == 2


ODD_LIFETIMES: dict[str, Callable[[int], Any]] = {
    "zero": answer(0),
    "zero-string": answer("0"),
    "negative": answer(-5),
    "negative-string": answer("-5"),
    "nan-string": answer("NaN"),
    "nan-literal": raw_answer("NaN"),
    "infinity-literal": raw_answer("Infinity"),
    "inf-string": answer("inf"),
    "huge": answer(1e308),
    "huge-string": answer("1e308"),
    "huge-int-literal": raw_answer("1" + "0" * 400),  # an int too large to be a float
    "null": answer(None),
    "bool": answer(True),
}


@pytest.mark.parametrize("case", list(ODD_LIFETIMES))
def test_item09_odd_expires_in_neither_refetches_every_call_nor_fails(
    serve: Serve, case: str
) -> None:
    _tokens, server = start(serve, ODD_LIFETIMES[case])
    with Amperity(**oauth_args(server)) as client:
        run_guarded(lambda: calls(client))
    assert server.count(TOKEN_PATH) <= 2, f"{server.count(TOKEN_PATH)} token requests"


@pytest.mark.anyio
@pytest.mark.parametrize("case", ["zero", "negative", "nan-literal", "huge"])
async def test_item09_odd_expires_in_async(serve: Serve, case: str) -> None:
    _tokens, server = start(serve, ODD_LIFETIMES[case])
    async with AsyncAmperity(**oauth_args(server)) as client:
        for _ in range(CALLS):
            await client.segments.list().first_page()
    assert server.count(TOKEN_PATH) <= 2


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def auth_with_clock(server: HostileServer, clock: Clock) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        base_url=server.base_url,
        tenant=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        clock=clock,
    )


HOURS = 3600.0


class Reading(httpx.HTTPTransport):
    """Reads each body before handing it back, as the facade's own transport does (the
    auth flow reads token answers without httpx's requires_response_body machinery)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        return response


class AsyncReading(httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        await response.aread()
        return response


def plain_client(server: HostileServer, auth: httpx.Auth) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, auth=auth, timeout=10, transport=Reading())


def plain_async_client(server: HostileServer, auth: httpx.Auth) -> httpx.AsyncClient:
    transport = AsyncReading()
    return httpx.AsyncClient(base_url=server.base_url, auth=auth, timeout=10, transport=transport)


@pytest.mark.parametrize("case", ["huge", "huge-string"])
def test_item09_absurd_lifetime_capped_at_a_day(serve: Serve, case: str) -> None:
    """The token is used for many calls, but not forever: after 24 h (of the auth's own
    clock) the next call fetches a new one."""
    _tokens, server = start(serve, ODD_LIFETIMES[case])
    clock = Clock()
    auth = auth_with_clock(server, clock)
    with plain_client(server, auth) as http:
        for _ in range(5):
            assert http.get("/segments").status_code == 200
        assert server.count(TOKEN_PATH) == 1
        clock.now += 1 * HOURS
        assert http.get("/segments").status_code == 200
        assert server.count(TOKEN_PATH) == 1
        clock.now += 23 * HOURS + 1
        assert http.get("/segments").status_code == 200
    assert server.count(TOKEN_PATH) == 2


@pytest.mark.anyio
async def test_item09_absurd_lifetime_capped_at_a_day_async(serve: Serve) -> None:
    _tokens, server = start(serve, ODD_LIFETIMES["huge"])
    clock = Clock()
    auth = auth_with_clock(server, clock)
    async with plain_async_client(server, auth) as http:
        assert (await http.get("/segments")).status_code == 200
        clock.now += 24 * HOURS + 1
        assert (await http.get("/segments")).status_code == 200
    assert server.count(TOKEN_PATH) == 2


def test_item09_normal_lifetime_still_refreshed_before_expiry(serve: Serve) -> None:
    """The guard rails must not break the ordinary case: 3600 s is used for about an hour."""
    _tokens, server = start(serve, answer(3600))
    clock = Clock()
    auth = auth_with_clock(server, clock)
    with plain_client(server, auth) as http:
        http.get("/segments")
        clock.now += 50 * 60
        http.get("/segments")
        assert server.count(TOKEN_PATH) == 1
        clock.now += 10 * 60
        http.get("/segments")
    assert server.count(TOKEN_PATH) == 2
