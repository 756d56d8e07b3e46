"""Streaming Ingest and Real-Time events through the facade (httpx.MockTransport): what is
sent, what is refused before sending, what is retried with which request id, and what
send_many reports, sync and async."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade.errors import SendError
from tests.facade.conftest import FAST, TOKEN

STREAM = "is-a1b2c3d4"


class Stream:
    """A scripted stream endpoint: records what it stored per request id."""

    def __init__(self, answer: Callable[[int, httpx.Request], httpx.Response] | None = None):
        self.requests: list[httpx.Request] = []
        self.stored: list[tuple[str, Any]] = []
        self.answer = answer
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
            number = len(self.requests)
        if self.answer is not None:
            response = self.answer(number, request)
            if response.status_code != 202:
                return response
        rid = request.headers.get("x-request-id", "generated")
        is_json = request.headers.get("content-type") == "application/json"
        with self.lock:
            self.stored.append((rid, json.loads(request.content) if is_json else request.content))
        return httpx.Response(202, headers={"x-request-id": rid})


def client_for(stream: Stream, **kwargs: Any) -> Amperity:
    kwargs.setdefault("retry_policy", FAST)
    kwargs.setdefault("streaming_rate_limit", None)
    return Amperity(tenant="acme", token=TOKEN, transport=httpx.MockTransport(stream), **kwargs)


def async_client_for(stream: Stream, **kwargs: Any) -> AsyncAmperity:
    kwargs.setdefault("retry_policy", FAST)
    kwargs.setdefault("streaming_rate_limit", None)
    return AsyncAmperity(
        tenant="acme", token=TOKEN, transport=httpx.MockTransport(stream), **kwargs
    )


def test_send_posts_one_object_with_the_streaming_headers() -> None:
    stream = Stream()
    with client_for(stream) as client:
        receipt = client.streams.send(STREAM, {"order_id": "o-1", "amount": 12.5, "é": [1, None]})
    (request,) = stream.requests
    assert request.url == "https://acme.amperity.com/stream/v0/data/is-a1b2c3d4"
    assert request.headers["x-amperity-tenant"] == "acme"
    assert "api-version" not in request.headers and "amperity-tenant" not in request.headers
    assert request.headers["content-type"] == "application/json"
    assert int(request.headers["content-length"]) == len(request.content)
    assert json.loads(request.content) == {"order_id": "o-1", "amount": 12.5, "é": [1, None]}
    uuid.UUID(request.headers["x-request-id"])
    assert receipt.request_id == request.headers["x-request-id"] and receipt.status == 202


def test_send_takes_an_xml_document_and_a_request_id() -> None:
    stream = Stream(lambda n, r: httpx.Response(202, headers={"x-request-id": "mine-1"}))
    with client_for(stream) as client:
        receipt = client.streams.send(STREAM, "<order id='1'/>", request_id="mine-1")
    assert stream.requests[0].headers["content-type"] == "application/xml"
    assert receipt.request_id == "mine-1"


@pytest.mark.parametrize(
    "record, problem",
    [
        ([{"a": 1}], "not a list"),
        ((1, 2), "not a tuple"),
        ({"a": {"b": [1, {2}]}}, r"a\.b\[1\] is a set"),
        ({"when": object()}, "when is a object"),
        ({"x": float("nan")}, "x is nan"),
        ({1: "x"}, "key of type int"),
        ({"name": "a\ud800"}, "name holds a lone surrogate"),
        ("plain text", "XML document"),
        (42, "not int"),
        ({}, None),  # an empty object is a valid record
    ],
)
def test_bad_records_are_refused_before_sending(record: Any, problem: str | None) -> None:
    stream = Stream()
    with client_for(stream) as client:
        if problem is None:
            client.streams.send(STREAM, record)
            assert len(stream.requests) == 1
            return
        with pytest.raises(errors.ConfigurationError, match=problem):
            client.streams.send(STREAM, record)
    assert stream.requests == []


def test_a_record_over_the_limit_is_refused_before_sending() -> None:
    stream = Stream()
    with client_for(stream, max_stream_bytes=100) as client:
        client.streams.send(STREAM, {"x": "y" * 80})
        with pytest.raises(errors.ConfigurationError, match="over the limit of 100"):
            client.streams.send(STREAM, {"x": "y" * 100})
    assert len(stream.requests) == 1


@pytest.mark.parametrize(
    "stream_id", ["a1b2", "is-", "is-a/b", "is-a b", "", None, "is-a" + "x" * 200]
)
def test_malformed_stream_ids_are_refused(stream_id: Any) -> None:
    stream = Stream()
    with client_for(stream) as client, pytest.raises(errors.ConfigurationError, match="stream"):
        client.streams.send(stream_id, {"a": 1})
    assert stream.requests == []


@pytest.mark.parametrize("status", [429, 500, 503, 504])
def test_retryable_answers_are_retried_with_the_same_request_id(status: int) -> None:
    stream = Stream(lambda n, r: httpx.Response(status) if n < 3 else httpx.Response(202))
    with client_for(stream) as client:
        client.streams.send(STREAM, {"a": 1})
    ids = {r.headers["x-request-id"] for r in stream.requests}
    assert len(stream.requests) == 3 and len(ids) == 1
    assert len(stream.stored) == 1


def test_a_lost_connection_is_retried_with_the_same_request_id() -> None:
    def answer(n: int, request: httpx.Request) -> httpx.Response:
        if n == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(202)

    stream = Stream(answer)
    with client_for(stream) as client:
        client.streams.send(STREAM, {"a": 1})
    assert len({r.headers["x-request-id"] for r in stream.requests}) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_refusals_are_not_retried_and_carry_no_record(status: int) -> None:
    secret = "customer-secret-value@example.com"
    stream = Stream(lambda n, r: httpx.Response(status, json={"message": "no"}))
    with client_for(stream) as client, pytest.raises(errors.APIStatusError) as caught:
        client.streams.send(STREAM, {"email": secret})
    assert len(stream.requests) == 1 and caught.value.status_code == status
    assert caught.value.response.request.content == b""
    assert secret not in repr(caught.value.response.request.__dict__)


def test_send_event_accepted_dropped_and_not_accepting() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return {
            "/prof/events/esm-open": httpx.Response(202),
            "/prof/events/esm-drop": httpx.Response(204),
            "/prof/events/esm-closed": httpx.Response(
                409, json={"error": "closed", "message": "no"}
            ),
        }[request.url.path]

    with Amperity(tenant="acme", token=TOKEN, transport=httpx.MockTransport(answer)) as client:
        assert client.realtime.send_event("esm-open", {"type": "view"}) == "accepted"
        assert client.realtime.send_event("esm-drop", {"type": "view"}) == "dropped"
        with pytest.raises(errors.ConflictError):
            client.realtime.send_event("esm-closed", {"type": "view"})
        with pytest.raises(errors.ConfigurationError, match="65,536"):
            client.realtime.send_event("esm-open", {"blob": "x" * 70_000})
        with pytest.raises(errors.ConfigurationError, match="one JSON object"):
            client.realtime.send_event("esm-open", [{"type": "view"}])  # type: ignore[arg-type]


def records(count: int, consumed: list[int] | None = None) -> Iterator[dict[str, int]]:
    for index in range(count):
        if consumed is not None:
            consumed.append(index)
        yield {"n": index}


def rejecting(every: int) -> Callable[[int, httpx.Request], httpx.Response]:
    def answer(number: int, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["n"] % every == every - 1:
            return httpx.Response(400, json={"message": f"record {body['n']} refused"})
        return httpx.Response(202)

    return answer


def test_send_many_collects_every_rejection_and_stores_the_rest_once() -> None:
    stream = Stream(rejecting(10))
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, records(200), concurrency=8, on_error="collect")
    assert report.sent == 200 and report.accepted_count == 180
    assert [r.index for r in report.rejected] == list(range(9, 200, 10))
    assert all(r.status == 400 and r.request_id for r in report.rejected)
    assert sorted(body["n"] for _, body in stream.stored) == [n for n in range(200) if n % 10 != 9]
    assert len({rid for rid, _ in stream.stored}) == 180
    assert report.settled_through == 200 and not report.interrupted


def test_send_many_stops_at_the_first_rejection_when_asked_to_raise() -> None:
    stream = Stream(rejecting(50))
    with client_for(stream) as client, pytest.raises(SendError) as caught:
        client.streams.send_many(STREAM, records(10_000), concurrency=4)
    report = caught.value.report
    assert report.rejected[0].index == 49
    assert report.sent < 100  # stopped feeding soon after
    assert report.accepted_count == len(stream.stored)


def test_send_many_reads_the_iterable_as_it_goes() -> None:
    consumed: list[int] = []
    settled: list[int] = []

    def answer(number: int, request: httpx.Request) -> httpx.Response:
        settled.append(number)
        ahead = len(consumed) - len(settled)
        assert ahead <= 4 + 2, f"{ahead} records read ahead of the ones answered"
        return httpx.Response(202)

    stream = Stream(answer)
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, records(2_000, consumed), concurrency=4)
    assert report.accepted_count == 2_000


def test_send_many_bad_records_are_reported_by_index() -> None:
    stream = Stream()
    mixed: list[Any] = [{"n": 0}, [1], {"n": 2}, {"x": object()}, {"n": 4}]
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, mixed, on_error="collect")
    assert [(r.index, r.status) for r in report.rejected] == [(1, None), (3, None)]
    assert "x is a object" in report.rejected[1].message
    assert report.accepted_count == 3 and report.accepted(2) and not report.accepted(1)


def test_an_interrupted_send_many_says_exactly_what_was_accepted() -> None:
    stream = Stream()

    def interrupted() -> Iterator[dict[str, int]]:
        yield from records(37)
        raise KeyboardInterrupt

    with client_for(stream) as client, pytest.raises(KeyboardInterrupt) as caught:
        client.streams.send_many(STREAM, interrupted(), concurrency=8)
    report = caught.value.report  # type: ignore[attr-defined]
    stored = {body["n"] for _, body in stream.stored}
    assert report.interrupted
    assert {i for i in range(37) if report.accepted(i)} == stored
    assert "send_many:" in "".join(caught.value.__notes__)


@pytest.mark.parametrize(
    "bad", [{"concurrency": 0}, {"concurrency": 10_000}, {"on_error": "ignore"}]
)
def test_send_many_refuses_bad_settings(bad: dict[str, Any]) -> None:
    stream = Stream()
    with client_for(stream) as client, pytest.raises(errors.ConfigurationError):
        client.streams.send_many(STREAM, records(3), **bad)
    assert stream.requests == []


def test_async_send_many_collects_and_reports_like_sync() -> None:
    stream = Stream(rejecting(7))

    async def run() -> Any:
        async with async_client_for(stream) as client:
            one = await client.streams.send(STREAM, {"n": 1001})
            report = await client.streams.send_many(
                STREAM, records(100), concurrency=16, on_error="collect"
            )
            return one, report

    one, report = asyncio.run(run())
    assert one.status == 202
    assert report.accepted_count == 100 - len(range(6, 100, 7))
    assert [r.index for r in report.rejected] == list(range(6, 100, 7))
    assert len({rid for rid, _ in stream.stored}) == len(stream.stored) == report.accepted_count + 1


def test_async_send_many_cancelled_reports_only_what_is_known() -> None:
    gate = asyncio.Event()

    async def run() -> Any:
        stream = Stream()
        async with async_client_for(stream) as client:
            task = asyncio.ensure_future(
                client.streams.send_many(STREAM, records(1_000), concurrency=4)
            )
            while len(stream.stored) < 50:
                await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as caught:
                await task
            gate.set()
            return caught.value.report, {body["n"] for _, body in stream.stored}  # type: ignore[attr-defined]

    report, stored = asyncio.run(run())
    assert report.interrupted
    known = {i for i in range(1_000) if report.accepted(i)}
    in_flight = {f.index for f in report.in_flight}
    assert known <= stored and len(in_flight) <= 4  # in flight when cancelled
    assert stored - known <= in_flight  # whatever arrived unannounced is named there


def test_a_record_whose_fate_is_unknown_is_reported_as_maybe_arrived() -> None:
    """Every attempt stored, then lost its answer: rejected, but maybe there, and resending
    with its own request id keeps one id downstream."""

    lost_answers = [4]  # every attempt of the first send (FAST: 1 + 3 retries)

    def answer(number: int, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["n"] == 3 and lost_answers[0] > 0:
            lost_answers[0] -= 1
            stream.stored.append((request.headers["x-request-id"], body))
            raise httpx.ReadError("connection reset after the record was stored", request=request)
        if body["n"] == 5:
            return httpx.Response(400, json={"message": "bad record"})
        return httpx.Response(202)

    stream = Stream(answer)
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, records(8), on_error="collect")
        lost, refused = report.rejected
        assert (lost.index, lost.status, lost.may_have_arrived) == (3, None, True)
        assert (refused.index, refused.status, refused.may_have_arrived) == (5, 400, False)
        client.streams.send(STREAM, {"n": 3}, request_id=lost.request_id)
    ids = {rid for rid, body in stream.stored if body["n"] == 3}
    assert ids == {lost.request_id}


class Revived:
    """An iterator that ends, then yields again (a file that grows after its end was read)."""

    def __init__(self) -> None:
        self.calls = 0

    def __iter__(self) -> Revived:
        return self

    def __next__(self) -> dict[str, int]:
        self.calls += 1
        if self.calls == 21:
            raise StopIteration
        return {"n": self.calls}


def test_send_many_stops_at_the_first_end_of_the_records() -> None:
    stream = Stream()
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, Revived(), concurrency=8)
    assert report.sent == report.accepted_count == 20
    assert sorted(body["n"] for _, body in stream.stored) == list(range(1, 21))


class Exploding(Mapping[str, Any]):
    """A record whose reading fails in a way no check foresaw."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("the record's source went away")

    def __iter__(self) -> Iterator[str]:
        return iter(["a"])

    def __len__(self) -> int:
        return 1


