"""One worker process of the many-workers test: THREADS threads exporting segments through one
`Amperity`, with the shared Redis budget or with this process's own limiter.

Run as `python export_worker.py '<json settings>'`. Prints "ready" once its client is made,
waits for a line on stdin (so every worker starts at once), then prints one JSON line: how
many items each export received, and the errors of those that failed.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from amperity_facade import Amperity, RedisRateLimiter


def main() -> int:
    settings: dict[str, Any] = json.loads(sys.argv[1])
    limiter = None
    if settings["redis_url"] is not None:
        limiter = RedisRateLimiter(settings["redis_url"], prefix=settings["prefix"])
    client = Amperity(
        tenant=settings["tenant"],
        token=settings["token"],
        base_url=settings["base_url"],
        rate_limiter=limiter,
    )
    counts: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def export() -> None:
        try:
            n = sum(1 for _ in client.segments.list(limit=settings["page"]))
            with lock:
                counts.append(n)
        except Exception as exc:  # reported: per-process limiters may run out of retries
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    print("ready", flush=True)
    sys.stdin.readline()
    threads = [threading.Thread(target=export) for _ in range(settings["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    if limiter is not None:
        limiter.close()
    print(json.dumps({"counts": counts, "errors": errors}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
