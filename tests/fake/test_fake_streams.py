"""Streaming Ingest (v0, under /stream/v0): POST /data/{stream-id}, served over a socket and
in process alike.

Every answer is a status openapi.yaml declares for post-stream-data; a 202 has no body and
carries X-Request-Id (the caller's, echoed, or one the fake made up); every error is the
control plane's envelope (the vendor declares no error body for this API). Accepted records
are stored with their request id, in order, and never reach the request log.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from amperity_facade.testing import FakeAmperity, FakeUsageError, Fault

from .conftest import SMALL
from .test_fake_profile import spec_operation, validate

TOKEN = "tok-streams-0123456789abcdef"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Amperity-Tenant": "acme"}
IN_PROCESS = "http://fake.invalid/stream/v0"
ENVELOPE = {"status", "message", "request_id", "trace_id"}
DECLARED = {int(code) for code in spec_operation("post-stream-data")["responses"]}
XML = b'<?xml version="1.0"?><records><r id="1">caf\xc3\xa9</r></records>'


def make_fake(**kwargs: Any) -> FakeAmperity:
    settings: dict[str, Any] = {"tenant": "acme", "seed": 7, "token": TOKEN, **SMALL, **kwargs}
    return FakeAmperity(**settings)


@pytest.fixture
def fake() -> FakeAmperity:
    return make_fake()


def connect(fake: FakeAmperity, mode: str) -> httpx.Client:
    if mode == "socket":
        fake.start()
        return httpx.Client(base_url=fake.stream_base_url, headers=HEADERS, timeout=5)
    return httpx.Client(base_url=IN_PROCESS, headers=HEADERS, transport=fake.transport())


@pytest.fixture(params=["socket", "transport"])
def sc(request: pytest.FixtureRequest, fake: FakeAmperity) -> Iterator[httpx.Client]:
    with fake, connect(fake, request.param) as client:
        yield client


def check(response: httpx.Response, status: int) -> Any:
    """The answer as the contract declares it: a 202 without a body, an error envelope."""
    assert response.status_code == status, response.text
    assert status in DECLARED, f"post-stream-data answered undeclared {status}"
    request_id = response.headers["x-request-id"]
    assert request_id
    if status == 202:
        assert response.content == b"" and "content-type" not in response.headers
        return None
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    validate("ErrorResponse", body)
    assert set(body) == ENVELOPE and body["status"] == status and body["message"]
    assert body["request_id"] == request_id
    return body


def post(client: httpx.Client, stream: str, record: Any, **headers: str) -> httpx.Response:
    return client.post(f"/data/{stream}", json=record, headers=headers)


def raw_request(fake: FakeAmperity, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request exactly as written, over a socket (a request without Content-Length is
    only possible this way); the status and the answer's body."""
    with socket.create_connection((fake.host, fake.port), timeout=5) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        raw = b""
        while b"\r\n\r\n" not in raw:
            raw += s.recv(65536)
        top, _, rest = raw.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in top.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += s.recv(65536)
    return int(top.split(b" ", 2)[1]), rest


# --- accepted records ------------------------------------------------------------------------


def test_records_are_accepted_echoed_and_stored_in_order(
    fake: FakeAmperity, sc: httpx.Client
) -> None:
    first = {"customer_id": "C-1", "total": 12.5, "items": [{"sku": "A"}], "note": "caf\u00e9"}
    assert check(post(sc, "is-orders", first, **{"X-Request-Id": "upload-1"}), 202) is None
    answered = post(sc, "is-orders", {"customer_id": "C-2"})
    check(answered, 202)
    made_up = answered.headers["x-request-id"]
    assert made_up.startswith("req-")
    xml = sc.post("/data/is-orders", content=XML, headers={"content-type": "application/xml"})
    assert check(xml, 202) is None
    text_xml = sc.post(
        "/data/is-orders",
        content=b"<r/>",
        headers={"content-type": "text/xml; charset=utf-8", "x-request-id": "upload-4"},
    )
    assert text_xml.headers["x-request-id"] == "upload-4"
    charset = sc.post(
        "/data/is-orders",
        content=b'{"a": null}',
        headers={"content-type": "Application/JSON; charset=utf-8"},
    )
    check(charset, 202)
    records = fake.stream_records("is-orders")
    assert records == [
        ("upload-1", first),
        (made_up, {"customer_id": "C-2"}),
        (xml.headers["x-request-id"], XML.decode()),
        ("upload-4", "<r/>"),
        (charset.headers["x-request-id"], {"a": None}),
    ]
    # Copies: a test mutating what it read cannot change what the fake holds.
    records[0][1]["customer_id"] = "changed"
    assert fake.stream_records("is-orders")[0][1] == first


