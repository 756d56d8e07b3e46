"""Workflow runs: start, poll, fail, stop, in both lifecycle modes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

MakeClient = Callable[..., httpx.Client]
TERMINAL = {"succeeded", "failed", "canceled"}
# Time mode moves a run one state every STEP seconds. A step much longer than a poll, so a test
# sees every state even when a loaded machine (pytest -n auto) stalls a poll by 100 ms or more.
STEP = 0.4


def start(client: httpx.Client, config_id: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/workflow/runs", json={"config_id": config_id, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def state_of(client: httpx.Client, workflow_id: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/workflow/runs/{workflow_id}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("config_id", "kind"),
    [
        ("cg-2xYzAbCdE", "courier.group/run"),
        ("og-9QwErTyUi", "orchestration.group/run"),
        ("cc-21HCWon6Y", "campaign.send"),
    ],
)
def test_run_type_follows_config_prefix(client: httpx.Client, config_id: str, kind: str) -> None:
    run = start(client, config_id, run_mode="full")
    assert run["state"] == "scheduled"
    assert run["type"] == kind
    assert run["tenant"] == "acme"
    assert run["id"].startswith("wf-2026")
    assert "ended_at" not in run and "task_instances" not in run


def test_polls_mode_moves_one_state_per_get(client: httpx.Client) -> None:
    run = start(client, "cg-2xYzAbCdE")
    seen = [state_of(client, run["id"])["state"] for _ in range(4)]
    assert seen == ["running", "succeeded", "succeeded", "succeeded"]
    done = state_of(client, run["id"])
    assert done["ended_at"] >= done["created_at"]
    assert "error" not in done


def test_failing_config_ends_failed_with_error(client: httpx.Client) -> None:
    run = start(client, "cg-fail")
    assert [state_of(client, run["id"])["state"] for _ in range(2)] == ["running", "failed"]
    failed = state_of(client, run["id"], view="verbose")
    assert set(failed["error"]) == {"type", "message"}
    assert [t["state"] for t in failed["task_instances"]] == ["succeeded", "failed"]
    assert failed["task_instances"][1]["error"] == failed["error"]


def test_custom_failing_configs(make_client: MakeClient) -> None:
    with FakeAmperity(segments=5, audit_events=5, failing_configs=("og-broken",)) as custom:
        client = make_client(custom)
        broken, fine = start(client, "og-broken"), start(client, "cg-fail")
        for _ in range(2):
            state_of(client, broken["id"])
            state_of(client, fine["id"])
        assert state_of(client, broken["id"])["state"] == "failed"
        assert state_of(client, fine["id"])["state"] == "succeeded"


def test_stop_then_canceled(client: httpx.Client) -> None:
    run = start(client, "og-9QwErTyUi")
    assert state_of(client, run["id"])["state"] == "running"
    stopped = client.post(f"/workflow/runs/{run['id']}/stop")
    assert stopped.status_code == 200
    assert stopped.json()["state"] == "stopping"
    again = client.post(f"/workflow/runs/{run['id']}/stop")
    assert again.status_code == 200 and again.json()["state"] == "stopping"
    canceled = state_of(client, run["id"])
    assert canceled["state"] == "canceled"
    assert "ended_at" in canceled
    conflict = client.post(f"/workflow/runs/{run['id']}/stop")
    assert conflict.status_code == 409
    assert "canceled" in conflict.json()["message"]


def test_stop_scheduled_run(client: httpx.Client) -> None:
    run = start(client, "cc-21HCWon6Y")
    assert client.post(f"/workflow/runs/{run['id']}/stop").json()["state"] == "stopping"
    assert state_of(client, run["id"])["state"] == "canceled"


def test_stop_finished_seeded_workflow_conflicts(client: httpx.Client) -> None:
    runs = client.get("/workflow/runs", params={"state": "succeeded", "limit": 1}).json()["data"]
    response = client.post(f"/workflow/runs/{runs[0]['id']}/stop")
    assert response.status_code == 409


def test_seeded_running_workflow_can_be_stopped(client: httpx.Client) -> None:
    running = client.get("/workflow/runs", params={"state": "running"}).json()["data"]
    assert running
    assert client.post(f"/workflow/runs/{running[0]['id']}/stop").json()["state"] == "stopping"


def test_unknown_workflow_is_404(client: httpx.Client) -> None:
    assert client.get("/workflow/runs/wf-20260101-00000-nope").status_code == 404
    assert client.post("/workflow/runs/wf-20260101-00000-nope/stop").status_code == 404


def test_path_ids_are_percent_decoded(client: httpx.Client) -> None:
    run = start(client, "cg-2xYzAbCdE")
    encoded = run["id"].replace("-", "%2D")
    assert client.get(f"/workflow/runs/{encoded}").json()["id"] == run["id"]
    assert client.get("/workflow/runs/wf%2Fx").status_code == 404


def test_views(client: httpx.Client) -> None:
    run = start(client, "cg-2xYzAbCdE")
    overview = state_of(client, run["id"], view="overview")
    assert "task_instances" not in overview
    verbose = state_of(client, run["id"], view="verbose")
    tasks = verbose["task_instances"]
    assert len(tasks) == 2
    assert all(t["workflow_id"] == run["id"] and t["tenant"] == "acme" for t in tasks)
    assert client.get(f"/workflow/runs/{run['id']}", params={"view": "full"}).status_code == 400


def test_created_run_is_listed_last(client: httpx.Client) -> None:
    run = start(client, "cg-2xYzAbCdE")
    listed = client.get("/workflow/runs", params={"limit": 1000}).json()["data"]
    assert listed[-1]["id"] == run["id"]
    assert len(listed) == 41
    by_type = client.get("/workflow/runs", params={"created_from": run["created_at"]}).json()
    assert [r["id"] for r in by_type["data"]] == [run["id"]]


def test_listing_does_not_advance_in_polls_mode(client: httpx.Client) -> None:
    run = start(client, "cg-2xYzAbCdE")
    for _ in range(3):
        client.get("/workflow/runs", params={"state": "scheduled"})
    found = client.get("/workflow/runs", params={"state": "scheduled"}).json()["data"]
    assert [r["id"] for r in found] == [run["id"]]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "config_id"),
        ({"config_id": ""}, "config_id"),
        ({"config_id": 5}, "config_id"),
        ({"config_id": "cg-1", "run_mode": "sometimes"}, "run_mode"),
        ({"config_id": "cg-1", "range_to": "2026-10-07T00:00:00Z"}, "range_from"),
        ({"config_id": "cg-1", "range_from": "2026-10-07", "range_to": "2026-10-01"}, "before"),
        ({"config_id": "cg-1", "range_from": "soon"}, "range_from"),
        ({"config_id": "xx-1"}, "unknown config"),
        ({"config_id": "cg-1", "colour": "blue"}, "colour"),
        ([], "JSON object"),
    ],
)
def test_run_request_validation(client: httpx.Client, body: Any, needle: str) -> None:
    response = client.post("/workflow/runs", json=body)
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_run_request_body_must_be_json(client: httpx.Client) -> None:
    assert client.post("/workflow/runs", content=b"{nope").status_code == 400
    assert client.post("/workflow/runs").status_code == 400


def test_run_accepts_full_request(client: httpx.Client) -> None:
    run = start(
        client,
        "cg-2xYzAbCdE",
        range_from="2026-10-01T00:00:00Z",
        range_to="2026-10-07T00:00:00Z",
        run_mode="refresh",
    )
    assert run["state"] == "scheduled"


def wait_for(client: httpx.Client, workflow_id: str, deadline: float = 10 * STEP) -> list[str]:
    seen: list[str] = []
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        state = state_of(client, workflow_id)["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in TERMINAL:
            return seen
        time.sleep(0.005)
    raise AssertionError(f"workflow never finished: {seen}")


@pytest.fixture
def timed(make_client: MakeClient) -> Any:
    with FakeAmperity(
        segments=5, audit_events=5, workflows=10, lifecycle="time", step_seconds=STEP
    ) as fake:
        yield make_client(fake)


@pytest.mark.slow  # waits for real time steps
def test_time_mode_runs_to_success(timed: httpx.Client) -> None:
    run = start(timed, "cg-2xYzAbCdE")
    assert state_of(timed, run["id"])["state"] == "scheduled"  # polls alone do not advance it
    assert wait_for(timed, run["id"]) == ["scheduled", "running", "succeeded"]


@pytest.mark.slow  # waits for real time steps
def test_time_mode_failure(timed: httpx.Client) -> None:
    run = start(timed, "cg-fail")
    assert wait_for(timed, run["id"])[-1] == "failed"
    assert "error" in state_of(timed, run["id"])


@pytest.mark.slow  # waits for real time steps
def test_time_mode_list_shows_progress(timed: httpx.Client) -> None:
    run = start(timed, "cg-2xYzAbCdE")
    time.sleep(2.5 * STEP)  # two steps: scheduled -> running -> succeeded
    listed = timed.get("/workflow/runs", params={"state": "succeeded"}).json()["data"]
    assert run["id"] in {r["id"] for r in listed}


@pytest.mark.slow  # waits for real time steps
def test_time_mode_stop(timed: httpx.Client) -> None:
    run = start(timed, "cg-2xYzAbCdE")
    assert timed.post(f"/workflow/runs/{run['id']}/stop").json()["state"] == "stopping"
    assert wait_for(timed, run["id"]) == ["stopping", "canceled"]
    assert timed.post(f"/workflow/runs/{run['id']}/stop").status_code == 409


def test_invalid_lifecycle_rejected() -> None:
    with pytest.raises(ValueError, match="lifecycle"):
        FakeAmperity(lifecycle="sometimes")
