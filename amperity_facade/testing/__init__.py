"""A local fake of the Amperity API, so clients are tested over real HTTP, offline.

Use it as ``with FakeAmperity(tenant="acme", seed=7) as fake:`` and point a client at
``fake.base_url`` (control plane and Profile API), ``fake.realtime_base_url`` (Real-Time
API) or ``fake.stream_base_url`` (Streaming Ingest) with ``fake.tenant`` and ``fake.token``
(or the OAuth client credentials).
Without a socket, pass ``transport=fake.transport()`` (or ``fake.async_transport()``).
"""

from ._errors import FakeUsageError
from ._fake import FakeAmperity
from ._faults import Fault, FaultKind
from ._log import RecordedRequest
from ._names import OperationName
from ._profile_data import SeededCollection, SeededIndex, SeededSegment
from ._writes import SeededEventStream

__all__ = [
    "FakeAmperity",
    "FakeUsageError",
    "Fault",
    "FaultKind",
    "OperationName",
    "RecordedRequest",
    "SeededCollection",
    "SeededEventStream",
    "SeededIndex",
    "SeededSegment",
]
