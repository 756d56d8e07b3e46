"""Real DAG runs, each through Airflow's own dag.test() (scheduler loop, task runner, the
triggerer run in line for deferred tasks), against a FakeAmperity on a loopback port."""

from __future__ import annotations

import json

from amperity_facade.airflow.exceptions import (
    AmperityWorkflowFailedException,
    AmperityWorkflowTimeoutException,
)
from amperity_facade.airflow.triggers import AmperityWorkflowTrigger

from .conftest import load_dag, task_states, workflow_gets, xcoms


def run_bodies(fake) -> list[dict]:
    return [json.loads(r.body) for r in fake.requests if r.operation == "run-workflow"]


def test_a_run_that_waits_in_the_task_succeeds(fake, deferrals) -> None:
    dag = load_dag(
        "sync_success",
        """
        AmperityRunWorkflowOperator(task_id="run", config_id="cg-sync", poll_interval=0.01)
        """,
    )
    dr = dag.test()
    assert dr.state == "success"
    assert task_states(dr) == {"run": "success"}
    values = xcoms(dr)
    workflow_id = values[("run", "workflow_id")]
    assert values[("run", "return_value")] == workflow_id
    assert run_bodies(fake) == [{"config_id": "cg-sync"}]  # no run_mode, no range
    assert workflow_gets(fake.requests, workflow_id) == 2  # scheduled -> running -> succeeded
    assert deferrals == []  # it waited in the task


def test_a_failed_workflow_fails_the_task_with_its_error(fake, raised) -> None:
    dag = load_dag(
        "sync_failure",
        """
        AmperityRunWorkflowOperator(task_id="run", config_id="cg-fail", poll_interval=0.01)
        """,
    )
    dr = dag.test()
    assert dr.state == "failed"
    assert task_states(dr) == {"run": "failed"}
    [(task_id, error)] = [(r.task_id, r.error) for r in raised]
    assert task_id == "run" and isinstance(error, AmperityWorkflowFailedException)
    assert error.state == "failed"
    assert error.error_type == "amperity.workflow.task.courier.group/run"
    assert "destination rejected the upload" in str(error)
    assert "cg-fail" in str(error) and error.workflow_id in str(error)
    assert xcoms(dr)[("run", "workflow_id")] == error.workflow_id  # pushed before the wait


def test_a_timeout_fails_the_task_and_stops_the_run(slow_fake, raised) -> None:
    dag = load_dag(
        "sync_timeout",
        """
        AmperityRunWorkflowOperator(
            task_id="run", config_id="cg-slow", timeout=0.5, poll_interval=0.1
        )
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"run": "failed"}
    [error] = [r.error for r in raised]
    assert isinstance(error, AmperityWorkflowTimeoutException)
    assert error.stopped and "asked to stop" in str(error) and error.state == "scheduled"
    assert slow_fake.count(operation="stop-workflow") == 1


def test_without_waiting_the_task_returns_once_the_run_started(fake) -> None:
    dag = load_dag(
        "no_wait",
        """
        AmperityRunWorkflowOperator(
            task_id="run", config_id="og-nowait", run_mode="refresh", wait_for_termination=False
        )
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"run": "success"}
    workflow_id = xcoms(dr)[("run", "return_value")]
    assert run_bodies(fake) == [{"config_id": "og-nowait", "run_mode": "refresh"}]
    assert workflow_gets(fake.requests, workflow_id) == 0


def test_ranges_are_templated_and_the_data_interval_fills_them(fake) -> None:
    from datetime import UTC, datetime

    dag = load_dag(
        "ranges",
        """
        AmperityRunWorkflowOperator(
            task_id="templated",
            config_id="{{ params.config }}",
            range_from="{{ data_interval_start }}",
            range_to="{{ data_interval_end }}",
            wait_for_termination=False,
            params={"config": "cg-files"},
        )
        AmperityRunWorkflowOperator(
            task_id="flag", config_id="cg-files", use_data_interval=True, wait_for_termination=False
        )
        AmperityRunWorkflowOperator(
            task_id="empty", config_id="cg-files", range_from="{{ '' }}", wait_for_termination=False
        )
        """,
        schedule='CronDataIntervalTimetable("0 0 * * *", timezone="UTC")',
    )
    dr = dag.test(logical_date=datetime(2026, 3, 2, tzinfo=UTC))
    assert set(task_states(dr).values()) == {"success"}
    bodies = run_bodies(fake)
    assert len(bodies) == 3
    ranged = [b for b in bodies if "range_from" in b]
    assert len(ranged) == 2 and ranged[0] == ranged[1]  # the template and the flag agree
    assert ranged[0]["range_from"].startswith("2026-03-01T00:00:00")
    assert ranged[0]["range_to"].startswith("2026-03-02T00:00:00")
    assert {"config_id": "cg-files"} in bodies  # a range rendered empty is not sent