def test_any_well_formed_stream_id_is_accepted_and_kept_apart(
    fake: FakeAmperity, sc: httpx.Client
) -> None:
    streams = ("is-a", "is-A1b2C3", "is-with_under-score", "is-0", "is--")
    for number, stream in enumerate(streams):
        check(post(sc, stream, {"n": number}, **{"x-request-id": f"id-{number}"}), 202)
    for number, stream in enumerate(streams):
        assert fake.stream_records(stream) == [(f"id-{number}", {"n": number})]
    assert fake.stream_records("is-never-used") == []
    for bad in ("orders", "is-", "is-a.b", "", 42):
        with pytest.raises(FakeUsageError, match="not a stream id"):
            fake.stream_records(bad)  # type: ignore[arg-type]


def test_xml_that_is_not_utf8_is_kept_as_bytes(fake: FakeAmperity, sc: httpx.Client) -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><r>caf\u00e9</r>'.encode("latin-1")
    check(sc.post("/data/is-x", content=latin, headers={"content-type": "text/xml"}), 202)
    assert fake.stream_records("is-x")[0][1] == latin


def test_the_request_log_keeps_path_and_request_id_only(
    fake: FakeAmperity, sc: httpx.Client
) -> None:
    secret = "4111-1111-1111-1111"
    check(post(sc, "is-cards", {"card": secret}, **{"x-request-id": "rid-7"}), 202)
    check(
        sc.post("/data/is-cards", content=f"<c>{secret}</c>", headers={"content-type": "text/xml"}),
        202,
    )
    check(post(sc, "is-cards", [secret]), 400)
    logged = fake.requests
    assert [r.operation for r in logged] == ["post-stream-data"] * 3
    assert [r.path for r in logged] == ["/stream/v0/data/is-cards"] * 3
    assert all(r.body == b"" and r.query == {} for r in logged)
    assert logged[0].request_id == "rid-7" and logged[1].request_id.startswith("req-")
    assert [r.status for r in logged] == [202, 202, 400]
    assert secret not in repr(logged)
    assert fake.count(operation="post-stream-data", status=202) == 2


def test_api_version_is_ignored_and_the_tenant_header_is_x_amperity_tenant(
    fake: FakeAmperity, sc: httpx.Client
) -> None:
    for version in ("2024-04-01", "1999-01-01", "v0"):
        check(post(sc, "is-v", {}, **{"api-version": version}), 202)
    request = sc.build_request("POST", "/data/is-v", json={})
    del request.headers["x-amperity-tenant"]
    request.headers["amperity-tenant"] = "acme"  # the other families' spelling
    body = check(sc.send(request), 400)
    assert "X-Amperity-Tenant" in body["message"]
    check(post(sc, "is-v", {}, **{"X-Amperity-Tenant": "globex"}), 401)
    assert len(fake.stream_records("is-v")) == 3


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    ["orders", "is-", "xs-orders", "IS-orders", "is-a.b", "is-a%20b", "is-a%2Fb", "is-caf%C3%A9"],
)
def test_malformed_stream_ids_are_400(fake: FakeAmperity, sc: httpx.Client, stream: str) -> None:
    body = check(post(sc, stream, {"a": 1}), 400)
    assert "stream id" in body["message"]
    assert fake.count(operation="post-stream-data", status=400) == 1


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"", "application/xml"),
        (b"[]", "application/json"),
        (b'[{"a": 1}, {"a": 2}]', "application/json"),
        (b'"text"', "application/json"),
        (b"42", "application/json"),
        (b"null", "application/json"),
        (b"true", "application/json"),
        (b"not json", "application/json"),
        (b'{"a": 1', "application/json"),
        (b'{"a": NaN}', "application/json"),
        (b'{"a": Infinity}', "application/json"),
        (b'{"a": "\xff"}', "application/json"),
        (b'{"a": 1}', "text/plain"),
        (b'{"a": 1}', "application/x-www-form-urlencoded"),
        (b"<r/>", "application/octet-stream"),
        (b'{"a": 1}', "application/jsonl"),
        (b'{"a": 1}', None),
    ],
)
def test_bodies_and_content_types_it_refuses_are_400(
    fake: FakeAmperity, sc: httpx.Client, content: bytes, content_type: str | None
) -> None:
    request = sc.build_request("POST", "/data/is-refused", content=content)
    if content_type is None:
        request.headers.pop("content-type", None)
    else:
        request.headers["content-type"] = content_type
    check(sc.send(request), 400)
    assert fake.stream_records("is-refused") == []


