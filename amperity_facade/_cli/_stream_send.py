"""`amperity streams send STREAM --file records.jsonl`: a file of records into a stream.

Built on `streams.send_many`, so concurrency, the stream's rate limit, retries with a stable
request id, and the exact report all come from the library. This module reads the input
(JSON Lines or CSV, a file or stdin) one record at a time, writes what the API refused to a
rejects file, and says how to resume: every record before `--skip K` is settled (accepted,
or in the rejects file), so rerunning with `--skip K` sends each remaining record once.

Lines that are not a JSON object never reach the API: they go to the rejects file as they
are read. Their positions are kept (only theirs) to map the library's record indexes back
to input record numbers, so memory stays flat however long the input.
"""

from __future__ import annotations

import bisect
import csv
import heapq
import json
import os
import stat
import sys
from argparse import Namespace
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any

from ..errors import SendError
from ._commands import open_client, say
from ._export import counted
from ._output import CliError
from ._signals import announcing, settle

INPUT_FORMATS = ("jsonl", "csv")
PROGRESS_EVERY = 1000
STOPPING = "stopping: waiting for the records in flight to be answered (a second signal is ignored)"
WAITING = "still waiting for the records in flight to be answered"


class Input:
    """Records read from the input, numbered from 1 over the whole input (skipped ones
    included), with the unusable ones set aside."""

    def __init__(self, handle: IO[bytes], fmt: str, skip: int, rejects: IO[str] | None) -> None:
        self.handle, self.fmt, self.skip, self.rejects = handle, fmt, skip, rejects
        self.bad: list[int] = []  # input numbers of lines that were not records
        self.progress = sys.stderr.isatty()
        self.rows = 0  # CSV rows read, skipped ones included

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rows = self._rows()
        for number, row in enumerate(rows, 1):
            if number <= self.skip:
                continue
            if self.progress and number % PROGRESS_EVERY == 0:
                sys.stderr.write(f"\rread {number:,} records")
                sys.stderr.flush()
            if isinstance(row, dict):
                yield row
            else:
                self.bad.append(number)
                self.reject(number, None, None, row[1], row[0])
        # Every record is handed out: what is left is answering those in flight, which a
        # signal would wait for anyway. From here the outcome is a complete send, and a
        # signal must not turn it into "interrupted", least of all in the instant between
        # the library's return and ours, where no report could say what was sent.
        settle()

    def _lines(self) -> Iterator[str | bytes]:
        """The input's lines, decoded; a line that is not UTF-8 stays bytes (a JSON Lines
        file rejects it like any line that is not a record)."""
        for n, raw in enumerate(self.handle):
            if not n:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield raw

    def _rows(self) -> Iterator[dict[str, Any] | tuple[str, str]]:
        if self.fmt == "csv":
            yield from self._csv_rows()
            return
        for line in self._lines():
            if isinstance(line, bytes):
                yield (line.strip().decode("utf-8", "replace"), "not UTF-8 text")
                continue
            text = line.strip()
            if not text:
                continue
            try:
                value = json.loads(text)
            except ValueError:
                yield (text, "not JSON")
                continue
            except RecursionError:
                yield (text[:200], "not JSON this program can read (nested too deeply)")
                continue
            yield value if isinstance(value, dict) else (text, "not a JSON object")

    def _csv_rows(self) -> Iterator[dict[str, Any] | tuple[str, str]]:
        """Each row under the header as an object of strings; a row with more or fewer
        fields than the header is set aside (no field is made up, none dropped)."""
        rows = csv.reader(self._csv_lines())
        header = next(rows, None)
        names = header or []
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # a row would keep one of the values and drop the other without a word
            raise CliError(f"the CSV header of --file names {', '.join(map(repr, twice))} twice", 1)
        for row in rows:
            if not row:  # a blank line
                continue
            self.rows += 1
            if header is not None and len(row) == len(header):
                yield dict(zip(header, row, strict=True))
            else:
                fields = len(header or ())
                has = counted(len(row), "field")
                yield (",".join(row), f"has {has}, the header has {fields}")

    def _csv_lines(self) -> Iterator[str]:
        """A CSV row can span lines, so a line that is not UTF-8 cannot be set aside alone:
        the send stops there, and says how far it got."""
        for number, line in enumerate(self._lines(), 1):
            if isinstance(line, bytes):
                raise CliError(
                    f"record {self.rows + 1:,} of --file (line {number:,}) is not UTF-8 text",
                    1,
                )
            yield line

    def number_of(self, index: int) -> int:
        """The input record number of the library's `index`-th record (0-based)."""
        # The k-th good record is number skip + k + 1 plus the bad lines before it.
        number = self.skip + index + 1
        while True:
            before = bisect.bisect_right(self.bad, number)
            candidate = self.skip + index + 1 + before
            if candidate == number:
                return number
            number = candidate

    def reject(
        self, number: int, request_id: str | None, status: int | None, why: str, record: Any
    ) -> None:
        if self.rejects is None:
            return
        line = {"record": number, "request_id": request_id, "status": status, "message": why}
        if record is not None:  # a line that was not a record: what it said
            line["line"] = record
        self.rejects.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.rejects.flush()


def _open_input(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CliError(f"cannot read --file {path}: {exc.strerror or exc}", 2) from None


def _open_rejects(path: str | None) -> IO[str] | None:
    if path is None:
        return None
    fd = -1
    try:  # rejected records are the caller's data, maybe personal: only they may read them
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode) and mode & 0o077:
            os.fchmod(fd, 0o600)  # an existing file others could read: not any more
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        raise CliError(f"cannot write --rejects {path}: {exc.strerror or exc}", 2) from None
    return os.fdopen(fd, "a", encoding="utf-8")


