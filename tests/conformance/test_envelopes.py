"""What Schemathesis cannot ask for by itself: answers outside any operation, and tolerance of
parameters a future vendor version may add. Every error is the JSON envelope, never HTML."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

from .conftest import TENANT, TOKEN

HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "amperity-tenant": TENANT,
    "api-version": "2024-04-01",
}


@pytest.fixture
def client(conformance_fake: FakeAmperity) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=conformance_fake.base_url, headers=HEADERS, timeout=5) as opened:
        yield opened


def assert_envelope(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status and body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert set(body) == {"status", "message", "request_id", "trace_id"}


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "FROBNICATE"])
def test_unknown_method_is_405_envelope_with_allow(client: httpx.Client, method: str) -> None:
    response = client.request(method, "/workflow/runs")
    assert_envelope(response, 405)
    assert response.headers["allow"] == "GET, POST"


def test_unknown_method_on_the_token_path_is_405_envelope(client: httpx.Client) -> None:
    response = client.request("TRACE", "/v0/oauth2/token")
    assert_envelope(response, 405)
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("path", ["/no-such-thing", "/workflow/runs/wf-1/restart", "/segments/x"])
def test_unknown_path_is_404_envelope(client: httpx.Client, path: str) -> None:
    assert_envelope(client.get(path), 404)


def test_unknown_method_on_unknown_path_is_404_envelope(client: httpx.Client) -> None:
    assert_envelope(client.request("TRACE", "/no-such-thing"), 404)


def test_unknown_optional_query_parameters_are_ignored(client: httpx.Client) -> None:
    """A new optional vendor parameter is not breaking: the fake must not refuse it."""
    plain = client.get("/segments", params={"limit": 3}).json()
    extra = client.get("/segments", params={"limit": 3, "sort": "name", "x-new": "1"}).json()
    assert plain == extra
    token = plain["next_token"]
    resumed = client.get("/segments", params={"next_token": token, "future_flag": "true"})
    assert resumed.status_code == 200


def test_stopping_a_finished_workflow_is_409_envelope(client: httpx.Client) -> None:
    run = client.post("/workflow/runs", json={"config_id": "cg-done"}).json()
    states = [client.get(f"/workflow/runs/{run['id']}").json()["state"] for _ in range(4)]
    assert states[-1] == "succeeded", states  # each poll moves a run one state on
    assert_envelope(client.post(f"/workflow/runs/{run['id']}/stop"), 409)


def test_null_run_fields_are_refused_with_400(client: httpx.Client) -> None:
    body = {"config_id": "cg-1", "run_mode": None}
    assert_envelope(client.post("/workflow/runs", json=body), 400)


def test_non_ascii_client_credentials_are_401_not_500(conformance_fake: FakeAmperity) -> None:
    form = {"grant_type": "client_credentials", "client_id": "é", "client_secret": "ü"}
    response = httpx.post(
        f"{conformance_fake.base_url}/v0/oauth2/token",
        data=form,
        headers={"X-Amperity-Tenant": TENANT},
        timeout=5,
    )
    assert_envelope(response, 401)


def test_malformed_request_line_is_400_envelope(conformance_fake: FakeAmperity) -> None:
    """The standard library's own refusals used to be an HTML page."""
    with socket.create_connection((conformance_fake.host, conformance_fake.port), timeout=5) as s:
        s.sendall(b"GET /api/segments HTTP/9.x\r\n\r\n")
        raw = b""
        while chunk := s.recv(4096):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head
    assert body.startswith(b'{"status": 400')
