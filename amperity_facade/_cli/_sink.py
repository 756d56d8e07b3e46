"""Where output goes: stdout, a file that appears only when whole, or a file being added to.

Writers render into a `Sink` (an in-memory buffer) and the export moves it to the
destination one page at a time, with signals held off meanwhile (`_signals.deferred`).
So a destination only ever receives whole pages, and a failure can say exactly how far
it got and where to resume.

A new or replaced file is written under a unique temporary name next to the target,
created exclusively (never an existing file or a planted symlink), and renamed over the
target only once complete: a half-written export never passes for a whole one, and two
exports to one path cannot interleave (the last to finish wins, whole). The result keeps
the permissions of the file it replaces, or gets the umask's for a new file.

With `append=True` pages go straight to the end of the target instead, so a failed or
interrupted export keeps what it wrote and continues with `--next-token`; anything past
the last whole page is cut off again on failure.

Text that the destination cannot encode (a lone surrogate in an answer, or an accent on an
ASCII terminal) is written as a backslash escape (`\\ud800`) instead of crashing the export.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ._output import CliError, _isatty
from ._signals import deferred

ENCODING = "utf-8"
ERRORS = "backslashreplace"


class Sink(io.StringIO):
    """An in-memory page that `commit()` moves to the destination in one piece.

    `isatty()` answers for the destination, so writers size tables for the real terminal.
    `continues` is true when appending to a file that already holds something (a CSV
    then gets no second header).
    """

    continues = False

    def __init__(self, destination: TextIO, *, tty: bool = False) -> None:
        super().__init__()
        self._destination = destination
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def commit(self) -> None:
        text = self.getvalue()
        if text:
            self.seek(0)
            self.truncate()
            self._write(text)

    def _write(self, text: str) -> None:
        encoding = getattr(self._destination, "encoding", None) or ENCODING
        if not text.isascii():
            text = text.encode(encoding, ERRORS).decode(encoding)
        self._destination.write(text)
        self._destination.flush()

    def finish(self) -> None:
        """The export is complete: make it visible under the requested name."""
        self.commit()

    def abort(self) -> None:
        """The export failed: leave the destination as the last whole page left it."""


class _NewFile(Sink):
    def __init__(self, target: Path) -> None:
        self._target = target
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self._part = Path(name)
        try:
            _chmod(fd, name, _mode_for(target))
            handle = open(fd, "w", encoding=ENCODING, errors=ERRORS, newline="")  # noqa: SIM115
        except BaseException:
            os.close(fd)
            self._part.unlink(missing_ok=True)
            raise
        super().__init__(handle)
        self._handle = handle

    def _write(self, text: str) -> None:
        self._handle.write(text)
        self._handle.flush()

    def finish(self) -> None:
        self.commit()
        self._handle.flush()
        os.fsync(self._handle.fileno())  # whole on disk before it has the real name
        self._handle.close()
        os.replace(self._part, self._target)

    def abort(self) -> None:
        self._handle.close()
        self._part.unlink(missing_ok=True)


class _Appending(Sink):
    def __init__(self, target: Path) -> None:
        existed = target.exists()
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        handle = open(fd, "w", encoding=ENCODING, errors=ERRORS, newline="")  # noqa: SIM115
        super().__init__(handle)
        self._handle = handle
        self._target = target
        self._created = not existed
        self._whole = os.fstat(fd).st_size  # the size after the last whole page
        self.continues = self._whole > 0
        if self.continues and not _ends_with_newline(target):
            self._write("\n")  # a hand-edited file missing its last line break

    def _write(self, text: str) -> None:
        self._handle.write(text)
        self._handle.flush()
        self._whole = os.fstat(self._handle.fileno()).st_size

    def finish(self) -> None:
        self.commit()
        self._handle.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()  # flushes what it can; cut back to the last whole page next
        os.truncate(self._target, self._whole)
        if self._created and self._whole == 0:
            self._target.unlink(missing_ok=True)


@contextlib.contextmanager
def open_output(
    path: str | None, *, append: bool = False, stdout: TextIO | None = None
) -> Iterator[Sink]:
    """stdout for None or "-"; otherwise a file, replaced when complete or appended to."""
    sink: Sink
    if path is None or path == "-":
        out = stdout if stdout is not None else sys.stdout
        sink = Sink(out, tty=_isatty(out))
    elif os.path.isdir(path):
        raise CliError(f"cannot write {path}: it is a directory", 2)
    else:
        try:
            sink = _Appending(Path(path)) if append else _NewFile(Path(path))
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror or exc}", 2) from None
    try:
        yield sink
        with deferred():
            sink.finish()
    except BaseException:
        with deferred():
            sink.abort()
        raise


def _mode_for(target: Path) -> int:
    """The permissions of the file being replaced, or what a new file would get."""
    try:
        status = os.stat(target)
    except OSError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        return stat.S_IMODE(status.st_mode)
    mask = os.umask(0o077)  # reading the umask means setting it; briefly the stricter one
    os.umask(mask)
    return 0o666 & ~mask


def _chmod(fd: int, name: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before 3.13
        os.chmod(name, mode)


def csv_header(path: str) -> list[str]:
    """The header row of a CSV file being appended to, so new rows line up with it."""
    try:
        with open(path, encoding=ENCODING, errors="replace", newline="") as handle:
            row = next(csv.reader(handle), None)
    except (OSError, csv.Error) as exc:
        raise CliError(f"cannot append to {path}: its header is unreadable ({exc})", 2) from None
    if not row:
        raise CliError(f"cannot append to {path}: its first line is not a CSV header", 2)
    return row


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
