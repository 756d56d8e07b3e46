"""The operator and sensor called directly: the deferral round trip, on_kill, the events."""

from __future__ import annotations

import asyncio
import json
import pickle
import threading
import time

import pytest
from airflow.sdk.exceptions import AirflowException, AirflowSensorTimeout, TaskDeferred

from amperity_facade.airflow.exceptions import (
    AmperityWorkflowFailedException,
    AmperityWorkflowTimeoutException,
)
from amperity_facade.airflow.operators import AmperityRunWorkflowOperator
from amperity_facade.airflow.sensors import AmperityWorkflowSensor
from amperity_facade.airflow.triggers import AmperityWorkflowTrigger
from amperity_facade.types import Workflow

from .conftest import context


def first_payload(trigger: AmperityWorkflowTrigger) -> dict:
    async def main() -> dict:
        return (await anext(trigger.run())).payload

    return asyncio.run(main())


def test_deferral_round_trip(fake) -> None:
    op = AmperityRunWorkflowOperator(
        task_id="run", config_id="cg-deferred", deferrable=True, poll_interval=0.01, timeout=600
    )
    ctx = context()
    before = time.time()
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(ctx)
    workflow_id = ctx["ti"].xcoms["workflow_id"]
    trigger = deferred.value.trigger
    assert isinstance(trigger, AmperityWorkflowTrigger)
    assert deferred.value.method_name == "execute_complete"
    assert trigger.workflow_id == workflow_id == op.workflow_id
    assert before + 600 <= trigger.end_time <= time.time() + 600
    assert fake.count(operation="get-workflow") == 0  # deferred without polling
    payload = first_payload(trigger)
    assert payload["status"] == "success"
    fresh = AmperityRunWorkflowOperator(task_id="run", config_id="cg-deferred", deferrable=True)
    assert fresh.execute_complete(context(), payload) == workflow_id  # a new worker resumes


def test_on_kill_stops_the_run_execute_started(slow_fake) -> None:
    op = AmperityRunWorkflowOperator(
        task_id="run", config_id="cg-long", poll_interval=0.05, timeout=3, stop_on_timeout=False
    )
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            op.execute(context())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 10
    while op.workflow_id is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert op.workflow_id is not None
    op.on_kill()  # what Airflow calls when the task is killed
    worker.join(10)
    stops = [r for r in slow_fake.requests if r.operation == "stop-workflow"]
    assert len(stops) == 1 and op.workflow_id in stops[0].path
    assert [type(e) for e in outcome] == [AmperityWorkflowTimeoutException]  # still stopping
    assert outcome[0].state == "stopping" and not outcome[0].stopped


def test_on_kill_before_the_run_started_or_after_it_ended(fake) -> None:
    op = AmperityRunWorkflowOperator(task_id="run", config_id="cg-x", poll_interval=0.01)
    op.on_kill()  # nothing started: nothing to stop
    op.execute(context())  # ran to success
    op.on_kill()  # 409 from the tenant: logged, not raised
    assert fake.count(operation="stop-workflow") == 1
    assert fake.count(operation="stop-workflow", status=409) == 1


def test_run_mode_and_ranges_are_sent_only_when_given(fake) -> None:
    from datetime import UTC, datetime

    def body(**kwargs) -> dict:
        fake.reset()
        op = AmperityRunWorkflowOperator(
            task_id="run", config_id="cg-r", wait_for_termination=False, **kwargs
        )
        op.execute(
            context(
                data_interval_start=datetime(2026, 5, 1, tzinfo=UTC),
                data_interval_end=datetime(2026, 5, 2, tzinfo=UTC),
            )
        )
        [request] = [r for r in fake.requests if r.operation == "run-workflow"]
        return json.loads(request.body)

    assert body() == {"config_id": "cg-r"}
    assert body(run_mode="", range_from=" ") == {"config_id": "cg-r"}
    assert body(run_mode="source") == {"config_id": "cg-r", "run_mode": "source"}
    flagged = body(use_data_interval=True)
    assert flagged["range_from"].startswith("2026-05-01T00:00:00")
    assert flagged["range_to"].startswith("2026-05-02T00:00:00")
    given = body(use_data_interval=True, range_from="2026-04-01")  # what is given wins
    assert given["range_from"].startswith("2026-04-01T00:00:00")
    assert given["range_to"].startswith("2026-05-02T00:00:00")


def test_use_data_interval_without_one_fails_before_starting_anything(fake) -> None:
    from datetime import UTC, datetime

    op = AmperityRunWorkflowOperator(task_id="run", config_id="cg-r", use_data_interval=True)
    with pytest.raises(AirflowException, match="no data interval"):
        op.execute(context(data_interval_start=None, data_interval_end=None))
    moment = datetime(2026, 5, 1, tzinfo=UTC)  # what '@daily' gives an Airflow 3 run
    with pytest.raises(AirflowException, match="data interval is empty"):
        op.execute(context(data_interval_start=moment, data_interval_end=moment))
    assert fake.count(operation="run-workflow") == 0


