"""AmperityWorkflowTrigger, run directly: its async generator and its serialised form."""

from __future__ import annotations

import asyncio
import json
import time

from airflow.sdk._shared.module_loading import import_string
from airflow.triggers.base import TriggerEvent

from amperity_facade import Amperity
from amperity_facade.airflow.triggers import AmperityWorkflowTrigger


def started(fake, config_id: str) -> str:
    with Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url) as client:
        return str(client.workflows.run(config_id).id)


def first_event(trigger: AmperityWorkflowTrigger) -> TriggerEvent:
    async def main() -> TriggerEvent:
        events = trigger.run()
        event = await anext(events)
        await events.aclose()
        return event

    return asyncio.run(main())


def test_serialize_round_trips_through_json() -> None:
    trigger = AmperityWorkflowTrigger(
        "wf-1", amperity_conn_id="amp", poll_interval=5, end_time=1.5e9, timeout=60
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "amperity_facade.airflow.triggers.AmperityWorkflowTrigger"
    again = import_string(classpath)(**json.loads(json.dumps(kwargs)))
    assert again.serialize() == (classpath, kwargs)
    assert kwargs == {
        "workflow_id": "wf-1",
        "amperity_conn_id": "amp",
        "poll_interval": 5.0,
        "end_time": 1.5e9,
        "timeout": 60.0,
    }


def test_the_trigger_serialises_as_airflow_stores_it() -> None:
    """The triggerer gets kwargs through Airflow's own serde, as a deferral stores them."""
    from airflow.sdk.serde import deserialize, serialize

    _, kwargs = AmperityWorkflowTrigger("wf-2", end_time=None).serialize()
    assert deserialize(serialize(kwargs)) == kwargs


def test_yields_success_when_the_workflow_succeeds(fake) -> None:
    workflow_id = started(fake, "cg-ok")
    event = first_event(AmperityWorkflowTrigger(workflow_id, poll_interval=0.01))
    assert event.payload == {
        "status": "success",
        "workflow_id": workflow_id,
        "state": "succeeded",
        "message": f"Amperity workflow {workflow_id} succeeded",
    }
    json.dumps(event.payload)


def test_yields_failure_with_the_workflows_error(fake) -> None:
    workflow_id = started(fake, "cg-fail")
    payload = first_event(AmperityWorkflowTrigger(workflow_id, poll_interval=0.01)).payload
    assert payload["status"] == "failed" and payload["state"] == "failed"
    assert payload["error_type"] == "amperity.workflow.task.courier.group/run"
    assert "destination rejected the upload" in payload["error_message"]
    assert payload["workflow_id"] == workflow_id and workflow_id in payload["message"]
    json.dumps(payload)


def test_yields_timeout_once_end_time_passed(slow_fake) -> None:
    workflow_id = started(slow_fake, "cg-slow")
    trigger = AmperityWorkflowTrigger(workflow_id, end_time=time.time() - 1, timeout=30)
    payload = first_event(trigger).payload
    assert payload["status"] == "timeout" and payload["state"] == "scheduled"
    assert payload["timeout"] == 30.0 and "after waiting 30 seconds" in payload["message"]
    assert slow_fake.count(operation="get-workflow") == 1  # one last look, no more
    assert slow_fake.count(operation="stop-workflow") == 0  # stopping is the task's choice


def test_yields_timeout_while_polling(slow_fake) -> None:
    workflow_id = started(slow_fake, "cg-slow")
    began = time.monotonic()
    trigger = AmperityWorkflowTrigger(workflow_id, poll_interval=0.05, end_time=time.time() + 0.3)
    assert first_event(trigger).payload["status"] == "timeout"
    assert 0.25 < time.monotonic() - began < 5
    assert slow_fake.count(operation="get-workflow") >= 2  # polled, not one look only


def test_yields_error_when_the_tenant_cannot_be_asked(fake, monkeypatch) -> None:
    payload = first_event(AmperityWorkflowTrigger("wf-nowhere", poll_interval=0.01)).payload
    assert payload["status"] == "error" and "NotFoundError" in payload["message"]
    monkeypatch.delenv("AIRFLOW_CONN_AMPERITY_DEFAULT")
    payload = first_event(AmperityWorkflowTrigger("wf-x", poll_interval=0.01)).payload
    assert payload["status"] == "error" and "amperity_default" in payload["message"]
