"""The request log and count() helper tests assert on."""

from __future__ import annotations

import httpx

from amperity_facade.testing import FakeAmperity, RecordedRequest


def test_log_records_what_was_sent(fake: FakeAmperity, client: httpx.Client) -> None:
    client.get("/segments", params={"limit": 2, "with_total": "true"})
    client.post("/workflow/runs", json={"config_id": "cg-1"})
    client.get("/nowhere")
    first, second, third = fake.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.operation, first.status) == (
        "GET",
        "/api/segments",
        "list-segment",
        200,
    )
    assert first.query == {"limit": ["2"], "with_total": ["true"]}
    assert first.headers["amperity-tenant"] == "acme"
    assert first.headers["authorization"] == f"Bearer {fake.token}"
    assert first.body == b""
    assert (second.method, second.operation, second.status) == ("POST", "run-workflow", 201)
    assert second.body == b'{"config_id":"cg-1"}'
    assert (third.operation, third.status) == (None, 404)
    assert first.at <= second.at <= third.at


def test_path_is_as_received(fake: FakeAmperity, client: httpx.Client) -> None:
    client.get("/workflow/runs/wf%2D1")
    entry = fake.requests[-1]
    assert entry.path == "/api/workflow/runs/wf%2D1"
    assert entry.operation == "get-workflow"


def test_count(fake: FakeAmperity, client: httpx.Client) -> None:
    for _ in range(3):
        client.get("/segments")
    client.get("/segments", params={"limit": 0})
    client.get("/campaigns")
    assert fake.count() == 5
    assert fake.count(operation="list-segment") == 4
    assert fake.count(status=400) == 1
    assert fake.count(operation="list-segment", status=200) == 3
    assert fake.count(operation="list-events") == 0


def test_requests_is_a_snapshot(fake: FakeAmperity, client: httpx.Client) -> None:
    client.get("/segments")
    snapshot = fake.requests
    client.get("/segments")
    assert len(snapshot) == 1
    assert len(fake.requests) == 2


def test_reset_clears_log_but_not_data(fake: FakeAmperity, client: httpx.Client) -> None:
    run = client.post("/workflow/runs", json={"config_id": "cg-1"}).json()
    fake.reset()
    assert fake.requests == []
    assert fake.count() == 0
    assert client.get(f"/workflow/runs/{run['id']}").status_code == 200
