"""Reading a workflow's state while waiting for it; shared by the sync and async clients.

States are open strings: the vendor's examples are lower-case (`succeeded`), its prose
title-case (`Succeeded`), and new ones may appear; anything unknown counts as still running.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amperity_api.models import Workflow

from ._numbers import MAX_SECONDS, seconds, shown
from .errors import ConfigurationError, WorkflowFailedError

SUCCEEDED = frozenset({"succeeded"})
UNSUCCESSFUL = frozenset({"failed", "canceled", "cancelled", "stopped"})

# AsyncAmperity also takes a coroutine function (its result is awaited); Amperity does not.
OnState = Callable[["Workflow"], Awaitable[None] | None]
_UNSEEN = object()  # differs from every state, so the first read is always reported


def first_read(workflow: str | Workflow) -> tuple[str, Workflow | None]:
    """The id to poll, and the workflow already in hand when given one instead of an id."""
    if isinstance(workflow, str):
        return workflow, None
    return str(workflow.id), workflow


class StateWatch:
    """What `wait(..., on_state=...)` calls back: the first workflow read, then each one
    whose state differs from the read before. An exception it raises ends the wait."""

    def __init__(self, on_state: OnState | None) -> None:
        self._on_state = on_state
        self._state: object = _UNSEEN

    def __call__(self, workflow: Workflow) -> object:
        """What the callback returned (an awaitable, from an async one), or None."""
        if self._on_state is not None and workflow.state != self._state:
            self._state = workflow.state
            return self._on_state(workflow)
        return None


async def after_state_async(result: object) -> None:
    """An async `on_state` is awaited before the wait goes on."""
    if inspect.isawaitable(result):
        await result


def after_state(result: object) -> None:
    """The sync client cannot await: an async `on_state` is refused, not silently dropped."""
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # never awaited, by choice: no "never awaited" warning
        raise ConfigurationError(
            "on_state returned an awaitable: Amperity calls it and goes on; pass a plain "
            "function, or use AsyncAmperity, which awaits it"
        )


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
    number = seconds(value)
    if number is not None and number > 0:
        return number
    raise ConfigurationError(
        f"{name} must be a positive, finite number of seconds, at most {MAX_SECONDS:g} (a year); "
        f"got {shown(value)}"
    )