def test_a_record_that_fails_to_read_stops_send_many_with_the_report() -> None:
    stream = Stream()
    hooked: list[Any] = []
    previous, threading.excepthook = threading.excepthook, hooked.append
    try:
        source: list[Any] = [{"n": 0}, {"n": 1}, Exploding(), {"n": 3}]
        with client_for(stream) as client, pytest.raises(RuntimeError) as caught:
            client.streams.send_many(STREAM, source, concurrency=1)
    finally:
        threading.excepthook = previous
    assert hooked == []  # raised to the caller, not lost in a worker thread
    report = caught.value.report  # type: ignore[attr-defined]
    assert report.settled_through == 2 and report.accepted_count == 2
    assert sorted(body["n"] for _, body in stream.stored) == [0, 1]


def test_async_send_many_lets_records_in_flight_finish_when_the_records_fail() -> None:
    stored: list[int] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        stored.append(json.loads(request.content)["n"])
        return httpx.Response(202)

    def failing() -> Iterator[dict[str, int]]:
        yield from records(10)
        raise ValueError("the source broke")

    async def run() -> Any:
        transport = httpx.MockTransport(answer)
        async with AsyncAmperity(
            tenant="acme", token=TOKEN, transport=transport, streaming_rate_limit=None
        ) as client:
            with pytest.raises(ValueError) as caught:
                await client.streams.send_many(STREAM, failing(), concurrency=4)
            return caught.value.report  # type: ignore[attr-defined]

    report = asyncio.run(run())
    assert sorted(stored) == list(range(10))
    assert report.settled_through == report.accepted_count == 10


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_stop_even_a_collecting_run(status: int) -> None:
    stream = Stream(lambda n, r: httpx.Response(status, json={"message": "who are you"}))
    with client_for(stream) as client, pytest.raises(SendError) as caught:
        client.streams.send_many(STREAM, records(10_000), concurrency=4, on_error="collect")
    report = caught.value.report
    assert len(stream.requests) < 50  # not ten thousand refusals
    assert report.accepted_count == 0 and all(r.status == status for r in report.rejected)
    assert "refuses these credentials" in str(caught.value)
    assert "index" in str(caught.value) and "counting from 0" in str(caught.value)


