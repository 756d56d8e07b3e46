"""A scriptable in-memory Amperity for facade tests (httpx.MockTransport, no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy

TOKEN = "tok-static-0123456789abcdef"
BASE = "https://acme.amperity.com/api"
FAST = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.002)

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def page(
    items: list[Any], next_token: str | None = None, total: int | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"data": items}
    if next_token is not None:
        body["next_token"] = next_token
    if total is not None:
        body["total"] = total
    return httpx.Response(200, json=body)


def error(status: int, message: str = "nope", **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"status": status, "message": message, **extra})


def workflow(wid: str = "wf-1", state: str = "running", **extra: Any) -> dict[str, Any]:
    return {
        "id": wid,
        "state": state,
        "type": "courier.group/run",
        "name": "Daily",
        "tenant": "acme",
        "created_at": "2026-11-01T00:00:00Z",
        **extra,
    }


@dataclass
class MockAPI:
    """Routes by (method, path); each route answers from a queue, the last answer repeats."""

    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply) -> MockAPI:
        self.routes[(method, path)] = list(replies)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        # A snapshot: auth flows mutate and resend the same Request object.
        self.requests.append(
            httpx.Request(
                request.method, request.url, headers=request.headers.copy(), content=request.content
            )
        )
        path = request.url.path.removeprefix("/api")
        queue = self.routes.get((request.method, path))
        if not queue:
            return error(404, f"no route {request.method} {path}")
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx.Response):
            return reply(request)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    def calls(self, method: str | None = None, path: str | None = None) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method)
            and (path is None or r.url.path.removeprefix("/api") == path)
        ]

    def json_bodies(self, method: str, path: str) -> list[Any]:
        return [json.loads(r.content) for r in self.calls(method, path)]


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def client(api: MockAPI) -> Iterator[Amperity]:
    with Amperity(
        tenant="acme",
        token=TOKEN,
        transport=httpx.MockTransport(api.handler),
        rate_limit=None,
        retry_policy=FAST,
    ) as c:
        yield c


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_async(api: MockAPI, **kwargs: Any) -> AsyncAmperity:
    kwargs.setdefault("token", TOKEN)
    kwargs.setdefault("rate_limit", None)
    kwargs.setdefault("retry_policy", FAST)
    return AsyncAmperity(tenant="acme", transport=httpx.MockTransport(api.handler), **kwargs)
