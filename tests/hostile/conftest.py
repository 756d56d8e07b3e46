"""Hostile servers for the issue-10 tests: real sockets on 127.0.0.1, scripted per request.

`HostileServer` is a raw-socket HTTP/1.1 server running in threads. Each request it reads is
recorded (method, path, headers, body, arrival time) and handed to a handler that decides
the answer: a `Reply` (any status, headers and body bytes, including lies such as a wrong
Content-Encoding), `DROP` (close the connection after reading the request, without an
answer) or `HANG` (keep the connection open and never answer, until the server stops).
Every answer carries `Connection: close`, so each request is one connection and the
server-side count is exactly the number of requests the client sent.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from amperity_facade import RetryPolicy

TENANT = "acme"
TOKEN = "hostile-static-token-Qw3rTy7uIo9pAs"
CLIENT_ID = "hostile-client-id-Zx8cV"
CLIENT_SECRET = "hostile-client-secret-Mn5bV2cX9zLk"
TOKEN_PATH = "/api/v0/oauth2/token"
SEGMENTS_PATH = "/api/segments"
RUNS_PATH = "/api/workflow/runs"
HANG_GUARD = 10.0  # seconds before a call that should have ended counts as hung


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Seen:
    """One request as the server read it."""

    number: int  # 1-based, across all paths
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: Sequence[tuple[str, str]] = ()
    content_type: str | None = "application/json"
    reason: str | None = None

    def encoded(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body


DROP = "drop"  # read the request, then close without answering
HANG = "hang"  # read the request, then never answer

Action = Reply | str
Handler = Callable[[Seen], Action]
# What the `serve` fixture hands a test: start a hostile server for this handler.
Serve = Callable[[Handler], "HostileServer"]

REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def json_reply(obj: Any, status: int = 200, headers: Sequence[tuple[str, str]] = ()) -> Reply:
    return Reply(status, json.dumps(obj), headers)


def error_reply(status: int, message: str = "nope", **headers: str) -> Reply:
    body = {"status": status, "message": message, "request_id": "req-hostile"}
    return json_reply(body, status, [(k.replace("_", "-"), v) for k, v in headers.items()])


def segment(i: int) -> dict[str, Any]:
    return {"id": f"seg-{i:05d}", "name": f"Segment {i}", "status": "active"}


def segments_page(count: int = 2, start: int = 0, next_token: str | None = None) -> Reply:
    body: dict[str, Any] = {"data": [segment(i) for i in range(start, start + count)]}
    if next_token is not None:
        body["next_token"] = next_token
    return json_reply(body)


def workflow(wid: str = "wf-1", state: str = "scheduled") -> dict[str, Any]:
    return {
        "id": wid,
        "state": state,
        "type": "courier.group/run",
        "name": "Courier group cg-1",
        "tenant": TENANT,
        "created_at": "2026-11-01T00:00:00Z",
    }


HTML_200 = Reply(200, "<html><body>proxy says hi</body></html>", content_type="text/html")


def cycle(*actions: Action) -> Handler:
    """Answer with each action in turn, over and over."""
    it = itertools.cycle(actions)
    lock = threading.Lock()

    def handler(seen: Seen) -> Action:
        with lock:
            return next(it)

    return handler


def sequence(*actions: Action) -> Handler:
    """Answer with each action in turn; the last one repeats."""
    queue = list(actions)
    lock = threading.Lock()

    def handler(seen: Seen) -> Action:
        with lock:
            return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def route(routes: dict[tuple[str, str], Handler], default: Action | None = None) -> Handler:
    """Dispatch on (method, path); anything else gets `default` (a 404 envelope)."""

    def handler(seen: Seen) -> Action:
        chosen = routes.get((seen.method, seen.path))
        if chosen is None:
            return default if default is not None else error_reply(404, "no such route")
        return chosen(seen)

    return handler


class HostileServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.port = int(self._listener.getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/api"

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> HostileServer:
        thread = threading.Thread(target=self._accept_loop, name="hostile-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(OSError):
            self._listener.close()
        for thread in list(self._threads):
            thread.join(timeout=5)

    # -- what the tests read ------------------------------------------------------------------
    def requests(self, path: str | None = None, method: str | None = None) -> list[Seen]:
        with self._lock:
            return [
                s
                for s in self.seen
                if (path is None or s.path == path) and (method is None or s.method == method)
            ]

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return len(self.requests(path, method))

    # -- serving ------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                self._conns.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            with self._lock:
                self._threads.append(thread)

    def _read_request(self, conn: socket.socket) -> Seen | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        path, _, query = target.partition("?")
        with self._lock:
            seen = Seen(len(self.seen) + 1, method, path, query, headers, rest, time.monotonic())
            self.seen.append(seen)
        return seen

    def _serve(self, conn: socket.socket) -> None:
        try:
            seen = self._read_request(conn)
            if seen is None:
                return
            action = self.handler(seen)
            if action == HANG:
                self._stopping.wait()
                return
            if action == DROP:
                return
            assert isinstance(action, Reply)
            conn.sendall(self._render(action))
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _render(reply: Reply) -> bytes:
        body = reply.encoded()
        reason = reply.reason if reply.reason is not None else REASONS.get(reply.status, "Status")
        lines = [f"HTTP/1.1 {reply.status} {reason}", f"Content-Length: {len(body)}"]
        if reply.content_type is not None:
            lines.append(f"Content-Type: {reply.content_type}")
        lines.extend(f"{name}: {value}" for name, value in reply.headers)
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], HostileServer]]:
    """Start hostile servers for one test; all are stopped at its end."""
    started: list[HostileServer] = []

    def start(handler: Handler) -> HostileServer:
        server = HostileServer(handler).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def fast(max_retries: int = 3) -> RetryPolicy:
    """A policy with tiny backoff, so retry tests run in milliseconds."""
    return RetryPolicy(max_retries=max_retries, backoff_base=0.001, backoff_max=0.002)


def static_args(server: HostileServer, retries: int = 3, **kwargs: Any) -> dict[str, Any]:
    """Client arguments: static token, no rate limit, `retries` given consistently both as
    max_retries and in a fast policy (so no conflict, before or after issue 10)."""
    return {
        "tenant": TENANT,
        "token": TOKEN,
        "base_url": server.base_url,
        "rate_limit": None,
        "max_retries": retries,
        "retry_policy": fast(retries),
        **kwargs,
    }


def oauth_args(server: HostileServer, retries: int = 3, **kwargs: Any) -> dict[str, Any]:
    """Like static_args, with OAuth client credentials."""
    return {
        "tenant": TENANT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "base_url": server.base_url,
        "rate_limit": None,
        "max_retries": retries,
        "retry_policy": fast(retries),
        **kwargs,
    }


def run_guarded(fn: Callable[[], Any], guard: float = HANG_GUARD) -> Any:
    """Run `fn` in a thread; return its result or re-raise its exception. A call still
    running after `guard` seconds fails the test as hung (a hang guard, not a timing claim)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(guard)
    if thread.is_alive():
        pytest.fail(f"the call did not finish within the {guard:g} s hang guard (it hangs)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@dataclass
class TokenServer:
    """An OAuth token endpoint plus a segments endpoint that accepts only issued tokens."""

    token_body: Callable[[int], Any]  # n-th token request (1-based) -> JSON body (or raw str)
    issued: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self, seen: Seen) -> Action:
        if seen.path == TOKEN_PATH and seen.method == "POST":
            with self.lock:
                n = len(self.issued) + 1
                token = f"issued-access-token-{n:03d}"
                self.issued.append(token)
            body = self.token_body(n)
            if isinstance(body, dict) and body.get("access_token") == "$TOKEN":
                body = {**body, "access_token": token}
            if isinstance(body, str):
                return Reply(200, body.replace("$TOKEN", token))
            return json_reply(body)
        scheme, _, value = seen.headers.get("authorization", "").partition(" ")
        with self.lock:
            good = scheme == "Bearer" and value in self.issued and value not in self.revoked
        if not good:
            return error_reply(401, "invalid token")
        if seen.path == SEGMENTS_PATH:
            return segments_page(2)
        return error_reply(404, "no such route")

    def revoke_all(self) -> None:
        with self.lock:
            self.revoked.update(self.issued)


async def arun_guarded(awaitable: Awaitable[Any], guard: float = HANG_GUARD) -> Any:
    """The async hang guard: await, failing the test if it takes longer than `guard`."""
    import anyio

    try:
        with anyio.fail_after(guard):
            return await awaitable
    except TimeoutError:
        pytest.fail(f"the call did not finish within the {guard:g} s hang guard (it hangs)")
