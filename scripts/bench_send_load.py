"""`streams.send_many` under load, on the minimal server of scripts/bench_send_server.py
(a child process): throughput against plain httpx, the 1,000/s limit, and memory.

Throughput: send_many (sync threads, async tasks) with `streaming_rate_limit=None` against
plain httpx with the same concurrency on the same server: `httpx.Client` shared by as many
threads (or `httpx.AsyncClient` by as many tasks), each posting `json=record` with the same
headers (Authorization, X-Amperity-Tenant, a fresh X-Request-Id) and taking the next record
from one shared generator. Interleaved repetitions (facade, httpx, ...) after an untimed
one each, ratios of medians for wall and this process's CPU.

Limited: send_many with the default `streaming_rate_limit` (1,000/s) against the server
admitting 1,000 in any sliding second and answering 429 beyond, as the live API does, for
`seconds`: the sustained rate the server saw, and its 429s.

Memory: a fresh child process (`--memory-child`) sends a generator of `records` through
send_many with the limit lifted, reading its RSS after 10,000 records and at the end.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .bench_measure import REPO, ainterleave, client_threads_only, interleave, peak_rss_kb
from .bench_send_server import STREAM, TENANT, TOKEN, records, server


@dataclass(frozen=True)
class Sizes:
    concurrency: int
    records: int  # per side and repetition, throughput
    reps: int
    limit: int  # requests a second, limited run (server and client)
    seconds: float  # limited run
    memory_records: int
    memory_mark: int  # RSS read after this many records


FULL = Sizes(16, 1500, 5, 1000, 10.0, 1_000_000, 10_000)
QUICK = Sizes(16, 100, 1, 100, 1.2, 1_500, 500)


def facade_sync(base: str, limit: float | None) -> Any:
    from amperity_facade import Amperity

    return Amperity(tenant=TENANT, token=TOKEN, base_url=base, streaming_rate_limit=limit)


def facade_async(base: str, limit: float | None) -> Any:
    from amperity_facade import AsyncAmperity

    return AsyncAmperity(tenant=TENANT, token=TOKEN, base_url=base, streaming_rate_limit=limit)


def plain_settings(base: str) -> dict[str, Any]:
    stream_base = base.removesuffix("/api") + "/stream/v0"
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Amperity-Tenant": TENANT}
    return {"base_url": stream_base, "headers": headers, "timeout": 30.0}


def expect(report: Any, count: int) -> None:
    if report.accepted_count != count or report.rejected:
        raise RuntimeError(f"send_many: {report} (expected {count:,} accepted)")


# -- throughput --------------------------------------------------------------------------------


def sync_sides(base: str, sizes: Sizes, stack: list[Any]) -> dict[str, Callable[[], object]]:
    n, workers = sizes.records, sizes.concurrency
    facade = facade_sync(base, None)
    plain = httpx.Client(**plain_settings(base))
    stack += [facade, plain]
    path = f"/data/{STREAM}"

    def with_facade() -> None:
        expect(facade.streams.send_many(STREAM, records(n), concurrency=workers), n)

    def with_httpx() -> None:
        source, lock, sent = records(n), threading.Lock(), [0]

        def worker() -> None:
            while True:
                with lock:
                    record = next(source, None)
                if record is None:
                    return
                rid = {"X-Request-Id": str(uuid.uuid4())}
                plain.post(path, json=record, headers=rid).raise_for_status()
                with lock:
                    sent[0] += 1

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if sent[0] != n:
            raise RuntimeError(f"plain httpx sent {sent[0]:,} of {n:,}")

    return {"facade": with_facade, "httpx": with_httpx}


async def async_samples(base: str, sizes: Sizes) -> dict[str, Any]:
    n, workers = sizes.records, sizes.concurrency
    path = f"/data/{STREAM}"
    async with (
        facade_async(base, None) as facade,
        httpx.AsyncClient(**plain_settings(base)) as plain,
    ):

        async def with_facade() -> None:
            expect(await facade.streams.send_many(STREAM, records(n), concurrency=workers), n)

        async def with_httpx() -> None:
            source = records(n)

            async def worker() -> int:
                done = 0
                for record in source:  # one generator: each task takes the next record
                    rid = {"X-Request-Id": str(uuid.uuid4())}
                    (await plain.post(path, json=record, headers=rid)).raise_for_status()
                    done += 1
                return done

            if sum(await asyncio.gather(*(worker() for _ in range(workers)))) != n:
                raise RuntimeError("plain httpx did not send every record")

        return await ainterleave(sizes.reps, {"facade": with_facade, "httpx": with_httpx})


def throughput(sizes: Sizes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with server() as (base, ask):
        for mode in ("sync", "async"):
            ask("reset")
            if mode == "sync":
                client_threads_only()
                stack: list[Any] = []
                try:
                    sides = interleave(sizes.reps, sync_sides(base, sizes, stack))
                finally:
                    for closable in stack:
                        closable.close()
            else:
                sides = asyncio.run(async_samples(base, sizes))
            seen = ask("stats")
            expected = (sizes.reps + 1) * 2 * sizes.records
            if seen["bad"] or seen["admitted"] != expected:
                raise RuntimeError(f"{mode}: server saw {seen} (expected {expected:,} records)")
            facade, plain = sides["facade"], sides["httpx"]
            out[mode] = {
                "facade_records_per_s": sizes.records / facade.wall_s,
                "httpx_records_per_s": sizes.records / plain.wall_s,
                "ratio": plain.wall_s / facade.wall_s,  # throughput, facade over httpx
                "cpu_ratio": facade.cpu_s / plain.cpu_s,  # CPU per record, facade over httpx
                "facade_cpu_us_per_record": facade.cpu_s / sizes.records * 1e6,
                "httpx_cpu_us_per_record": plain.cpu_s / sizes.records * 1e6,
                "server_busy": seen["cpu_s"] / sum(facade.wall + plain.wall),
                "sides": {name: side.as_json() for name, side in sides.items()},
            }
    return out


# -- the limit ---------------------------------------------------------------------------------


def until(deadline: float) -> Iterator[dict[str, Any]]:
    """Records until `deadline` (time.monotonic()) has passed."""
    for record in records(10**9):
        if time.monotonic() >= deadline:
            return
        yield record


def limited(sizes: Sizes) -> dict[str, Any]:
    """At the limit, sync and async, each for `seconds` against a server enforcing it."""
    out: dict[str, Any] = {}
    with server(limit=sizes.limit, arrivals=True) as (base, ask):
        for mode in ("sync", "async"):
            ask("reset")
            wall, cpu = time.perf_counter(), time.process_time()
            source = until(time.monotonic() + sizes.seconds)
            if mode == "sync":
                with facade_sync(base, sizes.limit) as client:
                    report = client.streams.send_many(STREAM, source, concurrency=sizes.concurrency)
            else:

                async def run(source: Iterator[dict[str, Any]]) -> Any:
                    async with facade_async(base, sizes.limit) as client:
                        return await client.streams.send_many(
                            STREAM, source, concurrency=sizes.concurrency
                        )

                report = asyncio.run(run(source))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            seen = ask("stats")
            if seen["bad"]:
                raise RuntimeError(f"{mode}: server refused {seen['bad']}")
            out[mode] = {
                "sent": report.sent,
                "accepted": report.accepted_count,
                "rejected": len(report.rejected),
                "retried": report.retried,
                "wall_s": wall,
                "client_records_per_s": report.accepted_count / wall,
                "cpu_us_per_record": cpu / max(1, report.sent) * 1e6,
                "client_busy": cpu / wall,
                "sustained_per_s": seen.get("sustained_per_s", 0.0),
                "pct_of_limit": 100 * seen.get("sustained_per_s", 0.0) / sizes.limit,
                "server_429s": seen["throttled"],
                "busiest_1s": seen["busiest_1s"],
                "server": seen,
            }
    return out


# -- memory, in a fresh child process ----------------------------------------------------------


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return peak_rss_kb()  # no /proc: the peak is all there is


def memory_child(spec: dict[str, Any]) -> int:
    """Child: send spec["records"] generated records; print RSS marks and timings."""
    count, mark, marks = spec["records"], spec["mark"], {}

    def source() -> Iterator[dict[str, Any]]:
        for i, record in enumerate(records(count)):
            if i == mark or (i and i % (count // 10 or 1) == 0):
                marks[i] = {"rss_kb": rss_kb(), "peak_kb": peak_rss_kb()}
            yield record

    wall, cpu = time.perf_counter(), time.process_time()
    if spec["async"]:

        async def run() -> Any:
            async with facade_async(spec["base"], None) as client:
                return await client.streams.send_many(
                    STREAM, source(), concurrency=spec["concurrency"]
                )

        report = asyncio.run(run())
    else:
        with facade_sync(spec["base"], None) as client:
            report = client.streams.send_many(STREAM, source(), concurrency=spec["concurrency"])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    end = {"rss_kb": rss_kb(), "peak_kb": peak_rss_kb()}
    print(json.dumps({"accepted": report.accepted_count, "sent": report.sent, "marks": marks,
                      "end": end, "wall_s": wall, "cpu_s": cpu}))  # fmt: skip
    return 0


def memory(sizes: Sizes, modes: tuple[str, ...] = ("sync",)) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with server() as (base, ask):
        for mode in modes:
            ask("reset")
            spec = {
                "base": base,
                "records": sizes.memory_records,
                "mark": sizes.memory_mark,
                "concurrency": sizes.concurrency,
                "async": mode == "async",
            }
            args = [sys.executable, "-m", "scripts.bench_send_load", "--memory-child"]
            done = subprocess.run(
                [*args, json.dumps(spec)], capture_output=True, text=True, cwd=REPO, check=False
            )
            if done.returncode:
                raise RuntimeError(f"memory child ({mode}) failed: {done.stderr[-2000:]}")
            run = json.loads(done.stdout)
            at_mark = run["marks"][str(sizes.memory_mark)]
            run.update(
                rss_at_mark_mb=at_mark["rss_kb"] / 1024,
                rss_end_mb=run["end"]["rss_kb"] / 1024,
                peak_end_mb=run["end"]["peak_kb"] / 1024,
                # the whole run's peak over the RSS after `mark` records: the stricter reading
                growth_mb=(run["end"]["peak_kb"] - at_mark["rss_kb"]) / 1024,
                records_per_s=run["sent"] / run["wall_s"],
                server_admitted=ask("stats")["admitted"],
            )
            if run["accepted"] != sizes.memory_records or run["server_admitted"] != run["sent"]:
                raise RuntimeError(f"memory ({mode}): not every record arrived: {run}")
            out[mode] = run
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--memory-child"]:
        return memory_child(json.loads(args[1]))
    raise SystemExit("run python -m scripts.bench_send")


if __name__ == "__main__":
    raise SystemExit(main())
