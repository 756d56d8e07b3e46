"""OAuth client credentials: caching, expiry, single refresher, 401 replay, failures."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors
from amperity_facade._auth import ClientCredentialsAuth

from .conftest import FAST, MockAPI, error, make_async, workflow

SECRET = "csecret-abcdef-123456"


class TokenServer:
    """Issues tok-1, tok-2... and accepts only the latest; counts token requests."""

    def __init__(self, api: MockAPI, expires_in: int = 3600, delay: float = 0.0) -> None:
        self.issued = 0
        self.expires_in = expires_in
        self.delay = delay
        api.on("POST", "/v0/oauth2/token", self.token)
        api.on("GET", "/workflow/runs/wf-1", self.workflow)

    def token(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        assert request.headers["x-amperity-tenant"] == "acme"
        assert "api-version" not in request.headers
        if form != {
            "grant_type": ["client_credentials"],
            "client_id": ["cid"],
            "client_secret": [SECRET],
        }:
            return error(401, "invalid client")
        time.sleep(self.delay)
        self.issued += 1
        return httpx.Response(
            200,
            json={
                "access_token": f"tok-{self.issued}",
                "expires_in": self.expires_in,
                "token_type": "Bearer",
            },
        )

    def workflow(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer tok-{self.issued}":
            return error(401, "expired")
        return httpx.Response(200, json=workflow())


def oauth_client(api: MockAPI, **kwargs: object) -> Amperity:
    return Amperity(
        tenant="acme",
        client_id="cid",
        client_secret=SECRET,
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=FAST,
        **kwargs,  # type: ignore[arg-type]
    )


def test_token_fetched_once_and_reused(api: MockAPI) -> None:
    server = TokenServer(api)
    with oauth_client(api) as client:
        for _ in range(5):
            client.workflows.get("wf-1")
    assert server.issued == 1
    assert api.requests[0].url.path == "/api/v0/oauth2/token"


def test_token_refreshed_before_expiry(api: MockAPI) -> None:
    server = TokenServer(api, expires_in=100)
    now = [1000.0]
    with oauth_client(api) as client:
        auth = client._shared.auth
        assert isinstance(auth, ClientCredentialsAuth)
        auth._clock = lambda: now[0]
        client.workflows.get("wf-1")
        now[0] += 85  # margin is min(60s, 10% of lifetime) = 10s
        client.workflows.get("wf-1")
        assert server.issued == 1
        now[0] += 6
        client.workflows.get("wf-1")
        assert server.issued == 2


def test_401_refreshes_once_and_replays(api: MockAPI) -> None:
    server = TokenServer(api)
    with oauth_client(api) as client:
        client.workflows.get("wf-1")
        api.on(
            "GET",
            "/workflow/runs/wf-1",
            error(401, "expired"),
            httpx.Response(200, json=workflow()),
        )
        assert client.workflows.get("wf-1").id == "wf-1"
    gets = api.calls("GET", "/workflow/runs/wf-1")
    assert [r.headers["authorization"] for r in gets] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]
    assert server.issued == 2


def test_persistent_401_raises_after_one_refresh(api: MockAPI) -> None:
    server = TokenServer(api)
    api.on("GET", "/workflow/runs/wf-1", error(401, "no access"))
    with oauth_client(api) as client, pytest.raises(errors.AuthenticationError, match="no access"):
        client.workflows.get("wf-1")
    assert server.issued == 2 and len(api.calls("GET")) == 2


def test_static_token_401_is_not_replayed(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/wf-1", error(401, "expired token"))
    with pytest.raises(errors.AuthenticationError):
        client.workflows.get("wf-1")
    assert len(api.requests) == 1


def test_one_refresher_across_threads(api: MockAPI) -> None:
    server = TokenServer(api, delay=0.2)
    with oauth_client(api) as client:
        threads = [threading.Thread(target=client.workflows.get, args=("wf-1",)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert server.issued == 1
    assert len(api.calls("GET")) == 8


@pytest.mark.anyio
async def test_one_refresher_across_tasks(api: MockAPI) -> None:
    server = TokenServer(api)
    async with make_async(api, token=None, client_id="cid", client_secret=SECRET) as client:
        results = await asyncio.gather(*(client.workflows.get("wf-1") for _ in range(8)))
    assert [w.id for w in results] == ["wf-1"] * 8
    assert server.issued == 1


@pytest.mark.anyio
async def test_async_401_refreshes_and_replays(api: MockAPI) -> None:
    server = TokenServer(api)
    async with make_async(api, token=None, client_id="cid", client_secret=SECRET) as client:
        await client.workflows.get("wf-1")
        api.on(
            "GET",
            "/workflow/runs/wf-1",
            error(401, "expired"),
            httpx.Response(200, json=workflow()),
        )
        await client.workflows.get("wf-1")
    assert server.issued == 2


def test_token_endpoint_failure_names_endpoint_not_secret(
    api: MockAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.on("POST", "/v0/oauth2/token", error(401, "invalid client", request_id="req-t"))
    with (
        caplog.at_level(logging.DEBUG),
        oauth_client(api) as client,
        pytest.raises(errors.AuthenticationError) as info,
    ):
        client.workflows.get("wf-1")
    text = str(info.value) + repr(info.value) + caplog.text
    assert "https://acme.amperity.com/api/v0/oauth2/token" in str(info.value)
    assert SECRET not in text and info.value.request_id == "req-t"
    assert api.calls("GET") == []


def test_token_endpoint_5xx_is_retried_then_reported(api: MockAPI) -> None:
    api.on("POST", "/v0/oauth2/token", error(503, "busy"))
    with oauth_client(api) as client, pytest.raises(errors.AuthenticationError, match="busy"):
        client.workflows.get("wf-1")
    assert len(api.calls("POST")) == 4


def test_token_endpoint_garbage_answer(api: MockAPI) -> None:
    api.on("POST", "/v0/oauth2/token", httpx.Response(200, json={"token": "x"}))
    with (
        oauth_client(api) as client,
        pytest.raises(errors.AuthenticationError, match="no usable access_token"),
    ):
        client.workflows.get("wf-1")


@pytest.mark.parametrize("token", ["tok\r\nX-Injected: yes", "tok\x00", "   ", ""])
def test_token_that_cannot_travel_in_a_header_is_an_authentication_error(
    api: MockAPI, token: str
) -> None:
    api.on("POST", "/v0/oauth2/token", httpx.Response(200, json={"access_token": token}))
    with (
        oauth_client(api) as client,
        pytest.raises(errors.AuthenticationError, match="no usable access_token"),
    ):
        client.workflows.get("wf-1")
    assert not [r for r in api.requests if r.url.path.endswith("/wf-1")]  # never sent


def test_async_client_with_static_token(api: MockAPI) -> None:
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow()))

    async def main() -> str:
        async with AsyncAmperity(
            tenant="acme", token="t-1", transport=httpx.MockTransport(api.handler)
        ) as c:
            return (await c.workflows.get("wf-1")).id

    assert asyncio.run(main()) == "wf-1"
    assert api.requests[0].headers["authorization"] == "Bearer t-1"


def test_a_401_for_a_token_another_thread_cached_is_tried_again() -> None:
    """Driven by hand: the flow's replies show which token each attempt carries."""
    auth = ClientCredentialsAuth(
        base_url="https://acme.amperity.com/api", tenant="acme", client_id="id", client_secret="s"
    )
    api = httpx.Request("GET", "https://acme.amperity.com/api/segments")
    unauthorized = httpx.Response(401, request=api)

    def issued(token: str) -> httpx.Response:
        answer = {"access_token": token, "expires_in": 3600}
        return httpx.Response(200, json=answer, request=api)

    flow = auth.sync_auth_flow(api)
    assert next(flow).url.path.endswith("/v0/oauth2/token")
    assert flow.send(issued("t-1")).headers["authorization"] == "Bearer t-1"
    # t-1 is refused; meanwhile another thread fetched t-2 (revoked by the server since).
    auth._token = "t-2"
    assert flow.send(unauthorized).headers["authorization"] == "Bearer t-2"
    # A cached token this request did not fetch got a 401: one more try, with a fresh one.
    assert flow.send(unauthorized).url.path.endswith("/v0/oauth2/token")
    assert flow.send(issued("t-3")).headers["authorization"] == "Bearer t-3"
    # A 401 for the token it fetched itself is the server's answer: no further replay.
    with pytest.raises(StopIteration):
        flow.send(unauthorized)
    assert auth.refreshes == 2


