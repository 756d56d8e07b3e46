"""CSV: a header fixed up front, nested objects flattened, cells made safe to open.

Shape: nested objects become dotted columns (`error.type`); lists (an ingest job's
`tables`, a workflow's `task_instances`) stay one column of compact JSON, because items
with a varying number of entries cannot get columns of their own, and one row per entry
would repeat the parent's fields and break "one row, one item". Text cells that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
return, OWASP's list) get a leading `'` unless `raw` is asked for; numbers are left alone.
"""

from __future__ import annotations

import csv
import json
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

import attrs

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SAMPLE_ROWS = 100  # rows looked at before a table's widths or a CSV's header are fixed

Row = Mapping[str, Any]


def _json_key(attribute: str) -> str:
    # The generator appends "_" to names that shadow builtins (type -> type_).
    return attribute[:-1] if attribute.endswith("_") else attribute


def declared_columns(model: type[Any], prefix: str = "") -> list[str]:
    """The model's documented fields as flat CSV keys, in the order the API declares them.

    Nested objects (a workflow's `error`) expand into dotted keys; lists, even lists of
    objects (an ingest job's `tables`), stay one column.
    Taken from the model rather than from the data, so the header is the same whether or
    not the first rows happen to carry the optional fields.
    """
    hints: dict[str, Any] = {}
    try:
        from .. import types as namespace

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
    """The attrs model behind `Model`, `Model | Unset` or `Model | None`; not `list[Model]`."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    candidates = [a for a in (typing.get_args(hint) if union else (hint,)) if isinstance(a, type)]
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


class CsvWriter:
    """Header: the model's declared fields, then extra fields seen in the first rows, sorted.

    A field that first appears after the header is out cannot get a column any more; it is
    reported once on stderr (JSON Lines keeps everything) instead of vanishing silently.
    `header` continues a file that already has one: rows follow its columns, and no
    second header is written.
    """

    def __init__(
        self,
        stream: TextIO,
        model: type[Any],
        warn: Callable[[str], None],
        *,
        raw: bool = False,
        header: Sequence[str] | None = None,
    ) -> None:
        self._writer = csv.writer(_LineFeeds(stream), lineterminator="\r\n")
        self._stream = stream
        self._declared = declared_columns(model)
        self._leaves = frozenset(self._declared)
        self._warn = warn
        self._cell = _csv_cell if raw else _safe_csv_cell
        self._sample: list[dict[str, Any]] | None = []
        self._header: list[str] = []
        self._dropped: set[str] = set()
        if header is not None:
            self._sample, self._header = None, list(header)
            self._leaves = frozenset(self._header)

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
        self._writer.writerow([self._cell(name) for name in self._header])
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
        self._writer.writerow([self._cell(flat.get(key)) for key in self._header])

    def end_page(self) -> None:
        if self._sample is not None:
            self._start()

    def close(self) -> None:
        self.end_page()
        self._stream.flush()


class _LineFeeds:
    """Rows end in "\n", but are quoted as if they ended in "\r\n".

    The csv module quotes a cell only for the characters of its own line terminator, so
    with "\n" a cell holding a bare "\r" went out unquoted and split the row for every
    reader. Each `writerow` is one `write` ending in the terminator, swapped here.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, row: str) -> int:
        return self._stream.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _safe_csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return _csv_cell(value)
