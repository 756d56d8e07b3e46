"""`send_many`: many records through one stream, concurrently, in constant memory, losing none.

Records are taken from the caller's iterable one at a time and at most `concurrency` are in
flight (threads for the sync client, tasks for the async one), so a generator of millions
keeps memory flat. Every record ends in exactly one of three places: accepted, rejected
(with its index, request id, status and message), or, when the run is interrupted, neither,
and then the report says so precisely: `settled_through` is the first index whose outcome
is unknown, everything below it is accepted unless listed as rejected, and
`accepted_beyond` lists the few accepted above it. A rerun skips `report.accepted(i)`,
and resends those of `in_flight` (in flight when it stopped waiting) under their ids.

The loops differ in their concurrency primitive, so they are written twice, here, rather
than generated: worker threads sharing one iterator are not a mechanical translation of
tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ._operations import Call
from .errors import (
    AmperityError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ConfigurationError,
    SendError,
)

OnError = Literal["raise", "collect"]


@dataclass(frozen=True)
class Job:
    """One record, checked and encoded: its index, the call that sends it, its request id."""

    index: int
    call: Call[Any]
    request_id: str


# Answers that every record would get (the credentials are refused): they stop a run
# whatever on_error says, rather than send a million records to a million 401s.
FATAL = frozenset({401, 403})

# Answers after which the record may still have been stored: no answer at all, or a server
# failure that says nothing of what happened before it (503 says it was not recorded).
UNKNOWN_FATE = frozenset({500, 502, 504})


@dataclass(frozen=True)
class Rejection:
    """A record the API refused (status), or that got no answer after every retry (None).

    `may_have_arrived` is True when the last attempt cannot tell (a lost connection, a
    timeout, a 500/502/504): resend such a record with `send(..., request_id=request_id)`,
    so a copy that did arrive carries the same id downstream instead of a second one.
    """

    index: int
    request_id: str
    status: int | None
    message: str
    may_have_arrived: bool = False


@dataclass(frozen=True)
class InFlight:
    """A record still in flight when `send_many` stopped waiting (a second Ctrl-C, or a
    cancellation): it may have arrived. Resend it with `send(..., request_id=request_id)`."""

    index: int
    request_id: str


@dataclass
class SendReport:
    """What `send_many` did; complete when it returns, exact when it is interrupted.

    sent: records sent to the API (one refused before sending is only in `rejected`).
    accepted_count: records the API accepted (202: durably queued).
    rejected: a `Rejection` for each record refused, by the API or before sending, by index.
    retried: retries made, over all records.
    settled_through: every record with an index below it is settled: accepted unless in
        `rejected`. Indexes count the records of the iterable from 0.
    accepted_beyond: records at or above `settled_through` known to be accepted.
    interrupted: the run ended early (a signal, a cancellation, the iterable raising).
    in_flight: records in flight when it stopped waiting for them (a second Ctrl-C, a
        cancellation): they may have arrived; resend them under their request ids.
    """

    sent: int = 0
    accepted_count: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    retried: int = 0
    settled_through: int = 0
    accepted_beyond: list[int] = field(default_factory=list)
    interrupted: bool = False
    in_flight: list[InFlight] = field(default_factory=list)

    def accepted(self, index: int) -> bool:
        """Whether record `index` is known to be accepted (a rerun may skip it)."""
        if index >= self.settled_through:
            return index in self.accepted_beyond
        return all(r.index != index for r in self.rejected)

    def __str__(self) -> str:
        text = (
            f"{self.sent:,} sent, {self.accepted_count:,} accepted, "
            f"{len(self.rejected):,} rejected, {self.retried:,} retries"
        )
        if self.interrupted:
            text += f"; interrupted: records from {self.settled_through:,} on are unsettled"
            if self.accepted_beyond:
                text += f" except {len(self.accepted_beyond)} accepted"
            if self.in_flight:
                text += (
                    f"; {len(self.in_flight)} were in flight and may have arrived "
                    "(resend them with their request ids)"
                )
        return text


MAX_CONCURRENCY = 256


def check_concurrency(concurrency: object) -> int:
    if (
        isinstance(concurrency, bool)
        or not isinstance(concurrency, int)
        or not 1 <= concurrency <= MAX_CONCURRENCY
    ):
        raise ConfigurationError(
            f"concurrency must be an integer from 1 to {MAX_CONCURRENCY}, got {concurrency!r}"
        )
    return concurrency


def check_on_error(on_error: object) -> OnError:
    if on_error not in ("raise", "collect"):
        raise ConfigurationError(f"on_error must be 'raise' or 'collect', got {on_error!r}")
    return on_error


class Ledger:
    """The report's bookkeeping: which indexes are settled, in bounded memory."""

    def __init__(self, on_error: OnError) -> None:
        self.report = SendReport()
        self.on_error = on_error
        self._above: set[int] = set()  # settled indexes above the watermark
        self.failure: Rejection | None = None  # the rejection that stops the run

    def refused(self, index: int, error: ConfigurationError) -> None:
        """A record refused before any request (not an object, too large, ...): rejected,
        not sent."""
        self._settle(index, "", error)

    def settled(self, job: Job, error: BaseException | None) -> None:
        tally = job.call.tally
        if tally is not None:
            self.report.retried += tally.retries
        self._settle(job.index, job.request_id, error)

    def _settle(self, index: int, request_id: str, error: BaseException | None) -> None:
        report = self.report
        if error is None:
            report.accepted_count += 1
        else:
            rejection = _rejection(index, request_id, error)
            report.rejected.append(rejection)
            if self.failure is None and (self.on_error == "raise" or rejection.status in FATAL):
                self.failure = rejection
        self._above.add(index)
        while report.settled_through in self._above:
            self._above.discard(report.settled_through)
            report.settled_through += 1

    def _accepted_beyond(self) -> list[int]:
        """The settled indexes above the watermark that were not rejected."""
        rejected = {r.index for r in self.report.rejected if r.index in self._above}
        return sorted(self._above - rejected)

    @property
    def stopping(self) -> bool:
        return self.failure is not None

    def finish(self) -> SendReport:
        report = self.report
        report.rejected.sort(key=lambda r: r.index)
        report.accepted_beyond = self._accepted_beyond()
        failure = self.failure
        if failure is not None:
            why = f"{failure.status}: {failure.message}" if failure.status else failure.message
            stop = "the API refuses these credentials" if failure.status in FATAL else "stopped"
            raise SendError(
                f"the record at index {failure.index} (counting from 0) was rejected ({why}); "
                f"{stop}: {report}",
                report,
                failure,
            )
        return report

    def interrupted(self, exc: BaseException, in_flight: Iterable[Job] = ()) -> BaseException:
        """`exc` carrying a copy of the report as it stands: a worker abandoned by a second
        signal may still settle a record, and must not change a report being read."""
        report = replace(
            self.report,
            rejected=sorted(self.report.rejected, key=lambda r: r.index),
            accepted_beyond=self._accepted_beyond(),
            interrupted=True,
            in_flight=[InFlight(j.index, j.request_id) for j in sorted(in_flight, key=_index)],
        )
        exc.report = report  # type: ignore[attr-defined]
        exc.add_note(f"send_many: {report}")
        return exc