def test_two_deferrable_runs_hold_no_worker_slot_while_they_wait(fake, deferrals) -> None:
    """The issue's target: both tasks defer right after starting their run (the task itself
    never polls), the triggerer waits, both resume and succeed."""
    dag = load_dag(
        "two_deferred",
        """
        first = AmperityRunWorkflowOperator(
            task_id="first", config_id="cg-first", deferrable=True, poll_interval=0.01
        )
        second = AmperityRunWorkflowOperator(
            task_id="second", config_id="og-second", deferrable=True, poll_interval=0.01
        )
        first >> second
        """,
    )
    dr = dag.test()
    assert dr.state == "success"
    assert task_states(dr) == {"first": "success", "second": "success"}
    values = xcoms(dr)
    assert [d.task_id for d in deferrals] == ["first", "second"]
    for deferral in deferrals:
        workflow_id = values[(deferral.task_id, "workflow_id")]
        assert values[(deferral.task_id, "return_value")] == workflow_id
        assert isinstance(deferral.trigger, AmperityWorkflowTrigger)
        assert deferral.trigger.workflow_id == workflow_id
        assert deferral.method_name == "execute_complete"
        # Handed over before a single poll: the worker waited for nothing ...
        assert workflow_gets(deferral.requests_before, workflow_id) == 0
        # ... and the trigger did all the polling until the run ended.
        assert workflow_gets(fake.requests, workflow_id) == 2
    assert fake.count(operation="run-workflow") == 2


def test_a_deferred_failure_fails_the_task_with_the_workflows_error(
    fake, deferrals, raised
) -> None:
    dag = load_dag(
        "deferred_failure",
        """
        AmperityRunWorkflowOperator(
            task_id="run", config_id="cg-fail", deferrable=True, poll_interval=0.01
        )
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"run": "failed"}
    assert [d.task_id for d in deferrals] == ["run"]
    [error] = [r.error for r in raised]
    assert isinstance(error, AmperityWorkflowFailedException)
    assert error.error_type == "amperity.workflow.task.courier.group/run"
    assert "destination rejected the upload" in str(error)


def test_a_deferred_timeout_fails_the_task_and_stops_the_run(slow_fake, raised) -> None:
    dag = load_dag(
        "deferred_timeout",
        """
        AmperityRunWorkflowOperator(
            task_id="run", config_id="cg-slow", deferrable=True, timeout=0.5, poll_interval=0.1
        )
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"run": "failed"}
    [error] = [r.error for r in raised]
    assert isinstance(error, AmperityWorkflowTimeoutException) and error.stopped
    assert slow_fake.count(operation="stop-workflow") == 1


def test_the_sensor_pokes_until_the_workflow_succeeds(fake, deferrals) -> None:
    dag = load_dag(
        "sensor_poke",
        """
        start = AmperityRunWorkflowOperator(
            task_id="start", config_id="cg-watched", wait_for_termination=False
        )
        watch = AmperityWorkflowSensor(
            task_id="watch",
            workflow_id="{{ ti.xcom_pull(task_ids='start', key='workflow_id') }}",
            poke_interval=0.05,
        )
        start >> watch
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"start": "success", "watch": "success"}
    values = xcoms(dr)
    workflow_id = values[("start", "workflow_id")]
    assert values[("watch", "return_value")] == workflow_id
    assert workflow_gets(fake.requests, workflow_id) == 2  # running, then succeeded
    assert deferrals == []


def test_the_deferrable_sensor_hands_the_wait_to_the_trigger(fake, deferrals) -> None:
    dag = load_dag(
        "sensor_deferred",
        """
        start = AmperityRunWorkflowOperator(
            task_id="start", config_id="cg-watched", wait_for_termination=False
        )
        watch = AmperityWorkflowSensor(
            task_id="watch",
            workflow_id="{{ ti.xcom_pull(task_ids='start', key='workflow_id') }}",
            poke_interval=0.05,
            deferrable=True,
        )
        start >> watch
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"start": "success", "watch": "success"}
    values = xcoms(dr)
    workflow_id = values[("start", "workflow_id")]
    [deferral] = deferrals
    assert deferral.task_id == "watch" and deferral.trigger.workflow_id == workflow_id
    assert workflow_gets(deferral.requests_before, workflow_id) == 1  # the one look first
    assert workflow_gets(fake.requests, workflow_id) == 2
    assert values[("watch", "return_value")] == workflow_id


def test_the_sensor_fails_when_the_workflow_fails(fake, raised) -> None:
    dag = load_dag(
        "sensor_failure",
        """
        start = AmperityRunWorkflowOperator(
            task_id="start", config_id="cg-fail", wait_for_termination=False
        )
        watch = AmperityWorkflowSensor(
            task_id="watch",
            workflow_id="{{ ti.xcom_pull(task_ids='start', key='workflow_id') }}",
            poke_interval=0.05,
        )
        start >> watch
        """,
    )
    dr = dag.test()
    assert task_states(dr) == {"start": "success", "watch": "failed"}
    [error] = [r.error for r in raised]
    assert isinstance(error, AmperityWorkflowFailedException)
    assert "destination rejected the upload" in str(error)
