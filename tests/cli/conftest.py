"""Fixtures for the command-line tests: a small fake tenant and `main()` run in-process."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from amperity_facade import Amperity
from amperity_facade._cli import main
from amperity_facade.testing import FakeAmperity

SMALL = {
    "segments": 30,
    "campaigns": 8,
    "campaign_drafts": 5,
    "audit_events": 120,
    "ingest_jobs": 20,
    "workflows": 15,
}
ENV = (
    "AMPERITY_TENANT",
    "AMPERITY_TOKEN",
    "AMPERITY_CLIENT_ID",
    "AMPERITY_CLIENT_SECRET",
    "AMPERITY_BASE_URL",
    "AMPERITY_API_VERSION",
)


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]
REPO = Path(__file__).resolve().parents[2]


def process_env(**extra: str) -> dict[str, str]:
    """For `python -m ...` children: no AMPERITY_* from the caller, and this tree's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPERITY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return {**env, **extra}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(tenant="acme", seed=7, **SMALL) as running:
        yield running


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def env(clean_env: pytest.MonkeyPatch, fake: FakeAmperity) -> pytest.MonkeyPatch:
    """The environment a user pointed at the fake would have."""
    fake.reset()
    clean_env.setenv("AMPERITY_TENANT", fake.tenant)
    clean_env.setenv("AMPERITY_BASE_URL", fake.base_url)
    clean_env.setenv("AMPERITY_TOKEN", fake.token)
    return clean_env


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*argv: str) -> Result:
        capsys.readouterr()  # drop whatever came before
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def client(fake: FakeAmperity) -> Iterator[Amperity]:
    """The library itself, to compare the CLI's output with."""
    with Amperity(
        tenant=fake.tenant, token=fake.token, base_url=fake.base_url, rate_limit=None
    ) as direct:
        yield direct


Stub = Callable[[Any], str]


Route = Callable[[str], tuple[int, bytes]]  # request path -> (status, JSON body)
Routed = Callable[[Route, str], str]


@pytest.fixture
def routed_api(clean_env: pytest.MonkeyPatch) -> Iterator[Routed]:
    """A tenant whose every GET is answered by a routing function, for answers the fake
    never gives; `routed_api(route, token)` points the environment at it."""
    routes: dict[str, Route] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = routes["route"](self.path)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(route: Route, token: str) -> str:
        routes["route"] = route
        base_url = f"http://127.0.0.1:{server.server_port}/api"
        clean_env.setenv("AMPERITY_TENANT", "acme")
        clean_env.setenv("AMPERITY_TOKEN", token)
        clean_env.setenv("AMPERITY_BASE_URL", base_url)
        return base_url

    yield serve
    server.shutdown()
    server.server_close()


@pytest.fixture
def stub_api(routed_api: Routed) -> Stub:
    """A tenant that answers every GET with one fixed body (hostile text);
    `stub_api(body)` points the environment at it."""

    def serve(body: Any) -> str:
        encoded = json.dumps(body).encode()  # ASCII: a lone surrogate travels as \ud800
        return routed_api(lambda path: (200, encoded), "stub-token")

    return serve