def _same_file(rejects: str, source: str) -> bool:
    """Whether --rejects is what --file reads: the same file, pipe or FIFO (checked before
    either is opened: opening a FIFO to write would wait for a reader that never comes)."""
    try:
        one = os.stat(rejects)
        other = os.fstat(sys.stdin.fileno()) if source == "-" else os.stat(source)
    except (OSError, ValueError):  # not there yet (a new rejects file), or no stdin
        return False
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def _format(args: Namespace) -> str:
    if args.input_format:
        return str(args.input_format)
    return "csv" if args.file.lower().endswith(".csv") else "jsonl"


def send(args: Namespace) -> int:
    """Send every record of --file; exit 1 if any was rejected."""
    fmt = _format(args)
    if args.rejects is not None and _same_file(args.rejects, args.file):
        raise CliError("--rejects names the --file being read: its lines would be read back", 2)
    rejects = _open_rejects(args.rejects)
    handle = _open_input(args.file)
    source = Input(handle, fmt, args.skip or 0, rejects)
    try:
        report = _send(args, source)
    except KeyboardInterrupt as exc:
        if not getattr(exc, "__notes__", None):  # before the first record: none was sent
            exc.add_note(f"no record was sent; rerun with --skip {source.skip}")
        raise
    finally:
        handle.close()
        if rejects is not None:
            rejects.close()
    if source.progress:
        sys.stderr.write("\r")
    say(_summary(args, source, report))
    return 1 if source.bad or report.rejected else 0


def _summary(args: Namespace, source: Input, report: Any) -> str:
    """`48 records accepted by is-...; 2 rejected (records 7, 20), written to r.jsonl`."""
    text = f"{counted(report.accepted_count, 'record')} accepted by {args.stream}"
    refused = len(source.bad) + len(report.rejected)
    if refused:
        numbers = [*source.bad, *(source.number_of(r.index) for r in report.rejected)]
        first = ", ".join(str(n) for n in heapq.nsmallest(5, numbers))
        text += f"; {refused:,} rejected ({'record' if refused == 1 else 'records'} {first}"
        text += ", ...)" if refused > 5 else ")"
        if args.rejects:
            text += f", written to {args.rejects}"
        else:
            text += "; --rejects FILE keeps each with its reason"
    if report.retried:
        text += f"; {counted(report.retried, 'retry', 'retries')}"
    return text


def _send(args: Namespace, source: Input) -> Any:
    with open_client(args) as client, announcing(STOPPING, WAITING):
        try:
            report = client.streams.send_many(
                args.stream, source, concurrency=args.concurrency, on_error="collect"
            )
        except BaseException as exc:
            partial = getattr(exc, "report", None)
            if partial is None:
                raise
            if isinstance(exc, SendError):  # collecting, so: refused credentials (401, 403)
                # Not these records' fault: the rerun sends them, and all after the first,
                # again; only the rejections before it are written to --rejects.
                status = exc.rejection.status
                unsent = min(r.index for r in partial.rejected if r.status == status)
                kept = replace(partial, rejected=[r for r in partial.rejected if r.index < unsent])
                _record_rejects(source, kept)
                note = _resume(source, partial, unsent, len(kept.rejected))
                raise _stopped(source, exc.rejection, note) from None
            _record_rejects(source, partial)
            # In input record numbers only: the library's note counts from 0 in this run.
            exc.__notes__ = [_resume(source, partial)]
            raise
        _record_rejects(source, report)
        return report


def _stopped(source: Input, first: Any, note: str) -> CliError:
    error = CliError(
        f"the API refused record {source.number_of(first.index):,} ({first.status}: "
        f"{first.message}) and would refuse every other: check the credentials and tenant",
        1,
    )
    error.add_note(note)
    return error


def _record_rejects(source: Input, report: Any) -> None:
    for rejection in report.rejected:
        message = rejection.message
        if rejection.may_have_arrived:  # resend it under this request id, not a new one
            message += " (it may have arrived: resend it with the same request_id)"
        number, request_id = source.number_of(rejection.index), rejection.request_id or None
        source.reject(number, request_id, rejection.status, message, None)


def _resume(
    source: Input, report: Any, unsettled: int | None = None, rejected: int | None = None
) -> str:
    """Where to resume: after the records settled, or before `unsettled` (the first index
    a rerun must send again) when given; records accepted beyond that point are named.
    `rejected` counts the rejections kept, when some are to be sent again."""
    settled = report.settled_through
    beyond = list(report.accepted_beyond)
    if unsettled is not None and unsettled < settled:
        beyond = [i for i in range(unsettled, settled) if report.accepted(i)] + beyond
        settled = unsettled
    skip = source.number_of(settled) - 1
    refused = len(source.bad) + (len(report.rejected) if rejected is None else rejected)
    text = f"this run: {report.accepted_count:,} accepted, {refused:,} rejected; "
    if skip:
        text += (
            f"records 1 to {skip:,} are settled (accepted or rejected): resume with --skip {skip}"
        )
    else:
        text += "no record is settled: rerun from the start"
    if beyond:
        later = ", ".join(str(source.number_of(i)) for i in beyond[:20])
        text += f" (records {later} were accepted too: a resumed run sends them again)"
    return text
