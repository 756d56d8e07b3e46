"""AmperityWorkflowSensor: wait for a workflow started elsewhere (e.g. by
AmperityRunWorkflowOperator with ``wait_for_termination=False``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue, conf
from airflow.sdk.exceptions import AirflowException, AirflowSensorTimeout

from .._workflows import outcome
from ..errors import WorkflowFailedError
from .exceptions import AmperityWorkflowFailedException
from .hooks import AmperityHook
from .triggers import AmperityWorkflowTrigger

if TYPE_CHECKING:
    from airflow.sdk import Context


class AmperityWorkflowSensor(BaseSensorOperator):
    """Succeeds when the workflow succeeded; fails when it ended failed, canceled or stopped.

    One request per poke. With ``deferrable=True`` it looks once, then hands the wait to
    AmperityWorkflowTrigger (polling every ``poke_interval`` at most, until ``timeout``).
    Returns (and pushes as its XCom value) the workflow id.

    :param workflow_id: the run to watch (templated), e.g.
        ``"{{ ti.xcom_pull(task_ids='start', key='workflow_id') }}"``.
    :param amperity_conn_id: the connection (type ``amperity``), default ``amperity_default``.
    :param deferrable: wait in the triggerer (default: Airflow's
        ``[operators] default_deferrable``).
    """

    template_fields: Sequence[str] = ("workflow_id", "amperity_conn_id")
    ui_color = "#e8f0fe"

    def __init__(
        self,
        *,
        workflow_id: str,
        amperity_conn_id: str = AmperityHook.default_conn_name,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workflow_id = workflow_id
        self.amperity_conn_id = amperity_conn_id
        self.deferrable = deferrable

    @property
    def hook(self) -> AmperityHook:
        return AmperityHook(self.amperity_conn_id)

    def poke(self, context: Context) -> PokeReturnValue:
        with self.hook.get_client() as client:
            workflow = client.workflows.get(self.workflow_id)
        try:
            done = outcome(workflow) is not None
        except WorkflowFailedError as exc:
            raise AmperityWorkflowFailedException.from_error(exc) from exc
        self.log.info("Amperity workflow %s is %s", self.workflow_id, workflow.state)
        return PokeReturnValue(is_done=done, xcom_value=str(self.workflow_id) if done else None)

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        if self.poke(context):
            return str(self.workflow_id)
        self.defer(
            trigger=AmperityWorkflowTrigger(
                workflow_id=str(self.workflow_id),
                amperity_conn_id=self.amperity_conn_id,
                poll_interval=self.poke_interval,
                end_time=time.time() + self.timeout,
                timeout=self.timeout,
            ),
            method_name="execute_complete",
            timeout=self.execution_timeout,
        )

    def execute_complete(self, context: Context, event: dict[str, Any]) -> str:
        status = event.get("status")
        if status == "success":
            self.log.info("Amperity workflow %s %s", event.get("workflow_id"), event.get("state"))
            return str(event.get("workflow_id") or self.workflow_id)
        if status == "failed":
            raise AmperityWorkflowFailedException.from_payload(event)
        if status == "timeout":
            raise AirflowSensorTimeout(event.get("message") or "timed out")
        raise AirflowException(event.get("message") or f"unexpected trigger event: {event!r}")
