"""Where output goes: stdout, a file that appears only when whole, or a file being added to.

Writers render into a `Sink` (an in-memory buffer) and the export moves it to the
destination one page at a time, with signals held off meanwhile (`_signals.deferred`).
So a destination only ever receives whole pages, and a failure can say exactly how far
it got and where to resume. Streams (stdout, a FIFO) get the page's bytes with `os.write`
until every byte is out: a text stream over an unbuffered one (PYTHONUNBUFFERED) drops
the rest of a write a signal cut short, which would tear the page.

A new or replaced regular file is written under a unique temporary name next to the
target, created exclusively (never an existing file or a planted symlink), and renamed
over the target only once complete: a half-written export never passes for a whole one,
and two exports to one path cannot interleave (the last to finish wins, whole). The
result keeps the permission bits (never setuid, setgid or sticky) of the file it
replaces, or gets the umask's for a new file. A target that is a symlink is followed, as
the shell's `>` does: what it points at is replaced and the link stays. A FIFO, a
terminal or a device is not a file to replace: it is written in place, like stdout.

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
from ._signals import deferred, settled

ENCODING = "utf-8"
ERRORS = "backslashreplace"


class Sink(io.StringIO):
    """An in-memory page that `commit()` moves to the destination in one piece.

    `isatty()` answers for the destination, so writers size tables for the real terminal.
    `continues` is true when appending to a file that already holds something (a CSV
    then gets no second header). `keeps` is true when what was committed stays whatever
    happens next (a stream, an appended file), so a failure can offer to resume.
    """

    continues = False
    keeps = True

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
        fd = _fileno(self._destination)
        if fd is None:  # an in-memory stream (a test's capture): no partial writes there
            if not text.isascii():
                text = text.encode(encoding, ERRORS).decode(encoding)
            self._destination.write(text)
            self._destination.flush()
            return
        self._destination.flush()  # anything printed before goes first
        write_all(fd, text.encode(encoding, ERRORS))

    def finish(self) -> None:
        """The export is complete: make it visible under the requested name."""
        self.commit()

    def abort(self) -> None:
        """The export failed: leave the destination as the last whole page left it."""


def _fileno(stream: TextIO) -> int | None:
    if os.name == "nt":  # keep the console's own newline and encoding handling
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def write_all(fd: int, data: bytes) -> None:
    """Every byte, however many writes it takes: a pipe whose reader is slow (or a
    signal) can cut a write short, and the rest must still go out, in order."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _InPlace(Sink):
    """A FIFO, a terminal, a device: opened and written like stdout, never replaced."""

    def __init__(self, target: str, *, append: bool) -> None:
        fd = os.open(target, os.O_WRONLY | (os.O_APPEND if append else 0))
        stream = open(fd, "w", encoding=ENCODING, errors=ERRORS, newline="")  # noqa: SIM115
        super().__init__(stream, tty=os.isatty(fd))
        self._stream = stream

    def finish(self) -> None:
        self.commit()
        self._stream.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.close()


class _NewFile(Sink):
    keeps = False

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
    path: str | None, *, append: bool = False, stdout: TextIO | None = None, last: bool = False
) -> Iterator[Sink]:
    """stdout for None or "-"; otherwise a file, replaced when complete or appended to.

    `last`: writing this output is the command's last act, so once it is complete a
    signal no longer makes the command fail (`_signals.settled`).
    """
    sink: Sink
    if path is None or path == "-":
        out = stdout if stdout is not None else sys.stdout
        sink = Sink(out, tty=_isatty(out))
    else:
        sink = _open_path(path, append=append)
    try:
        yield sink
        with settled() if last else deferred():
            sink.finish()
    except BaseException:
        with deferred():
            sink.abort()
        raise


def _open_path(path: str, *, append: bool) -> Sink:
    try:
        status: os.stat_result | None = os.stat(path)  # through a symlink, as `>` goes
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", 2) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise CliError(f"cannot write {path}: it is a directory", 2)
    # A symlink is replaced where it points (even dangling: `>` creates its target).
    target = Path(os.path.realpath(path) if os.path.islink(path) else path)
    try:
        if status is not None and not stat.S_ISREG(status.st_mode):
            return _InPlace(path, append=append)
        return _Appending(target) if append else _NewFile(target)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", 2) from None


def is_regular_file(path: str) -> bool:
    """An existing regular file (through symlinks): what an export would replace."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _mode_for(target: Path) -> int:
    """The permission bits of the file being replaced, or what a new file would get.

    Only the permission bits: setuid, setgid or sticky on an export would be a gift to
    whoever planted them on the file it replaces."""
    try:
        status = os.stat(target)
    except OSError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        return status.st_mode & 0o777
    mask = os.umask(0o077)  # reading the umask means setting it; briefly the stricter one
    os.umask(mask)
    return 0o666 & ~mask


def _chmod(fd: int, name: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before 3.13
        os.chmod(name, mode)


def csv_header(path: str) -> list[str]:
    """The header row of a CSV file being appended to, so new rows line up with it.

    Read as `utf-8-sig`: a file saved by Excel ("CSV UTF-8") starts with a byte order
    mark, which would otherwise become part of the first column's name."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
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
