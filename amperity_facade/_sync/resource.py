# Generated from amperity_facade/_async/resource.py by scripts/unasync.py; edit that file, then run make generate.
"""What every resource of a client holds: the client whose retry loop sends its calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import Amperity


class Resource:
    def __init__(self, client: Amperity) -> None:
        self._client = client
