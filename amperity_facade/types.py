"""The types the client takes and returns, importable from the facade itself.

    from amperity_facade.types import Segment, Workflow, UNSET

These are the generated models of `amperity_api.models` (and its `Unset` sentinel) under a
public name that does not depend on the generated package's layout, and the facade's own
types of sending (`Record`, `Records`, `AsyncRecords`, `OnError`, `Receipt`, `SendReport`,
`Rejection`, `InFlight`, `EventOutcome`).
Importing this module imports the generated models; `import amperity_facade` alone does not.
"""

# Every model the generator writes, whatever `make spec` brings: a model the vendor adds is
# public here at once, with no list to keep in step.
from amperity_api.models import *  # noqa: F403
from amperity_api.models import __all__ as _models
from amperity_api.types import UNSET, Unset

# The facade's own result types (the write side: receipts and send reports).
from ._sending import InFlight, OnError, Rejection, SendReport
from ._streams import AsyncRecords, EventOutcome, Receipt, Record, Records

__all__ = [
    *_models,
    "UNSET",
    "EventOutcome",
    "InFlight",
    "OnError",
    "Receipt",
    "Record",
    "Records",
    "AsyncRecords",
    "Rejection",
    "SendReport",
    "Unset",
]