def test_deeply_nested_json_is_400_not_a_crash(fake: FakeAmperity, sc: httpx.Client) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    json_type = {"content-type": "application/json"}
    check(sc.post("/data/is-deep", content=b'{"a":' + deep + b"}", headers=json_type), 400)
    check(post(sc, "is-deep", {"ok": True}), 202)


def test_a_request_id_it_cannot_echo_is_400(fake: FakeAmperity, sc: httpx.Client) -> None:
    """Printable ASCII is echoed as given; anything else could not travel back unchanged."""
    for bad in (b"", "caf\u00e9".encode(), b"tab\there"):
        check(sc.post("/data/is-rid", json={}, headers={b"x-request-id": bad}), 400)
    check(post(sc, "is-rid", {}, **{"x-request-id": "ok id with spaces"}), 202)
    assert [rid for rid, _ in fake.stream_records("is-rid")] == ["ok id with spaces"]


def test_no_content_length_is_411_over_a_raw_socket(fake: FakeAmperity) -> None:
    with fake:
        chunked = (
            "POST /stream/v0/data/is-raw HTTP/1.1\n"
            f"Host: {fake.host}\nAuthorization: Bearer {TOKEN}\nX-Amperity-Tenant: acme\n"
            "Content-Type: application/json\nTransfer-Encoding: chunked\n"
        )
        status, body = raw_request(fake, chunked, b'8\r\n{"a": 1}\r\n0\r\n\r\n')
        assert status == 411 and json.loads(body)["status"] == 411
        no_length = chunked.replace("Transfer-Encoding: chunked\n", "Connection: close\n")
        status, body = raw_request(fake, no_length)
        assert status == 411
        with_length = no_length + "Content-Length: 8\n"
        assert raw_request(fake, with_length, b'{"a": 1}')[0] == 202
    assert fake.stream_records("is-raw") == [(fake.requests[-1].request_id, {"a": 1})]
    assert [r.status for r in fake.requests] == [411, 411, 202]


def test_a_streamed_upload_in_process_is_411(fake: FakeAmperity) -> None:
    """httpx sends a generator body chunked, without Content-Length: so does the fake."""
    with connect(fake, "transport") as client:
        chunks = iter([b'{"a":', b" 1}"])
        answer = client.post(
            "/data/is-gen", content=chunks, headers={"content-type": "application/json"}
        )
        check(answer, 411)
    assert fake.stream_records("is-gen") == []


def test_the_body_limit_is_a_setting() -> None:
    """413 over the limit, with the limit itself accepted."""
    with make_fake(max_stream_bytes=100) as small, connect(small, "socket") as client:
        exact = b'{"pad": "' + b"x" * 89 + b'"}'
        assert len(exact) == 100
        check(
            client.post(
                "/data/is-lim", content=exact, headers={"content-type": "application/json"}
            ),
            202,
        )
        over = b'{"pad": "' + b"x" * 90 + b'"}'
        body = check(
            client.post("/data/is-lim", content=over, headers={"content-type": "application/json"}),
            413,
        )
        assert "101" in body["message"]
        xml = b"<r>" + b"x" * 94 + b"</r>"
        check(client.post("/data/is-lim", content=xml, headers={"content-type": "text/xml"}), 413)
        assert len(small.stream_records("is-lim")) == 1


@pytest.mark.parametrize("mode", ["socket", "transport"])
def test_the_default_limit_is_the_documents_5_mb(mode: str) -> None:
    with make_fake() as fake, connect(fake, mode) as client:
        head, tail = b'{"pad": "', b'"}'
        exact = head + b"x" * (5_000_000 - len(head) - len(tail)) + tail
        json_type = {"content-type": "application/json"}
        check(client.post("/data/is-big", content=exact, headers=json_type), 202)
        over = head + b"x" * (5_000_001 - len(head) - len(tail)) + tail
        check(client.post("/data/is-big", content=over, headers=json_type), 413)
        assert len(fake.stream_records("is-big")) == 1


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "5MB", None])
def test_max_stream_bytes_is_checked(value: Any) -> None:
    with pytest.raises(ValueError, match="max_stream_bytes must be an int of at least 1"):
        make_fake(max_stream_bytes=value)


