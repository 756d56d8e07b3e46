"""The in-process transports: the same answers as the socket server, without a socket."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors
from amperity_facade.testing import FakeAmperity, FakeUsageError, Fault, OperationName

from .conftest import SMALL

TOKEN = "tok-transport-0123456789abcdef"
CLIENT_ID = "acme-transport-client"
SECRET = "transport-secret-0123456789"
HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "amperity-tenant": "acme",
    "api-version": "2024-04-01",
}
BASE = "http://fake.invalid/api"
FAST = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.002)
# Compared between modes; Date and x-request-id differ by nature (the latter is checked apart).
KEY_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "retry-after",
    "allow",
    "deprecation",
    "sunset",
    "server",
    "location",
)
TOKEN_HEADERS = {"x-amperity-tenant": "acme"}
RANDOM_FIELDS = {"request_id", "trace_id", "access_token"}

Step = Callable[[httpx.Client], httpx.Response]


def make_fake(**kwargs: Any) -> FakeAmperity:
    return FakeAmperity(
        tenant="acme",
        seed=7,
        token=TOKEN,
        client_id=CLIENT_ID,
        client_secret=SECRET,
        frozen_clock=True,
        **{**SMALL, **kwargs},
    )


@pytest.fixture
def fake() -> FakeAmperity:
    """Not started: the transports need no server."""
    return make_fake()


@pytest.fixture
def client(fake: FakeAmperity) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=fake.transport()) as c:
        yield c


def token_form(secret: str = SECRET) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": secret}


# Every operation the fake routes, plus the error paths every request goes through.
STEPS: list[tuple[str, Step]] = [
    ("list-events", lambda c: c.get("/audit-events", params={"limit": 5})),
    ("list-campaign", lambda c: c.get("/campaigns", params={"limit": 3})),
    (
        "list-campaign-draft",
        lambda c: c.get("/campaign-drafts", headers={"api-version": "unstable"}),
    ),
    ("list-campaign-draft stable", lambda c: c.get("/campaign-drafts")),
    ("list-segment", lambda c: c.get("/segments", params={"limit": 7, "with_total": "true"})),
    ("list-segment bad limit", lambda c: c.get("/segments", params={"limit": "x"})),
    (
        "list-ingest-jobs",
        lambda c: c.get(
            "/ingest/jobs", params={"created_from": "2026-10-01", "created_to": "2026-10-05"}
        ),
    ),
    ("get-ingest-job missing", lambda c: c.get("/ingest/jobs/ij-nope")),
    ("list-workflows", lambda c: c.get("/workflow/runs", params={"limit": 4})),
    ("run-workflow", lambda c: c.post("/workflow/runs", json={"config_id": "cg-2xYzAbCdE"})),
    ("run-workflow bad", lambda c: c.post("/workflow/runs", json={"nope": 1})),
    ("get-workflow missing", lambda c: c.get("/workflow/runs/wf-nope")),
    ("stop-workflow missing", lambda c: c.post("/workflow/runs/wf-nope/stop")),
    (
        "create-token",
        lambda c: c.post("/v0/oauth2/token", data=token_form(), headers=TOKEN_HEADERS),
    ),
    (
        "create-token bad secret",
        lambda c: c.post("/v0/oauth2/token", data=token_form("wrong"), headers=TOKEN_HEADERS),
    ),
    ("create-token GET", lambda c: c.get("/v0/oauth2/token")),
    ("bad token", lambda c: c.get("/segments", headers={"Authorization": "Bearer nope"})),
    ("other tenant", lambda c: c.get("/segments", headers={"amperity-tenant": "other"})),
    ("bad version", lambda c: c.get("/segments", headers={"api-version": "1999-01-01"})),
    ("unknown path", lambda c: c.get("/no-such-thing")),
    ("wrong method", lambda c: c.delete("/segments")),
    ("HEAD", lambda c: c.head("/segments")),
]


def first_ids(client: httpx.Client) -> list[Step]:
    """Steps that need ids the listings above return (the same in both modes)."""
    job = client.get(
        "/ingest/jobs", params={"created_from": "2026-10-01", "created_to": "2026-10-05"}
    ).json()["data"][0]["id"]
    run = client.post("/workflow/runs", json={"config_id": "cg-2xYzAbCdE"}).json()["id"]
    return [
        lambda c: c.get(f"/ingest/jobs/{job}"),
        lambda c: c.get(f"/workflow/runs/{run}"),
        lambda c: c.get(f"/workflow/runs/{run}", params={"view": "verbose"}),
        lambda c: c.post(f"/workflow/runs/{run}/stop"),
        lambda c: c.post(f"/workflow/runs/{run}/stop"),
    ]


# Profile and Real-Time API steps: (name, method, path from the host's root, httpx kwargs).
FamilyStep = tuple[str, str, str, dict[str, Any]]
PROFILE_VERSION = {"api-version": "2025-07-31"}
REALTIME_VERSION = {"api-version": "2026-09-03"}


FAMILY_OPERATIONS: frozenset[OperationName] = frozenset(
    {
        "list-indexes",
        "get-index",
        "list-profiles",
        "get-profile",
        "post-lookup-keychain",
        "get-realtime-profile",
        "list-profile-segments",
        "list-segment-profiles",
    }
)


def family_steps(fake: FakeAmperity) -> list[FamilyStep]:
    """Every Profile and Real-Time operation, and their error paths; the ids are seeded, so
    two fakes built alike get the same steps."""
    index = fake.profile_indexes[0]
    collection = fake.collections[0]
    segment = collection.segments[0]
    member = segment.profile_ids[0]
    email = fake.realtime_profiles(collection.id)[0]["attributes"]["email"]
    lookup = f"/prof/lookup/{collection.id}/keychain"
    pv, rv = {"headers": PROFILE_VERSION}, {"headers": REALTIME_VERSION}
    return [
        ("list-indexes", "GET", "/api/indexes", {**pv, "params": {"limit": 2, "with_total": "1"}}),
        ("list-indexes total", "GET", "/api/indexes", {**pv, "params": {"with_total": "true"}}),
        ("get-index", "GET", f"/api/indexes/{index.id}", pv),
        ("get-index missing", "GET", "/api/indexes/idx-nope", pv),
        (
            "list-profiles",
            "GET",
            f"/api/indexes/{index.id}/profiles",
            {**pv, "params": {"filter[favorite_category]": "Home & Garden", "limit": 3}},
        ),
        (
            "list-profiles unknown attribute",
            "GET",
            f"/api/indexes/{index.id}/profiles",
            {**pv, "params": {"filter[shoe_size]": "42"}},
        ),
        ("get-profile", "GET", f"/api/indexes/{index.id}/profiles/{index.profile_ids[0]}", pv),
        ("profile bad version", "GET", "/api/indexes", {"headers": REALTIME_VERSION}),
        ("profile wrong method", "POST", "/api/indexes", pv),
        ("post-lookup-keychain", "POST", lookup, {**rv, "json": {"keys": {"email": email}}}),
        (
            "lookup enriched",
            "POST",
            lookup,
            {**rv, "json": {"keys": {"customer_id": "CUST-0002"}, "enrich": True}},
        ),
        ("lookup no match", "POST", lookup, {**rv, "json": {"keys": {"email": "x@example.com"}}}),
        ("lookup bad body", "POST", lookup, {**rv, "content": b"{nope"}),
        ("lookup GET form", "GET", lookup, {**rv, "params": {"email": email}}),
        (
            "get-realtime-profile",
            "GET",
            f"/prof/profiles/{collection.id}/{member}",
            {**rv, "params": {"enrich": "true"}},
        ),
        ("list-profile-segments", "GET", f"/prof/profiles/{collection.id}/{member}/segments", rv),
        (
            "list-segment-profiles",
            "GET",
            f"/prof/segments/{segment.id}/profiles",
            {**rv, "params": {"limit": 5}},
        ),
        ("realtime bad version", "GET", f"/prof/segments/{segment.id}/profiles", {}),
        (
            "realtime bad token",
            "GET",
            f"/prof/segments/{segment.id}/profiles",
            {"headers": {**REALTIME_VERSION, "Authorization": "Bearer nope"}},
        ),
        ("realtime events", "POST", "/prof/events/esm-1", {**rv, "json": {"email": email}}),
        ("realtime unknown path", "GET", "/prof/nothing", rv),
        ("realtime HEAD", "HEAD", f"/prof/segments/{segment.id}/profiles", rv),
    ]


def family_url(base: httpx.URL, path: str) -> httpx.URL:
    return base.copy_with(raw_path=path.encode("ascii"))


def run_families(client: httpx.Client, fake: FakeAmperity) -> list[tuple[Any, ...]]:
    return [
        summary(client.request(method, family_url(client.base_url, path), **kwargs))
        for _, method, path, kwargs in family_steps(fake)
    ]


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<random>" if k in RANDOM_FIELDS else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def summary(response: httpx.Response) -> tuple[Any, ...]:
    body: Any = response.content
    if response.content and response.headers.get("content-type") == "application/json":
        body = masked(json.loads(response.content))
    headers = {name: response.headers.get(name) for name in KEY_HEADERS}
    assert response.headers["x-request-id"].startswith("req-")
    return response.status_code, response.reason_phrase, headers, body


def run_all(client: httpx.Client) -> list[tuple[Any, ...]]:
    answers = [summary(step(client)) for _, step in STEPS]
    answers += [summary(step(client)) for step in first_ids(client)]
    return answers


def log_of(fake: FakeAmperity) -> list[tuple[Any, ...]]:
    return [(r.method, r.path, r.query, r.operation, r.status, r.body) for r in fake.requests]


def test_socket_and_transport_answer_every_operation_alike() -> None:
    fake_socket, fake_transport = make_fake(), make_fake()
    for target in (fake_socket, fake_transport):
        target.set_deprecation("@1700000000", "Sat, 01 Jan 2028 00:00:00 GMT", "list-segment")
        target.set_deprecation("@1700000001", None, "post-lookup-keychain")
        target.set_deprecation(None, "Sat, 01 Jan 2028 00:00:00 GMT", "list-profiles")
    with fake_socket, httpx.Client(base_url=fake_socket.base_url, headers=HEADERS) as over_socket:
        by_socket = run_all(over_socket) + run_families(over_socket, fake_socket)
    with httpx.Client(
        base_url=BASE, headers=HEADERS, transport=fake_transport.transport()
    ) as in_process:
        by_transport = run_all(in_process) + run_families(in_process, fake_transport)
    families = family_steps(fake_socket)
    assert len(by_socket) == len(STEPS) + 5 + len(families)
    names = [n for n, _ in STEPS] + ["by id"] * 5 + [n for n, *_ in families]
    for name, socket_answer, transport_answer in zip(names, by_socket, by_transport, strict=True):
        assert socket_answer == transport_answer, name
    assert {a[0] for a in by_socket} >= {200, 201, 400, 401, 404, 405}
    assert log_of(fake_socket) == log_of(fake_transport)
    served = {r.operation for r in fake_socket.requests if 200 <= r.status < 300}
    assert served >= FAMILY_OPERATIONS


def test_async_transport_serves_the_new_families_like_the_sync_one() -> None:
    sync_fake, async_fake = make_fake(), make_fake()
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=sync_fake.transport()) as c:
        expected = run_families(c, sync_fake)

    async def main() -> list[tuple[Any, ...]]:
        async with httpx.AsyncClient(
            base_url=BASE, headers=HEADERS, transport=async_fake.async_transport()
        ) as ac:
            return [
                summary(await ac.request(method, family_url(ac.base_url, path), **kwargs))
                for _, method, path, kwargs in family_steps(async_fake)
            ]

    assert asyncio.run(main()) == expected
    assert log_of(sync_fake) == log_of(async_fake)


def test_async_transport_answers_like_the_sync_one() -> None:
    sync_fake, async_fake = make_fake(), make_fake()
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=sync_fake.transport()) as c:
        expected = [summary(step(c)) for _, step in STEPS]

    async def main() -> list[tuple[Any, ...]]:
        async with httpx.AsyncClient(
            base_url=BASE, headers=HEADERS, transport=async_fake.async_transport()
        ) as ac:
            return [
                summary(await ac.request(r.method, r.url, headers=r.headers, content=r.content))
                for r in recorded
            ]

    # Replay the same requests through the async transport.
    recorded = [
        httpx.Request(
            q.method,
            httpx.URL(BASE + q.path.removeprefix("/api")).copy_merge_params(
                {k: v for k, v in q.query.items()}
            ),
            headers=q.headers,
            content=q.body,
        )
        for q in sync_fake.requests
    ]
    assert asyncio.run(main()) == expected
    assert log_of(sync_fake) == log_of(async_fake)


def test_facade_over_the_transport_sync(fake: FakeAmperity) -> None:
    fake.set_deprecation(deprecation="@1700000000", operation="list-ingest-jobs")
    with Amperity(
        tenant="acme",
        client_id=CLIENT_ID,
        client_secret=SECRET,
        transport=fake.transport(),
        retry_policy=FAST,
        rate_limit=None,
    ) as client:
        assert len(list(client.segments.list(limit=50))) == SMALL["segments"]
        fake.expire_tokens()
        run = client.workflows.run("cg-2xYzAbCdE")
        assert client.workflows.wait(run.id, poll_interval=0.001).state == "succeeded"
        fake.inject(Fault("status", status=503, operation="list-workflows"))
        assert list(client.workflows.list(max_items=3))
        with pytest.raises(errors.NotFoundError):
            client.workflows.get("wf-nope")
    assert fake.count(operation="create-token") == 2
    assert fake.count(status=401) == 1
    assert fake.count(operation="list-workflows", status=503) == 1


def test_facade_over_the_transport_async(fake: FakeAmperity) -> None:
    async def main() -> None:
        async with AsyncAmperity(
            tenant="acme",
            token=TOKEN,
            transport=fake.async_transport(),
            retry_policy=FAST,
            rate_limit=None,
        ) as client:
            segments, events = await asyncio.gather(
                collect(client.segments.list(limit=40)),
                collect(client.audit_events.list(max_items=120)),
            )
            assert (len(segments), len(events)) == (SMALL["segments"], 120)
            run = await client.workflows.run("cg-fail")
            with pytest.raises(errors.WorkflowFailedError):
                await client.workflows.wait(run.id, poll_interval=0.001)

    async def collect(paginator: Any) -> list[Any]:
        return [item async for item in paginator]

    asyncio.run(main())
    assert fake.count(operation="list-segment") == 7


def test_auth_via_transport(fake: FakeAmperity, client: httpx.Client) -> None:
    assert client.get("/segments", headers={"Authorization": "Bearer wrong"}).status_code == 401
    issued = client.post("/v0/oauth2/token", data=token_form(), headers=TOKEN_HEADERS).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.get("/segments", headers=bearer).status_code == 200
    fake.expire_tokens()
    assert client.get("/segments", headers=bearer).status_code == 401
    assert client.get("/segments").status_code == 200  # the static token stays valid


@pytest.mark.slow  # waits out the one-second window
def test_rate_limit_via_transport() -> None:
    fake = make_fake(rate_limit=3)
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=fake.transport()) as client:
        statuses = [client.get("/segments").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        time.sleep(1.05)
        assert client.get("/segments").status_code == 200
    assert fake.count(status=429) == 2


def fetch(client: httpx.Client) -> tuple[httpx.Response, Any]:
    """The answer and its decoded body, or the name of the error decoding it raised."""
    with client.stream("GET", "/segments", params={"limit": 3}) as response:
        try:
            content = response.read()
        except httpx.DecodingError as error:
            return response, type(error).__name__
    if response.status_code >= 400 and response.headers["content-type"] == "application/json":
        return response, masked(json.loads(content))
    return response, content.replace(response.headers["x-request-id"].encode(), b"<id>")


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=503, retry_after="2"),
        Fault("html", status=502),
        Fault("truncated"),
        Fault("malformed"),
        Fault("bad-encoding"),
        Fault("nested", depth=50),
        Fault("gzip-bomb", size=4096),
        Fault("bad-cursor"),
        Fault("wrong-type"),
    ],
    ids=lambda f: f.kind,
)
def test_body_faults_match_the_socket(fault: Fault) -> None:
    fake_socket, fake_transport = make_fake(), make_fake()
    fake_socket.inject(fault)
    fake_transport.inject(fault)
    with fake_socket, httpx.Client(base_url=fake_socket.base_url, headers=HEADERS) as c:
        by_socket, socket_body = fetch(c)
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=fake_transport.transport()) as c:
        by_transport, transport_body = fetch(c)
    assert by_socket.status_code == by_transport.status_code
    assert by_socket.reason_phrase == by_transport.reason_phrase
    for name in KEY_HEADERS:
        assert by_socket.headers.get(name) == by_transport.headers.get(name), name
    assert socket_body == transport_body
    assert fake_socket.count(status=by_socket.status_code) == 1
    assert fake_transport.count(status=by_transport.status_code) == 1


def test_drop_raises_as_over_a_socket() -> None:
    fake_socket, fake_transport = make_fake(), make_fake()
    for target in (fake_socket, fake_transport):
        target.inject(Fault("drop", operation="list-segment"))
    with fake_socket, httpx.Client(base_url=fake_socket.base_url, headers=HEADERS) as c:
        with pytest.raises(httpx.RemoteProtocolError) as over_socket:
            c.get("/segments")
        assert c.get("/segments").status_code == 200
    with httpx.Client(base_url=BASE, headers=HEADERS, transport=fake_transport.transport()) as c:
        with pytest.raises(httpx.RemoteProtocolError) as in_process:
            c.get("/segments")
        assert c.get("/segments").status_code == 200
    assert str(over_socket.value) == str(in_process.value)
    assert fake_transport.count(status=0) == 1 == fake_socket.count(status=0)


def test_drop_is_retried_by_the_facade(fake: FakeAmperity) -> None:
    fake.inject(Fault("drop", operation="list-segment"))
    with Amperity(
        tenant="acme", token=TOKEN, transport=fake.transport(), retry_policy=FAST, rate_limit=None
    ) as client:
        assert list(client.segments.list(max_items=2))
    assert fake.count(operation="list-segment", status=0) == 1


def test_slow_waits_then_answers(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("slow", delay=0.3))
    began = time.monotonic()
    assert client.get("/segments").status_code == 200
    assert time.monotonic() - began >= 0.3


@pytest.mark.slow  # waits for the delay to end
def test_slow_beyond_the_read_timeout_times_out(fake: FakeAmperity) -> None:
    # A delay ten times the read timeout, so that "timed out before the answer" holds even
    # when a loaded machine (pytest -n auto) wakes the sleeper late.
    fake.inject(Fault("slow", delay=1.0, operation="run-workflow"))
    with httpx.Client(
        base_url=BASE, headers=HEADERS, transport=fake.transport(), timeout=0.1
    ) as client:
        began = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.post("/workflow/runs", json={"config_id": "cg-2xYzAbCdE"})
        assert 0.1 <= time.monotonic() - began < 0.9
        time.sleep(1.1)  # as with the server, the run still starts when the delay ends
    assert fake.count(operation="run-workflow", status=201) == 1


def test_async_faults() -> None:
    fake = make_fake()

    async def main() -> None:
        async with httpx.AsyncClient(
            base_url=BASE, headers=HEADERS, transport=fake.async_transport(), timeout=0.1
        ) as client:
            fake.inject(Fault("drop"))
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/segments")
            fake.inject(Fault("slow", delay=0.05))
            assert (await client.get("/segments")).status_code == 200
            fake.inject(Fault("slow", delay=0.4))
            with pytest.raises(httpx.ReadTimeout):
                await client.get("/segments")
            fake.inject(Fault("status", status=429, retry_after="1"))
            limited = await client.get("/segments")
            assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
            fake.inject(Fault("gzip-bomb", size=1000))
            bomb = await client.get("/segments")
            assert bomb.content == bytes(1000)

    asyncio.run(main())
    assert [r.status for r in fake.requests][:2] == [0, 200]


def test_requests_only_the_server_parser_refuses_need_the_server(
    fake: FakeAmperity, client: httpx.Client
) -> None:
    with pytest.raises(FakeUsageError, match="needs the server mode"):
        client.get("/segments", headers={"x-big": "a" * 70_000})
    with pytest.raises(FakeUsageError, match="needs the server mode"):
        client.get("/segments", headers={f"x-h{i}": "1" for i in range(101)})

    async def main() -> None:
        async with httpx.AsyncClient(
            base_url=BASE, headers=HEADERS, transport=fake.async_transport()
        ) as ac:
            with pytest.raises(FakeUsageError, match="needs the server mode"):
                await ac.get("/segments", headers={"x-big": "a" * 70_000})

    asyncio.run(main())
    assert fake.count() == 0


def test_transport_and_server_share_one_fake(fake: FakeAmperity) -> None:
    local = httpx.Client(base_url=BASE, headers=HEADERS, transport=fake.transport())
    with fake, local, httpx.Client(base_url=fake.base_url, headers=HEADERS) as over_socket:
        run = local.post("/workflow/runs", json={"config_id": "cg-2xYzAbCdE"}).json()
        assert over_socket.get(f"/workflow/runs/{run['id']}").json()["id"] == run["id"]
    assert [r.operation for r in fake.requests] == ["run-workflow", "get-workflow"]
