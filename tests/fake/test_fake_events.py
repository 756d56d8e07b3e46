"""Real-Time events (under /prof): POST /events/{stream-id}, served over a socket and in
process alike.

The fake's event streams are fixed: accepting ones answer 202 and keep the event, a dropping
one 204 and keeps nothing, a not-accepting one 409; any other id is a 404. Every answer is a
status openapi.yaml declares for post-event, every error the Real-Time ErrorBody (validated
against its schema).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from amperity_facade.testing import FakeAmperity, FakeUsageError, Fault, SeededEventStream

from .conftest import SMALL
from .test_fake_profile import spec_operation, validate

TOKEN = "tok-events-0123456789abcdef"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "amperity-tenant": "acme"}
IN_PROCESS = "http://fake.invalid/prof"
ERROR_BODY = {"error", "message"}
DECLARED = spec_operation("post-event")["responses"]
LIMIT = 64 * 1024
EVENT = {"event": "page_view", "customer_id": "CUST-0001", "at": "2026-11-01T10:00:00Z"}


def make_fake(**kwargs: Any) -> FakeAmperity:
    settings: dict[str, Any] = {"tenant": "acme", "seed": 7, "token": TOKEN, **SMALL, **kwargs}
    return FakeAmperity(**settings)


@pytest.fixture
def fake() -> FakeAmperity:
    return make_fake()


def connect(fake: FakeAmperity, mode: str) -> httpx.Client:
    if mode == "socket":
        fake.start()
        return httpx.Client(base_url=fake.realtime_base_url, headers=HEADERS, timeout=5)
    return httpx.Client(base_url=IN_PROCESS, headers=HEADERS, transport=fake.transport())


@pytest.fixture(params=["socket", "transport"])
def rt(request: pytest.FixtureRequest, fake: FakeAmperity) -> Iterator[httpx.Client]:
    with fake, connect(fake, request.param) as client:
        yield client


def stream(fake: FakeAmperity, behaviour: str) -> str:
    return next(s.id for s in fake.event_streams if s.behaviour == behaviour)


def check(response: httpx.Response, status: int) -> Any:
    """A declared status; 202 and 204 without a body, errors as ErrorBody."""
    assert response.status_code == status, response.text
    declared = DECLARED.get(str(status))
    assert declared is not None, f"post-event answered undeclared {status}"
    assert response.headers["x-request-id"].startswith("req-")
    if status in (202, 204):
        assert response.content == b"" and "content-type" not in response.headers
        return None
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if "content" in declared:
        ref = declared["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorBody")
    validate("ErrorBody", body)
    assert set(body) == ERROR_BODY and body["message"]
    assert body["error"] == response.reason_phrase.lower().replace(" ", "_")
    return body


def send(client: httpx.Client, stream_id: str, event: Any, **headers: str) -> httpx.Response:
    return client.post(f"/events/{stream_id}", json=event, headers=headers)


# --- the seeded streams ----------------------------------------------------------------------


def test_event_streams_are_fixed(fake: FakeAmperity) -> None:
    assert fake.event_streams == (
        SeededEventStream("esm-23ZvjfSSJ", "accepting"),
        SeededEventStream("esm-8kRw2TqPn", "accepting"),
        SeededEventStream("esm-5hDq7XbLz", "dropping"),
        SeededEventStream("esm-9mNc4VyFe", "not-accepting"),
    )
    assert [s.status for s in fake.event_streams] == [202, 202, 204, 409]
    assert make_fake(seed=99).event_streams == fake.event_streams
    example = spec_operation("post-event")["parameters"][0]["example"]
    assert stream(fake, "accepting") == example  # the contract's example id is accepting
    with pytest.raises(FakeUsageError, match="no event stream 'esm-nope'"):
        fake.events("esm-nope")


def test_each_behaviour(fake: FakeAmperity, rt: httpx.Client) -> None:
    first, second = (s.id for s in fake.event_streams if s.behaviour == "accepting")
    for n in range(3):
        check(send(rt, first, {**EVENT, "n": n}), 202)
    check(send(rt, second, {"n": "other"}), 202)
    check(send(rt, stream(fake, "dropping"), EVENT), 204)
    body = check(send(rt, stream(fake, "not-accepting"), EVENT), 409)
    assert body["error"] == "conflict"
    assert fake.events(first) == [{**EVENT, "n": n} for n in range(3)]
    assert fake.events(second) == [{"n": "other"}]
    assert fake.events(stream(fake, "dropping")) == []
    assert fake.events(stream(fake, "not-accepting")) == []
    kept = fake.events(first)
    kept[0]["event"] = "changed"  # a copy
    assert fake.events(first)[0]["event"] == "page_view"
    logged = [(r.operation, r.status) for r in fake.requests]
    assert logged == [("post-event", 202)] * 4 + [("post-event", 204), ("post-event", 409)]


def test_unknown_streams_are_404(fake: FakeAmperity, rt: httpx.Client) -> None:
    for stream_id in ("esm-unknown", "is-abc", "esm-23zvjfssj", "esm-23ZvjfSSJ%2Fx"):
        body = check(send(rt, stream_id, EVENT), 404)
        assert body["error"] == "not_found"
    for path in ("/events", "/events/", "/events/esm-23ZvjfSSJ/more"):
        lost = rt.post(path, json=EVENT)
        assert lost.status_code == 404 and set(lost.json()) == ERROR_BODY
    refused = rt.get(f"/events/{stream(fake, 'accepting')}")
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert set(refused.json()) == ERROR_BODY


def test_event_values_stay_out_of_the_request_log(fake: FakeAmperity, rt: httpx.Client) -> None:
    check(send(rt, stream(fake, "accepting"), EVENT), 202)
    (entry,) = fake.requests
    assert json.loads(entry.body) == dict.fromkeys(EVENT, "<redacted>")
    assert "CUST-0001" not in repr(fake.requests)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'[{"event": "a"}]', "application/json"),
        (b'"page_view"', "application/json"),
        (b"7", "application/json"),
        (b"null", "application/json"),
        (b"not json", "application/json"),
        (b'{"event": NaN}', "application/json"),
        (b'{"event": "\xff"}', "application/json"),
        (b'{"event": "a"}', "text/plain"),
        (b"<event/>", "application/xml"),
        (b'{"event": "a"}', None),
    ],
)
@pytest.mark.parametrize("behaviour", ["accepting", "dropping", "not-accepting"])
def test_malformed_events_are_400_on_every_stream(
    fake: FakeAmperity, rt: httpx.Client, content: bytes, content_type: str | None, behaviour: str
) -> None:
    """The body is checked before the stream's behaviour: a 204 or 409 never hides a bad one."""
    request = rt.build_request("POST", f"/events/{stream(fake, behaviour)}", content=content)
    if content_type is not None:
        request.headers["content-type"] = content_type
    assert check(rt.send(request), 400)["error"] == "bad_request"
    assert all(fake.events(s.id) == [] for s in fake.event_streams)