def test_credentials(fake: FakeAmperity, sc: httpx.Client) -> None:
    request = sc.build_request("POST", "/data/is-auth", json={"a": 1})
    del request.headers["authorization"]
    check(sc.send(request), 401)
    check(post(sc, "is-auth", {"a": 2}, Authorization="Bearer wrong"), 401)
    check(post(sc, "is-auth", {"a": 3}, Authorization=TOKEN), 401)
    request = sc.build_request("POST", "/data/is-auth", json={"a": 4})
    del request.headers["x-amperity-tenant"]
    check(sc.send(request), 400)
    # OAuth tokens from the control plane's endpoint work here too, until they expire.
    token_url = str(sc.base_url).removesuffix("/stream/v0/") + "/api/v0/oauth2/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    issued = sc.post(token_url, data=form).json()["access_token"]
    check(post(sc, "is-auth", {"a": 5}, Authorization=f"Bearer {issued}"), 202)
    fake.expire_tokens()
    check(post(sc, "is-auth", {"a": 6}, Authorization=f"Bearer {issued}"), 401)
    assert fake.stream_records("is-auth") == [(fake.requests[-2].request_id, {"a": 5})]


def test_other_methods_and_paths(fake: FakeAmperity, sc: httpx.Client) -> None:
    for method in ("GET", "PUT", "DELETE", "TRACE"):
        refused = sc.request(method, "/data/is-m")
        check(refused, 405)
        assert refused.headers["allow"] == "POST"
    for path in ("/data", "/data/", "/data/is-m/more", "/records/is-m", "/"):
        lost = sc.post(path, json={})
        assert lost.status_code == 404, path
        assert set(lost.json()) == ENVELOPE
    assert fake.stream_records("is-m") == []


# --- faults and rate limits ------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 503, 504])
def test_retryable_statuses_store_nothing(
    fake: FakeAmperity, sc: httpx.Client, status: int
) -> None:
    fake.inject(Fault("status", status=status, retry_after="1", operation="post-stream-data"))
    answer = post(sc, "is-f", {"n": 1}, **{"x-request-id": "keep"})
    body = check(answer, status)
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["x-request-id"] == body["request_id"] == "keep"
    assert fake.stream_records("is-f") == []
    check(post(sc, "is-f", {"n": 1}, **{"x-request-id": "keep"}), 202)
    assert fake.stream_records("is-f") == [("keep", {"n": 1})]


def test_a_fault_for_another_operation_passes_by(fake: FakeAmperity, sc: httpx.Client) -> None:
    fake.inject(Fault("drop", operation="post-event"))
    fake.inject(Fault("status", status=503, operation="list-segment"))
    check(post(sc, "is-f", {}), 202)
    assert fake.count(operation="post-stream-data", status=202) == 1


