"""Errors of the fake: the one handlers raise for the wire, and the one a test's setup gets."""

from __future__ import annotations


class ApiError(Exception):
    """Raising keeps every handler's failure path one line and the envelope in one place."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class FakeUsageError(ValueError):
    """A fault, count or deprecation the fake cannot honour, refused before any request.

    Silently accepting one (a misspelt operation, a fault that can never fire) would let the
    test that set it up pass without testing anything. Deliberately not an AmperityError: a
    test wrapped in ``pytest.raises(errors.AmperityError)`` must not swallow its own typo.
    """
