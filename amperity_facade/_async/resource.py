"""What every resource of a client holds: the client whose retry loop sends its calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import AsyncAmperity


class Resource:
    def __init__(self, client: AsyncAmperity) -> None:
        self._client = client
