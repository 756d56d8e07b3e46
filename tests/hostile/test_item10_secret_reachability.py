"""Issue 10, item 10: the client secret (and bearer tokens) cannot be dug out of exceptions.

Not only str/repr: after a failing token request (401, 500, a garbage body, a dropped
connection), the exception's `response.request.content` and headers, `pickle.dumps(exc)`,
and every exception in its `__cause__` / `__context__` chain (with their `.request` and
`.response`, including `response.history`, where httpx keeps an auth flow's token exchange)
hold neither the client secret nor the id:secret pair. For ordinary API errors
the bearer token is not in the recorded request's headers nor in the pickle.
"""

from __future__ import annotations

import base64
import contextlib
import pickle
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    DROP,
    HANG,
    SEGMENTS_PATH,
    TOKEN,
    TOKEN_PATH,
    Action,
    HostileServer,
    Reply,
    Serve,
    TokenServer,
    error_reply,
    oauth_args,
    route,
    run_guarded,
    segments_page,
    sequence,
    static_args,
)

PAIR = f"{CLIENT_ID}:{CLIENT_SECRET}"
SECRET_FORMS = [
    CLIENT_SECRET,
    urllib.parse.quote_plus(CLIENT_SECRET),
    PAIR,
    base64.b64encode(PAIR.encode()).decode(),
]


def chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything reachable through __cause__ / __context__."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def attribute(obj: Any, name: str) -> Any:
    """getattr that tolerates httpx's properties raising when unset."""
    try:
        return getattr(obj, name, None)
    except (RuntimeError, AttributeError):
        return None


def request_texts(where: str, request: Any) -> list[tuple[str, str]]:
    if not isinstance(request, httpx.Request):
        return []
    texts = [(f"{where}.url", str(request.url))]
    texts += [(f"{where}.headers[{k!r}]", v) for k, v in request.headers.items()]
    with contextlib.suppress(httpx.RequestNotRead):
        texts.append((f"{where}.content", request.content.decode("latin-1")))
    return texts


def pickle_text(exc: BaseException) -> str:
    return pickle.dumps(exc).decode("latin-1")


def reachable_texts(exc: BaseException) -> list[tuple[str, str]]:
    """(where, text) for everything a caller, logger or error reporter could read."""
    texts: list[tuple[str, str]] = []
    for depth, link in enumerate(chain(exc)):
        name = f"chain[{depth}]={type(link).__name__}"
        texts += [(f"str({name})", str(link)), (f"repr({name})", repr(link))]
        texts += [(f"pickle.dumps({name})", pickle_text(link))]
        texts += request_texts(f"{name}.request", attribute(link, "request"))
        response = attribute(link, "response")
        if isinstance(response, httpx.Response):
            texts += response_texts(f"{name}.response", response)
    return texts


def response_texts(where: str, response: httpx.Response) -> list[tuple[str, str]]:
    """The response's request, and every earlier response in its history (an auth flow's
    token exchange lands there, with the form that carried the secret)."""
    texts = request_texts(f"{where}.request", attribute(response, "request"))
    for i, earlier in enumerate(response.history):
        texts += request_texts(f"{where}.history[{i}].request", attribute(earlier, "request"))
        with contextlib.suppress(httpx.ResponseNotRead):
            texts.append((f"{where}.history[{i}].content", earlier.content.decode("latin-1")))
    return texts


def assert_unreachable(exc: BaseException, secrets: list[str]) -> None:
    leaks = [where for where, text in reachable_texts(exc) for secret in secrets if secret in text]
    assert not leaks, f"a secret is reachable from the exception via: {sorted(set(leaks))}"


TOKEN_FAILURES: dict[str, tuple[Action, type[Exception]]] = {
    "401": (error_reply(401, "invalid client credentials"), errors.AuthenticationError),
    "500": (error_reply(500, "token service broke"), errors.AmperityError),
    "garbage-200": (
        Reply(200, "<html>not a token</html>", content_type="text/html"),
        errors.AuthenticationError,
    ),
    "no-token-200": (Reply(200, '{"token_type": "Bearer"}'), errors.AuthenticationError),
    "dropped": (DROP, errors.APIConnectionError),
}


def token_failure_server(serve: Serve, action: Action) -> HostileServer:
    return serve(route({("POST", TOKEN_PATH): sequence(action)}, default=segments_page(1)))


@pytest.mark.parametrize("case", list(TOKEN_FAILURES))
def test_item10_client_secret_unreachable_after_token_failure(serve: Serve, case: str) -> None:
    action, expected = TOKEN_FAILURES[case]
    server = token_failure_server(serve, action)
    with Amperity(**oauth_args(server, retries=1)) as client, pytest.raises(expected) as caught:
        run_guarded(lambda: client.segments.list().first_page())
    assert server.requests(TOKEN_PATH), "the token endpoint was never asked"
    assert CLIENT_SECRET in server.requests(TOKEN_PATH)[0].body.decode()  # the server saw it
    assert_unreachable(caught.value, SECRET_FORMS)


@pytest.mark.anyio
@pytest.mark.parametrize("case", list(TOKEN_FAILURES))
async def test_item10_client_secret_unreachable_after_token_failure_async(
    serve: Serve, case: str
) -> None:
    action, expected = TOKEN_FAILURES[case]
    server = token_failure_server(serve, action)
    async with AsyncAmperity(**oauth_args(server, retries=1)) as client:
        with pytest.raises(expected) as caught:
            await client.segments.list().first_page()
    assert_unreachable(caught.value, SECRET_FORMS)


def test_item10_client_secret_unreachable_after_token_timeout(serve: Serve) -> None:
    server = token_failure_server(serve, HANG)
    args = oauth_args(server, retries=0, timeout=0.3)
    with Amperity(**args) as client, pytest.raises(errors.APITimeoutError) as caught:
        run_guarded(lambda: client.segments.list().first_page(), 5.0)
    assert_unreachable(caught.value, SECRET_FORMS)


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_item10_bearer_token_unreachable_from_api_errors(serve: Serve, status: int) -> None:
    server = serve(sequence(error_reply(status)))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.APIStatusError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.requests()[0].headers["authorization"] == f"Bearer {TOKEN}"  # it was sent
    assert_unreachable(caught.value, [TOKEN])


@pytest.mark.anyio
async def test_item10_bearer_token_unreachable_from_api_errors_async(serve: Serve) -> None:
    server = serve(sequence(error_reply(404)))
    async with AsyncAmperity(**static_args(server, retries=0)) as client:
        with pytest.raises(errors.NotFoundError) as caught:
            await client.segments.list().first_page()
    assert_unreachable(caught.value, [TOKEN])


def test_item10_bearer_token_unreachable_from_validation_errors(serve: Serve) -> None:
    server = serve(sequence(Reply(200, "<html>proxy</html>", content_type="text/html")))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.APIResponseValidationError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert_unreachable(caught.value, [TOKEN])


def test_item10_oauth_access_token_unreachable_from_api_errors(serve: Serve) -> None:
    tokens = TokenServer(lambda n: {"access_token": "$TOKEN", "expires_in": 3600})
    handler = route({("POST", TOKEN_PATH): tokens.handler}, default=error_reply(403))
    server = serve(handler)
    with (
        Amperity(**oauth_args(server, retries=0)) as client,
        pytest.raises(errors.PermissionDeniedError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    assert tokens.issued, "no access token was issued"
    assert server.count(SEGMENTS_PATH) == 1
    assert_unreachable(caught.value, [*tokens.issued, *SECRET_FORMS])