def _index(job: Job) -> int:
    return job.index


def _rejection(index: int, request_id: str, error: BaseException) -> Rejection:
    if isinstance(error, APIStatusError):
        unknown = error.status_code in UNKNOWN_FATE
        return Rejection(index, request_id, error.status_code, error.message[:300], unknown)
    if isinstance(error, APIConnectionError):
        return Rejection(index, request_id, None, str(error)[:300], True)
    if isinstance(error, APIResponseValidationError):  # a 2xx we could not read: it arrived
        return Rejection(index, request_id, error.status_code, str(error)[:300], True)
    if isinstance(error, AmperityError):  # refused before sending (ConfigurationError)
        return Rejection(index, request_id, None, str(error)[:300])
    return Rejection(index, request_id, None, f"{type(error).__name__}: {error}"[:300], True)


def send_all(
    records: Iterable[Any],
    prepare: Callable[[int, Any], Job],
    send: Callable[[Job], Any],
    concurrency: int,
    on_error: OnError,
) -> SendReport:
    """The sync loop: `concurrency` worker threads, each taking the next record when it is
    free, so at most that many are in flight and no record waits in a hand-off.

    The workers read the iterable one record at a time under a lock (it need not be
    thread-safe). The calling thread only waits, on a condition rather than `Thread.join`:
    on Python 3.11 a join interrupted by a signal marks a thread that is still sending as
    finished, and a report made then would miss its record. A Ctrl-C or a signal turned
    into an exception stops the workers taking records and waits for those in flight; a
    second one stops waiting, and the report leaves the records still in flight unsettled.
    """
    ledger = Ledger(on_error)
    state = _Workers(enumerate(records), prepare, ledger)

    def work() -> None:
        with state.lock:
            state.live += 1
        try:
            while (job := state.next_job()) is not None:
                error: BaseException | None = None
                try:
                    send(job)
                except BaseException as exc:  # the record's outcome, whatever it is
                    error = exc
                with state.lock:
                    del state.running[job.index]
                    ledger.settled(job, error)
        finally:
            with state.lock:
                state.done = True
                state.live -= 1
                state.lock.notify_all()

    try:
        for n in range(concurrency):
            threading.Thread(target=work, name=f"amperity-send-{n}", daemon=True).start()
        with state.lock:
            while not state.done or state.live:
                state.lock.wait()
    except BaseException as exc:  # Ctrl-C, SIGTERM turned into an exception: drain, report
        with state.lock:
            state.done = True  # workers not yet started will take nothing
        with contextlib.suppress(BaseException), state.lock:  # a second one: stop waiting
            while state.live:
                state.lock.wait()
        with state.lock:
            raise ledger.interrupted(exc, state.running.values()) from None
    if state.broken is not None:
        raise ledger.interrupted(state.broken) from None
    return ledger.finish()


