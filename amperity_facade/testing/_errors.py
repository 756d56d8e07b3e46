"""The error the request handlers raise; the server turns it into the JSON envelope."""

from __future__ import annotations


class ApiError(Exception):
    """Raising keeps every handler's failure path one line and the envelope in one place."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
