"""How cost grows with the export: each run in a fresh child process, so its peak RSS is its
own, against one fake (in its own process) holding the largest size.

Kinds: the library iterating typed segments (sync `Amperity`, async `AsyncAmperity`), plain
httpx + json over the same pages, and the CLI (`amperity segments list --format jsonl`, stdout to a temporary file). Library runs time
only the iteration, inside the child, after an untimed one-item listing (the connection,
lazy imports). The CLI is timed from outside; its start-up (the fastest of three runs
exporting 1 item) is subtracted before dividing by the items. Peak RSS is the child's whole
peak (ru_maxrss from wait4, in a small launcher process: see LAUNCHER), so sizes compare
directly.

The CLI has no switch for the rate limit: it keeps the default 10 requests a second, so its
wall time at 100k and 1M items (100 and 1000 pages) is the limiter's. The library runs with
rate_limit=None.

Flags: cost is not linear when CPU time per item at the largest size is more than
LINEAR_LIMIT times that at the next size down (1M against 100k: any growth faster than
linear shows there, and fixed costs, the CLI's start-up subtraction included, are a few
percent of a 100k run where they are most of a 10k one). CPU, not wall: the CLI's wall is the limiter's, and on a shared
machine wall swings with other processes' load; wall ratios are reported beside it.
RSS is not flat when the largest size's peak RSS exceeds the smallest's by more than
FLAT_LIMIT_MB. Plain httpx + json runs (sync, async) are context: their flags are shown,
not judged.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bench_measure import REPO, FakeProcess, Sizes, Target, acount, judge, peak_rss_kb

SCALE_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SCALE_SIZES = (1_000, 5_000)
PAGE = 1000
LINEAR_LIMIT = 1.25
FLAT_LIMIT_MB = 5.0
KINDS = ("library_sync", "library_async", "cli", "httpx_sync", "httpx_async")
LINEARITY = {True: "linear", False: "NOT LINEAR", None: "inconclusive: within start-up noise"}
BASELINES = ("httpx_sync", "httpx_async")  # plain httpx + json, for context: no flags judged


# -- the child ---------------------------------------------------------------------------------


def library_child(spec: dict[str, Any]) -> int:
    """Child process: iterate `items` segments, sync or async, with the facade (typed) or
    with plain httpx + json (spec["plain"]); print the iteration's wall and CPU seconds and
    this process's peak RSS before and after it."""
    items, page = spec["items"], spec["page"]
    run = plain_run if spec["plain"] else facade_run
    count, before, wall, cpu = asyncio.run(run(spec, items, page, spec["async"]))
    result = {"items": count, "before_kb": before, "after_kb": peak_rss_kb()}
    print(json.dumps({**result, "wall_s": wall, "cpu_s": cpu}))
    return 0


Figures = tuple[int, int, float, float]  # items, peak RSS before (kB), wall s, CPU s


async def facade_run(spec: dict[str, Any], items: int, page: int, is_async: bool) -> Figures:
    from amperity_facade import Amperity, AsyncAmperity

    connection = {
        "tenant": spec["tenant"],
        "token": spec["token"],
        "base_url": spec["base_url"],
        "rate_limit": None,
    }
    if not is_async:  # no await below: the event loop only hosts this call
        with Amperity(**connection) as client:
            # Warm-up, untimed: the connection, and whatever the first call imports.
            sum(1 for _ in client.segments.list(limit=1, max_items=1))
            paginator = client.segments.list(limit=page, max_items=items)
            before = peak_rss_kb()
            wall, cpu = time.perf_counter(), time.process_time()
            count = sum(1 for _ in paginator)
            return count, before, time.perf_counter() - wall, time.process_time() - cpu
    async with AsyncAmperity(**connection) as aclient:
        await acount(aclient.segments.list(limit=1, max_items=1))  # warm-up
        apaginator = aclient.segments.list(limit=page, max_items=items)
        before = peak_rss_kb()
        wall, cpu = time.perf_counter(), time.process_time()
        count = await acount(apaginator)
        return count, before, time.perf_counter() - wall, time.process_time() - cpu


