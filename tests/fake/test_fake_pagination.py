"""Cursor pagination: every item exactly once, honest last pages, strict parameters."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

INGEST_WINDOW = {"created_from": "2026-10-20", "created_to": "2026-10-27"}
LISTS = [
    ("/segments", {}, "id", 250),
    ("/campaigns", {}, "id", 40),
    ("/audit-events", {}, "event_id", 300),
    ("/workflow/runs", {}, "id", 40),
    ("/ingest/jobs", INGEST_WINDOW, "id", None),
]


def walk(client: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    token = None
    while True:
        query = dict(params, **({"next_token": token} if token else {}))
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        token = pages[-1].get("next_token")
        if token is None:
            return pages


@pytest.mark.parametrize(("path", "filters", "key", "expected"), LISTS)
def test_walk_yields_every_item_exactly_once(
    client: httpx.Client, path: str, filters: dict[str, str], key: str, expected: int | None
) -> None:
    pages = walk(client, path, {**filters, "limit": 7})
    ids = [item[key] for page in pages for item in page["data"]]
    assert len(ids) == len(set(ids))
    full = client.get(path, params={**filters, "limit": 1000, "with_total": "true"}).json()
    assert ids == [item[key] for item in full["data"]]
    assert "next_token" not in full
    assert full["total"] == len(ids)
    if expected is not None:
        assert len(ids) == expected
    assert all(len(page["data"]) == 7 for page in pages[:-1])
    assert 1 <= len(pages[-1]["data"]) <= 7


def test_exact_multiple_has_no_empty_trailing_page(client: httpx.Client) -> None:
    pages = walk(client, "/segments", {"limit": 50})
    assert [len(p["data"]) for p in pages] == [50] * 5


def test_default_page_size(fake: FakeAmperity, client: httpx.Client) -> None:
    body = client.get("/segments").json()
    assert len(body["data"]) == 100
    assert "next_token" in body
    assert "total" not in body


def test_custom_default_and_max_page_size(make_client: Any) -> None:
    with FakeAmperity(segments=30, default_page_size=4, max_page_size=10) as small:
        client = make_client(small)
        assert len(client.get("/segments").json()["data"]) == 4
        assert len(client.get("/segments", params={"limit": 10}).json()["data"]) == 10
        response = client.get("/segments", params={"limit": 11})
        assert response.status_code == 400
        assert "between 1 and 10" in response.json()["message"]


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "abc", "1.5", ""])
def test_limit_out_of_range_or_not_integer(client: httpx.Client, limit: str) -> None:
    response = client.get("/segments", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


@pytest.mark.parametrize("limit", [1, 1000])
def test_limit_bounds_accepted(client: httpx.Client, limit: int) -> None:
    body = client.get("/segments", params={"limit": limit}).json()
    assert len(body["data"]) == min(limit, 250)


def test_limit_may_change_between_pages(client: httpx.Client) -> None:
    first = client.get("/segments", params={"limit": 10}).json()
    second = client.get("/segments", params={"limit": 3, "next_token": first["next_token"]})
    everything = client.get("/segments", params={"limit": 13}).json()["data"]
    assert first["data"] + second.json()["data"] == everything


def test_cursor_is_opaque_but_stable(client: httpx.Client) -> None:
    one = client.get("/segments", params={"limit": 5}).json()["next_token"]
    two = client.get("/segments", params={"limit": 5}).json()["next_token"]
    assert one == two
    assert "=" not in one


@pytest.mark.parametrize("token", ["garbage!!", "bm90IGpzb24", "W10", "eyJvIjotMSwiZiI6IngifQ"])
def test_garbage_cursor_rejected(client: httpx.Client, token: str) -> None:
    response = client.get("/segments", params={"next_token": token})
    assert response.status_code == 400
    assert "invalid next_token" in response.json()["message"]


def test_cursor_from_other_filters_rejected(client: httpx.Client) -> None:
    token = client.get("/audit-events", params={"limit": 5}).json()["next_token"]
    response = client.get(
        "/audit-events", params={"next_token": token, "happened_from": "2026-10-15"}
    )
    assert response.status_code == 400
    assert "invalid next_token" in response.json()["message"]


def test_cursor_from_other_operation_rejected(client: httpx.Client) -> None:
    token = client.get("/segments", params={"limit": 5}).json()["next_token"]
    response = client.get("/campaigns", params={"next_token": token})
    assert response.status_code == 400


def test_forged_cursor_with_other_scope_rejected(client: httpx.Client) -> None:
    forged = base64.urlsafe_b64encode(json.dumps({"o": 5, "f": "000000000000"}).encode())
    response = client.get("/segments", params={"next_token": forged.decode().rstrip("=")})
    assert response.status_code == 400


def test_empty_next_token_rejected(client: httpx.Client) -> None:
    response = client.get("/segments", params={"next_token": ""})
    assert response.status_code == 400
    assert "next_token" in response.json()["message"]


@pytest.mark.parametrize(("raw", "has_total"), [("true", True), ("false", False), ("TRUE", True)])
def test_with_total(client: httpx.Client, raw: str, has_total: bool) -> None:
    body = client.get("/segments", params={"limit": 2, "with_total": raw}).json()
    assert ("total" in body) is has_total
    if has_total:
        assert body["total"] == 250


@pytest.mark.parametrize("raw", ["yes", "1", ""])
def test_with_total_must_be_boolean(client: httpx.Client, raw: str) -> None:
    response = client.get("/segments", params={"with_total": raw})
    assert response.status_code == 400
    assert "with_total" in response.json()["message"]


def test_with_total_counts_filtered_items(client: httpx.Client) -> None:
    body = client.get(
        "/workflow/runs", params={"state": "succeeded", "with_total": "true", "limit": 1}
    ).json()
    walked = walk(client, "/workflow/runs", {"state": "succeeded"})
    assert body["total"] == sum(len(p["data"]) for p in walked)
    assert body["total"] < 40


def test_total_on_every_page(client: httpx.Client) -> None:
    pages = walk(client, "/campaigns", {"limit": 15, "with_total": "true"})
    assert [p["total"] for p in pages] == [40, 40, 40]


def test_empty_result_has_no_cursor(client: httpx.Client) -> None:
    body = client.get(
        "/campaigns", params={"destination_data_template_id": "ptg-none", "with_total": "true"}
    ).json()
    assert body == {"data": [], "total": 0}