def issued(token: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"access_token": token, "expires_in": 3600})


def test_a_2xx_token_answer_is_used_and_never_quoted(api: MockAPI) -> None:
    api.on("POST", "/v0/oauth2/token", issued("tok-created", 201))
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow()))
    with oauth_client(api) as client:
        assert client.workflows.get("wf-1").id
    (sent,) = api.calls("GET", "/workflow/runs/wf-1")
    assert sent.headers["authorization"] == "Bearer tok-created"


def test_an_unreadable_token_answer_is_asked_again(api: MockAPI) -> None:
    api.on("POST", "/v0/oauth2/token", httpx.Response(200, text="<html>proxy</html>"), issued("t"))
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow()))
    with oauth_client(api) as client:
        assert client.workflows.get("wf-1").id
    assert len(api.calls("POST", "/v0/oauth2/token")) == 2
    api.on("POST", "/v0/oauth2/token", httpx.Response(200, text="<html>proxy</html>"))
    with oauth_client(api) as client, pytest.raises(errors.AuthenticationError, match="not JSON"):
        client.workflows.get("wf-1")


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_401_replays_count_against_the_one_budget(api: MockAPI, max_retries: int) -> None:
    api.on("POST", "/v0/oauth2/token", issued("t"))
    api.on("GET", "/workflow/runs/wf-1", *[error(401), error(503)] * 10)
    policy = RetryPolicy(max_retries=max_retries, backoff_base=0.001, backoff_max=0.002)
    client = Amperity(
        tenant="acme",
        client_id="cid",
        client_secret=SECRET,
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=policy,
    )
    with client, pytest.raises(errors.APIStatusError):
        client.workflows.get("wf-1")
    # The refresh-and-replay after a 401 is the OAuth protocol and always allowed once; any
    # later replay spends the budget like a retry.
    assert len(api.calls("GET", "/workflow/runs/wf-1")) <= max(max_retries + 1, 2)
