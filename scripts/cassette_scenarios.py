"""The behaviours captured as cassettes: one scenario each, run identically when recording
(against FakeAmperity) and when replaying (against the placeholder URL, offline).

A scenario's `run` returns what the facade produced, or the facade error it raised; its
`check` asserts on that, so a replay proves the facade still reads the recorded answers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amperity_facade import Amperity, AmperityDeprecationWarning, RetryPolicy, errors
from amperity_facade.testing import FakeAmperity, Fault

FAST = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.002)
STATIC_TOKEN = "fake-static-token-for-recording"
CLIENT_ID = "acme-fake-client"
CLIENT_SECRET = "fake-client-secret-for-recording"
WEEK = {"from": "2026-10-25T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
DEPRECATION = ("Tue, 01 Sep 2026 23:59:59 GMT", "Tue, 01 Dec 2026 23:59:59 GMT")


def _nothing(fake: FakeAmperity) -> None:
    return None


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Amperity], Any]
    check: Callable[[Any], None]
    setup: Callable[[FakeAmperity], None] = _nothing
    oauth: bool = False
    token: str | None = None

    def execute(self, client: Amperity) -> Any:
        try:
            return self.run(client)
        except errors.AmperityError as exc:
            return exc


def fake_tenant() -> FakeAmperity:
    """Small, frozen-clock data: short cassettes that re-record byte for byte."""
    return FakeAmperity(
        seed=7,
        segments=5,
        campaigns=3,
        campaign_drafts=2,
        audit_events=40,
        ingest_jobs=6,
        workflows=4,
        indexes=2,
        profiles_per_index=6,
        collections=1,
        profiles_per_collection=6,
        realtime_segments=2,
        frozen_clock=True,
        token=STATIC_TOKEN,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def client_for(scenario: Scenario, base_url: str, *, secret: str, token: str) -> Amperity:
    common: dict[str, Any] = {"base_url": base_url, "rate_limit": None, "retry_policy": FAST}
    if scenario.oauth:
        return Amperity(tenant="acme", client_id=CLIENT_ID, client_secret=secret, **common)
    return Amperity(tenant="acme", token=scenario.token or token, **common)


def _ids(items: Any) -> list[str]:
    return [item.id for item in items]


def _expect(cls: type[Exception], status: int | None = None) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert isinstance(result, cls), f"expected {cls.__name__}, got {result!r}"
        if status is not None:
            assert result.status_code == status
            assert result.request_id and result.request_id.startswith("req-")

    return check


def _segments(result: Any) -> None:
    assert len(result) == 5 and all(i.startswith("seg-") for i in result), result


def _not_found(result: Any) -> None:
    _expect(errors.NotFoundError, 404)(result)
    assert result.trace_id


def _first_job_then_get(client: Amperity) -> tuple[str, str]:
    job = next(iter(client.ingest_jobs.list(created_from="2026-10-01", created_to="2026-11-01")))
    return job.id, client.ingest_jobs.get(job.id).id


def _run_then_get(client: Amperity) -> tuple[str, str, int]:
    run = client.workflows.run("cg-daily")
    got = client.workflows.get(run.id, view="verbose")
    return run.id, got.id, len(got.task_instances or [])  # type: ignore[arg-type]


def _run_then_stop(client: Amperity) -> str:
    run = client.workflows.run("og-nightly")
    return str(client.workflows.stop(run.id).state)


def _deprecated(client: Amperity) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(client.segments.list())
    return [str(w.message) for w in caught if issubclass(w.category, AmperityDeprecationWarning)]


def _deprecation_check(messages: Any) -> None:
    assert len(messages) == 1 and DEPRECATION[0] in messages[0] and DEPRECATION[1] in messages[0]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "list_segments",
        lambda c: _ids(c.segments.list()),
        _segments,
    ),
    Scenario(
        "list_segments_multipage",
        lambda c: [len(p.items) for p in c.segments.list(limit=2, with_total=True).pages()],
        lambda r: None if r == [2, 2, 1] else _fail(r),
    ),
    Scenario(
        "list_campaigns",
        lambda c: _ids(c.campaigns.list()),
        lambda r: None if len(r) == 3 else _fail(r),
    ),
    Scenario(
        "list_campaign_drafts",
        lambda c: _ids(c.campaign_drafts.list()),
        lambda r: None if len(r) == 2 else _fail(r),
    ),
    Scenario(
        "list_audit_events",
        lambda c: [
            e.event_id
            for e in c.audit_events.list(happened_from=WEEK["from"], happened_to=WEEK["to"])
        ],
        lambda r: None if r else _fail(r),
    ),
    Scenario(
        "list_ingest_jobs",
        lambda c: _ids(c.ingest_jobs.list(created_from="2026-10-01", created_to="2026-11-01")),
        lambda r: None if r and all(i.startswith("isj-") for i in r) else _fail(r),
    ),
    Scenario(
        "get_ingest_job",
        _first_job_then_get,
        lambda r: None if r[0] == r[1] else _fail(r),
    ),
    Scenario(
        "list_workflows",
        lambda c: _ids(c.workflows.list()),
        lambda r: None if len(r) == 4 else _fail(r),
    ),
    Scenario(
        "run_workflow",
        lambda c: str(c.workflows.run("cg-daily").state),
        lambda r: None if r == "scheduled" else _fail(r),
    ),
    Scenario(
        "get_workflow",
        _run_then_get,
        lambda r: None if r[0] == r[1] and r[2] > 0 else _fail(r),
    ),
    Scenario(
        "stop_workflow",
        _run_then_stop,
        lambda r: None if r == "stopping" else _fail(r),
    ),
    Scenario(
        "rate_limited_then_success",
        lambda c: _ids(c.segments.list()),
        _segments,
        setup=lambda f: f.inject(Fault("status", status=429, operation="list-segment")),
    ),
    Scenario(
        "unavailable_then_success",
        lambda c: _ids(c.segments.list()),
        _segments,
        setup=lambda f: f.inject(Fault("status", status=503, operation="list-segment")),
    ),
    Scenario(
        "server_errors_until_retries_run_out",
        lambda c: _ids(c.segments.list()),
        _expect(errors.InternalServerError, 500),
        setup=lambda f: f.inject(Fault("status", status=500, operation="list-segment", times=10)),
    ),
    Scenario(
        "unauthorized",
        lambda c: _ids(c.segments.list()),
        _expect(errors.AuthenticationError, 401),
        token="a-token-the-tenant-does-not-know",
    ),
    Scenario("not_found", lambda c: c.workflows.get("wf-20261101-00000-Missing"), _not_found),
    Scenario(
        "oauth_token_exchange",
        lambda c: _ids(c.segments.list()),
        _segments,
        oauth=True,
    ),
    Scenario(
        "deprecation_headers",
        _deprecated,
        _deprecation_check,
        setup=lambda f: f.set_deprecation(deprecation=DEPRECATION[0], sunset=DEPRECATION[1]),
    ),
)


# Profile and Real-Time scenarios find their ids through the API itself, so a replay (which
# has no fake to ask) runs exactly the requests that were recorded.


def _first_index(client: Amperity) -> str:
    return next(iter(client.profiles.indexes.list())).id


def _index_then_get(client: Amperity) -> tuple[str, str]:
    index = _first_index(client)
    return index, client.profiles.indexes.get(index).id


def _profiles_filtered(client: Amperity) -> list[int]:
    index = _first_index(client)
    return [
        len(page.items)
        for page in client.profiles.list(index, filters={"loyalty_tier": "gold"}, limit=2).pages()
    ]


def _profile_then_get(client: Amperity) -> tuple[str, str]:
    index = _first_index(client)
    first = next(iter(client.profiles.list(index, limit=1)))
    return first.id, client.profiles.get(index, first.id).id


COLLECTION = "apc-9DXQGk6m1"  # the seed-7 fake's first collection; a replay cannot ask
LOOKUP_KEY = {"customer_id": "CUST-0001"}
SEGMENT_MEMBER_KEY = {"customer_id": "CUST-0004"}  # in both of that collection's segments


def _lookup(client: Amperity) -> tuple[str, str]:
    found = client.realtime.lookup(COLLECTION, keys=LOOKUP_KEY)
    assert found is not None
    again = client.realtime.get_profile(COLLECTION, str(found.profile_id), enrich=True)
    return str(found.profile_id), str(again.profile_id)


def _segments_then_members(client: Amperity) -> tuple[list[str], list[str]]:
    found = client.realtime.lookup(COLLECTION, keys=SEGMENT_MEMBER_KEY)
    assert found is not None
    segments = [
        str(s.segment_id)
        for s in client.realtime.profile_segments(COLLECTION, str(found.profile_id))
    ]
    members = [str(m.profile_id) for m in client.realtime.segment_members(segments[0], limit=2)]
    return segments, members


FAMILY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "list_profile_indexes",
        lambda c: _ids(c.profiles.indexes.list()),
        lambda r: None if len(r) == 2 and all(i.startswith("idx-") for i in r) else _fail(r),
    ),
    Scenario("get_profile_index", _index_then_get, lambda r: None if r[0] == r[1] else _fail(r)),
    Scenario(
        "list_profiles_filtered",
        _profiles_filtered,
        lambda r: None if r and all(n <= 2 for n in r) else _fail(r),
    ),
    Scenario("get_profile", _profile_then_get, lambda r: None if r[0] == r[1] else _fail(r)),
    Scenario("realtime_lookup", _lookup, lambda r: None if r[0] == r[1] else _fail(r)),
    Scenario(
        "realtime_lookup_no_match",
        lambda c: c.realtime.lookup(COLLECTION, keys={"email": "nobody@example.com"}),
        lambda r: None if r is None else _fail(r),
    ),
    Scenario(
        "realtime_segments_and_members",
        _segments_then_members,
        lambda r: None if r[0] and r[1] else _fail(r),
    ),
)
STREAM = "is-a1b2c3d4"
RECORD = {"order_id": "o-1", "email": "customer-0001@example.com", "total": 12.5}


def _events(client: Amperity) -> list[str]:
    return [
        client.realtime.send_event("esm-23ZvjfSSJ", {"type": "page_view", "page": "/cart"}),
        client.realtime.send_event("esm-5hDq7XbLz", {"type": "page_view", "page": "/"}),
    ]


WRITE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "stream_send",
        lambda c: c.streams.send(STREAM, RECORD, request_id="cassette-record-1"),
        lambda r: None if r.status == 202 and r.request_id else _fail(r),
    ),
    Scenario(
        "stream_send_retried_after_503",
        lambda c: c.streams.send(STREAM, RECORD, request_id="cassette-record-2"),
        lambda r: None if r.status == 202 else _fail(r),
        setup=lambda f: f.inject(Fault("status", status=503, operation="post-stream-data")),
    ),
    Scenario(
        "realtime_send_event",
        _events,
        lambda r: None if r == ["accepted", "dropped"] else _fail(r),
    ),
)
SCENARIOS = SCENARIOS + FAMILY_SCENARIOS + WRITE_SCENARIOS


def _fail(result: Any) -> None:
    raise AssertionError(f"unexpected result {result!r}")
