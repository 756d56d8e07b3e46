"""The optional sliding-window rate limit."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

MakeClient = Callable[..., httpx.Client]


@pytest.mark.slow  # waits out the one-second window
def test_ten_quick_requests_then_429(make_client: MakeClient) -> None:
    with FakeAmperity(segments=5, audit_events=5, rate_limit=10) as fake:
        client = make_client(fake)
        statuses = [client.get("/segments").status_code for _ in range(12)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429, 429]
        limited = client.get("/segments")
        assert limited.json()["status"] == 429
        assert "retry-after" not in limited.headers
        assert fake.count(status=429) == 3
        time.sleep(1.05)
        assert client.get("/segments").status_code == 200


@pytest.mark.slow  # waits out the one-second window
def test_rejected_requests_do_not_count(make_client: MakeClient) -> None:
    with FakeAmperity(segments=5, audit_events=5, rate_limit=3) as fake:
        client = make_client(fake)
        began = time.monotonic()  # before the first admitted request arrives
        assert [client.get("/segments").status_code for _ in range(3)] == [200] * 3
        admitted = time.monotonic()  # after the last one arrived, however slow the machine
        while time.monotonic() - began < 0.9:
            assert client.get("/segments").status_code == 429
        time.sleep(max(0.0, admitted + 1.05 - time.monotonic()))
        assert [client.get("/segments").status_code for _ in range(3)] == [200] * 3


def test_no_limit_by_default(client: httpx.Client) -> None:
    assert {client.get("/segments").status_code for _ in range(30)} == {200}


def test_reset_clears_the_window(make_client: MakeClient) -> None:
    with FakeAmperity(segments=5, audit_events=5, rate_limit=2) as fake:
        client = make_client(fake)
        assert [client.get("/segments").status_code for _ in range(3)] == [200, 200, 429]
        fake.reset()
        assert client.get("/segments").status_code == 200