def test_drop_stores_nothing(fake: FakeAmperity, sc: httpx.Client) -> None:
    fake.inject(Fault("drop", operation="post-stream-data"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post(sc, "is-d", {"n": 1}, **{"x-request-id": "r-1"})
    assert fake.stream_records("is-d") == []
    assert fake.count(operation="post-stream-data", status=0) == 1


def test_drop_after_accept_stores_then_hangs_up(fake: FakeAmperity, sc: httpx.Client) -> None:
    """The record arrived, the client cannot know: its retry (same request id) stores it a
    second time under the same id, which is how downstream tells a duplicate."""
    fake.inject(Fault("drop-after-accept", operation="post-stream-data"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post(sc, "is-d", {"n": 1}, **{"x-request-id": "r-1"})
    assert fake.stream_records("is-d") == [("r-1", {"n": 1})]
    assert fake.count(operation="post-stream-data", status=0) == 1
    check(post(sc, "is-d", {"n": 1}, **{"x-request-id": "r-1"}), 202)
    assert fake.stream_records("is-d") == [("r-1", {"n": 1}), ("r-1", {"n": 1})]
    # A refused record is refused before the hang-up: nothing is stored.
    fake.inject(Fault("drop-after-accept", operation="post-stream-data"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post(sc, "is-d", [1])
    assert len(fake.stream_records("is-d")) == 2
    assert [r.status for r in fake.requests] == [0, 202, 0]


def test_slow_stores_after_the_delay_even_when_the_client_gave_up(fake: FakeAmperity) -> None:
    with fake, connect(fake, "socket") as client:
        fake.inject(Fault("slow", delay=0.6, operation="post-stream-data"))
        with pytest.raises(httpx.ReadTimeout):
            client.post("/data/is-s", json={"n": 1}, headers={"x-request-id": "s-1"}, timeout=0.05)
        assert fake.stream_records("is-s") == []
        deadline = time.monotonic() + 5
        while not fake.stream_records("is-s") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake.stream_records("is-s") == [("s-1", {"n": 1})]
        fake.inject(Fault("slow", delay=0.05, operation="post-stream-data"))
        began = time.monotonic()
        check(client.post("/data/is-s", json={"n": 2}), 202)
        assert time.monotonic() - began >= 0.05


@pytest.mark.parametrize(
    "fault",
    [
        Fault("html", status=502),
        Fault("truncated"),
        Fault("malformed"),
        Fault("bad-encoding"),
        Fault("nested", depth=20),
        Fault("gzip-bomb", size=4096),
    ],
    ids=lambda f: f.kind,
)
def test_answer_faults(fake: FakeAmperity, sc: httpx.Client, fault: Fault) -> None:
    """ "html" answers instead of the API (nothing stored); the body kinds serve the record
    (it is stored), then send a hostile 200 in place of the 202."""
    fake.inject(dataclasses.replace(fault, operation="post-stream-data"))
    request = sc.build_request("POST", "/data/is-h", json={"n": 1})
    response = sc.send(request, stream=True)
    try:
        content = b"".join(response.iter_raw())
    finally:
        response.close()
    if fault.kind == "html":
        assert response.status_code == 502
        assert response.headers["content-type"].startswith("text/html")
        assert fake.stream_records("is-h") == []
        return
    assert response.status_code == 200
    assert len(fake.stream_records("is-h")) == 1
    if fault.kind == "gzip-bomb":
        assert gzip.decompress(content) == bytes(4096)
    elif fault.kind == "malformed":
        assert content == b"<<< this is not JSON >>>"
    elif fault.kind == "nested":
        assert content.startswith(b'{"data":[[[')


def test_the_streaming_rate_limit_is_its_own(fake: FakeAmperity) -> None:
    with make_fake(rate_limits={"streaming": 3}) as limited, connect(limited, "socket") as client:
        statuses = [post(client, "is-r", {"n": n}).status_code for n in range(5)]
        assert statuses == [202, 202, 202, 429, 429]
        check(post(client, "is-r", {"n": 5}), 429)
        assert [record for _, record in limited.stream_records("is-r")] == [
            {"n": 0},
            {"n": 1},
            {"n": 2},
        ]
        # The other families are not counted against it.
        api = {"Authorization": f"Bearer {TOKEN}", "amperity-tenant": "acme"}
        segments = httpx.get(
            f"{limited.base_url}/segments", headers={**api, "api-version": "2024-04-01"}
        )
        assert segments.status_code == 200
        limited.reset()
        check(post(client, "is-r", {"n": 6}), 202)
    # Off by default.
    with connect(fake, "transport") as client:
        assert {post(client, "is-r", {"n": n}).status_code for n in range(50)} == {202}
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="rate_limits"):
            make_fake(rate_limits={"streaming": bad})


def test_reset_forgets_records(fake: FakeAmperity, sc: httpx.Client) -> None:
    check(post(sc, "is-z", {"n": 1}), 202)
    fake.reset()
    assert fake.stream_records("is-z") == [] and fake.requests == []
    check(post(sc, "is-z", {"n": 2}), 202)
    assert [record for _, record in fake.stream_records("is-z")] == [{"n": 2}]


def test_the_async_transport_serves_streams(fake: FakeAmperity) -> None:
    async def main() -> list[int]:
        async with httpx.AsyncClient(
            base_url=IN_PROCESS, headers=HEADERS, transport=fake.async_transport()
        ) as client:
            answers = await asyncio.gather(
                *(
                    client.post("/data/is-async", json={"n": n}, headers={"x-request-id": f"a{n}"})
                    for n in range(10)
                )
            )
            fake.inject(Fault("drop-after-accept", operation="post-stream-data"))
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post("/data/is-async", json={"n": 10}, headers={"x-request-id": "a10"})
            return [a.status_code for a in answers]

    assert asyncio.run(main()) == [202] * 10
    kept = fake.stream_records("is-async")
    assert sorted(kept, key=lambda r: int(r[0][1:])) == [(f"a{n}", {"n": n}) for n in range(11)]


@pytest.mark.slow
def test_twenty_thousand_records_each_stored_exactly_once(fake: FakeAmperity) -> None:
    with connect(fake, "transport") as client:
        for n in range(20_000):
            check(post(client, "is-bulk", {"n": n}, **{"x-request-id": f"b-{n}"}), 202)
    kept = fake.stream_records("is-bulk")
    assert kept == [(f"b-{n}", {"n": n}) for n in range(20_000)]
    assert fake.count(operation="post-stream-data") == 20_000
