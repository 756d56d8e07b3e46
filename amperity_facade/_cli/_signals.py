"""Ctrl-C and `kill` end a command the same way: cleanup runs, one line says what happened.

Python turns SIGINT into KeyboardInterrupt but leaves SIGTERM deadly: `kill`, `timeout` and
container shutdowns would end an export with no message and its temporary file left
behind. Both signals here raise `Interrupted`, a KeyboardInterrupt, so every `finally`
and every `except KeyboardInterrupt` sees them alike.

While a page is being written (`deferred()`), a signal waits until the page is complete:
what reached the output is then always whole pages, so the cursor printed for resuming
is exact. A second signal during the wait does not wait.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Interrupted", "deferred", "exit_code", "handling_signals"]

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
    pending: int | None = None  # a signal that arrived inside one


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _State.depth and _State.pending is None:
        _State.pending = signum
        return
    raise Interrupted(signum)


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
        _State.depth -= 1
        if not _State.depth:
            _State.pending = None
        raise
    _State.depth -= 1
    if _State.depth or _State.pending is None:
        return
    signum, _State.pending = _State.pending, None
    if sys.exc_info()[1] is None:  # not while cleaning up after another failure
        raise Interrupted(signum)


@contextlib.contextmanager
def handling_signals() -> Iterator[None]:
    """Route SIGINT and SIGTERM to `Interrupted` for the duration, then restore them.

    Only from the main thread (Python allows no other), and only where the signal still
    has its default disposition: a shell that started us with SIGINT ignored (`cmd &`) or
    a host application with its own handlers keeps its choice.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    previous = {}
    for signum in HANDLED:
        current = signal.getsignal(signum)
        if current is defaults[signum]:
            previous[signum] = current
            signal.signal(signum, _on_signal)
    _State.depth, _State.pending = 0, None
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _State.depth, _State.pending = 0, None
