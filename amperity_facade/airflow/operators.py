"""AmperityRunWorkflowOperator: start an Amperity workflow, then (optionally) wait for it.

Waiting happens in the task (``deferrable=False``: polls, holding the worker slot) or in
Airflow's triggerer (``deferrable=True``: the task defers to AmperityWorkflowTrigger and its
worker slot is free until the workflow ends). The workflow id is pushed to XCom under
``workflow_id`` as soon as the run starts, and is the task's return value.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator, conf
from airflow.sdk.exceptions import AirflowException

from .. import Amperity
from .._dates import Moment
from ..errors import AmperityError, ConflictError, WorkflowFailedError, WorkflowTimeoutError
from .exceptions import AmperityWorkflowFailedException, AmperityWorkflowTimeoutException
from .hooks import AmperityHook
from .triggers import AmperityWorkflowTrigger

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..types import Workflow

XCOM_WORKFLOW_ID = "workflow_id"
DEFAULT_TIMEOUT = 48 * 3600.0  # Amperity's own limit for a workflow task
DEFAULT_POLL_INTERVAL = 60.0


def positive_seconds(value: object, name: str) -> float:
    """A positive, finite number of seconds (or a timedelta), checked when the DAG is parsed."""
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    try:
        seconds = float(value)  # an int too large for a float is not finite either
    except OverflowError:
        seconds = math.inf
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{name} must be a positive, finite number of seconds, got {value!r}")
    return seconds


def _bound(value: Moment | None) -> Moment | None:
    """A template that rendered to nothing ("" or spaces) means "not given"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


