"""A local fake of the Amperity API, so clients are tested over real HTTP, offline.

Use it as ``with FakeAmperity(tenant="acme", seed=7) as fake:`` and point a client at
``fake.base_url`` with ``fake.tenant`` and ``fake.token`` (or the OAuth client credentials).
"""

from ._fake import FakeAmperity
from ._faults import Fault
from ._log import RecordedRequest

__all__ = ["FakeAmperity", "Fault", "RecordedRequest"]