def test_timeouts_and_intervals_take_seconds_or_timedeltas() -> None:
    from datetime import timedelta

    op = AmperityRunWorkflowOperator(
        task_id="run", config_id="cg-r", timeout=timedelta(hours=2), poll_interval=30
    )
    assert (op.timeout, op.poll_interval) == (7200.0, 30.0)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "10", True])
def test_timeouts_and_intervals_are_checked_when_the_dag_is_parsed(bad) -> None:
    with pytest.raises(ValueError, match="timeout"):
        AmperityRunWorkflowOperator(task_id="run", config_id="cg-r", timeout=bad)
    with pytest.raises(ValueError, match="poll_interval"):
        AmperityRunWorkflowOperator(task_id="run", config_id="cg-r", poll_interval=bad)


def test_execute_complete_turns_each_event_into_the_tasks_outcome(fake) -> None:
    op = AmperityRunWorkflowOperator(task_id="run", config_id="cg-r", deferrable=True)
    failed = {
        "status": "failed",
        "workflow_id": "wf-9",
        "state": "failed",
        "error_type": "amperity.workflow.task.stitch/table",
        "error_message": "Found table in an invalid state.",
        "attribution": "platform",
    }
    with pytest.raises(AmperityWorkflowFailedException) as caught:
        op.execute_complete(context(), failed)
    assert str(caught.value) == (
        "Amperity workflow wf-9 ended failed: amperity.workflow.task.stitch/table: Found table in "
        "an invalid state. [platform error, retryable: Amperity's side failed, a retry may succeed]"
    )
    assert caught.value.retryable
    with pytest.raises(AmperityWorkflowTimeoutException, match="still running after waiting 5 s"):
        op.execute_complete(
            context(),
            {"status": "timeout", "workflow_id": "wf-9", "state": "running", "timeout": 5},
        )
    with pytest.raises(AirflowException, match="boom"):
        op.execute_complete(
            context(), {"status": "error", "workflow_id": "wf-9", "message": "boom"}
        )


def test_failure_messages_flag_who_is_at_fault() -> None:
    from amperity_facade.errors import WorkflowFailedError

    def failure(error: dict | None, state: str = "failed") -> AmperityWorkflowFailedException:
        workflow = Workflow.from_dict(
            {
                "id": "wf-1",
                "state": state,
                "type": "courier.group/run",
                "name": "Courier group cg-1",
                "tenant": "acme",
                "created_at": "2026-05-01T00:00:00Z",
                **({"error": error} if error else {}),
            }
        )
        exc = WorkflowFailedError(workflow, error and error["type"], error and error["message"])
        return AmperityWorkflowFailedException.from_error(exc)

    platform = failure({"type": "t", "message": "m", "attribution": "Platform"})
    assert platform.retryable and "platform error, retryable" in str(platform)
    customer = failure({"type": "t", "message": "m", "attribution": "customer"})
    assert not customer.retryable
    assert str(customer).endswith("[attribution: customer; a retry alone is unlikely to help]")
    plain = failure({"type": "t", "message": "m"})
    assert str(plain) == "Amperity workflow wf-1 ended failed: t: m"
    assert str(failure(None, "canceled")) == "Amperity workflow wf-1 ended canceled"
    again = pickle.loads(pickle.dumps(platform))
    assert (str(again), again.retryable) == (str(platform), True)
    timeout = pickle.loads(
        pickle.dumps(AmperityWorkflowTimeoutException("wf-1", "running", 5, True))
    )
    assert timeout.stopped and "asked to stop" in str(timeout)


def test_the_deferrable_sensor_returns_at_once_when_the_workflow_already_ended(fake) -> None:
    op = AmperityRunWorkflowOperator(task_id="run", config_id="cg-s", poll_interval=0.01)
    workflow_id = op.execute(context())
    sensor = AmperityWorkflowSensor(task_id="watch", workflow_id=workflow_id, deferrable=True)
    assert sensor.execute(context()) == workflow_id  # no deferral needed


def test_the_sensor_events(fake) -> None:
    sensor = AmperityWorkflowSensor(task_id="watch", workflow_id="wf-1", deferrable=True)
    ok = {"status": "success", "workflow_id": "wf-1", "state": "succeeded"}
    assert sensor.execute_complete(context(), ok) == "wf-1"
    with pytest.raises(AirflowSensorTimeout):
        sensor.execute_complete(
            context(), {"status": "timeout", "workflow_id": "wf-1", "message": "late"}
        )
    with pytest.raises(AmperityWorkflowFailedException, match="ended canceled"):
        sensor.execute_complete(
            context(), {"status": "failed", "workflow_id": "wf-1", "state": "canceled"}
        )
