"""Review: `_body.release()` (each read answer's stream swapped for a shared empty one)
loses nothing a user can reach: error responses, pages, logs, OAuth replays; sync and async."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import pickle
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import FAST, MockAPI, error, page

SEG = {"id": "s1", "name": "one", "status": "active"}
BODY = {"status": 404, "message": "no such segment", "request_id": "req-1", "extra": "x" * 5000}


def _sync(api: MockAPI, **kwargs: Any) -> Amperity:
    kwargs.setdefault("token", "t0k")
    retries = kwargs.pop("max_retries", FAST.max_retries)
    return Amperity(
        tenant="acme",
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=dataclasses.replace(FAST, max_retries=retries),
        **kwargs,
    )


def _async(api: MockAPI, **kwargs: Any) -> AsyncAmperity:
    kwargs.setdefault("token", "t0k")
    return AsyncAmperity(
        tenant="acme",
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=FAST,
        **kwargs,
    )


def _check_error_response(response: httpx.Response) -> None:
    assert response.json() == BODY
    assert response.content == httpx.Response(404, json=BODY).content
    assert response.read() == response.content
    assert b"".join(response.iter_bytes()) == response.content
    assert response.text.startswith('{"status"')
    again = pickle.loads(pickle.dumps(response))
    assert again.content == response.content


def test_sync_error_response_keeps_its_body(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(404, json=BODY))
    with _sync(api) as client, pytest.raises(errors.NotFoundError) as caught:
        list(client.segments.list())
    assert caught.value.message == "no such segment" and caught.value.request_id == "req-1"
    assert caught.value.response is not None
    _check_error_response(caught.value.response)
    restored = pickle.loads(pickle.dumps(caught.value))
    assert restored.response is not None and restored.response.json() == BODY


def test_two_errors_do_not_share_a_body(api: MockAPI) -> None:
    other = {**BODY, "message": "second"}
    api.on("GET", "/segments", httpx.Response(404, json=BODY), httpx.Response(404, json=other))
    caught: list[errors.APIStatusError] = []
    with _sync(api) as client:
        for _ in range(2):
            try:
                list(client.segments.list().as_dicts())
            except errors.APIStatusError as exc:
                caught.append(exc)
    assert [e.response.json()["message"] for e in caught if e.response] == [
        "no such segment",
        "second",
    ]


def test_async_error_response_keeps_its_body(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(404, json=BODY))

    async def run() -> errors.NotFoundError:
        async with _async(api) as client:
            try:
                [s async for s in client.segments.list().as_dicts()]
            except errors.NotFoundError as exc:
                assert exc.response is not None
                assert await exc.response.aread() == exc.response.content
                chunks = [c async for c in exc.response.aiter_bytes()]
                assert b"".join(chunks) == exc.response.content
                await exc.response.aclose()
                return exc
        raise AssertionError("no error")

    exc = asyncio.run(run())
    assert exc.response is not None
    _check_error_response(exc.response)


def test_retried_then_refused_answers_keep_the_last_body(api: MockAPI) -> None:
    api.on("GET", "/segments", error(503, "busy 1"), error(503, "busy 2"), error(503, "last"))
    with _sync(api, max_retries=2) as client, pytest.raises(errors.ServiceUnavailableError) as c:
        list(client.segments.list().as_dicts())
    assert c.value.response is not None and c.value.response.json()["message"] == "last"


def test_unreadable_success_keeps_its_body_on_the_error(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(200, content=b"<html>busy</html>"))
    with _sync(api, max_retries=1) as client:
        for dicts in (False, True):
            listing: Any = client.segments.list()
            with pytest.raises(errors.APIResponseValidationError) as caught:
                list(listing.as_dicts() if dicts else listing)
            assert caught.value.unreadable
            assert caught.value.response is not None
            assert caught.value.response.content == b"<html>busy</html>"


def test_pages_keep_what_was_read(api: MockAPI) -> None:
    api.on("GET", "/segments", page([SEG], "n", total=2), page([{**SEG, "id": "s2"}], total=2))
    with _sync(api) as client:
        typed = list(client.segments.list().pages())
        api.on("GET", "/segments", page([SEG], "n", total=2), page([{**SEG, "id": "s2"}], total=2))
        dicts = list(client.segments.list().as_dicts().pages())
    assert [p.raw.to_dict() for p in typed] == [p.raw for p in dicts]
    assert dicts[0].raw == {"data": [SEG], "next_token": "n", "total": 2}


def test_debug_log_counts_the_bytes_read(api: MockAPI, caplog: pytest.LogCaptureFixture) -> None:
    answer = page([SEG])
    api.on("GET", "/segments", answer)
    with caplog.at_level(logging.DEBUG, logger="amperity_facade"), _sync(api) as client:
        list(client.segments.list().as_dicts())
    assert f"({len(answer.content)} bytes" in caplog.text


class _OAuth:
    def __init__(self) -> None:
        self.issued = 0

    def token(self, request: httpx.Request) -> httpx.Response:
        self.issued += 1
        return httpx.Response(200, json={"access_token": f"tok-{self.issued}", "expires_in": 3600})


def test_oauth_replay_after_401_reads_the_replayed_page_sync_and_async(api: MockAPI) -> None:
    oauth = _OAuth()

    def segments(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer tok-1":
            return error(401, "expired")
        return page([SEG])

    api.on("POST", "/v0/oauth2/token", oauth.token)
    api.on("GET", "/segments", segments)
    with _sync(api, token=None, client_id="cid", client_secret="sec") as client:
        assert list(client.segments.list().as_dicts()) == [SEG]

    oauth.issued = 0

    async def run() -> list[Any]:
        async with _async(api, token=None, client_id="cid", client_secret="sec") as client:
            return [s async for s in client.segments.list().as_dicts()]

    assert asyncio.run(run()) == [SEG]


def test_oauth_401_twice_keeps_the_error_body_and_no_history(api: MockAPI) -> None:
    oauth = _OAuth()
    api.on("POST", "/v0/oauth2/token", oauth.token)
    api.on("GET", "/segments", httpx.Response(401, json={**BODY, "status": 401}))
    with (
        _sync(api, token=None, client_id="cid", client_secret="sec") as client,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        list(client.segments.list().as_dicts())
    response = caught.value.response
    assert response is not None
    assert response.json()["message"] == "no such segment"
    assert response.history == []
    assert "sec" not in repr(pickle.dumps(caught.value))


def test_error_response_elapsed_is_readable(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.Response(404, json=BODY))
    with _sync(api) as client, pytest.raises(errors.NotFoundError) as caught:
        list(client.segments.list())
    assert caught.value.response is not None
    assert caught.value.response.elapsed.total_seconds() >= 0
