"""A real signal reaching the thread that called `send_many` while records are in flight:
the first waits for them and the report is exact; a second stops waiting, and the report
leaves what was still in flight unsettled, and does not change afterwards."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx
import pytest

from tests.facade.test_streams import STREAM, Stream, client_for, records

SLOW = 30  # the record that takes a while to be answered


def slow_stream(delay: float, started: threading.Event) -> Stream:
    def answer(number: int, request: httpx.Request) -> httpx.Response:
        if b'"n":%d}' % SLOW in request.content:
            started.set()
            time.sleep(delay)
        return httpx.Response(202)

    return Stream(answer)


def interrupt_main_when(started: threading.Event, times: int, gap: float = 0.2) -> None:
    main = threading.main_thread().ident
    assert main is not None

    def fire() -> None:
        started.wait(10)
        time.sleep(0.1)
        for _ in range(times):
            signal.pthread_kill(main, signal.SIGINT)
            time.sleep(gap)

    threading.Thread(target=fire, daemon=True).start()


def stored_numbers(stream: Stream) -> list[int]:
    with stream.lock:
        return [body["n"] for _, body in stream.stored]


def send_until_interrupted(stream: Stream) -> Any:
    with client_for(stream) as client, pytest.raises(KeyboardInterrupt) as caught:
        client.streams.send_many(STREAM, records(100_000), concurrency=4)
    return caught.value.report


def test_one_signal_waits_for_the_records_in_flight_and_reports_exactly() -> None:
    started = threading.Event()
    stream = slow_stream(1.0, started)
    interrupt_main_when(started, times=1)
    report = send_until_interrupted(stream)
    stored = stored_numbers(stream)
    assert SLOW in stored  # waited for: it was in flight when the signal came
    assert len(stored) == len(set(stored)) == report.accepted_count
    # nothing in flight was left behind: everything sent is settled
    assert report.settled_through == report.sent and report.accepted_beyond == []
    assert report.in_flight == []
    assert sorted(stored) == [i for i in range(report.sent) if report.accepted(i)]


def test_a_second_signal_stops_waiting_and_the_report_stays_as_it_was() -> None:
    started = threading.Event()
    stream = slow_stream(1.5, started)
    interrupt_main_when(started, times=2)
    report = send_until_interrupted(stream)
    before = (report.accepted_count, report.settled_through, list(report.accepted_beyond))
    assert SLOW not in stored_numbers(stream)  # abandoned while still in flight
    assert report.settled_through <= SLOW and not report.accepted(SLOW)
    assert all(report.accepted(n) for n in stored_numbers(stream))
    time.sleep(1.8)  # the abandoned worker finishes and settles in the ledger, not here
    assert SLOW in stored_numbers(stream)
    assert (report.accepted_count, report.settled_through, report.accepted_beyond) == before
    # the abandoned record is named with the id it went out under, to resend it with
    (slow_id,) = [rid for rid, body in stream.stored if body["n"] == SLOW]
    assert [(f.index, f.request_id) for f in report.in_flight] == [(SLOW, slow_id)]
    assert "in flight" in str(report)
