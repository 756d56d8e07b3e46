"""How a workflow that did not succeed fails its Airflow task.

The message carries the workflow's own error type and message, and the error's attribution:
Amperity marks a failure `platform` (its side: a later try may well succeed, so the message
says retryable) or `customer` (the configuration or the data: a retry alone will not fix it).
Both exceptions are AirflowException, so the task's `retries` apply as for any failure.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk.exceptions import AirflowException

from ..errors import WorkflowFailedError, WorkflowTimeoutError
from ..types import UNSET, Unset, WorkflowError

PLATFORM = "platform"
CUSTOMER = "customer"


def _text(value: object) -> str | None:
    return None if value is None or isinstance(value, Unset) else str(value)


class AmperityWorkflowFailedException(AirflowException):
    """The workflow ended failed, canceled or stopped."""

    def __init__(
        self,
        workflow_id: str,
        state: str,
        error_type: str | None = None,
        error_message: str | None = None,
        attribution: str | None = None,
    ) -> None:
        self.workflow_id = workflow_id
        self.state = state
        self.error_type = error_type
        self.error_message = error_message
        self.attribution = attribution
        detail = ": ".join(part for part in (error_type, error_message) if part)
        message = f"Amperity workflow {workflow_id} ended {state}"
        if detail:
            message += f": {detail}"
        if self.retryable:
            message += " [platform error, retryable: Amperity's side failed, a retry may succeed]"
        elif attribution:
            message += f" [attribution: {attribution}; a retry alone is unlikely to help]"
        super().__init__(message)

    @property
    def retryable(self) -> bool:
        """True when Amperity attributes the failure to its platform."""
        return (self.attribution or "").strip().lower() == PLATFORM

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.workflow_id, self.state, self.error_type, self.error_message, self.attribution),
        )

    @classmethod
    def from_error(cls, exc: WorkflowFailedError) -> AmperityWorkflowFailedException:
        error = getattr(exc.workflow, "error", UNSET)
        attribution = _text(error.attribution) if isinstance(error, WorkflowError) else None
        return cls(str(exc.workflow.id), exc.state, exc.error_type, exc.error_message, attribution)

    def payload(self) -> dict[str, Any]:
        """The fields, as plain JSON, for a trigger event."""
        return {
            "workflow_id": self.workflow_id,
            "state": self.state,
            "error_type": self.error_type,
            "error_message": self.error_message,
            "attribution": self.attribution,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> AmperityWorkflowFailedException:
        return cls(
            str(payload["workflow_id"]),
            str(payload.get("state") or "failed"),
            _text(payload.get("error_type")),
            _text(payload.get("error_message")),
            _text(payload.get("attribution")),
        )


class AmperityWorkflowTimeoutException(AirflowException):
    """The workflow had not finished when the operator's or sensor's timeout ran out."""

    def __init__(self, workflow_id: str, state: str | None, timeout: float, stopped: bool) -> None:
        self.workflow_id = workflow_id
        self.state = state
        self.timeout = timeout
        self.stopped = stopped
        still = f"still {state}" if state else "not finished"
        after = "; the run was asked to stop" if stopped else "; the run goes on in Amperity"
        super().__init__(
            f"Amperity workflow {workflow_id} {still} after waiting {timeout:g} seconds{after}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.workflow_id, self.state, self.timeout, self.stopped))

    @classmethod
    def from_error(
        cls, exc: WorkflowTimeoutError, stopped: bool
    ) -> AmperityWorkflowTimeoutException:
        return cls(str(exc.workflow.id), _text(exc.workflow.state), exc.timeout, stopped)
