"""An item nested past what json.dumps can write ends the export with one clear line."""

from __future__ import annotations

import io
from typing import Any

import pytest

from amperity_facade._cli._export import Progress, Stats, export
from amperity_facade._cli._output import CliError, JsonLinesWriter
from amperity_facade.pagination import Page


class _Sink:
    def commit(self) -> None:
        pass


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_too_deep_item_is_named_not_a_raw_recursion_error() -> None:
    stream = io.StringIO()
    pages = [
        Page([{"id": "s1"}], "next"),
        Page([{"id": "s2", "deep": _nested(5000)}]),
    ]
    stats = Stats()
    with pytest.raises(CliError, match="an item on page 2 is nested too deeply to write"):
        export(pages, [(JsonLinesWriter(stream), _Sink())], Progress(None, "segments"), stats)
    assert stats.pages == 1 and stats.cursor == "next"  # the first page stays written
    assert stream.getvalue().startswith('{"id": "s1"}')
