"""The side-by-side scenarios: the facade against plain httpx doing the same work, sync and
async, over loopback (fake in a child process) and in memory (fake in this process).

Every scenario runs its sides interleaved in one run (facade, httpx, facade, httpx, ...;
for exports also httpx + json + the generated models, one triple per repetition) and
reports ratios of medians, for wall time and for this process's CPU (the client's).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .bench_measure import (
    FakeProcess,
    Side,
    Sizes,
    Target,
    acount,
    ainterleave,
    client_threads_only,
    headers,
    interleave,
    judge,
    ratios,
)

LOOPBACK_CALL = [Target("wall_ratio", "<=", 1.05, "wall")]
IN_MEMORY_CALL = [Target("overhead_us", "<=", 15.0, "overhead us")]
TYPED_EXPORT = [Target("wall_ratio", "<=", 1.10, "wall"), Target("cpu_ratio", "<=", 1.40, "cpu")]
RAW_EXPORT = [Target("wall_ratio", "<=", 1.02, "wall")]
IN_MEMORY_NOTE = (
    "fake in this process, served through fake.transport() on both sides: both pay the "
    "fake's work, so the difference is the facade's own"
)


def sides_json(sides: dict[str, Side]) -> dict[str, Any]:
    return {name: side.as_json() for name, side in sides.items()}


# -- per call ----------------------------------------------------------------------------------


def per_call_result(
    sides: dict[str, Side], calls: int, what: str, targets: list[Target]
) -> dict[str, Any]:
    f, h = sides["facade"], sides["httpx"]
    result: dict[str, Any] = {
        "what": what,
        "calls_per_rep": calls,
        "reps": len(f.wall),
        "facade_us_per_call": f.wall_s / calls * 1e6,
        "httpx_us_per_call": h.wall_s / calls * 1e6,
        "overhead_us": (f.wall_s - h.wall_s) / calls * 1e6,
        "facade_cpu_us_per_call": f.cpu_s / calls * 1e6,
        "httpx_cpu_us_per_call": h.cpu_s / calls * 1e6,
        "cpu_overhead_us": (f.cpu_s - h.cpu_s) / calls * 1e6,
        **ratios(sides, "facade", "httpx"),
        "sides": sides_json(sides),
    }
    return judge(result, targets)


def get_calls(client: Any, http: httpx.Client, n: int) -> dict[str, Callable[[], None]]:
    """The two sides of a per-call comparison: workflows.get(id) n times, and the same GET
    n times with plain httpx + json."""
    workflow_id = client.workflows.list(limit=1).first_page().items[0].id
    path = f"/workflow/runs/{workflow_id}"

    def facade() -> None:
        for _ in range(n):
            client.workflows.get(workflow_id)

    def plain() -> None:
        for _ in range(n):
            response = http.get(path)
            response.raise_for_status()
            response.json()

    return {"facade": facade, "httpx": plain}


async def aget_calls(
    client: Any, http: httpx.AsyncClient, n: int
) -> dict[str, Callable[[], Awaitable[None]]]:
    """get_calls() for AsyncAmperity and httpx.AsyncClient."""
    workflow_id = (await client.workflows.list(limit=1).first_page()).items[0].id
    path = f"/workflow/runs/{workflow_id}"

    async def facade() -> None:
        for _ in range(n):
            await client.workflows.get(workflow_id)

    async def plain() -> None:
        for _ in range(n):
            response = await http.get(path)
            response.raise_for_status()
            response.json()

    return {"facade": facade, "httpx": plain}


def per_call_loopback(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    n = sizes.calls
    with fake.facade(rate_limit=None) as client, fake.httpx() as http:
        sides = interleave(sizes.reps, get_calls(client, http, n))
    what = f"loopback, sync: workflows.get(id) vs httpx.Client.get(url).json(), {n} calls a rep"
    return per_call_result(sides, n, what, LOOPBACK_CALL)


def per_call_loopback_async(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    n = sizes.calls

    async def main() -> dict[str, Side]:
        async with fake.async_facade(rate_limit=None) as client, fake.async_httpx() as http:
            return await ainterleave(sizes.reps, await aget_calls(client, http, n))

    sides = asyncio.run(main())
    what = (
        f"loopback, async: await workflows.get(id) vs httpx.AsyncClient.get(url).json(), "
        f"{n} calls a rep"
    )
    return per_call_result(sides, n, what, LOOPBACK_CALL)


def in_memory_clients(*, is_async: bool) -> tuple[Any, Any]:
    """The facade (rate_limit=None) and plain httpx, each on its own transport into one fake
    in this process, never started: no server, no thread."""
    from amperity_facade import Amperity, AsyncAmperity
    from amperity_facade.testing import FakeAmperity

    fake = FakeAmperity(workflows=20)
    transport = fake.async_transport if is_async else fake.transport
    facade_cls, http_cls = (
        (AsyncAmperity, httpx.AsyncClient) if is_async else (Amperity, httpx.Client)
    )
    base = "https://fake/api"  # any host: the transport answers; the facade wants https
    client = facade_cls(
        tenant=fake.tenant, token=fake.token, base_url=base, transport=transport(), rate_limit=None
    )
    http = http_cls(base_url=base, headers=headers(fake.tenant, fake.token), transport=transport())
    return client, http


def per_call_in_memory(sizes: Sizes) -> dict[str, Any]:
    n = sizes.memory_calls
    client, http = in_memory_clients(is_async=False)
    with client, http:
        client_threads_only()
        sides = interleave(sizes.reps, get_calls(client, http, n))
    what = (
        f"in memory, sync: workflows.get(id) vs httpx.Client.get(url).json(), {n} calls a rep; "
        + IN_MEMORY_NOTE
    )
    return per_call_result(sides, n, what, IN_MEMORY_CALL)


def per_call_in_memory_async(sizes: Sizes) -> dict[str, Any]:
    n = sizes.memory_calls

    async def main() -> dict[str, Side]:
        client, http = in_memory_clients(is_async=True)
        async with client, http:
            client_threads_only()
            return await ainterleave(sizes.reps, await aget_calls(client, http, n))

    sides = asyncio.run(main())
    what = (
        f"in memory, async: await workflows.get(id) vs httpx.AsyncClient.get(url).json(), "
        f"{n} calls a rep; " + IN_MEMORY_NOTE
    )
    return per_call_result(sides, n, what, IN_MEMORY_CALL)


# -- exports -----------------------------------------------------------------------------------


def count_plain(body: dict[str, Any]) -> int:
    # Touch every item, as a caller consuming the export would.
    return sum(1 for _ in body["data"])


def count_models(body: dict[str, Any]) -> int:
    from amperity_api.models import SegmentList

    return sum(1 for _ in SegmentList.from_dict(body).data)


def after(body: dict[str, Any], size: int) -> dict[str, object] | None:
    """The params of the /segments request after the one that answered `body`, if any."""
    token = body.get("next_token")
    return {"limit": size, "next_token": token} if token else None


def walk(http: httpx.Client, size: int, total: int, build: Callable[[Any], int]) -> None:
    """Plain httpx + json: follow next_token through /segments, counting items."""
    count, params = 0, {"limit": size}
    while params is not None:
        response = http.get("/segments", params=params)
        response.raise_for_status()
        body = response.json()
        count += build(body)
        params = after(body, size)
    expect(count, total, "plain httpx")


async def awalk(
    http: httpx.AsyncClient, size: int, total: int, build: Callable[[Any], int]
) -> None:
    """walk() with httpx.AsyncClient."""
    count, params = 0, {"limit": size}
    while params is not None:
        response = await http.get("/segments", params=params)
        response.raise_for_status()
        body = response.json()
        count += build(body)
        params = after(body, size)
    expect(count, total, "plain httpx")


def expect(count: int, total: int, who: str) -> None:
    if count != total:
        raise RuntimeError(f"{who} yielded {count} items, wanted {total}")


def export_result(sides: dict[str, Side], total: int, what: str) -> dict[str, Any]:
    f, h, m = sides["facade"], sides["httpx"], sides["httpx_models"]
    vs_models = ratios(sides, "facade", "httpx_models")
    result: dict[str, Any] = {
        "what": what,
        "items": total,
        "reps": len(f.wall),
        "facade_s": f.wall_s,
        "httpx_s": h.wall_s,
        "httpx_models_s": m.wall_s,
        "facade_cpu_s": f.cpu_s,
        "httpx_cpu_s": h.cpu_s,
        "httpx_models_cpu_s": m.cpu_s,
        "facade_items_per_s": total / f.wall_s,
        "httpx_items_per_s": total / h.wall_s,
        **ratios(sides, "facade", "httpx"),
        "wall_ratio_vs_models": vs_models["wall_ratio"],
        "cpu_ratio_vs_models": vs_models["cpu_ratio"],
        "sides": sides_json(sides),
    }
    return judge(result, TYPED_EXPORT)


def export_sync(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    total, size = sizes.export_items, sizes.export_page
    with fake.facade(rate_limit=None) as client, fake.httpx() as http:

        def facade() -> None:
            expect(sum(1 for _ in client.segments.list(limit=size)), total, "the facade")

        sides = interleave(
            sizes.reps,
            {
                "facade": facade,
                "httpx": lambda: walk(http, size, total, count_plain),
                "httpx_models": lambda: walk(http, size, total, count_models),
            },
        )
    what = (
        f"loopback, sync: {total:,} segments in pages of {size:,}: facade iterator (typed "
        "Segment) vs httpx + json, and vs httpx + json + SegmentList.from_dict, side by side"
    )
    return export_result(sides, total, what)


def export_async(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    total, size = sizes.export_items, sizes.export_page

    async def main() -> dict[str, Side]:
        async with fake.async_facade(rate_limit=None) as client, fake.async_httpx() as http:

            async def facade() -> None:
                expect(await acount(client.segments.list(limit=size)), total, "facade")

            return await ainterleave(
                sizes.reps,
                {
                    "facade": facade,
                    "httpx": lambda: awalk(http, size, total, count_plain),
                    "httpx_models": lambda: awalk(http, size, total, count_models),
                },
            )

    sides = asyncio.run(main())
    what = (
        f"loopback, async: {total:,} segments in pages of {size:,}: AsyncAmperity iterator "
        "(typed) vs httpx.AsyncClient + json, and + SegmentList.from_dict, side by side"
    )
    return export_result(sides, total, what)


def raw_result(sides: dict[str, Side], total: int, what: str) -> dict[str, Any]:
    f, h = sides["facade"], sides["httpx"]
    result: dict[str, Any] = {
        "what": what,
        "available": True,  # always now (as_dicts() is in the facade); readers still test it
        "items": total,
        "reps": len(f.wall),
        "facade_s": f.wall_s,
        "httpx_s": h.wall_s,
        "facade_cpu_s": f.cpu_s,
        "httpx_cpu_s": h.cpu_s,
        **ratios(sides, "facade", "httpx"),
        "sides": sides_json(sides),
    }
    return judge(result, RAW_EXPORT)


def raw_export_sync(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    total, size = sizes.export_items, sizes.export_page
    what = (
        f"loopback, sync: {total:,} segments in pages of {size:,}: "
        "segments.list(limit).as_dicts() (plain dicts) vs httpx + json"
    )
    with fake.facade(rate_limit=None) as client, fake.httpx() as http:
        first = next(iter(client.segments.list(limit=size).as_dicts()))
        if not isinstance(first, dict):
            raise RuntimeError(f"as_dicts() yielded {type(first).__name__}, not dict")

        def facade() -> None:
            expect(sum(1 for _ in client.segments.list(limit=size).as_dicts()), total, "raw")

        sides = interleave(
            sizes.reps,
            {"facade": facade, "httpx": lambda: walk(http, size, total, count_plain)},
        )
    return raw_result(sides, total, what)


def raw_export_async(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    client_threads_only()
    total, size = sizes.export_items, sizes.export_page
    what = (
        f"loopback, async: {total:,} segments in pages of {size:,}: "
        "segments.list(limit).as_dicts() (plain dicts) vs httpx.AsyncClient + json"
    )

    async def main() -> dict[str, Side]:
        async with fake.async_facade(rate_limit=None) as client, fake.async_httpx() as http:
            async for first in client.segments.list(limit=size).as_dicts():
                if not isinstance(first, dict):
                    raise RuntimeError(f"as_dicts() yielded {type(first).__name__}, not dict")
                break

            async def facade() -> None:
                listing = client.segments.list(limit=size).as_dicts()
                expect(await acount(listing), total, "raw")

            return await ainterleave(
                sizes.reps,
                {"facade": facade, "httpx": lambda: awalk(http, size, total, count_plain)},
            )

    return raw_result(asyncio.run(main()), total, what)
