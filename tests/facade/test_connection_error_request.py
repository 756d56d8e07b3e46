"""`APIConnectionError.request` is the request that got no answer, with nothing secret on it."""

from __future__ import annotations

import asyncio
import pickle

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

SECRET = "s3cr3t-client-secret"
TOKEN = "t0k3n-bearer-value"


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def time_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("read timed out", request=request)


def test_the_failed_request_rides_on_the_error_redacted() -> None:
    with (
        Amperity(
            tenant="acme", token=TOKEN, max_retries=0, transport=httpx.MockTransport(refuse)
        ) as client,
        pytest.raises(errors.APIConnectionError) as caught,
    ):
        client.workflows.get("wf-1")
    request = caught.value.request
    assert request is not None
    assert request.method == "GET" and request.url.path.endswith("/wf-1")
    assert f"GET {request.url.path}" in str(caught.value)  # the message names this request
    assert TOKEN not in repr(request.headers) and TOKEN not in pickle.dumps(caught.value).decode(
        "latin-1"
    )


def test_a_timeout_carries_its_request_too() -> None:
    async def run() -> errors.APITimeoutError:
        async with AsyncAmperity(
            tenant="acme", token=TOKEN, max_retries=0, transport=httpx.MockTransport(time_out)
        ) as client:
            with pytest.raises(errors.APITimeoutError) as caught:
                await client.segments.list().first_page()
            return caught.value

    error = asyncio.run(run())
    assert error.request is not None and error.request.url.path in str(error)


def test_a_token_request_that_failed_is_named_without_its_secret() -> None:
    with (
        Amperity(
            tenant="acme",
            client_id="app",
            client_secret=SECRET,
            max_retries=0,
            transport=httpx.MockTransport(refuse),
        ) as client,
        pytest.raises(errors.APIConnectionError) as caught,
    ):
        client.workflows.get("wf-1")
    request = caught.value.request
    assert request is not None and request.url.path.endswith("/token")
    assert "OAuth token request" in str(caught.value)
    assert SECRET.encode() not in request.content
    assert SECRET not in pickle.dumps(caught.value).decode("latin-1")