def test_the_64_kib_limit(fake: FakeAmperity, rt: httpx.Client) -> None:
    accepting = stream(fake, "accepting")
    head, tail = b'{"pad": "', b'"}'
    exact = head + b"x" * (LIMIT - len(head) - len(tail)) + tail
    json_type = {"content-type": "application/json"}
    check(rt.post(f"/events/{accepting}", content=exact, headers=json_type), 202)
    over = head + b"x" * (LIMIT + 1 - len(head) - len(tail)) + tail
    check(rt.post(f"/events/{accepting}", content=over, headers=json_type), 413)
    not_json = b"x" * (LIMIT + 1)
    check(rt.post(f"/events/{accepting}", content=not_json, headers=json_type), 413)
    assert len(fake.events(accepting)) == 1
    # The limit is the API's, not the Streaming setting.
    with make_fake(max_stream_bytes=10) as other, connect(other, "transport") as client:
        check(client.post(f"/events/{accepting}", content=exact, headers=json_type), 202)


def test_no_content_length_is_411(fake: FakeAmperity) -> None:
    accepting = stream(fake, "accepting")
    with fake, socket.create_connection((fake.host, fake.port), timeout=5) as s:
        s.sendall(
            (
                f"POST /prof/events/{accepting} HTTP/1.1\r\nHost: fake\r\n"
                f"Authorization: Bearer {TOKEN}\r\namperity-tenant: acme\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
            + b'9\r\n{"a": "b"}\r\n0\r\n\r\n'
        )
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411 ")
    assert json.loads(body) == {"error": "length_required", "message": "Content-Length is required"}
    with connect(fake, "transport") as client:
        chunks = iter([b'{"a":', b' "b"}'])
        headers = {"content-type": "application/json"}
        check(client.post(f"/events/{accepting}", content=chunks, headers=headers), 411)
    assert fake.events(accepting) == []


def test_headers_and_credentials(fake: FakeAmperity, rt: httpx.Client) -> None:
    accepting = stream(fake, "accepting")
    check(send(rt, accepting, {"n": 1}, **{"api-version": "2026-09-03"}), 202)
    check(send(rt, accepting, {"n": 2}, **{"api-version": "2024-04-01"}), 400)
    check(send(rt, accepting, {"n": 3}, Authorization="Bearer nope"), 401)
    check(send(rt, accepting, {"n": 4}, **{"amperity-tenant": "globex"}), 401)
    for header, status in (("authorization", 401), ("amperity-tenant", 400)):
        request = rt.build_request("POST", f"/events/{accepting}", json={"n": 5})
        del request.headers[header]
        check(rt.send(request), status)
    assert fake.events(accepting) == [{"n": 1}]


# --- faults and rate limits ------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_status_faults_keep_nothing(fake: FakeAmperity, rt: httpx.Client, status: int) -> None:
    accepting = stream(fake, "accepting")
    fake.inject(Fault("status", status=status, retry_after="2", operation="post-event"))
    answer = send(rt, accepting, EVENT)
    check(answer, status)
    assert answer.headers["retry-after"] == "2"
    assert fake.events(accepting) == []


@pytest.mark.parametrize("kind", ["drop", "drop-after-accept"])
def test_drops(fake: FakeAmperity, rt: httpx.Client, kind: Any) -> None:
    """ "drop" hangs up before the API sees the event; "drop-after-accept" after it kept it."""
    accepting = stream(fake, "accepting")
    fake.inject(Fault(kind, operation="post-event"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        send(rt, accepting, {"n": 1})
    assert fake.events(accepting) == ([{"n": 1}] if kind == "drop-after-accept" else [])
    assert fake.count(operation="post-event", status=0) == 1
    check(send(rt, accepting, {"n": 2}), 202)


def test_drop_after_accept_on_a_dropping_stream_keeps_nothing(
    fake: FakeAmperity, rt: httpx.Client
) -> None:
    fake.inject(Fault("drop-after-accept", operation="post-event", times=2))
    for behaviour in ("dropping", "not-accepting"):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            send(rt, stream(fake, behaviour), EVENT)
    assert all(fake.events(s.id) == [] for s in fake.event_streams)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("slow", delay=0.05),
        Fault("html", status=502),
        Fault("truncated"),
        Fault("malformed"),
        Fault("bad-encoding"),
        Fault("nested", depth=20),
        Fault("gzip-bomb", size=4096),
    ],
    ids=lambda f: f.kind,
)
def test_other_faults(fake: FakeAmperity, rt: httpx.Client, fault: Fault) -> None:
    accepting = stream(fake, "accepting")
    fake.inject(Fault("status", status=500, operation="post-stream-data"))  # passes by
    fake.inject(dataclasses.replace(fault, operation="post-event"))
    request = rt.build_request("POST", f"/events/{accepting}", json=EVENT)
    response = rt.send(request, stream=True)
    try:
        content = b"".join(response.iter_raw())
    finally:
        response.close()
    if fault.kind == "slow":
        assert response.status_code == 202 and content == b""
    elif fault.kind == "html":
        assert response.status_code == 502
        assert content.startswith(b"<html>")
    else:
        assert response.status_code == 200  # served, then a hostile body in its place
    assert len(fake.events(accepting)) == (0 if fault.kind == "html" else 1)


def test_the_realtime_rate_limit_counts_events() -> None:
    with make_fake(rate_limits={"realtime": 2}) as limited, connect(limited, "socket") as client:
        accepting = stream(limited, "accepting")
        statuses = [send(client, accepting, {"n": n}).status_code for n in range(4)]
        assert statuses == [202, 202, 429, 429]
        assert check(send(client, accepting, EVENT), 429)["error"] == "too_many_requests"
        assert limited.events(accepting) == [{"n": 0}, {"n": 1}]
        # The Streaming family has a window of its own.
        ingest = httpx.post(
            f"{limited.stream_base_url}/data/is-x",
            json={},
            headers={"Authorization": f"Bearer {TOKEN}", "X-Amperity-Tenant": "acme"},
        )
        assert ingest.status_code == 202


def test_reset_forgets_events(fake: FakeAmperity, rt: httpx.Client) -> None:
    accepting = stream(fake, "accepting")
    check(send(rt, accepting, {"n": 1}), 202)
    fake.reset()
    assert fake.events(accepting) == []
    check(send(rt, accepting, {"n": 2}), 202)
    assert fake.events(accepting) == [{"n": 2}]


def test_the_async_transport_serves_events(fake: FakeAmperity) -> None:
    async def main() -> list[int]:
        async with httpx.AsyncClient(
            base_url=IN_PROCESS, headers=HEADERS, transport=fake.async_transport()
        ) as client:
            answers = [
                await client.post(f"/events/{s.id}", json={"s": s.id}) for s in fake.event_streams
            ]
            return [a.status_code for a in answers]

    assert asyncio.run(main()) == [202, 202, 204, 409]
    assert fake.events(stream(fake, "accepting")) == [{"s": stream(fake, "accepting")}]
