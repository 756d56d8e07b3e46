"""The Profile and Real-Time APIs end to end: the public facade against FakeAmperity on
loopback (and in process), sync and async."""

from __future__ import annotations

import asyncio
import logging
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from amperity_facade import (
    Amperity,
    AmperityDeprecationWarning,
    AsyncAmperity,
    RetryPolicy,
    errors,
)
from amperity_facade.testing import FakeAmperity, Fault

FAST = RetryPolicy(backoff_base=0.001, backoff_max=0.002)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(profiles_per_index=60, profiles_per_collection=80) as running:
        yield running


def client_of(fake: FakeAmperity, **kwargs: Any) -> Amperity:
    kwargs.setdefault("retry_policy", FAST)
    return Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url, **kwargs)


def test_profiles_list_every_profile_of_an_index_once(fake: FakeAmperity) -> None:
    index = fake.profile_indexes[0]
    with client_of(fake) as client:
        assert [i.id for i in client.profiles.indexes.list()] == [
            i.id for i in fake.profile_indexes
        ]
        assert client.profiles.indexes.get(index.id).name == index.name
        got = [p.id for p in client.profiles.list(index.id, limit=7)]
        assert got == list(index.profile_ids)
        one = client.profiles.get(index.id, got[3])
        assert one.attributes.additional_properties == fake.profiles(index.id)[3]["attributes"]


def test_filters_narrow_the_listing_exactly_like_the_data(fake: FakeAmperity) -> None:
    index = fake.profile_indexes[0]
    rows = fake.profiles(index.id)
    special = next(
        r["attributes"] for r in rows if "[" in str(r["attributes"].get("favorite_category"))
    )
    filters = {
        "loyalty_tier": special["loyalty_tier"],
        "favorite_category": special["favorite_category"],
    }
    expected = [
        r["id"] for r in rows if all(r["attributes"].get(k) == v for k, v in filters.items())
    ]
    with client_of(fake) as client:
        got = [p.id for p in client.profiles.list(index.id, filters=filters, limit=5)]
        assert got == expected and got
        with pytest.raises(errors.BadRequestError):
            list(client.profiles.list(index.id, filters={"zz_no_such_attribute": "x"}))


def test_lookup_by_each_configured_key_finds_the_profile(fake: FakeAmperity) -> None:
    collection = fake.collections[0]
    profile = fake.realtime_profiles(collection.id)[0]
    with client_of(fake) as client:
        for key in collection.key_priority:
            value = profile["attributes"].get(key)
            if value is None:
                continue
            found = client.realtime.lookup(collection.id, keys={key: value})
            assert found is not None and found.profile_id == profile["profile_id"], key
        assert client.realtime.lookup(collection.id, keys={"email": "nobody@example.com"}) is None
        enriched = client.realtime.get_profile(collection.id, profile["profile_id"], enrich=True)
        plain = client.realtime.get_profile(collection.id, profile["profile_id"])
        assert set(enriched.attributes.additional_properties) > set(
            plain.attributes.additional_properties
        )


def test_realtime_segments_and_members_walk_every_item_once(fake: FakeAmperity) -> None:
    segment = fake.collections[0].segments[0]
    with client_of(fake) as client:
        members = [m.profile_id for m in client.realtime.segment_members(segment.id, limit=4)]
        assert members == list(segment.profile_ids)
        dicts = [m["profile_id"] for m in client.realtime.segment_members(segment.id).as_dicts()]
        assert dicts == members
        owner = segment.profile_ids[0]
        names = [
            s.segment_id for s in client.realtime.profile_segments(segment.collection_id, owner)
        ]
        assert segment.id in names


def test_lookup_keys_reach_neither_the_fake_log_nor_ours(
    fake: FakeAmperity, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="amperity_facade")
    collection = fake.collections[0]
    email = fake.realtime_profiles(collection.id)[5]["attributes"]["email"]
    with client_of(fake) as client:
        assert client.realtime.lookup(collection.id, keys={"email": email}) is not None
    assert email not in caplog.text and "/prof/lookup/" in caplog.text
    logged = [r for r in fake.requests if r.operation == "post-lookup-keychain"]
    assert logged and all(email not in repr(r) for r in logged)
    assert all(email not in r.path for r in logged)