class AmperityRunWorkflowOperator(BaseOperator):
    """Start an Amperity workflow (courier group, orchestration group, campaign send).

    :param config_id: the workflow configuration to run, e.g. ``cg-123`` (templated).
    :param range_from: start of the data range, for courier groups of file-based sources
        (templated: a datetime, a date or an ISO-8601 string; naive means UTC). Not sent when
        None or when it renders to an empty string.
    :param range_to: end of that range (templated); needs range_from.
    :param run_mode: sent only when given (templated): ``"full"``, ``"refresh"`` or ``"source"``.
    :param use_data_interval: fill a range bound left None from the DAG run's data interval
        (``data_interval_start`` / ``data_interval_end``); the same as templating
        ``"{{ data_interval_start }}"`` / ``"{{ data_interval_end }}"``. A run with no data
        interval, or an empty one, fails the task before starting anything.
    :param wait_for_termination: wait for the workflow to end (default); False returns once
        it started.
    :param deferrable: wait in the triggerer rather than in the task (default: Airflow's
        ``[operators] default_deferrable``).
    :param timeout: seconds to wait for the workflow to end (default 48 hours), counted
        from the start of the wait, across a deferral.
    :param poll_interval: longest pause between two polls, seconds (default 60; pauses grow
        from one second up to it).
    :param stop_on_timeout: when `timeout` runs out, ask Amperity to stop the run before
        failing the task (default True), so a retry of the task does not run beside it.
    :param amperity_conn_id: the connection (type ``amperity``), default ``amperity_default``.
    """

    template_fields: Sequence[str] = (
        "config_id",
        "range_from",
        "range_to",
        "run_mode",
        "amperity_conn_id",
    )
    ui_color = "#e8f0fe"

    def __init__(
        self,
        *,
        config_id: str,
        range_from: Moment | None = None,
        range_to: Moment | None = None,
        run_mode: str | None = None,
        use_data_interval: bool = False,
        wait_for_termination: bool = True,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        timeout: float | timedelta = DEFAULT_TIMEOUT,
        poll_interval: float | timedelta = DEFAULT_POLL_INTERVAL,
        stop_on_timeout: bool = True,
        amperity_conn_id: str = AmperityHook.default_conn_name,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.config_id = config_id
        self.range_from = range_from
        self.range_to = range_to
        self.run_mode = run_mode
        self.use_data_interval = use_data_interval
        self.wait_for_termination = wait_for_termination
        self.deferrable = deferrable
        self.timeout = positive_seconds(timeout, "timeout")
        self.poll_interval = positive_seconds(poll_interval, "poll_interval")
        self.stop_on_timeout = stop_on_timeout
        self.amperity_conn_id = amperity_conn_id
        self.workflow_id: str | None = None

    @property
    def hook(self) -> AmperityHook:
        return AmperityHook(self.amperity_conn_id)

    def execute(self, context: Context) -> str:
        range_from, range_to = self._range(context)
        with self.hook.get_client() as client:
            workflow = client.workflows.run(
                self.config_id,
                range_from=range_from,
                range_to=range_to,
                run_mode=self.run_mode or None,
            )
            self.workflow_id = workflow_id = str(workflow.id)
            context["ti"].xcom_push(key=XCOM_WORKFLOW_ID, value=workflow_id)
            self.log.info(
                "Started Amperity workflow %s for %s (%s)",
                workflow_id,
                self.config_id,
                workflow.state,
            )
            if not self.wait_for_termination:
                if self.deferrable:
                    warnings.warn(
                        "wait_for_termination=False: deferrable=True has nothing to wait for",
                        UserWarning,
                        stacklevel=2,
                    )
                return workflow_id
            if not self.deferrable:
                self._wait(client, workflow)
                return workflow_id
        self.log.info("Deferring: the triggerer waits for workflow %s", workflow_id)
        self.defer(
            trigger=AmperityWorkflowTrigger(
                workflow_id=workflow_id,
                amperity_conn_id=self.amperity_conn_id,
                poll_interval=self.poll_interval,
                end_time=time.time() + self.timeout,
                timeout=self.timeout,
            ),
            method_name="execute_complete",
            timeout=self.execution_timeout,
        )

    def execute_complete(self, context: Context, event: dict[str, Any]) -> str:
        """Where the task resumes when the trigger fired: succeed or fail with its event."""
        workflow_id = str(event.get("workflow_id") or self.workflow_id)
        self.workflow_id = workflow_id
        status = event.get("status")
        if status == "success":
            self.log.info("Amperity workflow %s %s", workflow_id, event.get("state"))
            return workflow_id
        if status == "failed":
            raise AmperityWorkflowFailedException.from_payload(event)
        if status == "timeout":
            stopped = self.stop_on_timeout and self._stop()
            waited = event.get("timeout")
            raise AmperityWorkflowTimeoutException(
                workflow_id,
                event.get("state"),
                float(waited) if isinstance(waited, int | float) else self.timeout,
                stopped,
            )
        raise AirflowException(event.get("message") or f"unexpected trigger event: {event!r}")

    def on_kill(self) -> None:
        """The task is being killed: ask Amperity to stop the run it started."""
        if self.workflow_id is not None:
            self._stop()

    def _range(self, context: Context) -> tuple[Moment | None, Moment | None]:
        low, high = _bound(self.range_from), _bound(self.range_to)
        if self.use_data_interval:
            if low is None:
                low = context.get("data_interval_start")
            if high is None:
                high = context.get("data_interval_end")
            if low is None or high is None:
                raise AirflowException(
                    "use_data_interval=True, but this DAG run has no data interval (a manual "
                    "run without a logical date?): give range_from and range_to"
                )
            if low == high:
                raise AirflowException(
                    f"use_data_interval=True, but this DAG run's data interval is empty ({low} to "
                    f"{high}): Airflow 3 schedules such as '@daily' (CronTriggerTimetable) give "
                    "runs no interval; use CronDataIntervalTimetable, or give range_from and "
                    "range_to"
                )
        return low, high

    def _wait(self, client: Amperity, workflow: Workflow) -> None:
        def show(current: Workflow) -> None:
            self.log.info("Amperity workflow %s is %s", current.id, current.state)

        try:
            client.workflows.wait(
                workflow, timeout=self.timeout, poll_interval=self.poll_interval, on_state=show
            )
        except WorkflowFailedError as exc:
            raise AmperityWorkflowFailedException.from_error(exc) from exc
        except WorkflowTimeoutError as exc:
            stopped = self.stop_on_timeout and self._stop(client)
            raise AmperityWorkflowTimeoutException.from_error(exc, stopped) from exc

    def _stop(self, client: Amperity | None = None) -> bool:
        """Ask Amperity to stop the run; True if it accepted. Never raises an API error."""
        workflow_id = self.workflow_id
        if workflow_id is None:
            return False
        try:
            if client is None:
                with self.hook.get_client() as own:
                    stopped = own.workflows.stop(workflow_id)
            else:
                stopped = client.workflows.stop(workflow_id)
        except ConflictError:
            self.log.info("Amperity workflow %s had already ended; nothing to stop", workflow_id)
            return False
        except AmperityError as exc:
            self.log.warning("Could not stop Amperity workflow %s: %s", workflow_id, exc)
            return False
        self.log.info("Asked Amperity to stop workflow %s (now %s)", workflow_id, stopped.state)
        return True
