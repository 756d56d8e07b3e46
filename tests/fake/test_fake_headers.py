"""Response headers clients rely on: request ids and deprecation notices."""

from __future__ import annotations

import httpx

from amperity_facade.testing import FakeAmperity

DEPRECATION = "Tue, 01 Sep 2026 23:59:59 GMT"
SUNSET = "Tue, 01 Dec 2026 23:59:59 GMT"


def test_every_response_has_a_request_id(fake: FakeAmperity, client: httpx.Client) -> None:
    ok = client.get("/segments")
    missing = client.get("/nowhere")
    unauthenticated = httpx.get(f"{fake.base_url}/segments")
    ids = [r.headers["x-request-id"] for r in (ok, missing, unauthenticated)]
    assert all(i.startswith("req-") for i in ids)
    assert len(set(ids)) == 3
    assert missing.json()["request_id"] == ids[1]
    assert missing.json()["trace_id"].startswith("tr-")


def test_keep_alive_and_content_length(client: httpx.Client) -> None:
    response = client.get("/segments", params={"limit": 3})
    assert response.http_version == "HTTP/1.1"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers.get("connection") != "close"


def test_global_deprecation(fake: FakeAmperity, client: httpx.Client) -> None:
    assert "deprecation" not in client.get("/segments").headers
    fake.set_deprecation(deprecation=DEPRECATION, sunset=SUNSET)
    for path in ("/segments", "/campaigns"):
        headers = client.get(path).headers
        assert headers["deprecation"] == DEPRECATION
        assert headers["sunset"] == SUNSET
    assert "deprecation" not in client.get("/nowhere").headers  # only successful answers
    fake.set_deprecation()
    assert "deprecation" not in client.get("/segments").headers


def test_per_operation_deprecation(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.set_deprecation(deprecation=DEPRECATION, sunset=SUNSET, operation="list-campaign")
    assert client.get("/campaigns").headers["sunset"] == SUNSET
    assert "sunset" not in client.get("/segments").headers
    run = client.post("/workflow/runs", json={"config_id": "cg-1"})
    assert "deprecation" not in run.headers
    fake.set_deprecation(operation="list-campaign")
    assert "sunset" not in client.get("/campaigns").headers


def test_deprecation_without_sunset(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.set_deprecation(deprecation="true", operation="list-segment")
    headers = client.get("/segments").headers
    assert headers["deprecation"] == "true"
    assert "sunset" not in headers