class _Workers:
    """What the sync workers share: the records, under one lock, and whether to go on.
    `done` is set by the first worker that finds nothing more to take, and then nobody
    takes another record (an iterator may yield again after StopIteration: a growing file)."""

    def __init__(
        self,
        source: Iterator[tuple[int, Any]],
        prepare: Callable[[int, Any], Job],
        ledger: Ledger,
    ) -> None:
        self.source, self.prepare, self.ledger = source, prepare, ledger
        self.lock = threading.Condition()
        self.live = 0  # workers between their start and their end
        self.running: dict[int, Job] = {}  # taken, not yet settled
        self.done = False
        self.broken: BaseException | None = None  # what reading or preparing raised

    def next_job(self) -> Job | None:
        with self.lock:
            while not self.done and not self.ledger.stopping:
                try:
                    index, record = next(self.source)
                except StopIteration:
                    break
                except BaseException as exc:
                    self.broken = exc
                    break
                try:
                    job = self.prepare(index, record)
                except ConfigurationError as exc:
                    self.ledger.refused(index, exc)
                    continue
                except BaseException as exc:  # raised to the caller, with the report
                    self.broken = exc
                    break
                self.ledger.report.sent += 1
                self.running[index] = job
                return job
            self.done = True
            return None


async def _numbered(
    records: Iterable[Any] | AsyncIterable[Any],
) -> AsyncGenerator[tuple[int, Any], None]:
    if isinstance(records, AsyncIterable):
        index = 0
        async for record in records:
            yield index, record
            index += 1
    else:
        for numbered in enumerate(records):
            yield numbered


async def send_all_async(
    records: Iterable[Any] | AsyncIterable[Any],
    prepare: Callable[[int, Any], Job],
    send: Callable[[Job], Awaitable[Any]],
    concurrency: int,
    on_error: OnError,
) -> SendReport:
    """The async loop: tasks, at most `concurrency` in flight. On cancellation the records
    in flight are cancelled too and stay unsettled in the report (their fate is unknown);
    when the records' iterable or their preparation fails, those in flight finish first."""
    ledger = Ledger(on_error)
    pending: dict[asyncio.Task[Any], Job] = {}

    def settle(done: Iterable[asyncio.Task[Any]]) -> None:
        for task in done:
            job = pending.pop(task)
            if not task.cancelled():
                ledger.settled(job, task.exception())

    numbered = _numbered(records)
    try:
        async for index, record in numbered:
            if ledger.stopping:
                break
            try:
                job = prepare(index, record)
            except ConfigurationError as exc:
                ledger.refused(index, exc)
                continue
            while len(pending) >= concurrency:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                settle(done)
            if ledger.stopping:  # decided while this one waited for a slot: not sent
                break
            ledger.report.sent += 1
            pending[asyncio.ensure_future(send(job))] = job
        await numbered.aclose()  # ours, closed now rather than by the loop's finalizer
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            settle(done)
    except BaseException as exc:
        if isinstance(exc, Exception) and pending:  # not a cancellation: let them finish
            with contextlib.suppress(BaseException):  # unless one comes now
                await asyncio.wait(pending)
        settle([t for t in pending if t.done()])
        for task in pending:
            task.cancel()
        raise ledger.interrupted(exc, pending.values()) from None
    return ledger.finish()