async def plain_run(spec: dict[str, Any], items: int, page: int, is_async: bool) -> Figures:
    """httpx + json, the same pages as the facade's max_items (a smaller last page)."""
    import httpx

    options = {"base_url": spec["base_url"], "headers": spec["headers"], "timeout": 30.0}

    async def get(http: httpx.Client | httpx.AsyncClient, params: dict[str, Any]) -> Any:
        if isinstance(http, httpx.AsyncClient):
            response = await http.get("/segments", params=params)
        else:
            response = http.get("/segments", params=params)
        response.raise_for_status()
        return response.json()

    async def walk(http: httpx.Client | httpx.AsyncClient) -> Figures:
        await get(http, {"limit": 1})  # warm-up, untimed
        before = peak_rss_kb()
        wall, cpu = time.perf_counter(), time.process_time()
        count, token = 0, None
        while count < items:
            params: dict[str, Any] = {"limit": min(page, items - count)}
            if token:
                params["next_token"] = token
            body = await get(http, params)
            count += sum(1 for _ in body["data"])
            token = body.get("next_token")
            if not token:
                break
        return count, before, time.perf_counter() - wall, time.process_time() - cpu

    if is_async:
        async with httpx.AsyncClient(**options) as ahttp:
            return await walk(ahttp)
    with httpx.Client(**options) as http:
        return await walk(http)


# -- running children --------------------------------------------------------------------------


# A process's ru_maxrss, as its parent's wait4 reads it, is at least the RSS of the process
# it was spawned from (Linux keeps the spawning mm's high-water mark across exec), so a child
# spawned from this process, grown by the scenarios, would report this process's peak. Each
# child is therefore spawned by this small launcher, whose own RSS (a bare interpreter's) is
# below any child's, and which reports the child's exit code, peak RSS (kB) and CPU seconds.
LAUNCHER = """\
import json, os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
report = [code, usage.ru_maxrss, usage.ru_utime + usage.ru_stime]
print(json.dumps(report), file=sys.stderr)
sys.exit(code)
"""


@dataclass(frozen=True)
class Child:
    out: Path  # the child's stdout, in a temporary file the caller deletes
    wall_s: float  # from spawning the launcher to its exit
    peak_rss_kb: int  # the child's own peak RSS
    cpu_s: float  # the child's own user + system CPU


