"""Seeded data: reproducible, realistic in shape, and free of anything personal."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from amperity_facade.testing import FakeAmperity

MakeClient = Callable[..., httpx.Client]
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
SIZES = {"segments": 60, "audit_events": 120, "ingest_jobs": 30, "workflows": 30}


def dump(client: httpx.Client) -> dict[str, Any]:
    client.headers["api-version"] = "unstable"
    out: dict[str, Any] = {}
    for path in ("/segments", "/campaigns", "/campaign-drafts", "/audit-events", "/workflow/runs"):
        out[path] = client.get(path, params={"limit": 1000}).json()
    for week in ("2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22"):
        day = int(week[-2:]) + 7
        params = {"created_from": week, "created_to": f"2026-10-{day:02d}", "limit": 1000}
        out[f"ingest {week}"] = client.get("/ingest/jobs", params=params).json()
    running = [w for w in out["/workflow/runs"]["data"] if w["state"] != "running"]
    out["verbose"] = client.get(f"/workflow/runs/{running[0]['id']}?view=verbose").json()
    return out


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_same_seed_same_data(make_client: MakeClient) -> None:
    with FakeAmperity(seed=11, **SIZES) as one, FakeAmperity(seed=11, **SIZES) as two:
        assert dump(make_client(one)) == dump(make_client(two))


def test_other_seed_other_data(make_client: MakeClient) -> None:
    with FakeAmperity(seed=11, **SIZES) as one, FakeAmperity(seed=12, **SIZES) as two:
        assert dump(make_client(one))["/segments"] != dump(make_client(two))["/segments"]


def test_collections_do_not_reshuffle_each_other(make_client: MakeClient) -> None:
    with FakeAmperity(seed=11, segments=10) as one, FakeAmperity(seed=11, segments=90) as two:
        a, b = dump(make_client(one)), dump(make_client(two))
        assert a["/audit-events"] == b["/audit-events"]
        assert a["/segments"]["data"] == b["/segments"]["data"][:10]


def test_every_email_is_at_example_com(client: httpx.Client) -> None:
    found = [m for s in strings(dump(client)) for m in EMAIL.findall(s)]
    assert found
    assert all(m.endswith("@example.com") for m in found)


def test_people_and_addresses_are_placeholders(client: httpx.Client) -> None:
    events = client.get("/audit-events", params={"limit": 1000}).json()["data"]
    assert all(e["origin_ip"].startswith("192.0.2.") for e in events)
    assert all(re.fullmatch(r"[A-Z][a-z]+ \d+", e["principal_name"]) for e in events)
    assert all(e["principal_id"] == f"google-apps|{e['principal_email']}" for e in events)
    assert all(e["tenant"] == "acme" and e["tenant_family"] == "acme" for e in events)


def test_id_shapes(client: httpx.Client) -> None:
    data = dump(client)
    assert all(re.fullmatch(r"seg-[0-9A-Za-z]{9}", s["id"]) for s in data["/segments"]["data"])
    assert all(re.fullmatch(r"cc-[0-9A-Za-z]{9}", c["id"]) for c in data["/campaigns"]["data"])
    assert all(
        re.fullmatch(r"wf-\d{8}-\d{5}-[0-9A-Za-z]{6}", w["id"])
        for w in data["/workflow/runs"]["data"]
    )
    jobs = [j for k, v in data.items() if k.startswith("ingest") for j in v["data"]]
    assert all(re.fullmatch(r"isj-\d{8}-\d{5}-[0-9A-Za-z]{6}", j["id"]) for j in jobs)
    statuses = {s["status"] for s in data["/segments"]["data"]}
    assert statuses == {"active", "inactive", "archived"}
    names = [s["name"] for s in data["/segments"]["data"]]
    assert all(re.fullmatch(r"[A-Za-z0-9 ]+ \d+", n) for n in names)
    assert any("deliver_at" in c for c in data["/campaigns"]["data"])


def test_large_collections_are_quick_to_build() -> None:
    # CPU time of this process, not wall time: under pytest -n auto the other workers share
    # the cores, and a wall clock would measure them too (0.7 s of wall for 0.3 s of CPU).
    began = time.process_time()
    with FakeAmperity(segments=100_000, audit_events=10) as big:
        assert big.base_url.startswith("http://127.0.0.1:")
    assert time.process_time() - began < 1.0
