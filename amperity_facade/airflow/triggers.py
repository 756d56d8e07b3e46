"""AmperityWorkflowTrigger: waits for a workflow in Airflow's triggerer, holding no worker slot.

Built on `AsyncAmperity` (`workflows.wait`, so the states, the growing pauses and the
retries are the library's). It yields one TriggerEvent whose payload is plain JSON:

- ``{"status": "success", "workflow_id", "state", "message"}``
- ``{"status": "failed", "workflow_id", "state", "error_type", "error_message", "attribution",
  "message"}``: the workflow ended failed, canceled or stopped
- ``{"status": "timeout", "workflow_id", "state", "timeout", "message"}``: `end_time` passed
- ``{"status": "error", "workflow_id", "message"}``: the tenant could not be asked (bad
  connection, an API error that outlived the client's retries)
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ..errors import WorkflowFailedError, WorkflowTimeoutError
from .exceptions import AmperityWorkflowFailedException
from .hooks import AmperityHook

CLASSPATH = "amperity_facade.airflow.triggers.AmperityWorkflowTrigger"
# A deadline already passed still gets one read: the workflow may have finished meanwhile.
LAST_LOOK = 0.001
# Without an end_time: the longest wait the client accepts is a year.
NO_END = 360 * 86400.0


class AmperityWorkflowTrigger(BaseTrigger):
    """Polls one workflow until it ends or `end_time` (seconds since the epoch) passes.

    :param workflow_id: the run to watch.
    :param amperity_conn_id: connection id (type ``amperity``).
    :param poll_interval: longest pause between polls, seconds (pauses grow up to it).
    :param end_time: when to give up, in seconds since the epoch (time.time()); the deadline
        is absolute so that a trigger moved to another triggerer keeps it.
    :param timeout: the wait it stands for, in seconds, only to word the timeout message.
    """

    def __init__(
        self,
        workflow_id: str,
        amperity_conn_id: str = AmperityHook.default_conn_name,
        poll_interval: float = 60.0,
        end_time: float | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's is unannotated
        self.workflow_id = str(workflow_id)
        self.amperity_conn_id = amperity_conn_id
        self.poll_interval = float(poll_interval)
        self.end_time = None if end_time is None else float(end_time)
        self.timeout = None if timeout is None else float(timeout)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            CLASSPATH,
            {
                "workflow_id": self.workflow_id,
                "amperity_conn_id": self.amperity_conn_id,
                "poll_interval": self.poll_interval,
                "end_time": self.end_time,
                "timeout": self.timeout,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # The event is built with the client closed, then yielded: nothing stays open while
        # Airflow holds the generator after the one event it wants.
        payload = await self._wait()
        yield TriggerEvent(payload)  # type: ignore[no-untyped-call]

    async def _wait(self) -> dict[str, Any]:
        wf_id = self.workflow_id
        try:
            client = await AmperityHook(self.amperity_conn_id).get_async_client()
            async with client:
                remaining = NO_END if self.end_time is None else self.end_time - time.time()
                workflow = await client.workflows.wait(
                    wf_id, timeout=max(remaining, LAST_LOOK), poll_interval=self.poll_interval
                )
        except WorkflowFailedError as exc:
            failure = AmperityWorkflowFailedException.from_error(exc)
            return {"status": "failed", **failure.payload(), "message": str(failure)}
        except WorkflowTimeoutError as exc:
            timeout = self.timeout if self.timeout is not None else exc.timeout
            state = str(exc.workflow.state)
            return {
                "status": "timeout",
                "workflow_id": wf_id,
                "state": state,
                "timeout": timeout,
                "message": f"Amperity workflow {wf_id} still {state} after waiting {timeout:g} seconds",
            }
        except Exception as exc:  # reported to the task, which fails with it
            return {
                "status": "error",
                "workflow_id": wf_id,
                "message": f"could not follow Amperity workflow {wf_id}: {type(exc).__name__}: {exc}",
            }
        return {
            "status": "success",
            "workflow_id": wf_id,
            "state": str(workflow.state),
            "message": f"Amperity workflow {wf_id} {workflow.state}",
        }
