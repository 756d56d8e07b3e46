"""Issue 10, item 5: hostile bodies raise the documented errors, never a raw Python or httpx
exception.

Deeply nested JSON (100,000 levels: json raises RecursionError, which is not a ValueError),
bodies whose Content-Encoding lies, and invalid UTF-8: a 2xx gives APIResponseValidationError,
an error status gives its status class, a token answer gives AuthenticationError.
"""

from __future__ import annotations

import gzip

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    SEGMENTS_PATH,
    TOKEN_PATH,
    HostileServer,
    Reply,
    Serve,
    oauth_args,
    route,
    run_guarded,
    segments_page,
    sequence,
    static_args,
)

DEEP = "[" * 100_000
DEEP_OBJECT = '{"a":' * 100_000
LYING_GZIP = [("Content-Encoding", "gzip")]
LYING_DEFLATE = [("Content-Encoding", "deflate")]
LYING_BR = [("Content-Encoding", "br")]
LYING_ZSTD = [("Content-Encoding", "zstd")]

ERROR_BODIES = {
    "deep-array": Reply(404, DEEP),
    "deep-object": Reply(404, DEEP_OBJECT),
    "gzip-lie": Reply(404, b'{"message": "plain, not gzip"}', LYING_GZIP),
    "deflate-lie": Reply(404, b'{"message": "plain, not deflate"}', LYING_DEFLATE),
    "br-lie": Reply(404, b'{"message": "plain, not brotli"}', LYING_BR),
    "zstd-lie": Reply(404, b'{"message": "plain, not zstd"}', LYING_ZSTD),
    "invalid-utf8": Reply(404, b'{"message": "\xff\xfe\xfd"}'),
    "truncated-gzip": Reply(404, gzip.compress(b'{"message": "cut"}' * 50)[:40], LYING_GZIP),
    "bogus-charset": Reply(404, b'{"message": "x"}', content_type="application/json; charset=nope"),
}


@pytest.mark.parametrize("case", list(ERROR_BODIES))
def test_item05_hostile_error_body_raises_the_status_class(serve: Serve, case: str) -> None:
    server = serve(sequence(ERROR_BODIES[case]))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.NotFoundError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert caught.value.status_code == 404
    str(caught.value)  # the message is built without raising


@pytest.mark.anyio
@pytest.mark.parametrize("case", ["deep-array", "gzip-lie", "truncated-gzip"])
async def test_item05_hostile_error_body_raises_the_status_class_async(
    serve: Serve, case: str
) -> None:
    server = serve(sequence(ERROR_BODIES[case]))
    async with AsyncAmperity(**static_args(server, retries=0)) as client:
        with pytest.raises(errors.NotFoundError):
            await client.segments.list().first_page()


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_item05_deep_json_on_other_statuses(serve: Serve, status: int) -> None:
    server = serve(sequence(Reply(status, DEEP)))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.APIStatusError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert caught.value.status_code == status


SUCCESS_BODIES = {
    "deep-array": Reply(200, DEEP),
    "deep-object": Reply(200, DEEP_OBJECT),
    "deep-inside-data": Reply(200, '{"data": ' + DEEP),
    "gzip-lie": Reply(200, b'{"data": []}', LYING_GZIP),
    "deflate-lie": Reply(200, b'{"data": []}', LYING_DEFLATE),
    "truncated-gzip": Reply(200, gzip.compress(b'{"data": []}' * 50)[:40], LYING_GZIP),
    "invalid-utf8": Reply(200, b'{"data": [{"id": "\xff\xfe", "name": "x", "status": "y"}]}'),
}


@pytest.mark.parametrize("case", list(SUCCESS_BODIES))
def test_item05_hostile_success_body_raises_validation_error(serve: Serve, case: str) -> None:
    server = serve(sequence(SUCCESS_BODIES[case]))
    with (
        Amperity(**static_args(server, retries=2)) as client,
        pytest.raises(errors.APIResponseValidationError),
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) <= 3


@pytest.mark.anyio
@pytest.mark.parametrize("case", ["deep-array", "gzip-lie", "truncated-gzip"])
async def test_item05_hostile_success_body_raises_validation_error_async(
    serve: Serve, case: str
) -> None:
    server = serve(sequence(SUCCESS_BODIES[case]))
    async with AsyncAmperity(**static_args(server, retries=2)) as client:
        with pytest.raises(errors.APIResponseValidationError):
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) <= 3


def test_item05_hostile_run_answer_raises_validation_error_once(serve: Serve) -> None:
    server = serve(sequence(Reply(201, DEEP)))
    with (
        Amperity(**static_args(server, retries=3)) as client,
        pytest.raises(errors.APIResponseValidationError),
    ):
        run_guarded(lambda: client.workflows.run("cg-1"))
    assert server.count("/api/workflow/runs", "POST") == 1


TOKEN_BODIES = {
    "deep-array-200": Reply(200, DEEP),
    "deep-object-200": Reply(200, DEEP_OBJECT),
    "deep-array-401": Reply(401, DEEP),
    "deep-array-400": Reply(400, DEEP),
    "gzip-lie-200": Reply(200, b'{"access_token": "t", "expires_in": 60}', LYING_GZIP),
    "gzip-lie-401": Reply(401, b'{"message": "no"}', LYING_GZIP),
    "invalid-utf8-200": Reply(200, b'{"access_token": "\xff\xfe", "expires_in": 60}'),
}


def token_server(serve: Serve, reply: Reply) -> HostileServer:
    return serve(route({("POST", TOKEN_PATH): sequence(reply)}, default=segments_page(1)))


@pytest.mark.parametrize("case", list(TOKEN_BODIES))
def test_item05_hostile_token_answer_raises_authentication_error(serve: Serve, case: str) -> None:
    server = token_server(serve, TOKEN_BODIES[case])
    with (
        Amperity(**oauth_args(server, retries=0)) as client,
        pytest.raises(errors.AuthenticationError),
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("case", ["deep-array-200", "gzip-lie-200", "deep-array-401"])
async def test_item05_hostile_token_answer_raises_authentication_error_async(
    serve: Serve, case: str
) -> None:
    server = token_server(serve, TOKEN_BODIES[case])
    async with AsyncAmperity(**oauth_args(server, retries=0)) as client:
        with pytest.raises(errors.AuthenticationError):
            await client.segments.list().first_page()
    assert server.count(SEGMENTS_PATH) == 0
