"""Reading a workflow's state while waiting for it; shared by the sync and async clients.

States are open strings: the vendor's examples are lower-case (`succeeded`), its prose
title-case (`Succeeded`), and new ones may appear; anything unknown counts as still running.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amperity_api.models import Workflow

from .errors import ConfigurationError, WorkflowFailedError

SUCCEEDED = frozenset({"succeeded"})
UNSUCCESSFUL = frozenset({"failed", "canceled", "cancelled", "stopped"})


def outcome(workflow: Workflow) -> Workflow | None:
    """The workflow if it succeeded, None while it runs; raises if it ended otherwise."""
    from amperity_api.models.workflow_error import WorkflowError

    state = str(workflow.state).strip().lower()
    if state in SUCCEEDED:
        return workflow
    if state in UNSUCCESSFUL:
        error = workflow.error if isinstance(workflow.error, WorkflowError) else None
        raise WorkflowFailedError(
            workflow, error.type_ if error else None, error.message if error else None
        )
    return None


def poll_delays(poll_interval: float) -> Iterator[float]:
    """Growing pauses between polls: from min(1s, poll_interval) up to poll_interval."""
    delay = min(1.0, poll_interval)
    while True:
        yield delay
        delay = min(poll_interval, delay * 1.5)


def check_wait(timeout: object, poll_interval: object) -> tuple[float, float]:
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(timeout), float(poll_interval)  # type: ignore[arg-type]
