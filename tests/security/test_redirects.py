"""The facade never follows redirects, so Authorization (or a client secret) never travels to a
host it was not aimed at: a 3xx is an error, and the redirect's target receives nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors

TOKEN = "redirect-test-token-7Yh2Kd9Q"
SECRET = "redirect-test-secret-4Rb8Nw1Z"
NO_WAIT = RetryPolicy(backoff_base=0.001, backoff_max=0.002)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    """A loopback HTTP server that records every request and answers `status` + `location`."""

    status: int = 200
    location: str | None = None
    seen: list[Seen] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return int(self.httpd.server_address[1])

    def start(self) -> Server:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.seen.append(
                    Seen(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                payload = b'{"data": []}' if owner.status == 200 else b""
                self.send_response(owner.status)
                if owner.location:
                    self.send_header("Location", owner.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_PUT = do_DELETE = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture
def target() -> Iterator[Server]:
    """Where the redirect points: must receive nothing."""
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def redirector() -> Iterator[Server]:
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def aim(redirector: Server, target: Server, status: int, host: str) -> str:
    redirector.status = status
    redirector.location = f"http://{host}:{target.port}/api/elsewhere"
    return f"http://127.0.0.1:{redirector.port}/api"


HOSTS = ["127.0.0.1", "localhost"]
STATUSES = [301, 302, 303, 307, 308]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("status", STATUSES)
def test_sync_redirect_is_an_error_and_target_sees_nothing(
    redirector: Server, target: Server, status: int, host: str
) -> None:
    base_url = aim(redirector, target, status, host)
    with Amperity(
        tenant="acme", token=TOKEN, base_url=base_url, rate_limit=None, retry_policy=NO_WAIT
    ) as client:
        with pytest.raises(errors.APIStatusError) as info:
            client.workflows.get("wf-1")
        assert info.value.status_code == status
        with pytest.raises(errors.APIStatusError):
            client.workflows.run("cg-1")
    assert target.seen == []
    assert [s.method for s in redirector.seen] == ["GET", "POST"]  # each sent once, no retry
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in redirector.seen)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [302, 307])
async def test_async_redirect_is_an_error_and_target_sees_nothing(
    redirector: Server, target: Server, status: int
) -> None:
    base_url = aim(redirector, target, status, "127.0.0.1")
    async with AsyncAmperity(
        tenant="acme", token=TOKEN, base_url=base_url, rate_limit=None, retry_policy=NO_WAIT
    ) as client:
        with pytest.raises(errors.APIStatusError) as info:
            await client.segments.list().first_page()
        assert info.value.status_code == status
        with pytest.raises(errors.APIStatusError):
            await client.workflows.stop("wf-1")
    assert target.seen == []
    assert len(redirector.seen) == 2


@pytest.mark.parametrize("status", [302, 307])
def test_token_endpoint_redirect_never_carries_the_client_secret(
    redirector: Server, target: Server, status: int
) -> None:
    base_url = aim(redirector, target, status, "127.0.0.1")
    client = Amperity(
        tenant="acme",
        client_id="cid",
        client_secret=SECRET,
        base_url=base_url,
        rate_limit=None,
        retry_policy=NO_WAIT,
    )
    with client, pytest.raises(errors.AuthenticationError) as info:
        client.segments.list().first_page()
    assert info.value.status_code == status
    assert target.seen == []
    assert [s.path for s in redirector.seen] == ["/api/v0/oauth2/token"]
    assert SECRET not in str(info.value)


@pytest.mark.anyio
async def test_async_token_endpoint_redirect_never_carries_the_client_secret(
    redirector: Server, target: Server
) -> None:
    base_url = aim(redirector, target, 307, "localhost")
    async with AsyncAmperity(
        tenant="acme",
        client_id="cid",
        client_secret=SECRET,
        base_url=base_url,
        rate_limit=None,
        retry_policy=NO_WAIT,
    ) as client:
        with pytest.raises(errors.AuthenticationError):
            await client.segments.list().first_page()
    assert target.seen == []
    assert len(redirector.seen) == 1