def wait_child(argv: list[str], env: dict[str, str] | None = None) -> Child:
    """Run argv (argv[0] a path) to completion through LAUNCHER, stdout to a temporary file."""
    handle, name = tempfile.mkstemp(prefix="bench-scale-", suffix=".out")
    out = Path(name)
    with os.fdopen(handle, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        code = subprocess.call(
            [sys.executable, "-S", "-c", LAUNCHER, *argv],
            stdout=stdout,
            stderr=stderr,
            cwd=REPO,
            env=env,
        )
        wall = time.perf_counter() - began
        stderr.seek(0)
        lines = stderr.read().decode(errors="replace").splitlines()
    try:
        _, maxrss, cpu = json.loads(lines[-1])
    except (IndexError, ValueError):
        code = code or -1
    if code != 0:
        out.unlink()
        tail = "\n".join(lines[-20:])
        raise RuntimeError(f"{argv[:4]} exited {code}: {tail}")
    peak = int(maxrss) // 1024 if sys.platform == "darwin" else int(maxrss)
    return Child(out, wall, peak, float(cpu))


def run_library(
    fake: FakeProcess, items: int, *, is_async: bool, plain: bool = False
) -> dict[str, Any]:
    spec = {
        "plain": plain,
        "tenant": fake.tenant,
        "token": fake.token,
        "base_url": fake.base_url,
        "headers": fake.headers(),  # for plain httpx: this child need not import the facade
        "items": items,
        "page": PAGE,
        "async": is_async,
    }
    argv = [sys.executable, "-m", "scripts.bench", "--scale-child", json.dumps(spec)]
    child = wait_child(argv)
    try:
        result: dict[str, Any] = json.loads(child.out.read_text().strip().splitlines()[-1])
    finally:
        child.out.unlink()
    if result["items"] != items:
        raise RuntimeError(f"library child iterated {result['items']} items, wanted {items}")
    result["growth_kb"] = result["after_kb"] - result["before_kb"]
    result["peak_rss_kb"] = child.peak_rss_kb
    return result


def cli_argv() -> list[str]:
    script = Path(sys.executable).parent / "amperity"
    if script.exists():
        return [str(script)]
    found = shutil.which("amperity")
    return [os.path.abspath(found)] if found else [sys.executable, "-m", "amperity_facade"]


def run_cli(fake: FakeProcess, items: int) -> dict[str, Any]:
    argv = [
        *cli_argv(),
        "segments",
        "list",
        "--base-url",
        fake.base_url,
        "--tenant",
        fake.tenant,
        "--format",
        "jsonl",
        "--limit",
        str(min(PAGE, items)),
        "--max-items",
        str(items),
    ]
    env = {**os.environ, "AMPERITY_TOKEN": fake.token}
    child = wait_child(argv, env)
    try:
        with child.out.open("rb") as written:
            lines = sum(1 for _ in written)
    finally:
        child.out.unlink()
    if lines != items:
        raise RuntimeError(f"the CLI wrote {lines} lines, wanted {items}")
    return {
        "items": items,
        "process_wall_s": child.wall_s,
        "process_cpu_s": child.cpu_s,
        "peak_rss_kb": child.peak_rss_kb,
    }


# -- the scale run -----------------------------------------------------------------------------


def per_item(run: dict[str, Any], startup: dict[str, Any] | None) -> dict[str, Any]:
    """Time per item; for the CLI, after subtracting the start-up run's time."""
    items = run["items"]
    if startup is None:
        wall, cpu = run["wall_s"], run["cpu_s"]
    else:
        wall = run["process_wall_s"] - startup["process_wall_s"]
        cpu = run["process_cpu_s"] - startup["process_cpu_s"]
        run["wall_s"], run["cpu_s"] = wall, cpu
    run["us_per_item"] = wall / items * 1e6
    run["cpu_us_per_item"] = cpu / items * 1e6
    run["peak_rss_mb"] = run["peak_rss_kb"] / 1024
    return run


def flags(runs: list[dict[str, Any]], noise_s: float) -> dict[str, Any]:
    """CPU time per item at the largest size against the next size down (fixed costs are a
    few percent there, where at the smallest they can hide growth or, for the CLI, its
    start-up subtraction's error can fake it); peak RSS against the smallest size. The wall
    ratio is reported too, not judged. `linear` is None (inconclusive) when either run's CPU
    is within 3x `noise_s` (the CLI's start-up runs' CPU spread), as at quick sizes."""
    large, below = runs[-1], runs[-2]

    def ratio(key: str) -> float:
        return float(large[key] / below[key])

    time_ratio = ratio("cpu_us_per_item")
    rss_delta = large["peak_rss_mb"] - runs[0]["peak_rss_mb"]
    return {
        "cpu_per_item_ratio": time_ratio,
        "wall_per_item_ratio": ratio("us_per_item"),
        "linear": None
        if min(large["cpu_s"], below["cpu_s"]) <= 3 * noise_s
        else time_ratio <= LINEAR_LIMIT,
        "peak_rss_delta_mb": rss_delta,
        "flat": rss_delta <= FLAT_LIMIT_MB,
    }


def scale(quick: bool) -> dict[str, Any]:
    sizes = QUICK_SCALE_SIZES if quick else SCALE_SIZES
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    with FakeProcess(segments=max(sizes), max_page_size=PAGE) as fake:
        run_cli(fake, 1)  # warm the file cache
        starts = [run_cli(fake, 1) for _ in range(3)]
        startup = min(starts, key=lambda r: r["process_wall_s"])
        cpus = [r["process_cpu_s"] for r in starts]
        startup = {**startup, "runs": starts, "cpu_spread_s": max(cpus) - min(cpus)}
        for items in sizes:
            print(f"  scale {items:,} items ...", end="", flush=True, file=sys.stderr)
            began = time.perf_counter()
            runs["library_sync"].append(per_item(run_library(fake, items, is_async=False), None))
            runs["library_async"].append(per_item(run_library(fake, items, is_async=True), None))
            runs["cli"].append(per_item(run_cli(fake, items), startup))
            for kind, is_async in (("httpx_sync", False), ("httpx_async", True)):
                plain = run_library(fake, items, is_async=is_async, plain=True)
                runs[kind].append(per_item(plain, None))
            print(f" {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return {
        "what": "segments export at each size, each run in a fresh child process: library "
        "sync and async (typed items; iteration timed in the child), plain httpx + json sync "
        "and async (the same pages, for context), CLI segments list --format "
        "jsonl to a file (minus the fastest of 3 one-item runs; the CLI keeps the default "
        "10 req/s rate limit, so its wall time is the limiter's: 1000 items a page, 10 pages "
        "a second after the first second's burst; the library runs with rate_limit=None)",
        "sizes": list(sizes),
        "page": PAGE,
        "rules": {
            "linear": f"CPU us/item at {sizes[-1]:,} <= {LINEAR_LIMIT}x that at {sizes[-2]:,}",
            "flat": f"peak RSS at {max(sizes):,} <= that at {min(sizes):,} + {FLAT_LIMIT_MB} MB",
        },
        "cli_startup": startup,
        "runs": runs,
        "flags": {
            kind: flags(kind_runs, startup["cpu_spread_s"] if kind == "cli" else 0.0)
            for kind, kind_runs in runs.items()
            if kind not in BASELINES
        },
        "baselines": {kind: flags(runs[kind], 0.0) for kind in BASELINES},
    }


def render_scale(result: dict[str, Any]) -> list[str]:
    header = ("kind", "items", "us/item", "cpu us/item", "peak RSS MB", "growth MB")
    table: list[tuple[str, ...]] = []
    for kind, kind_runs in result["runs"].items():
        for run in kind_runs:
            growth = run.get("growth_kb")
            table.append(
                (
                    kind,
                    f"{run['items']:,}",
                    f"{run['us_per_item']:.2f}",
                    f"{run['cpu_us_per_item']:.2f}",
                    f"{run['peak_rss_mb']:.1f}",
                    "-" if growth is None else f"{growth / 1024:+.1f}",
                )
            )
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    fmt = "  ".join(f"{{:>{w}}}" if i else f"{{:<{w}}}" for i, w in enumerate(widths))
    line = "  ".join("-" * w for w in widths)
    text = [fmt.format(*header), line, *(fmt.format(*r) for r in table), line]
    rules = result["rules"]
    text.append(f"rules: linear = {rules['linear']}; flat = {rules['flat']}")
    judged = [(kind, f, "") for kind, f in result["flags"].items()]
    context = [(kind, f, " [plain httpx, context]") for kind, f in result["baselines"].items()]
    for kind, f, tail in judged + context:
        text.append(
            f"{kind}: cpu per item {f['cpu_per_item_ratio']:.2f}x "
            f"({LINEARITY[f['linear']]}; wall {f['wall_per_item_ratio']:.2f}x),"
            " peak RSS "
            f"{f['peak_rss_delta_mb']:+.1f} MB ({'flat' if f['flat'] else 'NOT FLAT'}){tail}"
        )
    for kind, f in result["flags"].items():
        base = "httpx_async" if kind.endswith("async") else "httpx_sync"
        b = result["baselines"][base]
        if not f["flat"]:
            text.append(
                f"note: {kind} peak RSS grows {f['peak_rss_delta_mb']:+.1f} MB; plain {base} over "
                f"the same pages grows {b['peak_rss_delta_mb']:+.1f} MB"
            )
    text.append(
        "growth MB: a library or httpx child's peak RSS after iterating minus before (client "
        "built, one warm-up request made)"
    )
    return text


# -- the memory scenario of the main benchmark --------------------------------------------------


def memory(sizes: Sizes) -> dict[str, Any]:
    """Peak RSS of a library export of memory_small vs memory_large typed items, sync and
    async, each in a fresh child process, against a fake holding memory_large segments."""
    small, large = sizes.memory_small, sizes.memory_large
    runs: dict[str, dict[str, Any]] = {}
    with FakeProcess(segments=large, max_page_size=PAGE) as fake:
        for mode, is_async in (("sync", False), ("async", True)):
            runs[mode] = {
                "small": run_library(fake, small, is_async=is_async),
                "large": run_library(fake, large, is_async=is_async),
            }
    result: dict[str, Any] = {
        "what": f"peak RSS of a process iterating {small:,} vs {large:,} typed segments (pages "
        f"of {PAGE:,}), sync and async, each in a fresh process",
        "runs": runs,
    }
    for mode, pair in runs.items():
        result[f"{mode}_peak_small_mb"] = pair["small"]["peak_rss_kb"] / 1024
        result[f"{mode}_peak_large_mb"] = pair["large"]["peak_rss_kb"] / 1024
        result[f"{mode}_growth_mb"] = (
            pair["large"]["peak_rss_kb"] - pair["small"]["peak_rss_kb"]
        ) / 1024
    targets = [Target(f"{mode}_growth_mb", "<=", 5.0, f"{mode} MB") for mode in runs]
    return judge(result, targets)
