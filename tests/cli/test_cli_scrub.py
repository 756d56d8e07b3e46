"""Error lines hide this run's credentials without mangling the rest of the message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amperity_facade._cli import _commands, _scrub


@pytest.fixture
def secrets() -> Iterator[set[str]]:
    _commands.SECRETS.clear()
    yield _commands.SECRETS
    _commands.SECRETS.clear()


def test_a_long_secret_is_hidden_wherever_it_appears(secrets: set[str]) -> None:
    secrets.add("tok-0123456789abcdef")
    assert _scrub("bad token tok-0123456789abcdef; x=tok-0123456789abcdefZ") == (
        "bad token ***; x=***Z"
    )


def test_a_short_secret_is_hidden_only_where_it_stands_alone(secrets: set[str]) -> None:
    secrets.add("t")
    message = "GET /api/segments: the 200 answer is not the documented JSON (token t)"
    assert _scrub(message) == (
        "GET /api/segments: the 200 answer is not the documented JSON (token ***)"
    )
