"""Workflow run / wait semantics, and the async twin of the main behaviours."""

from __future__ import annotations

import httpx
import pytest

from amperity_facade import Amperity, errors

from .conftest import MockAPI, error, make_async, page, workflow

FAIL = {"type": "amperity.workflow.task.stitch/table", "message": "table in a bad state"}


def test_run_sends_only_what_was_given(api: MockAPI, client: Amperity) -> None:
    api.on("POST", "/workflow/runs", httpx.Response(201, json=workflow("wf-2", "scheduled")))
    client.workflows.run("cg-123")
    client.workflows.run("cg-123", range_from="2026-10-01", run_mode="source")
    client.workflows.run("cg-123", range_from="2026-10-01", range_to="2026-10-02T12:00:00+02:00")
    assert api.json_bodies("POST", "/workflow/runs") == [
        {"config_id": "cg-123"},
        {"config_id": "cg-123", "range_from": "2026-10-01T00:00:00+00:00", "run_mode": "source"},
        {
            "config_id": "cg-123",
            "range_from": "2026-10-01T00:00:00+00:00",
            "range_to": "2026-10-02T10:00:00+00:00",
        },
    ]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"run_mode": "turbo"}, "run_mode must be one of"),
        ({"range_to": "2026-10-02"}, "range_to needs range_from"),
        ({"range_from": "2026-10-02", "range_to": "2026-10-01"}, "range_to must be after"),
        ({"range_from": 12}, "range_from must be a datetime"),
    ],
)
def test_run_refuses_bad_arguments_before_sending(
    api: MockAPI, client: Amperity, kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(errors.ConfigurationError, match=needle):
        client.workflows.run("cg-1", **kwargs)  # type: ignore[arg-type]
    assert api.requests == []


def test_wait_returns_on_success_case_insensitively(api: MockAPI, client: Amperity) -> None:
    api.on(
        "GET",
        "/workflow/runs/wf-1",
        *(
            httpx.Response(200, json=workflow(state=s))
            for s in ("scheduled", "Running", "In progress", "Succeeded")
        ),
    )
    done = client.workflows.wait("wf-1", poll_interval=0.001, timeout=5)
    assert done.state == "Succeeded"
    assert len(api.requests) == 4


@pytest.mark.parametrize("state", ["failed", "canceled", "Stopped"])
def test_wait_raises_when_workflow_does_not_succeed(
    api: MockAPI, client: Amperity, state: str
) -> None:
    api.on(
        "GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(state=state, error=FAIL))
    )
    with pytest.raises(errors.WorkflowFailedError) as info:
        client.workflows.wait("wf-1", poll_interval=0.001)
    exc = info.value
    assert (exc.error_type, exc.error_message) == (FAIL["type"], FAIL["message"])
    assert exc.workflow.id == "wf-1" and exc.state == state
    assert FAIL["message"] in str(exc)


def test_wait_times_out(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(state="running")))
    with pytest.raises(
        errors.WorkflowTimeoutError, match=r"still running after waiting 0\.05 seconds"
    ):
        client.workflows.wait("wf-1", poll_interval=0.01, timeout=0.05)
    assert len(api.requests) >= 2


def test_get_verbose_and_stop(api: MockAPI, client: Amperity) -> None:
    task = {"id": "wft-1", "state": "running", "tenant": "acme"}
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(task_instances=[task])))
    api.on("POST", "/workflow/runs/wf-1/stop", httpx.Response(200, json=workflow(state="stopping")))
    wf = client.workflows.get("wf-1", view="verbose")
    assert wf.task_instances[0].id == "wft-1"  # type: ignore[index]
    assert api.requests[0].url.params["view"] == "verbose"
    assert client.workflows.stop("wf-1").state == "stopping"
    api.on("POST", "/workflow/runs/wf-1/stop", error(409, "already finished"))
    with pytest.raises(errors.ConflictError):
        client.workflows.stop("wf-1")


@pytest.mark.anyio
async def test_async_twin_lists_runs_waits_and_fails(api: MockAPI) -> None:
    api.on(
        "GET",
        "/segments",
        page([{"id": "s1", "name": "a", "status": "x"}], "c1"),
        page([{"id": "s2", "name": "b", "status": "x"}]),
    )
    api.on(
        "POST",
        "/workflow/runs",
        error(429),
        httpx.Response(201, json=workflow("wf-1", "scheduled")),
    )
    api.on(
        "GET",
        "/workflow/runs/wf-1",
        httpx.Response(200, json=workflow(state="running")),
        httpx.Response(200, json=workflow(state="succeeded")),
    )
    api.on("GET", "/campaign-drafts", page([]))
    api.on("GET", "/ingest/jobs", page([]))
    async with make_async(api) as client:
        assert [s.id async for s in client.segments.list(limit=1)] == ["s1", "s2"]
        api.on("GET", "/segments", page([{"id": "s1", "name": "a", "status": "x"}], "c1"))
        assert [len(p.items) async for p in client.segments.list(max_items=1).pages()] == [1]
        wf = await client.workflows.run("cg-1")
        assert (await client.workflows.wait(wf.id, poll_interval=0.001)).state == "succeeded"
        assert [d async for d in client.campaign_drafts.list()] == []
        assert [
            j
            async for j in client.ingest_jobs.list(
                created_from="2026-10-01", created_to="2026-10-10"
            )
        ] == []
        with pytest.raises(errors.ConfigurationError):
            await client.workflows.run("cg-1", run_mode="everything")
        derived = client.with_options(max_retries=0)
        api.on("GET", "/workflow/runs/wf-1", error(503))
        with pytest.raises(errors.ServiceUnavailableError):
            await derived.workflows.get("wf-1")
    assert len(api.calls("POST", "/workflow/runs")) == 2
    assert api.calls("GET", "/campaign-drafts")[0].headers["api-version"] == "unstable"
    assert len(api.calls("GET", "/ingest/jobs")) == 2  # 9 days -> two windows


@pytest.mark.anyio
async def test_async_errors_and_timeouts(api: MockAPI) -> None:
    api.on("GET", "/segments", httpx.ReadTimeout("slow"))
    api.on(
        "GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(state="failed", error=FAIL))
    )
    api.on("GET", "/workflow/runs/wf-2", httpx.Response(200, json=workflow(state="running")))
    async with make_async(api) as client:
        with pytest.raises(errors.APITimeoutError):
            await client.segments.list().first_page()
        assert len(api.calls("GET", "/segments")) == 4
        with pytest.raises(errors.WorkflowFailedError):
            await client.workflows.wait("wf-1", poll_interval=0.001)
        with pytest.raises(errors.WorkflowTimeoutError):
            await client.workflows.wait("wf-2", poll_interval=0.01, timeout=0.03)
