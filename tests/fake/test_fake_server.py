"""Server lifecycle: start/stop without `with`, connections closed on stop, the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

REPO = Path(__file__).resolve().parents[2]


def test_start_stop_without_with() -> None:
    fake = FakeAmperity(segments=5, audit_events=5)
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    assert fake.start() is fake
    assert fake.start() is fake  # idempotent
    url = fake.base_url
    assert url.endswith("/api")
    assert httpx.get(f"{url}/segments").status_code == 400
    fake.stop()
    fake.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/segments")


def test_stop_closes_kept_alive_connections() -> None:
    fake = FakeAmperity(segments=5, audit_events=5).start()
    headers = {"Authorization": f"Bearer {fake.token}", "amperity-tenant": "acme"}
    with httpx.Client(base_url=fake.base_url, headers=headers) as client:
        client.headers["api-version"] = "2024-04-01"
        assert client.get("/segments").status_code == 200
        fake.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/segments")


def test_many_requests_on_one_connection(client: httpx.Client, fake: FakeAmperity) -> None:
    for _ in range(50):
        assert client.get("/segments", params={"limit": 1}).status_code == 200
    assert fake.count(status=200) == 50


def test_head_gets_no_body(client: httpx.Client) -> None:
    response = client.head("/segments")
    assert response.status_code == 405
    assert response.content == b""


def test_chunked_request_body(client: httpx.Client) -> None:
    def chunks() -> object:
        yield b'{"config_id":'
        yield b'"cg-1"}'

    response = client.post("/workflow/runs", content=chunks())  # type: ignore[arg-type]
    assert response.status_code == 201


def test_paths_outside_api_are_404(fake: FakeAmperity, client: httpx.Client) -> None:
    root = fake.base_url.removesuffix("/api")
    headers = dict(client.headers)
    assert httpx.get(f"{root}/segments", headers=headers).status_code == 404
    assert client.get("/segments/").status_code == 404


def test_cli_serves_and_prints_credentials() -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "amperity_facade.testing", "--port", "0", "--seed", "3"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        banner = []
        for line in proc.stdout:
            banner.append(line)
            if line.startswith("Serving"):
                break
        text = "".join(banner)
        values = {"base_url": banner[0].split(" at ", 1)[1].strip(), "tenant": "acme"}
        token_path = text.split("static token in ", 1)[1].split()[0]
        oauth_path = text.split("OAuth client id and secret in ", 1)[1].split()[0]
        for path in (token_path, oauth_path):
            assert os.stat(path).st_mode & 0o777 == 0o600  # secrets in private files
        with open(token_path, encoding="utf-8") as handle:
            values["token"] = handle.read().strip()
        assert values["token"] not in text  # and never on the terminal
        with open(oauth_path, encoding="utf-8") as handle:
            oauth = handle.read()
        values["client_id"] = oauth.split("AMPERITY_CLIENT_ID=", 1)[1].split()[0]
        values["client_secret"] = oauth.split("AMPERITY_CLIENT_SECRET=", 1)[1].split()[0]
        assert values["client_secret"] not in text
        headers = {
            "Authorization": f"Bearer {values['token']}",
            "amperity-tenant": values["tenant"],
            "api-version": "2024-04-01",
        }
        response = httpx.get(f"{values['base_url']}/segments", headers=headers)
        assert response.status_code == 200
        assert values["client_id"] and values["client_secret"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
    assert proc.returncode == 0


def test_concurrent_clients(fake: FakeAmperity, make_client: Callable[..., httpx.Client]) -> None:
    clients = [make_client(fake) for _ in range(8)]

    def walk(client: httpx.Client) -> int:
        seen, token = 0, None
        while True:
            params: dict[str, str | int] = {"limit": 20}
            if token:
                params["next_token"] = token
            body = client.get("/segments", params=params).json()
            seen += len(body["data"])
            token = body.get("next_token")
            if token is None:
                return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(walk, clients)) == [250] * 8
    assert fake.count(status=200) == 8 * 13


def _ipv6_loopback() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_the_fake_serves_on_ipv6_with_a_usable_base_url() -> None:
    from amperity_facade import Amperity

    with FakeAmperity(host="::1") as fake:
        assert fake.base_url.startswith("http://[::1]:")
        with Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url) as client:
            assert client.segments.list(limit=5).first_page().items
