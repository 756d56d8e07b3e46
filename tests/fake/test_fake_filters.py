"""Each list filter, including the ingest seven-day window and lenient date parsing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

TEMPLATES = ("ptg-2QLLqXBEq", "ptg-3KfR8wTzA", "ptg-5MnB2vCxQ", "ptg-7HsD4jLpE")


def everything(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "next_token" not in body
    data: list[dict[str, Any]] = body["data"]
    return data


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def test_audit_events_in_increasing_time(client: httpx.Client) -> None:
    events = everything(client, "/audit-events")
    stamps = [when(e["happened_at"]) for e in events]
    assert stamps == sorted(stamps)
    assert when("2026-10-02T00:00:00Z") <= stamps[0]
    assert stamps[-1] < when("2026-11-01T00:00:00Z")


def test_audit_window_is_inclusive_then_exclusive(client: httpx.Client) -> None:
    events = everything(client, "/audit-events")
    low, high = events[40]["happened_at"], events[80]["happened_at"]
    picked = everything(client, "/audit-events", happened_from=low, happened_to=high)
    assert picked[0]["happened_at"] == low
    assert all(low <= e["happened_at"] < high for e in picked)
    expected = [e for e in events if low <= e["happened_at"] < high]
    assert picked == expected


def test_audit_partial_dates_and_offsets(client: httpx.Client) -> None:
    events = everything(client, "/audit-events")
    by_day = everything(
        client, "/audit-events", happened_from="2026-10-10", happened_to="2026-10-12"
    )
    assert by_day == [e for e in events if "2026-10-10" <= e["happened_at"][:10] < "2026-10-12"]
    shifted = everything(
        client,
        "/audit-events",
        happened_from="2026-10-10T02:00:00+02:00",
        happened_to="2026-10-12T00:00:00Z",
    )
    assert shifted == by_day
    only_from = everything(client, "/audit-events", happened_from="2026-10-25")
    assert only_from == [e for e in events if e["happened_at"] >= "2026-10-25"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/audit-events", "happened_from"),
        ("/audit-events", "happened_to"),
        ("/workflow/runs", "created_from"),
        ("/workflow/runs", "ended_to"),
    ],
)
def test_unparseable_dates_rejected(client: httpx.Client, path: str, name: str) -> None:
    response = client.get(path, params={name: "last tuesday"})
    assert response.status_code == 400
    assert name in response.json()["message"]


@pytest.mark.parametrize("path", ["/campaigns", "/campaign-drafts"])
def test_template_filter_partitions_campaigns(client: httpx.Client, path: str) -> None:
    client.headers["api-version"] = "unstable"
    every = everything(client, path)
    parts = [everything(client, path, destination_data_template_id=t) for t in TEMPLATES]
    assert sorted(c["id"] for part in parts for c in part) == sorted(c["id"] for c in every)
    assert sum(1 for part in parts if part) >= 2
    assert everything(client, path, destination_data_template_id="ptg-unknown") == []
    assert all(set(c) <= {"id", "name", "deliver_at"} for c in every)


def test_workflow_created_window(client: httpx.Client) -> None:
    runs = everything(client, "/workflow/runs")
    low, high = runs[5]["created_at"], runs[20]["created_at"]
    picked = everything(client, "/workflow/runs", created_from=low, created_to=high)
    assert picked == [r for r in runs if low <= r["created_at"] < high]
    assert len(picked) == 15


def test_workflow_ended_window_skips_unfinished(client: httpx.Client) -> None:
    runs = everything(client, "/workflow/runs")
    ended = everything(client, "/workflow/runs", ended_from="2026-09-01")
    assert ended == [r for r in runs if "ended_at" in r]
    assert len(ended) < len(runs)
    early = everything(client, "/workflow/runs", ended_to="2026-10-15")
    assert early == [r for r in runs if "ended_at" in r and r["ended_at"] < "2026-10-15"]


@pytest.mark.parametrize("state", ["succeeded", "failed", "running", "canceled"])
def test_workflow_state_filter_is_case_insensitive(client: httpx.Client, state: str) -> None:
    runs = everything(client, "/workflow/runs")
    expected = [r for r in runs if r["state"] == state]
    assert everything(client, "/workflow/runs", state=state.upper()) == expected
    assert everything(client, "/workflow/runs", state=state) == expected


def test_workflow_states_and_types_are_varied(client: httpx.Client) -> None:
    runs = everything(client, "/workflow/runs")
    assert {"succeeded", "failed", "running"} <= {r["state"] for r in runs}
    assert len({r["type"] for r in runs}) >= 3
    for run in runs:
        assert ("error" in run) is (run["state"] == "failed")
        assert ("ended_at" in run) is (run["state"] in ("succeeded", "failed", "canceled"))


def test_workflow_type_filter(client: httpx.Client) -> None:
    runs = everything(client, "/workflow/runs")
    for kind in {r["type"] for r in runs}:
        assert everything(client, "/workflow/runs", type=kind) == [
            r for r in runs if r["type"] == kind
        ]
    assert everything(client, "/workflow/runs", type="COURIER.GROUP/RUN") == []


def test_ingest_window_selects_by_creation(client: httpx.Client) -> None:
    weeks = [("2026-10-01", "2026-10-08"), ("2026-10-08", "2026-10-15")]
    weeks += [("2026-10-15", "2026-10-22"), ("2026-10-22", "2026-10-29")]
    weeks += [("2026-10-29", "2026-11-01"), ("2026-09-25", "2026-10-01")]
    ids = [
        j["id"]
        for a, b in weeks
        for j in everything(client, "/ingest/jobs", created_from=a, created_to=b)
    ]
    assert len(ids) == len(set(ids)) == 60


def test_ingest_window_of_exactly_seven_days_ok(client: httpx.Client) -> None:
    response = client.get(
        "/ingest/jobs",
        params={"created_from": "2026-10-01T00:00:00Z", "created_to": "2026-10-08T00:00:00Z"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"created_from": "2026-10-01", "created_to": "2026-10-08T00:00:01Z"}, "7 days"),
        ({"created_from": "2026-10-01", "created_to": "2026-10-20"}, "7 days"),
        ({"created_from": "2026-10-08", "created_to": "2026-10-01"}, "before"),
        ({"created_from": "2026-10-01"}, "required"),
        ({"created_to": "2026-10-01"}, "required"),
        ({}, "required"),
        ({"created_from": "yesterday", "created_to": "2026-10-01"}, "created_from"),
    ],
)
def test_ingest_window_errors(client: httpx.Client, params: dict[str, str], needle: str) -> None:
    response = client.get("/ingest/jobs", params=params)
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_ingest_jobs_shape(client: httpx.Client) -> None:
    jobs = everything(client, "/ingest/jobs", created_from="2026-10-10", created_to="2026-10-17")
    assert jobs
    for job in jobs:
        assert job["id"].startswith("isj-2026")
        assert 1 <= len(job["tables"]) <= 3
        for table in job["tables"]:
            assert table["job_id"] == job["id"]
            assert table["feed_id"].startswith("df-")
            assert 1 <= len(table["files"]) <= 3
            assert table["read"] == sum(f["read"] for f in table["files"])
            assert table["read"] == table["rejected"] + table["inserted"] + table["updated"]


def test_get_ingest_job_by_id_and_404(client: httpx.Client) -> None:
    job = everything(client, "/ingest/jobs", created_from="2026-10-10", created_to="2026-10-17")[0]
    assert client.get(f"/ingest/jobs/{job['id']}").json() == job
    missing = client.get("/ingest/jobs/isj-20260101-00000-nothere")
    assert missing.status_code == 404
    assert "isj-20260101-00000-nothere" in missing.json()["message"]
