"""Turning API items into table, JSON, JSON Lines or CSV, one item at a time.

Every writer streams: an export of millions of audit events must run in the memory of one
page. The only buffering is a bounded sample of the first rows (never past the first
page), which the table needs to size its columns and the CSV needs to name the extra
fields the server sent beyond the documented ones (the header has to come first). How
CSV is shaped and made safe is in `_csv`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from ._csv import SAMPLE_ROWS, CsvWriter, Row, flatten

FORMATS = ("table", "json", "jsonl", "csv")
CELL_WIDTH = 40  # widest table cell before truncation
MIN_WIDTH = 6
_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|\+00:00)")
_SPACE = re.compile(r"\s+")
# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides and
# isolates: what makes a terminal obey instead of show (colours, titles, cursor moves, text
# shown reversed).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


class CliError(Exception):
    """A failure the CLI reports in one line, with the exit code it deserves."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def choose_format(requested: str | None, output: str | None, stdout: TextIO) -> str:
    """People at a terminal want a table; pipes and files want something parseable."""
    if requested:
        return requested
    if output and output != "-":
        return _EXTENSIONS.get(os.path.splitext(output)[1].lower(), "jsonl")
    return "table" if _isatty(stdout) else "jsonl"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def printable(text: str) -> str:
    """`text` with every control character escaped (ESC as `\\x1b`, U+202E as `\\u202e`).

    For what reaches a terminal from a server (error lines, table cells): an answer could
    otherwise recolour the screen, retitle the window or reverse the text around it.
    Data formats (JSON, JSON Lines, CSV) keep the text as sent."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_width(stream: TextIO) -> int | None:
    return shutil.get_terminal_size().columns if _isatty(stream) else None


# --- columns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: its title and how to read it from an item's JSON dict."""

    title: str
    get: Callable[[Row], Any]


def field(key: str, title: str | None = None) -> Column:
    return Column(title or key, lambda row: row.get(key))


def fields(*keys: str) -> tuple[Column, ...]:
    return tuple(field(key) for key in keys)


def cell_text(value: Any) -> str:
    """One table cell: short UTC timestamps, compact JSON, no line breaks, no control
    characters (escaped: see `printable`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = printable(_SPACE.sub(" ", str(value)).strip())
    return _TIMESTAMP.sub(r"\1 \2Z", text)


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _fit(widths: list[int], limit: int | None) -> list[int]:
    """Narrow the widest columns until the row fits the terminal (never below MIN_WIDTH)."""
    widths = list(widths)
    if limit is None:
        return widths
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= MIN_WIDTH:
            break
        widths[widest] -= 1
    return widths


# --- writers -----------------------------------------------------------------------------


class Writer(Protocol):
    def write(self, row: Row) -> None: ...
    def end_page(self) -> None: ...  # a page is about to be committed: hold nothing back
    def close(self) -> None: ...


class JsonLinesWriter:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, row: Row) -> None:
        self._stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    def end_page(self) -> None:
        pass

    def close(self) -> None:
        self._stream.flush()


class JsonArrayWriter:
    """One JSON array, written element by element so memory stays flat."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._count = 0

    def write(self, row: Row) -> None:
        self._stream.write("[\n  " if self._count == 0 else ",\n  ")
        self._stream.write(json.dumps(row, ensure_ascii=False))
        self._count += 1

    def end_page(self) -> None:
        pass

    def close(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")
        self._stream.flush()


class TableWriter:
    """Aligned columns sized from the first rows; later rows are truncated to fit them."""

    def __init__(
        self, stream: TextIO, columns: Sequence[Column], width: int | None, empty: str = ""
    ) -> None:
        self._stream = stream
        self._columns = columns
        self._limit = width
        self._empty = empty
        self._sample: list[list[tuple[str, bool]]] | None = []
        self._widths: list[int] = []

    def write(self, row: Row) -> None:
        cells = [self._cell(column.get(row)) for column in self._columns]
        if self._sample is None:
            self._line(cells)
            return
        self._sample.append(cells)
        if len(self._sample) >= SAMPLE_ROWS:
            self._start()

    @staticmethod
    def _cell(value: Any) -> tuple[str, bool]:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        return cell_text(value), numeric

    def _start(self) -> None:
        sample, self._sample = self._sample or [], None
        natural = [
            min(CELL_WIDTH, max([len(column.title)] + [len(row[i][0]) for row in sample]))
            for i, column in enumerate(self._columns)
        ]
        self._widths = _fit(natural, self._limit)
        if not sample and self._empty:
            self._stream.write(self._empty + "\n")
            return
        self._line([(column.title.upper(), False) for column in self._columns])
        for row in sample:
            self._line(row)

    def _line(self, cells: list[tuple[str, bool]]) -> None:
        parts = []
        for (text, numeric), width in zip(cells, self._widths, strict=True):
            text = _truncate(text, width)
            parts.append(text.rjust(width) if numeric else text.ljust(width))
        self._stream.write("  ".join(parts).rstrip() + "\n")

    def end_page(self) -> None:
        if self._sample is not None:
            self._start()

    def close(self) -> None:
        self.end_page()
        self._stream.flush()


def make_writer(
    fmt: str,
    stream: TextIO,
    *,
    model: type[Any],
    columns: Sequence[Column],
    warn: Callable[[str], None],
    raw: bool = False,
    header: Sequence[str] | None = None,
) -> Writer:
    if fmt == "json":
        return JsonArrayWriter(stream)
    if fmt == "jsonl":
        return JsonLinesWriter(stream)
    if fmt == "csv":
        return CsvWriter(stream, model, warn, raw=raw, header=header)
    return TableWriter(stream, columns, terminal_width(stream), empty="(no items)")


def write_one(
    fmt: str,
    stream: TextIO,
    row: Row,
    *,
    model: type[Any],
    details: Mapping[str, Sequence[Column]] | None = None,
    raw: bool = False,
) -> None:
    """A single object (get, run, stop). As a table: key/value lines, then each list in
    `details` (a workflow's tasks, an ingest job's tables) as a small table of its own."""
    if fmt == "json":
        stream.write(json.dumps(row, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        writer = make_writer(fmt, stream, model=model, columns=(), warn=lambda _: None, raw=raw)
        writer.write(row)
        writer.close()
        return
    details = details or {}
    limit = terminal_width(stream)
    flat = {
        printable(key): value
        for key, value in flatten({k: v for k, v in row.items() if k not in details}).items()
    }
    key_width = max((len(k) for k in flat), default=0)
    value_width = max(limit - key_width - 2, 20) if limit else None
    for key, value in flat.items():
        text = cell_text(value)
        if value_width is not None:
            text = _truncate(text, value_width)
        stream.write(f"{key.ljust(key_width)}  {text}".rstrip() + "\n")
    for key, columns in details.items():
        items = row.get(key)
        if not isinstance(items, list):
            continue
        stream.write(f"\n{key} ({len(items)}):\n")
        table = TableWriter(stream, columns, limit)
        for item in items:
            table.write(item if isinstance(item, Mapping) else {"value": item})
        table.close()
    stream.flush()