def test_records_refused_before_sending_are_rejected_not_sent() -> None:
    stream = Stream()
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, [{"a": 1}, [1], {"b": 2}], on_error="collect")
    assert report.sent == len(stream.requests) == 2
    assert [r.index for r in report.rejected] == [1] and report.accepted_count == 2


def test_async_send_many_reads_an_async_generator() -> None:
    async def orders() -> Any:
        for n in range(30):
            await asyncio.sleep(0)
            yield {"n": n}

    async def run() -> Any:
        async with async_client_for(stream) as client:
            return await client.streams.send_many(STREAM, orders(), concurrency=4)

    stream = Stream()
    report = asyncio.run(run())
    assert report.sent == report.accepted_count == 30
    assert sorted(body["n"] for _, body in stream.stored) == list(range(30))


def test_async_send_many_sends_nothing_after_it_decided_to_stop() -> None:
    stream = Stream(lambda n, r: httpx.Response(400) if n == 10 else httpx.Response(202))

    async def run() -> Any:
        async with async_client_for(stream) as client:
            with pytest.raises(SendError) as caught:
                await client.streams.send_many(STREAM, records(100), concurrency=1)
            return caught.value.report

    report = asyncio.run(run())
    assert len(stream.requests) == 10 == report.sent  # as the sync loop: none after the 400
