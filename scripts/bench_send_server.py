"""A minimal Streaming Ingest server for the send benchmarks, in a child process of its own.

    .venv/bin/python -m scripts.bench_send_server [--limit N] [--arrivals]

HTTP/1.1 keep-alive over asyncio.Protocol: each POST /stream/v0/data/{stream-id} is checked
(path, X-Amperity-Tenant, Authorization, X-Request-Id, Content-Type, Content-Length, a JSON
object body) and answered 202 with its X-Request-Id echoed, as Amperity does, so a side
that sent something else fails loudly. Not the fake tenant, whose request handling would be
the bottleneck at these rates.

With `--limit N` it admits at most N requests in any sliding one-second window and answers
429 beyond, counting only admitted requests, like the live API (and FakeAmperity's
`rate_limits`). It always reports the busiest one-second window it admitted, and with
`--arrivals` (and a limit) the sustained rate, N / mean(t[i+N] - t[i]) over the admitted
arrivals, as scripts/bench_throttle.py measures it: the first window's free burst does not
count, and a sender within the limit cannot push it above N a second. Without
`--arrivals` memory stays constant: a million requests keep only the last second's.

Commands on stdin, one JSON line answered on stdout each: `reset`, `stats`; end of input
stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from .bench_http import KeepAlive
from .bench_measure import child, sustained_rate

TENANT, TOKEN, STREAM = "acme", "bench-token", "is-bench-orders"
PATH = re.compile(rb"/stream/v0/data/is-[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
NEEDED = {b"authorization": b"Bearer " + TOKEN.encode(), b"x-amperity-tenant": TENANT.encode()}
RID = re.compile(rb"[\x21-\x7e]{1,200}")
ACCEPTED = b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nx-request-id: %s\r\n\r\n"
THROTTLED = (
    b'{"error":"too_many_requests","message":"rate limit exceeded"}',
    b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nx-request-id: %s\r\n\r\n",
)


def records(count: int) -> Iterator[dict[str, Any]]:
    """`count` order records, made as they are read; "seq" is the record's index."""
    for i in range(count):
        yield {
            "seq": i,
            "order_id": f"o-{i:09d}",
            "email": f"customer{i % 50_000}@example.com",
            "amount": round(5 + (i % 997) * 0.37, 2),
            "currency": "USD",
            "items": [{"sku": f"SKU-{i % 311}", "qty": 1 + i % 3}],
        }


class Stats:
    """What the server saw since the last reset (reset in place: connections keep it)."""

    def __init__(self, limit: int | None, keep_arrivals: bool) -> None:
        self.limit, self.keep_arrivals = limit, keep_arrivals
        self.reset()

    def reset(self) -> str:
        self.window: deque[float] = deque()  # admitted in the last second
        self.arrivals: list[float] = []  # every admitted one, with --arrivals only
        self.admitted = self.throttled = self.busiest = self.connections = 0
        self.bad: list[str] = []
        self.cpu = time.process_time()
        return "ok"

    def admit(self) -> bool:
        now, window = time.monotonic(), self.window
        while window and now - window[0] >= 1.0:
            window.popleft()
        if self.limit is not None and len(window) >= self.limit:
            self.throttled += 1
            return False
        window.append(now)
        self.admitted += 1
        self.busiest = max(self.busiest, len(window))
        if self.keep_arrivals:
            self.arrivals.append(now)
        return True

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "admitted": self.admitted,
            "throttled": self.throttled,
            "busiest_1s": self.busiest,
            "new_connections": self.connections,
            "cpu_s": time.process_time() - self.cpu,  # the server's, to show it kept up
            "bad": self.bad[:5],
        }
        times, n = self.arrivals, self.limit
        if n is not None and len(times) > n:
            out["sustained_per_s"] = sustained_rate(times, n)
        if times:
            out["span_s"] = times[-1] - times[0]
        return out


class Ingest(KeepAlive):
    def answer(self, start: list[bytes], fields: dict[bytes, bytes], body: bytes) -> str | None:
        if problem := check(start, fields, body):
            return problem
        rid = fields[b"x-request-id"]
        if self.stats.admit():
            self.transport.write(ACCEPTED % rid)
        else:
            self.transport.write(THROTTLED[1] % (len(THROTTLED[0]), rid) + THROTTLED[0])
        return None


def check(start: list[bytes], fields: dict[bytes, bytes], body: bytes) -> str | None:
    """What is wrong with a stream record request, or None."""
    if len(start) != 3 or start[0] != b"POST" or not PATH.fullmatch(start[1]):
        return f"not a stream record: {b' '.join(start)[:80]!r}"
    if any(fields.get(k) != v for k, v in NEEDED.items()):
        return "missing or wrong Authorization or X-Amperity-Tenant"
    if not RID.fullmatch(fields.get(b"x-request-id", b"")):
        return "missing or malformed X-Request-Id"
    if not fields.get(b"content-type", b"").startswith(b"application/json"):
        return f"Content-Type {fields.get(b'content-type')!r}, not application/json"
    try:
        record = json.loads(body)
    except ValueError:
        return "body is not JSON"
    if not isinstance(record, dict):
        return f"body is not one JSON object: {body[:80]!r}"
    return None


def serve(limit: int | None, keep_arrivals: bool) -> int:
    """Child process: serve records; answer `reset` and `stats` on stdin."""
    stats = Stats(limit, keep_arrivals)

    commands = {"reset": stats.reset, "stats": stats.summary}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: Ingest(stats), "127.0.0.1", 0)
        print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
        stdin = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        while command := (await stdin.readline()).decode().strip():
            print(json.dumps(commands[command]()), flush=True)
        server.close()

    asyncio.run(main())
    return 0


@contextlib.contextmanager
def server(
    limit: int | None = None, arrivals: bool = False
) -> Iterator[tuple[str, Callable[[str | None], Any]]]:
    """The server in a child process: (its base URL for the facade, ask(command))."""
    args = ["-m", "scripts.bench_send_server"]
    args += [*(["--limit", str(limit)] if limit else []), *(["--arrivals"] if arrivals else [])]
    with child(args, "the stream server") as ask:
        yield f"http://127.0.0.1:{ask(None)['port']}/api", ask


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="admit at most N a second, 429 beyond")
    parser.add_argument("--arrivals", action="store_true", help="keep every arrival time")
    args = parser.parse_args(argv)
    return serve(args.limit, args.arrivals)


if __name__ == "__main__":
    raise SystemExit(main())
