"""Context for the comparisons: what the fake itself can serve, async fan-out across
listings, and import time."""

from __future__ import annotations

import asyncio
import functools
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from .bench_measure import (
    REPO,
    FakeProcess,
    Side,
    Sizes,
    acount,
    ainterleave,
    client_threads_only,
    interleave,
)


def timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def fanout(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    limit = 100

    def listings(client: Any) -> list[Any]:
        return [
            client.segments.list(limit=limit),
            client.campaigns.list(limit=limit),
            client.campaign_drafts.list(limit=limit),
            client.audit_events.list(limit=limit),
            client.workflows.list(limit=limit),
        ]

    async def main() -> tuple[dict[str, Side], list[int]]:
        counts: list[int] = []
        async with fake.async_facade(rate_limit=None) as client:

            async def concurrent() -> None:
                counts[:] = await asyncio.gather(*(acount(p) for p in listings(client)))

            async def sequential() -> None:
                for paginator in listings(client):
                    await acount(paginator)

            sides = await ainterleave(
                sizes.reps, {"concurrent": concurrent, "sequential": sequential}
            )
            return sides, counts

    sides, counts = asyncio.run(main())
    conc, seq = sides["concurrent"].wall_s, sides["sequential"].wall_s
    requests = sum(-(-c // limit) for c in counts)
    return {
        "what": "segments, campaigns, campaign_drafts, audit_events, workflows (pages of 100) "
        "on one AsyncAmperity (rate_limit=None): asyncio.gather vs one after another",
        "items": counts,
        "requests": requests,
        "concurrent_s": conc,
        "sequential_s": seq,
        "speedup": seq / conc,
        "target": None,
        "pass": None,
    }


def import_time(sizes: Sizes) -> dict[str, Any]:
    codes = {"baseline": "pass", "httpx": "import httpx", "facade": "import amperity_facade"}
    runs = {  # the untimed first round warms the file cache and .pyc files
        name: functools.partial(subprocess.run, [sys.executable, "-c", code], check=True, cwd=REPO)
        for name, code in codes.items()
    }
    sides = interleave(sizes.import_reps, runs)
    breakdown = import_breakdown("amperity_facade")
    base = sides["baseline"].wall_s
    httpx_s = sides["httpx"].wall_s - base
    facade_s = sides["facade"].wall_s - base
    ratio = facade_s / httpx_s
    return {
        "what": "python -c 'import X' minus python -c pass, fresh processes, median",
        "baseline_ms": base * 1000,
        "httpx_ms": httpx_s * 1000,
        "facade_ms": facade_s * 1000,
        "ratio": ratio,
        "self_ms_by_package": breakdown,
        "target": "ratio <= 2.0",
        "pass": ratio <= 2.0,
    }


def import_breakdown(module: str) -> dict[str, float]:
    """Self time per top-level package while importing `module` (python -X importtime)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    totals: dict[str, float] = {}
    for line in out.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(parts[0]) / 1000
    top = sorted(totals.items(), key=lambda kv: -kv[1])
    return {name: round(ms, 1) for name, ms in top[:12]}


def server_ceiling(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    """What the fake itself can serve, with the least client work httpx allows."""
    n = sizes.ceiling_calls
    with fake.httpx() as http:
        workflow_id = http.get("/workflow/runs", params={"limit": 1}).json()["data"][0]["id"]
        path = f"/workflow/runs/{workflow_id}"
        token = http.get("/segments", params={"limit": sizes.export_page}).json().get("next_token")

        def trivial() -> None:
            for _ in range(n):
                http.get(path).read()

        pages = max(10, n // 10)
        params = {"limit": sizes.export_page, **({"next_token": token} if token else {})}

        def page_bytes() -> None:
            for _ in range(pages):
                http.get("/segments", params=params).read()

        trivial()
        t_trivial = min(timed(trivial) for _ in range(3))
        t_pages = min(timed(page_bytes) for _ in range(3))
    return {
        "what": "raw httpx on one keep-alive connection, body read but not parsed (best of 3)",
        "trivial_get_req_per_s": n / t_trivial,
        "page_req_per_s": pages / t_pages,
        "page_items_per_s": pages * sizes.export_page / t_pages,
        "target": None,
        "pass": None,
    }
