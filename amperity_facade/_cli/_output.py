"""Turning API items into table, JSON, JSON Lines or CSV, one item at a time.

Every writer streams: an export of millions of audit events must run in the memory of one
page. The only buffering is a bounded sample of the first rows, which the table needs to
size its columns and the CSV needs to name the extra fields the server sent beyond the
documented ones (the header has to be written before any row).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

import attrs

FORMATS = ("table", "json", "jsonl", "csv")
SAMPLE_ROWS = 100  # rows looked at before a table's widths or a CSV's header are fixed
CELL_WIDTH = 40  # widest table cell before truncation
MIN_WIDTH = 6
_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|\+00:00)")
_SPACE = re.compile(r"\s+")

Row = Mapping[str, Any]


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


def _json_key(attribute: str) -> str:
    # The generator appends "_" to names that shadow builtins (type -> type_).
    return attribute[:-1] if attribute.endswith("_") else attribute


def declared_columns(model: type[Any], prefix: str = "") -> list[str]:
    """The model's documented fields as flat CSV keys, in the order the API declares them.

    Nested objects (a workflow's `error`) expand into dotted keys; lists stay one column.
    Taken from the model rather than from the data, so the header is the same whether or
    not the first rows happen to carry the optional fields.
    """
    hints: dict[str, Any] = {}
    try:
        import amperity_api.models as namespace

        module = sys.modules[model.__module__]
        hints = typing.get_type_hints(model, globalns=vars(module), localns=vars(namespace))
    except Exception:  # unresolvable annotations: fall back to flat names
        pass
    out: list[str] = []
    for attribute in attrs.fields(model):
        if attribute.name == "additional_properties":
            continue
        key = prefix + _json_key(attribute.name)
        nested = _model_of(hints.get(attribute.name))
        out.extend(declared_columns(nested, key + ".") if nested else [key])
    return out


def _model_of(hint: Any) -> type[Any] | None:
    candidates = [a for a in typing.get_args(hint) or (hint,) if isinstance(a, type)]
    candidates = [a for a in candidates if a.__name__ not in ("Unset", "NoneType")]
    if len(candidates) == 1 and attrs.has(candidates[0]):
        return candidates[0]
    return None


def flatten(row: Row, leaves: frozenset[str] = frozenset(), prefix: str = "") -> dict[str, Any]:
    """Dicts become dotted keys (unless the key is a known leaf); lists become JSON text."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        key = prefix + str(name)
        if isinstance(value, dict) and value and key not in leaves:
            out.update(flatten(value, leaves, key + "."))
        elif isinstance(value, dict | list):
            out[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            out[key] = value
    return out


def cell_text(value: Any) -> str:
    """One table cell: short UTC timestamps, compact JSON, no line breaks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = _SPACE.sub(" ", str(value)).strip()
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
    def close(self) -> None: ...


class JsonLinesWriter:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, row: Row) -> None:
        self._stream.write(json.dumps(row, ensure_ascii=False) + "\n")

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

    def close(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")
        self._stream.flush()


class CsvWriter:
    """Header: the model's declared fields, then extra fields seen in the first rows, sorted.

    A field that first appears after the header is out cannot get a column any more; it is
    reported once on stderr (JSON Lines keeps everything) instead of vanishing silently.
    """

    def __init__(self, stream: TextIO, model: type[Any], warn: Callable[[str], None]) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        self._stream = stream
        self._declared = declared_columns(model)
        self._leaves = frozenset(self._declared)
        self._warn = warn
        self._sample: list[dict[str, Any]] | None = []
        self._header: list[str] = []
        self._dropped: set[str] = set()

    def write(self, row: Row) -> None:
        if self._sample is None:
            self._emit(flatten(row, self._leaves))
            return
        self._sample.append(flatten(row, self._leaves))
        if len(self._sample) >= SAMPLE_ROWS:
            self._start()

    def _start(self) -> None:
        sample, self._sample = self._sample or [], None
        extras = sorted({key for flat in sample for key in flat} - self._leaves)
        self._header = self._declared + extras
        self._leaves = frozenset(self._header)
        self._writer.writerow(self._header)
        for flat in sample:
            self._emit(flat)

    def _emit(self, flat: dict[str, Any]) -> None:
        unknown = flat.keys() - self._leaves - self._dropped
        if unknown:
            self._dropped |= unknown
            self._warn(
                f"csv: field(s) {', '.join(sorted(unknown))} appeared after the header was "
                "written and are left out; use --format jsonl to keep every field"
            )
        self._writer.writerow([_csv_cell(flat.get(key)) for key in self._header])

    def close(self) -> None:
        if self._sample is not None:
            self._start()
        self._stream.flush()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


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

    def close(self) -> None:
        if self._sample is not None:
            self._start()
        self._stream.flush()


def make_writer(
    fmt: str,
    stream: TextIO,
    *,
    model: type[Any],
    columns: Sequence[Column],
    warn: Callable[[str], None],
) -> Writer:
    if fmt == "json":
        return JsonArrayWriter(stream)
    if fmt == "jsonl":
        return JsonLinesWriter(stream)
    if fmt == "csv":
        return CsvWriter(stream, model, warn)
    return TableWriter(stream, columns, terminal_width(stream), empty="(no items)")


def write_one(
    fmt: str,
    stream: TextIO,
    row: Row,
    *,
    model: type[Any],
    details: Mapping[str, Sequence[Column]] | None = None,
) -> None:
    """A single object (get, run, stop). As a table: key/value lines, then each list in
    `details` (a workflow's tasks, an ingest job's tables) as a small table of its own."""
    if fmt == "json":
        stream.write(json.dumps(row, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        writer = make_writer(fmt, stream, model=model, columns=(), warn=lambda _: None)
        writer.write(row)
        writer.close()
        return
    details = details or {}
    limit = terminal_width(stream)
    flat = flatten({k: v for k, v in row.items() if k not in details})
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
