"""Delivery under faults: `streams.send_many` through a FakeAmperity injecting faults into
about 5% of the requests, then every stored record checked against what was sent.

The fake runs in a child process of its own (`python -m scripts.bench_send_delivery
--serve`), so its server threads never share this process's GIL. Before each side it is
reset and given one fault per chosen request number: FAULT_SHARE of the first `records`
request numbers, drawn at random (seeded) and split evenly over a 503, a 429 (no
Retry-After: the client's own backoff), "drop" (the connection closes before the record is
stored) and "drop-after-accept" (stored, then the connection closes: the record arrived but
the client saw no answer). Retries get request numbers of their own, so a fault can hit a
retry too. The client is the library as shipped: default retry policy (3 retries, backoff
from 0.5 s) and the default streaming limiter (1,000/s), on_error="collect".

Every record carries its index ("seq"); the fake keeps (X-Request-Id, record) for each one
it stored, so per index: lost (never stored and not reported rejected), stored under two
request ids or more (a second record, which must never happen), stored again under the same
id (a duplicate the id identifies: expected after "drop-after-accept"), and rejected ones
that had arrived anyway (the client could not know).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .bench_measure import child, client_threads_only
from .bench_send_server import STREAM, records

FAULT_SHARE = 0.05
KINDS = (  # (label, kind, status); spread evenly over the faults
    ("503", "status", 503),
    ("429", "status", 429),
    ("drop", "drop", None),
    ("drop-after-accept", "drop-after-accept", None),
)
CONCURRENCY = 16


@dataclass(frozen=True)
class Sizes:
    records: int


FULL, QUICK = Sizes(20_000), Sizes(600)


# -- the fake, in a child process --------------------------------------------------------------


def serve() -> int:
    """Child process: a FakeAmperity; commands on stdin, one JSON line answered each:
    `reset`, `faults [[kind, status, request_number], ...]`, `outcome`."""
    from amperity_facade.testing import FakeAmperity, Fault

    with FakeAmperity(segments=0, audit_events=0, workflows=0) as fake:
        hello = {"base_url": fake.base_url, "tenant": fake.tenant, "token": fake.token}
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            name, _, arg = line.strip().partition(" ")
            answer: Any
            if name == "reset":
                fake.reset()
                answer = "ok"
            elif name == "faults":
                for kind, status, number in json.loads(arg):
                    extra = {"status": status} if status is not None else {}
                    fault = Fault(
                        kind, operation="post-stream-data", request_number=number, **extra
                    )
                    fake.inject(fault)
                answer = "ok"
            elif name == "outcome":
                stored = [[rid, record["seq"]] for rid, record in fake.stream_records(STREAM)]
                statuses = Counter(r.status for r in fake.requests)
                answer = {"stored": stored, "statuses": {str(k): v for k, v in statuses.items()}}
            else:
                break
            print(json.dumps(answer), flush=True)
    return 0


@contextlib.contextmanager
def fake_process() -> Iterator[tuple[dict[str, str], Any]]:
    """(connection settings, ask(command)) of a fake in a child process."""
    with child(["-m", "scripts.bench_send_delivery", "--serve"], "the fake") as ask:
        yield ask(None), ask


# -- the plan, the run, the check --------------------------------------------------------------


def plan(count: int, seed: int) -> list[tuple[str, int | None, int]]:
    """(kind, status, request number) for FAULT_SHARE of request numbers 1..count."""
    rng = random.Random(seed)
    numbers = sorted(rng.sample(range(1, count + 1), round(count * FAULT_SHARE)))
    kinds = [KINDS[i % len(KINDS)] for i in range(len(numbers))]
    rng.shuffle(kinds)
    return [(kind, status, n) for (_, kind, status), n in zip(kinds, numbers, strict=True)]


def send(conn: dict[str, str], count: int, is_async: bool) -> tuple[Any, float, float]:
    """send_many over `count` records: (its report, wall s, client CPU s)."""
    from amperity_facade import Amperity, AsyncAmperity

    settings = {"tenant": conn["tenant"], "token": conn["token"], "base_url": conn["base_url"]}
    wall, cpu = time.perf_counter(), time.process_time()
    if is_async:

        async def run() -> Any:
            async with AsyncAmperity(**settings) as client:
                return await client.streams.send_many(
                    STREAM, records(count), concurrency=CONCURRENCY, on_error="collect"
                )

        report = asyncio.run(run())
    else:
        with Amperity(**settings) as client:
            report = client.streams.send_many(
                STREAM, records(count), concurrency=CONCURRENCY, on_error="collect"
            )
    return report, time.perf_counter() - wall, time.process_time() - cpu


def check(count: int, report: Any, stored: list[list[Any]]) -> dict[str, Any]:
    """Every index accounted for: the figures the targets judge, and a few examples."""
    ids: dict[int, Counter[str]] = {}
    for rid, seq in stored:
        ids.setdefault(seq, Counter())[rid] += 1
    rejected = {r.index for r in report.rejected}
    lost = [i for i in range(count) if i not in ids and i not in rejected]
    two_ids = [i for i, by_id in ids.items() if len(by_id) > 1]
    same_id = sum(n - 1 for by_id in ids.values() for n in by_id.values())
    return {
        "sent": report.sent,
        "accepted": report.accepted_count,
        "rejected": len(rejected),
        "retried": report.retried,
        "stored": len(stored),
        "stored_records": len(ids),
        "duplicates_same_id": same_id,
        "lost": len(lost),
        "double_accepted_two_ids": len(two_ids),
        "rejected_but_stored": len(rejected & ids.keys()),
        "stray": sum(1 for i in ids if not 0 <= i < count),
        "unaccounted": count - report.accepted_count - len(rejected),
        "examples": {"lost": lost[:5], "two_ids": two_ids[:5]},
        "rejections": [
            {"index": r.index, "status": r.status, "message": r.message[:120]}
            for r in report.rejected[:5]
        ],
    }


def delivery(quick: bool, seed: int = 15) -> dict[str, Any]:
    """Both sides against one fake in a child process, reset and re-armed before each."""
    count = (QUICK if quick else FULL).records
    faults = plan(count, seed)
    out: dict[str, Any] = {
        "what": (
            f"{count:,} records through streams.send_many (concurrency {CONCURRENCY}, default "
            f"retries and limiter) against FakeAmperity in a child process, "
            f"{len(faults):,} faults ({FAULT_SHARE:.0%} of request numbers 1..{count:,}) "
            f"spread evenly over {', '.join(label for label, _, _ in KINDS)}"
        ),
        "records": count,
        "faults_planned": dict(Counter(label for label, _, _ in _labels(faults))),
    }
    with fake_process() as (conn, ask):
        for mode in ("sync", "async"):
            ask("reset")
            ask("faults " + json.dumps(faults))
            if mode == "sync":
                client_threads_only()
            report, wall, cpu = send(conn, count, mode == "async")
            seen = ask("outcome")
            result = check(count, report, seen["stored"])
            statuses = seen["statuses"]
            result["server_statuses"] = statuses
            result["faults_fired"] = {
                "503": statuses.get("503", 0),
                "429": statuses.get("429", 0),
                "dropped": statuses.get("0", 0),
            }
            result.update(wall_s=wall, cpu_s=cpu, records_per_s=count / wall)
            out[mode] = result
    return out


def _labels(faults: list[tuple[str, int | None, int]]) -> Iterator[tuple[str, str, int]]:
    for kind, status, number in faults:
        yield (str(status) if status is not None else kind, kind, number)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--serve"]:
        return serve()
    print(json.dumps(delivery("--quick" in args), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
