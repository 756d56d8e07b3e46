"""Reading a workflow's state while waiting for it; shared by the sync and async clients.

States are open strings: the vendor's examples are lower-case (`succeeded`), its prose
title-case (`Succeeded`), and new ones may appear; anything unknown counts as still running.
"""

from __future__ import annotations

import math
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
    """Both as seconds. NaN compares false with everything, so a NaN timeout would never
    run out, and an infinite one never ends either: both are refused, as are ints too
    large to be a float."""
    return _seconds(timeout, "timeout"), _seconds(poll_interval, "poll_interval")


def _seconds(value: object, name: str) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:
            seconds = math.inf
        if math.isfinite(seconds) and seconds > 0:
            return seconds
    # repr() of an int of thousands of digits raises ValueError itself: name its size instead.
    if isinstance(value, int) and value.bit_length() > 64:
        shown = f"an integer of {value.bit_length()} bits"
    else:
        shown = repr(value)
    raise ConfigurationError(f"{name} must be a positive, finite number of seconds, got {shown}")
