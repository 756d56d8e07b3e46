"""Ctrl-C and `kill` end a command the same way: cleanup runs, one line says what happened.

Python turns SIGINT into KeyboardInterrupt but leaves SIGTERM deadly: `kill`, `timeout` and
container shutdowns would end an export with no message and its temporary file left
behind. Both signals here raise `Interrupted`, a KeyboardInterrupt, so every `finally`
and every `except KeyboardInterrupt` sees them alike.

Only the first signal interrupts. Every later one (Ctrl-C pressed twice, TERM then INT
from a supervisor) is noted and dropped: raising again in the middle of the cleanup or of
the error report would lose the count and the cursor that report exists to give, and a
default handler put back too early would end the process with -15 or a traceback.

While a page is being written (`deferred()`), signals wait until the page is complete,
however long a reader that stopped reading makes the write block (SIGKILL still ends it):
what reached the output is then always whole pages, so the cursor printed for resuming
is exact. Once the output is complete (`settled()`), a signal no longer changes the
outcome: the command reports what it finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

__all__ = [
    "Interrupted",
    "announcing",
    "deferred",
    "exit_code",
    "handling_signals",
    "settle",
    "settled",
]

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"interrupted ({signal.Signals(self.signum).name})"


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal number, the shell's convention: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


class _State:
    depth = 0  # nested deferred() blocks in progress
    pending: int | None = None  # a signal that arrived inside one, acted on at its end
    stopping: int | None = None  # the signal already raised: later ones are dropped
    settled = False  # the output is complete: signals no longer interrupt
    active = 0  # nested handling_signals() blocks
    owner = False  # the outermost one runs the process's own command
    stopping_note: str | None = None  # said when a signal interrupts (see `announcing`)
    waiting: str | None = None  # said for each signal after that

    @classmethod
    def reset(cls) -> None:
        cls.depth, cls.pending, cls.stopping = 0, None, None
        cls.settled = False


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _State.stopping is not None or _State.settled:
        _say(_State.waiting)  # already on the way out, or nothing left to interrupt
        return
    if _State.depth:
        if _State.pending is None:
            _State.pending = signum
        return
    _State.stopping = signum
    _say(_State.stopping_note)
    raise Interrupted(signum)


def _say(line: str | None) -> None:
    # os.write, not sys.stderr: the handler may run while the main thread is inside a
    # write to sys.stderr, and its buffer is not reentrant.
    if line:
        with contextlib.suppress(OSError):
            os.write(2, f"\n{line}\n".encode())


@contextlib.contextmanager
def announcing(stopping: str, waiting: str) -> Iterator[None]:
    """While the block runs, say `stopping` at once when a signal interrupts it, and
    `waiting` for each later one: a command that finishes what is in flight before it
    stops must not look hung, nor ignore a second Ctrl-C without a word."""
    _State.stopping_note, _State.waiting = stopping, waiting
    try:
        yield
    finally:
        _State.stopping_note = _State.waiting = None


def _raise_pending() -> None:
    signum, _State.pending = _State.pending, None
    if signum is not None and sys.exc_info()[1] is None:  # not while cleaning up a failure
        _State.stopping = signum
        raise Interrupted(signum)


def _left_failing() -> None:
    """A held block ends in a failure: that failure, not a held signal, is what it reports."""
    _State.depth -= 1
    if not _State.depth:
        _State.pending = None


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, then act on them.

    If the block fails, or runs while another failure is being cleaned up, that failure
    wins: the command is ending either way, and its message is the more useful one.
    """
    _State.depth += 1
    try:
        yield
    except BaseException:
        _left_failing()
        raise
    _State.depth -= 1
    if not _State.depth:
        _raise_pending()


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Hold signals while the finished output is made final (fsync, rename), then keep
    holding them for the rest of the command: the work is done, and saying "interrupted"
    about a complete file would send someone to redo it, or to resume from nothing.

    If making it final fails, the command fails as it would have anyway.
    """
    _State.depth += 1
    try:
        yield
    except BaseException:
        _left_failing()
        raise
    settle()  # before the block ends: no moment where a signal could still interrupt
    _State.depth -= 1
    _State.pending = None


def settle() -> None:
    """The command's outcome is decided (its output complete, or its failure caught): from
    now on a signal is dropped rather than raised into the report of that outcome."""
    _State.settled = True


@contextlib.contextmanager
def handling_signals(
    extra: Sequence[signal.Signals] = (), *, owns_process: bool = False
) -> Iterator[None]:
    """Route SIGINT and SIGTERM (and `extra`) to `Interrupted` for the duration.

    Only from the main thread (Python allows no other), and only where the signal still
    has its default disposition: a shell that started us with SIGINT ignored (`cmd &`) or
    a host application with its own handlers keeps its choice.

    Afterwards the previous handlers come back, except in a process of our own
    (`owns_process`: the `amperity` executable): there they are ignored until it exits,
    a moment later, so a late signal cannot turn the exit code and the line already
    printed (success, or the error with its cursor) into -15 or a traceback from the
    interpreter's shutdown.

    Nested inside another (a command adding `extra` signals of its own), it installs only
    what is not handled yet and shares the outer block's state.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (*HANDLED, *extra):
        current = signal.getsignal(signum)
        default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        if current is default:
            previous[signum] = current
            signal.signal(signum, _on_signal)
    outermost = not _State.active
    if outermost:
        _State.reset()
        _State.owner = owns_process
    _State.active += 1
    try:
        yield
    finally:
        _State.active -= 1
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_IGN if _State.owner else handler)
        if outermost:
            _State.reset()
            _State.owner = False
