"""Apache Airflow provider for Amperity workflow runs (`pip install 'amperity-facade[airflow]'`).

Connection type `amperity`; `hooks.AmperityHook`, `operators.AmperityRunWorkflowOperator`,
`sensors.AmperityWorkflowSensor`, `triggers.AmperityWorkflowTrigger`. Needs Airflow 3.1 or
newer (the `airflow.sdk` names); importing this package alone does not import Airflow, so
Airflow can read `provider_info.get_provider_info()` cheaply. The names below load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .exceptions import AmperityWorkflowFailedException, AmperityWorkflowTimeoutException
    from .hooks import AmperityHook
    from .operators import AmperityRunWorkflowOperator
    from .sensors import AmperityWorkflowSensor
    from .triggers import AmperityWorkflowTrigger

__all__ = [
    "AmperityHook",
    "AmperityRunWorkflowOperator",
    "AmperityWorkflowFailedException",
    "AmperityWorkflowSensor",
    "AmperityWorkflowTimeoutException",
    "AmperityWorkflowTrigger",
]

_HOMES = {
    "AmperityHook": "hooks",
    "AmperityRunWorkflowOperator": "operators",
    "AmperityWorkflowSensor": "sensors",
    "AmperityWorkflowTrigger": "triggers",
    "AmperityWorkflowFailedException": "exceptions",
    "AmperityWorkflowTimeoutException": "exceptions",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
