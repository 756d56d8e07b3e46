"""Streaming a listing into one or more writers, with a progress line for people watching.

Output files are written under a temporary `.part` name and renamed only when the export
completed, so a file that exists under the requested name is always a whole export: a
half-written CSV left by a 500 on page 40 would otherwise pass for the real thing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .._operations import Page
from ._output import CliError, Writer, _isatty

REFRESH_SECONDS = 0.1


@dataclass
class Stats:
    items: int = 0
    pages: int = 0
    seconds: float = 0.0


class Progress:
    """`label: 1,200 items, 12 pages, 3,400 items/s` on one self-overwriting stderr line.

    Only drawn on a terminal (a log file full of carriage returns helps nobody) and erased
    at the end, so what remains on screen is the output itself.
    """

    def __init__(self, stream: TextIO | None, label: str) -> None:
        self._stream = stream
        self._label = label
        self._start = time.monotonic()
        self._last = 0.0
        self._shown = 0

    @classmethod
    def for_export(cls, label: str, output: str | None, stdout: TextIO, stderr: TextIO) -> Progress:
        # A table scrolling on the same terminal would be garbled by the progress line.
        drawing_over_output = output in (None, "-") and _isatty(stdout)
        show = _isatty(stderr) and not drawing_over_output
        return cls(stderr if show else None, label)

    def update(self, stats: Stats, *, force: bool = False) -> None:
        if self._stream is None:
            return
        now = time.monotonic()
        if not force and now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-6)
        text = (
            f"{self._label}: {stats.items:,} items, {stats.pages:,} pages, "
            f"{stats.items / elapsed:,.0f} items/s"
        )
        self._stream.write("\r" + text.ljust(self._shown))
        self._stream.flush()
        self._shown = len(text)

    def done(self) -> None:
        if self._stream is not None and self._shown:
            self._stream.write("\r" + " " * self._shown + "\r")
            self._stream.flush()
            self._shown = 0


def export(pages: Iterable[Page[Any]], writers: Sequence[Writer], progress: Progress) -> Stats:
    """Write every item of every page to every writer (one pass feeds CSV and JSONL alike)."""
    stats = Stats()
    start = time.monotonic()
    try:
        for page in pages:
            stats.pages += 1
            for item in page.items:
                row = item.to_dict()
                for writer in writers:
                    writer.write(row)
                stats.items += 1
            progress.update(stats)
        for writer in writers:
            writer.close()
    finally:
        progress.done()
    stats.seconds = time.monotonic() - start
    return stats


@contextlib.contextmanager
def open_output(path: str | None, stdout: TextIO | None = None) -> Iterator[TextIO]:
    """stdout for None or "-"; otherwise a file that appears only once complete."""
    if path is None or path == "-":
        yield stdout if stdout is not None else sys.stdout
        return
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        handle = part.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", 2) from None
    try:
        with handle:
            yield handle
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
