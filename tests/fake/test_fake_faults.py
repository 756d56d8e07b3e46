"""Injected faults, as a client sees them through httpx."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from amperity_facade.testing import FakeAmperity, Fault


def test_status_fault_uses_error_envelope(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=503))
    response = client.get("/segments")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "message", "request_id", "trace_id"}
    assert body["status"] == 503
    assert body["request_id"] == response.headers["x-request-id"]
    assert "retry-after" not in response.headers
    assert client.get("/segments").status_code == 200


def test_status_fault_defaults_to_500(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status"))
    assert client.get("/segments").status_code == 500


@pytest.mark.parametrize("retry_after", ["2", "Wed, 21 Oct 2026 07:28:00 GMT"])
def test_retry_after_header(fake: FakeAmperity, client: httpx.Client, retry_after: str) -> None:
    fake.inject(Fault("status", status=429, retry_after=retry_after))
    response = client.get("/segments")
    assert response.status_code == 429
    assert response.headers["retry-after"] == retry_after


@pytest.mark.parametrize("status", [502, 503])
def test_html_fault(fake: FakeAmperity, client: httpx.Client, status: int) -> None:
    fake.inject(Fault("html", status=status))
    response = client.get("/segments")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_drop_fault(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("drop"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get("/segments")
    assert client.get("/segments").status_code == 200
    assert [r.status for r in fake.requests] == [0, 200]


def test_slow_fault(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("slow", delay=0.3))
    began = time.monotonic()
    response = client.get("/segments")
    assert time.monotonic() - began >= 0.3
    assert response.status_code == 200
    with pytest.raises(httpx.ReadTimeout):
        fake.inject(Fault("slow", delay=0.5))
        client.get("/segments", timeout=0.1)


def test_truncated_fault(fake: FakeAmperity, client: httpx.Client) -> None:
    whole = client.get("/segments", params={"limit": 5}).content
    fake.inject(Fault("truncated"))
    response = client.get("/segments", params={"limit": 5})
    assert response.status_code == 200
    assert response.content == whole[: len(whole) // 2]
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_malformed_fault(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("malformed"))
    response = client.get("/segments")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_request_number_targets_nth_request(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=500, request_number=3))
    statuses = [client.get("/segments").status_code for _ in range(5)]
    assert statuses == [200, 200, 500, 200, 200]


def test_request_counter_restarts_on_reset(fake: FakeAmperity, client: httpx.Client) -> None:
    client.get("/segments")
    client.get("/segments")
    fake.reset()
    fake.inject(Fault("status", status=502, request_number=1))
    assert client.get("/segments").status_code == 502


def test_times(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=503, times=2))
    statuses = [client.get("/segments").status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_operation_targeting(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=500, operation="list-campaign"))
    assert client.get("/segments").status_code == 200
    assert client.get("/campaigns").status_code == 500
    assert client.get("/campaigns").status_code == 200


def test_first_matching_fault_fires_first(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=502))
    fake.inject(Fault("status", status=503))
    assert [client.get("/segments").status_code for _ in range(3)] == [502, 503, 200]


def test_faults_fire_before_auth(fake: FakeAmperity) -> None:
    fake.inject(Fault("status", status=503))
    assert httpx.get(f"{fake.base_url}/segments").status_code == 503


def test_fault_on_token_endpoint(fake: FakeAmperity) -> None:
    fake.inject(Fault("status", status=500, operation="create-token"))
    response = httpx.post(
        f"{fake.base_url}/v0/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"X-Amperity-Tenant": fake.tenant},
    )
    assert response.status_code == 500


def test_reset_clears_faults(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("status", status=500, times=5))
    fake.reset()
    assert client.get("/segments").status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [{"kind": "explode"}, {"kind": "status", "times": 0}, {"kind": "drop", "request_number": 0}],
)
def test_invalid_faults(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)  # type: ignore[arg-type]