def test_faults_on_the_new_families_are_retried_like_any_call(fake: FakeAmperity) -> None:
    collection = fake.collections[0]
    fake.inject(Fault("status", status=503, operation="post-lookup-keychain", times=2))
    fake.inject(Fault("drop", operation="list-indexes", times=1))
    try:
        with client_of(fake) as client:
            key = {"customer_id": "CUST-0001"}
            assert client.realtime.lookup(collection.id, keys=key) is not None
            assert list(client.profiles.indexes.list())
    finally:
        fake.reset()


@pytest.mark.parametrize("family", ["profile", "realtime"])
def test_each_family_holds_its_own_rate_on_the_wire(family: str) -> None:
    """Threads at a family's limit get no 429 from the fake, which counts that family's
    requests alone; the control plane, at its own limit, never waits on them."""
    limits = {"profile": 20, "realtime": 20}
    with FakeAmperity(rate_limits=limits, rate_limit=10, profiles_per_collection=20) as fake:
        collection = fake.collections[0]
        index = fake.profile_indexes[0]
        settings = {f"{family}_rate_limit": 20, "rate_limit": 10}
        with client_of(fake, **settings) as client:

            def work() -> None:
                for _ in range(8):
                    if family == "profile":
                        client.profiles.indexes.get(index.id)
                    else:
                        client.realtime.get_profile(collection.id, collection.profile_ids[0])

            threads = [threading.Thread(target=work) for _ in range(6)]
            for thread in threads:
                thread.start()
            list(client.segments.list(limit=50))
            for thread in threads:
                thread.join()
        assert fake.count(status=429) == 0
        served = fake.count(
            operation="get-index" if family == "profile" else "get-realtime-profile"
        )
        assert served == 48


def test_family_versions_reach_the_fake_and_a_wrong_one_is_refused(fake: FakeAmperity) -> None:
    with client_of(fake) as client:
        client.profiles.indexes.list().pages().__next__()
        client.realtime.get_profile(fake.collections[0].id, fake.collections[0].profile_ids[0])
        with pytest.raises(errors.BadRequestError):
            client.with_options(profile_api_version="2020-01-01").profiles.indexes.get(
                fake.profile_indexes[0].id
            )
        with pytest.raises(errors.BadRequestError):
            client.with_options(realtime_api_version="2020-01-01").realtime.get_profile(
                fake.collections[0].id, fake.collections[0].profile_ids[0]
            )


def test_async_in_process_reaches_both_families(fake: FakeAmperity) -> None:
    index, collection = fake.profile_indexes[1], fake.collections[1]
    email = fake.realtime_profiles(collection.id)[2]["attributes"]["email"]

    async def run() -> tuple[list[str], Any, list[str]]:
        async with AsyncAmperity(
            tenant=fake.tenant,
            token=fake.token,
            base_url=fake.base_url,
            transport=fake.async_transport(),
            retry_policy=FAST,
        ) as client:
            ids = [p.id async for p in client.profiles.list(index.id, limit=9)]
            found = await asyncio.gather(
                *(client.realtime.lookup(collection.id, keys={"email": email}) for _ in range(5))
            )
            members = [
                m.profile_id
                async for m in client.realtime.segment_members(collection.segments[0].id)
            ]
            return ids, found, members

    ids, found, members = asyncio.run(run())
    assert ids == list(index.profile_ids)
    assert {f.profile_id for f in found if f is not None} == {
        fake.realtime_profiles(collection.id)[2]["profile_id"]
    }
    assert members == list(collection.segments[0].profile_ids)


def test_deprecation_is_announced_per_family_operation_and_version() -> None:
    with FakeAmperity(profiles_per_collection=10) as fake:
        fake.set_deprecation("Tue, 01 Sep 2026 23:59:59 GMT", operation="get-realtime-profile")
        collection = fake.collections[0]
        with client_of(fake) as client, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                client.realtime.get_profile(collection.id, collection.profile_ids[0])
            list(client.profiles.indexes.list())
    notices = [str(w.message) for w in caught if w.category is AmperityDeprecationWarning]
    assert len(notices) == 1
    assert "get-realtime-profile" in notices[0] and "2026-09-03" in notices[0]
