"""`workflows.wait(..., on_state=...)`: the first read, then each change of state, on both clients."""

from __future__ import annotations

import httpx
import pytest

from amperity_facade import Amperity, errors
from amperity_facade.types import Workflow

from .conftest import MockAPI, make_async, workflow

STATES = ("scheduled", "scheduled", "running", "running", "succeeded")


def answers(states: tuple[str, ...]) -> list[httpx.Response]:
    return [httpx.Response(200, json=workflow(state=s)) for s in states]


def test_on_state_sees_the_first_read_and_each_change(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/wf-1", *answers(STATES))
    seen: list[Workflow] = []
    done = client.workflows.wait("wf-1", poll_interval=0.001, timeout=5, on_state=seen.append)
    assert done.state == "succeeded"
    assert [w.state for w in seen] == ["scheduled", "running", "succeeded"]
    assert len(api.requests) == len(STATES)


def test_on_state_sees_the_failure_before_it_is_raised(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/wf-1", *answers(("running", "failed")))
    seen: list[str] = []
    with pytest.raises(errors.WorkflowFailedError):
        client.workflows.wait("wf-1", poll_interval=0.001, on_state=lambda w: seen.append(w.state))
    assert seen == ["running", "failed"]


def test_an_exception_in_on_state_ends_the_wait(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/wf-1", *answers(("running", "running")))

    def stop(_: Workflow) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.workflows.wait("wf-1", poll_interval=0.001, on_state=stop)
    assert len(api.requests) == 1


@pytest.mark.anyio
async def test_async_on_state_matches_the_sync_one(api: MockAPI) -> None:
    api.on("GET", "/workflow/runs/wf-1", *answers(STATES))
    seen: list[str] = []
    async with make_async(api) as client:
        done = await client.workflows.wait(
            "wf-1", poll_interval=0.001, on_state=lambda w: seen.append(w.state)
        )
    assert done.state == "succeeded"
    assert seen == ["scheduled", "running", "succeeded"]


def test_wait_given_the_workflow_reads_its_state_first(api: MockAPI, client: Amperity) -> None:
    api.on("POST", "/workflow/runs", httpx.Response(201, json=workflow("wf-1", "succeeded")))
    api.on("GET", "/workflow/runs/wf-1", *answers(("running", "succeeded")))
    started = client.workflows.run("cg-1")
    seen: list[str] = []
    assert client.workflows.wait(started, on_state=lambda w: seen.append(w.state)) is started
    assert seen == ["succeeded"]
    assert [r.method for r in api.requests] == ["POST"]  # no read: it had already ended
