"""Issue 10, hostile review B: signals at the worst moments.

A reader that stopped reading (stdout blocked mid-page), two signals a few milliseconds
apart, a signal during the error report, and one while the finished file is being made
final. Each must leave whole pages, an exact count and cursor, one error line and the
shell's exit code.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from amperity_facade import Amperity
from amperity_facade._cli import _sink
from amperity_facade._cli._signals import Interrupted, deferred, handling_signals
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import SMALL, Run, process_env

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes via Linux fcntl")

BIG_WINDOW = ("--from", "2020-01-01", "--to", "2026-11-01", "--limit", "1000")
SMALL_WINDOW = ("--from", "2026-10-01", "--to", "2026-11-02", "--limit", "25")
CURSOR = r"resume with --next-token (\S+)"


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def command(fake: FakeAmperity, *argv: str) -> tuple[list[str], dict[str, str]]:
    env = process_env(
        AMPERITY_TENANT=fake.tenant,
        AMPERITY_TOKEN=fake.token,
        AMPERITY_BASE_URL=fake.base_url,
        # An unbuffered stdout is where a cut-short write used to lose the page's rest.
        PYTHONUNBUFFERED="1",
    )
    return [sys.executable, "-m", "amperity_facade", "audit-events", "list", *argv], env


@pytest.fixture(scope="module")
def big_fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(audit_events=3000) as fake:  # pages of ~460 kB: far over a pipe
        yield fake


def every_id(fake: FakeAmperity) -> list[str]:
    with Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url) as client:
        events = client.audit_events.list(
            happened_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            happened_to=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            limit=1000,
        )
        return [event["event_id"] for event in events.as_dicts()]


def pipe_is_full(read_end: int) -> bool:
    waiting = bytearray(4)
    fcntl.ioctl(read_end, termios.FIONREAD, waiting)
    return int.from_bytes(waiting, sys.byteorder) >= fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ)


@pytest.mark.parametrize(
    "signals",
    [("SIGTERM",), ("SIGINT",), ("SIGTERM", "SIGINT")],
    ids=["term", "int", "term-then-int"],
)
def test_review_issue10_signal_while_stdout_is_blocked_keeps_pages_whole(
    big_fake: FakeAmperity, signals: tuple[str, ...]
) -> None:
    """The reader stops; the export blocks mid-page; the signal must wait for the page."""
    argv, env = command(big_fake, *BIG_WINDOW)
    read_end, write_end = os.pipe()
    process = subprocess.Popen(argv, env=env, stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    try:
        wait_for(lambda: pipe_is_full(read_end))  # blocked in the middle of page 1
        for name in signals:
            process.send_signal(getattr(signal, name))
            time.sleep(0.05)
        time.sleep(0.3)
        assert process.poll() is None, "the page being written was abandoned"
        received = bytearray()

        def drain() -> None:
            while chunk := os.read(read_end, 1 << 20):
                received.extend(chunk)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        _, err = process.communicate(timeout=60)
        reader.join(timeout=60)
    finally:
        os.close(read_end)
        if process.poll() is None:
            process.kill()
    first = signal.Signals[signals[0]]
    assert process.returncode == 128 + first
    text = err.decode()
    found = re.fullmatch(
        rf"error: interrupted \({first.name}\); wrote ([\d,]+) audit events \(\d+ pages?\) "
        rf"to stdout; {CURSOR}\n",
        text,
    )
    assert found, text
    data = received.decode()
    assert data.endswith("\n"), f"torn last line: {data[-60:]!r}"
    head = [json.loads(line)["event_id"] for line in data.splitlines()]
    assert len(head) == int(found[1].replace(",", ""))

    rest = subprocess.run(
        [*argv, "--next-token", found[2]], env=env, capture_output=True, text=True, timeout=120
    )
    assert rest.returncode == 0, rest.stderr
    tail = [json.loads(line)["event_id"] for line in rest.stdout.splitlines()]
    assert head + tail == every_id(big_fake)  # every item exactly once, in order


@pytest.fixture
def own_fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(**SMALL) as fake:
        yield fake


@pytest.mark.parametrize("second", ["SIGINT", "SIGTERM"])
def test_review_issue10_a_second_signal_during_the_report_changes_nothing(
    own_fake: FakeAmperity, tmp_path: Path, second: str
) -> None:
    """The second signal lands as the error line is printed, while the process is ending."""
    own_fake.inject(Fault("slow", delay=5, operation="list-events", request_number=3))
    target = tmp_path / "events.jsonl"
    argv, env = command(own_fake, *SMALL_WINDOW, "-o", str(target), "--append")
    process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        wait_for(lambda: own_fake.count("list-events") == 3)
        process.send_signal(signal.SIGTERM)
        line = process.stderr.readline()
        process.send_signal(getattr(signal, second))  # at once, while it shuts down
        rest = process.stderr.read()
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, (line, rest)
    assert rest == ""
    assert re.fullmatch(
        rf"error: interrupted \(SIGTERM\); wrote 50 audit events \(2 pages\) to "
        rf"{re.escape(str(target))}; {CURSOR} --append\n",
        line,
    )
    assert len(target.read_text().splitlines()) == 50


def test_review_issue10_signals_after_the_first_are_dropped() -> None:
    caught = []
    with handling_signals():
        try:
            signal.raise_signal(signal.SIGTERM)
        except Interrupted as exc:
            caught.append(exc.signum)
            signal.raise_signal(signal.SIGINT)  # during the cleanup and the report
            signal.raise_signal(signal.SIGTERM)
            with deferred():
                signal.raise_signal(signal.SIGINT)
    assert caught == [signal.SIGTERM]


def test_review_issue10_a_signal_while_the_error_line_is_built_still_prints_it(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amperity_facade import _cli

    real = _cli._scrub

    def scrub_then_signal(text: str) -> str:
        signal.raise_signal(signal.SIGINT)  # Ctrl-C again while the first is reported
        return real(text)

    monkeypatch.setattr(_cli, "_scrub", scrub_then_signal)
    fake.inject(Fault("status", status=404, operation="list-events", request_number=3))
    result = run("audit-events", "list", *SMALL_WINDOW)
    assert result.code == 1
    assert re.fullmatch(
        rf"error: 404 .*; wrote 50 audit events \(2 pages\) to stdout; {CURSOR}\n", result.err
    )


def _signal_first(real: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        signal.raise_signal(signal.SIGINT)  # lands while the complete file is made final
        return real(*args)

    return call


def test_review_issue10_signal_during_fsync_of_a_complete_file_is_success(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sink.os, "fsync", _signal_first(os.fsync))
    target = tmp_path / "events.jsonl"
    result = run("audit-events", "list", *SMALL_WINDOW, "-o", str(target))
    assert result.code == 0, result.err
    assert result.err == f"wrote 120 audit events (5 pages) to {target}\n"
    assert len(target.read_text().splitlines()) == 120


def test_review_issue10_signal_while_an_appended_file_is_finished_is_success(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sink._Appending, "finish", _signal_first(_sink._Appending.finish))
    target = tmp_path / "events.jsonl"
    result = run("audit-events", "list", *SMALL_WINDOW, "-o", str(target), "--append")
    assert result.code == 0, result.err
    assert result.err == f"wrote 120 audit events (5 pages) to {target}\n"
    assert len(target.read_text().splitlines()) == 120
