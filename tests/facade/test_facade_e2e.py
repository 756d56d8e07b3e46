"""End to end through the public facade against FakeAmperity on loopback, sync and async."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator

import pytest

from amperity_facade import Amperity, AmperityDeprecationWarning, AsyncAmperity, RetryPolicy, errors
from amperity_facade.testing import FakeAmperity, Fault

FAST = RetryPolicy(backoff_base=0.001, backoff_max=0.002)


@pytest.fixture
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(
        segments=230, audit_events=600, ingest_jobs=40, workflows=12, token_ttl=60
    ) as running:
        yield running


def sync_client(fake: FakeAmperity, **kwargs: object) -> Amperity:
    kwargs.setdefault("token", fake.token)
    return Amperity(
        tenant=fake.tenant, base_url=fake.base_url, retry_policy=FAST, rate_limit=None, **kwargs
    )  # type: ignore[arg-type]


def test_sync_main_job(fake: FakeAmperity) -> None:
    with sync_client(fake) as client:
        pages = list(client.segments.list(limit=50, with_total=True).pages())
        assert [len(p.items) for p in pages] == [50, 50, 50, 50, 30]
        assert {p.total for p in pages} == {230}
        ids = [s.id for p in pages for s in p.items]
        assert len(set(ids)) == 230
        resumed = [s.id for s in client.segments.list(limit=50, next_token=pages[1].next_token)]
        assert resumed == ids[100:]

        events = list(
            client.audit_events.list(happened_from="2026-10-25", happened_to="2026-11-01")
        )
        assert events and all(
            "2026-10-25" <= e.happened_at.isoformat() < "2026-11-01" for e in events
        )
        assert all(e.principal_email.endswith("@example.com") for e in events)

        jobs = list(
            client.ingest_jobs.list(created_from="2026-10-01", created_to="2026-10-29", limit=5)
        )
        assert len({j.id for j in jobs}) == len(jobs) > 0
        assert fake.count(operation="list-ingest-jobs", status=400) == 0  # windows of <= 7 days
        assert client.ingest_jobs.get(jobs[0].id).id == jobs[0].id

        assert list(client.campaign_drafts.list())
        assert [
            r.headers["api-version"] for r in fake.requests if r.operation == "list-campaign-draft"
        ] == ["unstable"]

        run = client.workflows.run("cg-e2e")
        assert "run_mode" not in fake.requests[-1].body.decode()
        assert client.workflows.wait(run.id, poll_interval=0.001).state == "succeeded"
        failing = client.workflows.run("cg-fail")
        with pytest.raises(errors.WorkflowFailedError) as info:
            client.workflows.wait(failing.id, poll_interval=0.001)
        assert info.value.error_type and info.value.error_message
        stopped = client.workflows.stop(client.workflows.run("og-e2e").id)
        assert stopped.state == "stopping"
        with pytest.raises(errors.NotFoundError) as missing:
            client.workflows.get("wf-nope")
        assert missing.value.request_id and missing.value.trace_id


def test_sync_oauth_refresh_after_expiry(fake: FakeAmperity) -> None:
    with sync_client(
        fake, token=None, client_id=fake.client_id, client_secret=fake.client_secret
    ) as client:
        assert len(list(client.segments.list(limit=100))) == 230
        fake.expire_tokens()  # the server now answers 401 to the cached token
        assert len(list(client.campaigns.list())) == 40
    assert fake.count(operation="create-token") == 2
    assert fake.count(status=401) == 1


def test_sync_deprecation_and_retry(fake: FakeAmperity) -> None:
    fake.set_deprecation(
        deprecation="Tue, 01 Sep 2026 23:59:59 GMT", sunset="Tue, 01 Dec 2026 23:59:59 GMT"
    )
    fake.inject(Fault("status", status=503, operation="list-segment", request_number=3))
    with sync_client(fake) as client, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(list(client.segments.list(limit=50))) == 230
    assert sum(issubclass(w.category, AmperityDeprecationWarning) for w in caught) == 1
    assert fake.count(operation="list-segment") == 6


def test_async_main_job(fake: FakeAmperity) -> None:
    async def main() -> None:
        async with AsyncAmperity(
            tenant=fake.tenant,
            client_id=fake.client_id,
            client_secret=fake.client_secret,
            base_url=fake.base_url,
            retry_policy=FAST,
        ) as client:
            segments, workflows, events = await asyncio.gather(
                collect(client.segments.list(limit=40)),
                collect(client.workflows.list()),
                collect(client.audit_events.list(max_items=120)),
            )
            assert (len(segments), len(workflows), len(events)) == (230, 12, 120)
            run = await client.workflows.run("cg-async")
            assert (await client.workflows.wait(run.id, poll_interval=0.001)).state == "succeeded"
            verbose = await client.workflows.get(run.id, view="verbose")
            assert verbose.task_instances
            with pytest.raises(errors.WorkflowFailedError):
                await client.workflows.wait(
                    (await client.workflows.run("cg-fail")).id, poll_interval=0.001
                )

    async def collect(paginator: object) -> list[object]:
        return [item async for item in paginator]  # type: ignore[attr-defined]

    asyncio.run(main())
    assert fake.count(operation="create-token") == 1
    assert fake.count(status=429) == 0
