"""The signal plumbing on its own: a page being written is finished before a signal acts."""

from __future__ import annotations

import signal

import pytest

from amperity_facade._cli._signals import Interrupted, deferred, exit_code, handling_signals


def test_a_signal_waits_for_the_page_being_written() -> None:
    written = []
    with pytest.raises(Interrupted) as caught, handling_signals():
        with deferred():
            signal.raise_signal(signal.SIGTERM)
            written.append("the rest of the page")
        written.append("never")
    assert written == ["the rest of the page"]
    assert caught.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back


def test_a_second_signal_also_waits_for_the_page() -> None:
    # Raising inside the write would tear the page and lose the exact cursor (issue 10,
    # second review): the page is finished, then the first signal acts.
    written = []
    with pytest.raises(Interrupted) as caught, handling_signals(), deferred():
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGINT)
        written.append("the rest of the page")
    assert written == ["the rest of the page"]
    assert caught.value.signum == signal.SIGTERM


def test_exit_codes_follow_the_shell_convention() -> None:
    assert exit_code(Interrupted(signal.SIGTERM)) == 143
    assert exit_code(Interrupted(signal.SIGINT)) == 130
    assert exit_code(KeyboardInterrupt()) == 130


def test_an_ignored_signal_stays_ignored() -> None:
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with handling_signals():
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)
