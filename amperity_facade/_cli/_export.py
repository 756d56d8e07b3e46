"""Streaming a listing into one or more writers, with a progress line for people watching.

Each page is rendered, then committed to every destination at once (see `_sink`), and
only then counted: `Stats` always describes what the destinations hold, and its `cursor`
is where a new run picks up (`--next-token`) after a failure or an interruption.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ..pagination import Page
from ._output import CliError, Writer, _isatty
from ._signals import deferred
from ._sink import Sink

REFRESH_SECONDS = 0.1


@dataclass
class Stats:
    """Whole pages written so far; `cursor` is the next_token after the last of them."""

    items: int = 0
    pages: int = 0
    seconds: float = 0.0
    cursor: str | None = None


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
            f"{self._label}: {counted(stats.items, 'item')}, {pages(stats.pages)}, "
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


def export(
    pages: Iterable[Page[Any]],
    outputs: Sequence[tuple[Writer, Sink]],
    progress: Progress,
    stats: Stats | None = None,
) -> Stats:
    """Write every item of every page to every writer (one pass feeds CSV and JSONL alike).

    `stats` (updated in place, so a caller still has it when this raises) starts with the
    cursor the listing started from.
    """
    stats = stats if stats is not None else Stats()
    start = time.monotonic()
    try:
        for page in pages:
            rows = [item if type(item) is dict else item.to_dict() for item in page.items]
            try:
                for writer, _ in outputs:
                    for row in rows:
                        writer.write(row)
                    writer.end_page()
            except RecursionError:
                # Only an item nested about a thousand levels deep gets here (one the fast
                # decoder read but the standard library's encoder cannot write).
                raise CliError(
                    f"an item on page {stats.pages + 1:,} is nested too deeply to write", 1
                ) from None
            with deferred():
                for _, sink in outputs:
                    sink.commit()
                stats.pages += 1
                stats.items += len(rows)
                stats.cursor = page.next_token
            progress.update(stats)
        for writer, _ in outputs:
            writer.close()
        with deferred():
            for _, sink in outputs:
                sink.commit()
    finally:
        progress.done()
    stats.seconds = time.monotonic() - start
    return stats


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 page`, `2 pages`, `2 retries`: a count as a person would write it."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {plural or noun + 's'}"


def pages(count: int) -> str:
    return counted(count, "page")


def resume_note(
    stats: Stats,
    label: str,
    output: str | None,
    *,
    append: bool,
    kept: bool,
    max_items: int | None = None,
) -> str:
    """What a failed export leaves behind, and the command-line words that continue it.

    `kept`: what was written stays (stdout, a FIFO, an appended file); otherwise the
    export is discarded and there is nothing to continue. With `max_items`, the words
    carry the count still to go, so a resumed export never overshoots the first's total.
    """
    if not stats.pages and not stats.cursor:
        return ""  # failed before anything: the error says it all
    written = f"{stats.items:,} {label} ({pages(stats.pages)})"
    if not kept:
        return (
            f"nothing written to {output}: the {written} fetched were discarded "
            "(with --append, what was written stays and the export can be resumed)"
        )
    note = f"wrote {written} to {'stdout' if output in (None, '-') else output}"
    left = None if max_items is None else max_items - stats.items
    if left is not None and left <= 0:
        return f"{note}; --max-items {max_items:,} reached, nothing left to resume"
    if stats.cursor:
        words = f"--next-token {stats.cursor}"
        if left is not None:
            words += f" --max-items {left}"
        return f"{note}; resume with {words}" + (" --append" if append else "")
    return note + ("; every page was fetched" if stats.pages else "")
