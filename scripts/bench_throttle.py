"""The throttled exports: the facade's default limiter (10 requests in any second) against a
fake that answers 429 beyond 10 requests in any one-second window, sync (threads) and async
(tasks). What counts is how close the sustained rate comes to the ideal 10 requests a second,
and that the fake never had to refuse one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from .bench_measure import (
    FakeProcess,
    Sizes,
    Target,
    acount,
    busiest_second,
    judge,
    sustained_rate,
)

IDEAL = 10  # requests a second the fake allows, and the facade's default rate_limit
WORKERS = 4  # threads or tasks, each exporting all of the segments
THROTTLED = [
    Target("pct_of_ideal", ">=", 99.0, "% of ideal"),
    Target("server_429s", "<=", 0, "429s"),
]


class RetryCounter(logging.Handler):
    """Counts the facade's "retrying ..." log records (and keeps them off stderr)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying"):
            self.retries += 1


RETRIES = RetryCounter()


def throttled_summary(
    fake: FakeProcess,
    pages: int,
    counts: list[int],
    elapsed: float,
    retries_before: int,
    what: str,
) -> dict[str, Any]:
    """What the fake saw of WORKERS exports of `pages` pages of 100, each counting its items
    into `counts`, against the targets."""
    items, expected = sum(counts), WORKERS * pages * 100
    log = fake.log()
    admitted = [at for status, at in log if status != 429]
    refused = len(log) - len(admitted)
    rate = sustained_rate(admitted, IDEAL)
    result: dict[str, Any] = {
        "pages": WORKERS * pages,
        "requests_seen_by_server": len(log),
        "items": items,
        "items_expected": expected,
        "items_missing": abs(expected - items),
        "elapsed_s": elapsed,
        "overall_req_per_s": len(log) / elapsed,
        "sustained_req_per_s": rate,
        "ideal_req_per_s": IDEAL,
        "pct_of_ideal": 100 * rate / IDEAL,
        "busiest_second": busiest_second([at for _, at in log]),
        "server_429s": refused,
        "facade_retries": RETRIES.retries - retries_before,
    }
    judge(result, [*THROTTLED, Target("items_missing", "<=", 0, "items missing")])
    result["what"] = what
    return result


def throttled_sync(fake: FakeProcess, sizes: Sizes) -> dict[str, Any]:
    pages = sizes.throttled_pages
    fake.reset()  # also empties the fake's rate window
    retries_before = RETRIES.retries
    counts = [0] * WORKERS
    failures: list[BaseException] = []
    with fake.facade() as client:  # default rate_limit=10

        def export(index: int) -> None:
            try:
                counts[index] = sum(1 for _ in client.segments.list(limit=100))
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=export, args=(i,)) for i in range(WORKERS)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    if failures:
        raise failures[0]
    what = (
        f"{WORKERS} threads on one Amperity (rate_limit=10), each exporting all {pages} pages "
        "of 100 segments; fake limited to 10 req/s"
    )
    return throttled_summary(fake, pages, counts, elapsed, retries_before, what)


def throttled_async(fake: FakeProcess, sizes: Sizes, *, cold: bool) -> dict[str, Any]:
    pages = sizes.throttled_pages
    fake.reset()  # also empties the fake's rate window
    retries_before = RETRIES.retries

    async def main() -> tuple[list[int], float]:
        async with fake.async_facade() as client:  # default rate_limit=10

            async def export() -> int:
                return await acount(client.segments.list(limit=100))

            began = time.perf_counter()
            counts = await asyncio.gather(*(export() for _ in range(WORKERS)))
            return list(counts), time.perf_counter() - began

    counts, elapsed = asyncio.run(main())
    when = (
        "the first async requests of this process (httpcore imports anyio on first use)"
        if cold
        else "a process that has made async requests before"
    )
    what = (
        f"{WORKERS} tasks on one AsyncAmperity (rate_limit=10), each exporting all {pages} "
        f"pages of 100 segments; fake limited to 10 req/s; {when}"
    )
    return throttled_summary(fake, pages, counts, elapsed, retries_before, what)
