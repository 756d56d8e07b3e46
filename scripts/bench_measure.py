"""What the benchmark measures with: the fake in a child process, interleaved timing of wall
and client CPU, peak RSS, and the machine it ran on.

The fake tenant runs in a child process of its own (`FakeProcess`), so its request handling
never competes with the client for this process's GIL and no thread of the fake runs here:
`time.process_time()` deltas in this process are then the client's CPU alone.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from httpx import AsyncClient, Client

REPO = Path(__file__).resolve().parent.parent


# -- the fake, in a child process ---------------------------------------------------------------


def serve(config: dict[str, Any]) -> int:
    """Child process: run a FakeAmperity and answer commands on stdin, one JSON line each."""
    from amperity_facade.testing import FakeAmperity

    with FakeAmperity(**config) as fake:
        hello = {"base_url": fake.base_url, "tenant": fake.tenant, "token": fake.token}
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "reset":
                fake.reset()
                answer: Any = "ok"
            elif command == "log":
                answer = [[r.status, r.at] for r in fake.requests]
            elif command == "quit":
                break
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)
    return 0


def headers(tenant: str, token: str) -> dict[str, str]:
    """The three headers the facade sends on every call; plain httpx sends them too."""
    from amperity_facade._config import DEFAULT_API_VERSION

    return {
        "Authorization": f"Bearer {token}",
        "amperity-tenant": tenant,
        "api-version": DEFAULT_API_VERSION,
    }


class FakeProcess:
    """A FakeAmperity served by a child process of this script."""

    def __init__(self, **config: Any) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scripts.bench", "--serve", json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        hello = json.loads(self._readline())
        self.base_url: str = hello["base_url"]
        self.tenant: str = hello["tenant"]
        self.token: str = hello["token"]

    def _readline(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fake's process ended unexpectedly")
        return line

    def ask(self, command: str) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self._readline())

    def reset(self) -> None:
        self.ask("reset")

    def log(self) -> list[tuple[int, float]]:
        """(status, arrival time on the fake's monotonic clock) of every request since reset."""
        return [(int(s), float(t)) for s, t in self.ask("log")]

    def headers(self) -> dict[str, str]:
        return headers(self.tenant, self.token)

    def facade(self, **kwargs: Any) -> Any:
        from amperity_facade import Amperity

        return Amperity(tenant=self.tenant, token=self.token, base_url=self.base_url, **kwargs)

    def async_facade(self, **kwargs: Any) -> Any:
        from amperity_facade import AsyncAmperity

        return AsyncAmperity(tenant=self.tenant, token=self.token, base_url=self.base_url, **kwargs)

    def httpx(self) -> Client:
        return Client(base_url=self.base_url, headers=self.headers(), timeout=30.0)

    def async_httpx(self) -> AsyncClient:
        return AsyncClient(base_url=self.base_url, headers=self.headers(), timeout=30.0)

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            self.ask("quit")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> FakeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def client_threads_only() -> None:
    """Raises if any thread in this process is not the main thread (a fake's server thread
    here would make process CPU the fake's as well as the client's)."""
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:
        raise RuntimeError(f"threads other than the client's in this process: {others}")


# -- sizes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    reps: int  # repetitions of each interleaved comparison
    calls: int  # calls per repetition, per-call overhead over loopback
    memory_calls: int  # calls per repetition, per-call overhead in memory
    export_items: int
    export_page: int
    memory_small: int
    memory_large: int
    throttled_pages: int  # per worker; 4 workers
    fanout_items: int  # per endpoint
    import_reps: int
    ceiling_calls: int


FULL = Sizes(
    reps=9,
    calls=300,
    memory_calls=2000,
    export_items=100_000,
    export_page=1000,
    memory_small=10_000,
    memory_large=1_000_000,
    throttled_pages=15,
    fanout_items=500,
    import_reps=9,
    ceiling_calls=1000,
)
QUICK = Sizes(
    reps=2,
    calls=20,
    memory_calls=50,
    export_items=5_000,
    export_page=1000,
    memory_small=1_000,
    memory_large=5_000,
    throttled_pages=3,
    fanout_items=100,
    import_reps=2,
    ceiling_calls=50,
)


# -- timing ------------------------------------------------------------------------------------


@dataclass
class Side:
    """Wall and client-CPU seconds of one side of a comparison, one sample per repetition."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_s(self) -> float:
        return statistics.median(self.cpu)

    def as_json(self) -> dict[str, Any]:
        return {"wall_s": self.wall_s, "cpu_s": self.cpu_s, "wall": self.wall, "cpu": self.cpu}


def interleave(reps: int, sides: dict[str, Callable[[], object]]) -> dict[str, Side]:
    """Run every side once untimed, then `reps` rounds of each side in turn (a, b, c, a, b,
    c, ...), timing wall (perf_counter) and this process's CPU (process_time) of each run."""
    for fn in sides.values():
        fn()
    out = {name: Side() for name in sides}
    for _ in range(reps):
        for name, fn in sides.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            out[name].wall.append(wall)
            out[name].cpu.append(cpu)
    return out


async def ainterleave(
    reps: int, sides: dict[str, Callable[[], Awaitable[object]]]
) -> dict[str, Side]:
    """interleave() for coroutine functions, on the running event loop."""
    for fn in sides.values():
        await fn()
    out = {name: Side() for name in sides}
    for _ in range(reps):
        for name, fn in sides.items():
            wall, cpu = time.perf_counter(), time.process_time()
            await fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            out[name].wall.append(wall)
            out[name].cpu.append(cpu)
    return out


def ratios(sides: dict[str, Side], side: str, base: str) -> dict[str, float]:
    """Ratios of medians, side over base, for wall and client CPU."""
    return {
        "wall_ratio": sides[side].wall_s / sides[base].wall_s,
        "cpu_ratio": sides[side].cpu_s / sides[base].cpu_s,
    }


@dataclass(frozen=True)
class Target:
    """One target: `figure` (a key of the scenario) must be `op` `limit`."""

    figure: str
    op: str  # "<=" or ">="
    limit: float
    label: str

    def check(self, value: float) -> bool:
        return value <= self.limit if self.op == "<=" else value >= self.limit


def judge(result: dict[str, Any], targets: list[Target]) -> dict[str, Any]:
    """Adds `targets` (each with its value and verdict), `target` (text) and `pass` (all)."""
    checked = [
        {
            "figure": t.figure,
            "op": t.op,
            "limit": t.limit,
            "label": t.label,
            "value": result[t.figure],
            "pass": t.check(result[t.figure]),
        }
        for t in targets
    ]
    result["targets"] = checked
    result["target"] = ", ".join(f"{t.label} {t.op} {t.limit:g}" for t in targets) or None
    result["pass"] = all(c["pass"] for c in checked) if checked else None
    return result


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else "PASS" if ok else "MISS"


# -- memory and the machine --------------------------------------------------------------------


def peak_rss_kb() -> int:
    """Peak resident set size of this process so far, in kB (VmHWM, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, kB on Linux


def cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def orjson_version() -> str | None:
    try:
        return importlib.metadata.version("orjson")
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    return {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "httpx": httpx.__version__,
        "orjson": orjson_version(),  # the facade decodes with it when installed
        "load_average_start": load_average(),
    }


def describe_machine(m: dict[str, Any]) -> list[str]:
    def load(key: str) -> str:
        value = m.get(key)
        return " ".join(f"{x:.2f}" for x in value) if value else "unknown"

    return [
        f"machine: {m['cpu_model'] or m['machine']}, {m['cpu_count']} cores, {m['platform']}",
        f"python: {m['implementation']} {m['python']}, httpx {m['httpx']}, "
        f"orjson {m.get('orjson') or 'not installed'}",
        f"load average (1, 5, 15 min): {load('load_average_start')} at start, "
        f"{load('load_average_end')} at end",
    ]


async def acount(items: AsyncIterable[object]) -> int:
    """How many items an async iterator yields, keeping none of them (a list comprehension
    would hold one reference per item: 8 MB for a million)."""
    count = 0
    async for _ in items:
        count += 1
    return count


def sustained_rate(arrivals: list[float], capacity: int) -> float:
    """Steady-state requests per second under a limit of `capacity` per window.

    10 / mean(t[i+10] - t[i]) over the admitted requests' arrival times: how long, on
    average, each request waited for the one 10 places before it to leave the window. It
    ignores the first window's free burst, whatever the number of requests.
    """
    times = sorted(arrivals)
    gaps = [times[i + capacity] - times[i] for i in range(len(times) - capacity)]
    if not gaps:
        return float("nan")
    mean = statistics.fmean(gaps)
    return capacity / mean if mean > 0 else float("inf")


def busiest_second(arrivals: list[float]) -> int:
    """The most requests the fake saw in any one-second window."""
    times = sorted(arrivals)
    best = lo = 0
    for hi, at in enumerate(times):
        while at - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@contextlib.contextmanager
def child(args: list[str], what: str) -> Iterator[Callable[[str | None], Any]]:
    """A server in a child process of this script (`python args...`) that prints one JSON
    line at start and one per command read on stdin: yields ask(command), ask(None)
    reading the start line. Its stdin closed, it ends; after 10 s it is killed."""
    argv = [sys.executable, *args]
    with subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def ask(command: str | None) -> Any:
            if command:
                stdin.write(command + "\n")
                stdin.flush()
            if not (line := stdout.readline()):
                raise RuntimeError(f"{what}'s process ended unexpectedly")
            return json.loads(line)

        try:
            yield ask
        finally:
            stdin.close()  # the server ends at the end of its input
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def report_text(
    about: dict[str, Any],
    what: str,
    rows: list[tuple[str, str, str, bool | None]],
    notes: list[str],
) -> str:
    """The printed report: the machine, what ran, a padded table of verdicts, the notes."""
    table = [(a, b, c, verdict(d)) for a, b, c, d in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = ["  ".join(f"{x:<{w}}" for x, w in zip(row, widths, strict=True)) for row in table]
    return "\n".join([*describe_machine(about), what, *lines, *(f"- {n}" for n in notes)])
