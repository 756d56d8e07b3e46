"""The fault matrix: how the facade copes with each misbehaviour of the server, sync and async.

    .venv/bin/python -m scripts.fault_matrix            # run every case, print the matrix
    .venv/bin/python -m scripts.fault_matrix --only run # only the cases whose key has "run"

Each case injects faults into a FakeAmperity on loopback and then either exports 5,000
segments in pages of 500 (the fault lands on the 5th page's request, mid-export) or starts
one workflow. It then checks three things: what the caller got (every item exactly once and
in order, or the documented error class, after exactly the items of the pages before the
fault); how many requests the fake saw (which the retry policy dictates); and, where the
server sent Retry-After, that the client really waited that long.

tests/reliability/test_fault_matrix.py runs the same `run_case` and asserts it found no
problem, so the printed matrix and the test suite cannot drift apart.

The clients use a fast retry policy (backoff of at most 20 ms) and no client-side rate
limit, so the matrix takes seconds; Retry-After cases still wait the real second or two.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors
from amperity_facade.testing import FakeAmperity, Fault

ITEMS = 5000
PAGE = 500
FAULT_AT = 5  # the faulted request: the 5th page of the export
BEFORE_FAULT = (FAULT_AT - 1) * PAGE  # items a caller has received when the fault hits
MAX_RETRIES = 3
POLICY = RetryPolicy(
    max_retries=MAX_RETRIES, backoff_base=0.01, backoff_max=0.02, max_retry_after=5.0
)
TIMEOUT = 5.0
SHORT_TIMEOUT = 0.3  # read-timeout cases: the fake answers only after SLOW seconds
SLOW = 1.0
CONFIG_ID = "cg-matrix"
MODES = ("sync", "async")
EXPORT_OP = "list-segment"
RUN_OP = "run-workflow"


def _at(*numbers: int, **fault: Any) -> Callable[[], list[Fault]]:
    """Faults on the given request numbers (since reset), e.g. the 5th page and its retries."""
    return lambda: [Fault(request_number=n, **fault) for n in numbers]


def _on_run(times: int = 1, **fault: Any) -> Callable[[], list[Fault]]:
    return lambda: [Fault(operation=RUN_OP, times=times, **fault)]


def _http_date(seconds_ahead: float) -> str:
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


def _retries(count: int) -> tuple[int, ...]:
    """The faulted request and the `count - 1` retries after it."""
    return tuple(range(FAULT_AT, FAULT_AT + count))


@dataclass(frozen=True)
class Case:
    key: str  # test id
    target: str  # "export" (GET pages) or "run" (POST /workflow/runs)
    fault: str  # what the server (or the network) does
    faults: Callable[[], list[Fault]]  # built just before the run: HTTP-dates are relative
    error: type[errors.AmperityError] | None  # documented outcome; None: the call succeeds
    attempts: int  # requests the fake must see for the target operation
    timeout: float = TIMEOUT
    min_gap: float | None = None  # Retry-After: least seconds between the fault and the retry
    refuse: int = 0  # connect errors raised below the retry layer, before the request is sent
    why: str = ""

    @property
    def operation(self) -> str:
        return EXPORT_OP if self.target == "export" else RUN_OP


OK_EXPORT = ITEMS // PAGE  # requests of a clean export: 10
E = errors
CASES: list[Case] = [
    # -- reads: retried on 429, 5xx, connection errors and timeouts ---------------------------
    Case(
        "export-429-burst",
        "export",
        "429 x3 in a row",
        _at(*_retries(3), kind="status", status=429),
        None,
        OK_EXPORT + 3,
        why="retried with backoff; 3 < max_retries + 1",
    ),
    Case(
        "export-429-retry-after-seconds",
        "export",
        "429, Retry-After: 1",
        _at(FAULT_AT, kind="status", status=429, retry_after="1"),
        None,
        OK_EXPORT + 1,
        min_gap=0.95,
        why="waits the announced second",
    ),
    Case(
        "export-429-retry-after-date",
        "export",
        "429, Retry-After: HTTP-date +2 s",
        lambda: _at(FAULT_AT, kind="status", status=429, retry_after=_http_date(2))(),
        None,
        OK_EXPORT + 1,
        min_gap=0.5,
        why="waits until the date (whole seconds; backoff alone is <= 0.02 s)",
    ),
    Case(
        "export-500", "export", "500", _at(FAULT_AT, kind="status", status=500), None, OK_EXPORT + 1
    ),
    Case(
        "export-502-html",
        "export",
        "502, HTML body",
        _at(FAULT_AT, kind="html", status=502),
        None,
        OK_EXPORT + 1,
    ),
    Case(
        "export-503", "export", "503", _at(FAULT_AT, kind="status", status=503), None, OK_EXPORT + 1
    ),
    Case(
        "export-504", "export", "504", _at(FAULT_AT, kind="status", status=504), None, OK_EXPORT + 1
    ),
    Case(
        "export-drop",
        "export",
        "connection dropped",
        _at(FAULT_AT, kind="drop"),
        None,
        OK_EXPORT + 1,
        why="RemoteProtocolError, retried",
    ),
    Case(
        "export-read-timeout",
        "export",
        f"no answer for {SLOW:g} s (timeout {SHORT_TIMEOUT:g} s)",
        _at(FAULT_AT, kind="slow", delay=SLOW),
        None,
        OK_EXPORT + 1,
        timeout=SHORT_TIMEOUT,
        why="ReadTimeout, retried",
    ),
    Case(
        "export-connect-refused",
        "export",
        "connect error (client side)",
        lambda: [],
        None,
        OK_EXPORT,
        refuse=1,
        why="never reached the fake; retried",
    ),
    Case(
        "export-slow-within-timeout",
        "export",
        "answer after 0.2 s (timeout 5 s)",
        _at(FAULT_AT, kind="slow", delay=0.2),
        None,
        OK_EXPORT,
        why="just slower",
    ),
    Case(
        "export-truncated",
        "export",
        "200, JSON cut in half",
        _at(FAULT_AT, kind="truncated"),
        None,
        OK_EXPORT + 1,
        why="not JSON at all: a read is asked again",
    ),
    Case(
        "export-malformed",
        "export",
        "200, body not JSON",
        _at(FAULT_AT, kind="malformed"),
        None,
        OK_EXPORT + 1,
        why="not JSON at all: a read is asked again",
    ),
    # -- reads: the failure outlasts the retries ----------------------------------------------
    Case(
        "export-429-exhausted",
        "export",
        "429 x4",
        _at(*_retries(4), kind="status", status=429),
        E.RateLimitError,
        FAULT_AT + MAX_RETRIES,
    ),
    Case(
        "export-503-exhausted",
        "export",
        "503 x4",
        _at(*_retries(4), kind="status", status=503),
        E.ServiceUnavailableError,
        FAULT_AT + MAX_RETRIES,
    ),
    Case(
        "export-502-exhausted",
        "export",
        "502 HTML x4",
        _at(*_retries(4), kind="html", status=502),
        E.InternalServerError,
        FAULT_AT + MAX_RETRIES,
    ),
    Case(
        "export-drop-exhausted",
        "export",
        "connection dropped x4",
        _at(*_retries(4), kind="drop"),
        E.APIConnectionError,
        FAULT_AT + MAX_RETRIES,
    ),
    Case(
        "export-timeout-exhausted",
        "export",
        f"no answer for {SLOW:g} s x4",
        _at(*_retries(4), kind="slow", delay=SLOW),
        E.APITimeoutError,
        FAULT_AT + MAX_RETRIES,
        timeout=SHORT_TIMEOUT,
    ),
    # -- workflows.run: no idempotency key, so retried only when the server surely did nothing -
    Case(
        "run-429",
        "run",
        "429",
        _on_run(kind="status", status=429),
        None,
        2,
        why="a 429 means not acted on: retried",
    ),
    Case(
        "run-429-retry-after-seconds",
        "run",
        "429, Retry-After: 1",
        _on_run(kind="status", status=429, retry_after="1"),
        None,
        2,
        min_gap=0.95,
    ),
    Case(
        "run-429-exhausted",
        "run",
        "429 x4",
        _on_run(4, kind="status", status=429),
        E.RateLimitError,
        1 + MAX_RETRIES,
    ),
    Case(
        "run-connect-refused",
        "run",
        "connect error (client side)",
        lambda: [],
        None,
        1,
        refuse=1,
        why="never sent: retried, one POST arrives",
    ),
    Case(
        "run-500",
        "run",
        "500",
        _on_run(kind="status", status=500),
        E.InternalServerError,
        1,
        why="may have started: never resent",
    ),
    Case(
        "run-502-html",
        "run",
        "502, HTML body",
        _on_run(kind="html", status=502),
        E.InternalServerError,
        1,
        why="may have started: never resent",
    ),
    Case(
        "run-503",
        "run",
        "503",
        _on_run(kind="status", status=503),
        E.ServiceUnavailableError,
        1,
        why="may have started: never resent",
    ),
    Case(
        "run-504",
        "run",
        "504",
        _on_run(kind="status", status=504),
        E.InternalServerError,
        1,
        why="may have started: never resent",
    ),
    Case(
        "run-drop",
        "run",
        "connection dropped",
        _on_run(kind="drop"),
        E.APIConnectionError,
        1,
        why="may have started: never resent",
    ),
    Case(
        "run-read-timeout",
        "run",
        f"no answer for {SLOW:g} s (timeout {SHORT_TIMEOUT:g} s)",
        _on_run(kind="slow", delay=SLOW),
        E.APITimeoutError,
        1,
        timeout=SHORT_TIMEOUT,
        why="the fake starts it after the delay: never resent",
    ),
    Case(
        "run-truncated",
        "run",
        "200, JSON cut in half",
        _on_run(kind="truncated"),
        E.APIResponseValidationError,
        1,
        why="it started: never resent",
    ),
    Case(
        "run-malformed",
        "run",
        "200, body not JSON",
        _on_run(kind="malformed"),
        E.APIResponseValidationError,
        1,
        why="it started: never resent",
    ),
]


# -- running a case ----------------------------------------------------------------------------


class _Refusing:
    """Counts requests to the faulted operation; refuses the chosen ones with ConnectError."""

    def __init__(self, case: Case) -> None:
        self.first = FAULT_AT if case.target == "export" else 1
        self.refuse = case.refuse
        self.path = "/workflow/runs" if case.target == "run" else "/segments"
        self.seen = 0
        self.refused = 0

    def check(self, request: httpx.Request) -> None:
        if not self.refuse or not request.url.path.endswith(self.path):
            return
        self.seen += 1
        if self.seen >= self.first and self.refused < self.refuse:
            self.refused += 1
            raise httpx.ConnectError("connection refused (simulated)", request=request)


class _RetryLog(logging.Handler):
    """Counts the facade's "retrying ..." warnings while a case runs (and keeps them quiet)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying"):
            self.count += 1


class RefusingTransport(httpx.BaseTransport):
    def __init__(self, refusing: _Refusing) -> None:
        self.inner = httpx.HTTPTransport()
        self.refusing = refusing

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.refusing.check(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRefusingTransport(httpx.AsyncBaseTransport):
    def __init__(self, refusing: _Refusing) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.refusing = refusing

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.refusing.check(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Outcome:
    case: Case
    mode: str
    error: str | None  # class name of what was raised, None when the call succeeded
    attempts: int  # requests for the case's operation the fake saw
    items: int  # items received (export) or workflows returned (run)
    refused: int  # attempts refused before sending (client side)
    retries: int  # "retrying ..." warnings the facade logged
    gap: float | None  # seconds between the faulted request and the next, at the fake
    elapsed: float
    problems: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        if self.error is None:
            return f"ok ({self.items} items)" if self.case.target == "export" else "ok (started)"
        if self.case.target == "export":
            return f"{self.error} after {self.items} items"
        return self.error


def client_kwargs(fake: FakeAmperity, case: Case) -> dict[str, Any]:
    return {
        "tenant": fake.tenant,
        "token": fake.token,
        "base_url": fake.base_url,
        "timeout": case.timeout,
        "max_retries": MAX_RETRIES,
        "rate_limit": None,
        "retry_policy": POLICY,
    }


def _sync(
    fake: FakeAmperity, case: Case, refusing: _Refusing
) -> tuple[list[str], BaseException | None]:
    got: list[str] = []
    transport = RefusingTransport(refusing) if case.refuse else None
    with Amperity(transport=transport, **client_kwargs(fake, case)) as client:
        try:
            if case.target == "export":
                for segment in client.segments.list(limit=PAGE):
                    got.append(segment.id)
            else:
                got.append(client.workflows.run(CONFIG_ID).id)
        except errors.AmperityError as exc:
            return got, exc
    return got, None


def _async(
    fake: FakeAmperity, case: Case, refusing: _Refusing
) -> tuple[list[str], BaseException | None]:
    async def main() -> tuple[list[str], BaseException | None]:
        got: list[str] = []
        transport = AsyncRefusingTransport(refusing) if case.refuse else None
        async with AsyncAmperity(transport=transport, **client_kwargs(fake, case)) as client:
            try:
                if case.target == "export":
                    async for segment in client.segments.list(limit=PAGE):
                        got.append(segment.id)
                else:
                    got.append((await client.workflows.run(CONFIG_ID)).id)
            except errors.AmperityError as exc:
                return got, exc
        return got, None

    return asyncio.run(main())


def run_case(fake: FakeAmperity, case: Case, mode: str, clean: list[str]) -> Outcome:
    """Run one case against `fake` (reset first) and check it; `clean` is a clean export's ids."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    fake.reset()
    for fault in case.faults():
        fake.inject(fault)
    refusing = _Refusing(case)
    retry_log = _RetryLog()
    logger = logging.getLogger("amperity_facade")
    logger.addHandler(retry_log)
    began = time.monotonic()
    try:
        got, exc = (_sync if mode == "sync" else _async)(fake, case, refusing)
    finally:
        logger.removeHandler(retry_log)
    elapsed = time.monotonic() - began
    log = [r for r in fake.requests if r.operation == case.operation]
    first = FAULT_AT - 1 if case.target == "export" else 0
    gap = log[first + 1].at - log[first].at if len(log) > first + 1 else None
    outcome = Outcome(
        case=case,
        mode=mode,
        error=type(exc).__name__ if exc is not None else None,
        attempts=len(log),
        items=len(got),
        refused=refusing.refused,
        retries=retry_log.count,
        gap=gap,
        elapsed=elapsed,
    )
    outcome.problems = check(case, outcome, got, exc, clean)
    return outcome


def check(
    case: Case, outcome: Outcome, got: list[str], exc: BaseException | None, clean: list[str]
) -> list[str]:
    problems: list[str] = []
    if case.error is None and exc is not None:
        problems.append(f"expected success, got {type(exc).__name__}: {exc}")
    if case.error is not None and type(exc) is not case.error:
        raised = "nothing" if exc is None else f"{type(exc).__name__}: {exc}"
        problems.append(f"expected {case.error.__name__}, got {raised}")
    if outcome.attempts != case.attempts:
        problems.append(f"the fake saw {outcome.attempts} attempts, expected {case.attempts}")
    if outcome.refused != case.refuse:
        problems.append(f"{outcome.refused} attempts refused client-side, expected {case.refuse}")
    first_try = (OK_EXPORT if case.error is None else FAULT_AT) if case.target == "export" else 1
    if outcome.retries != outcome.attempts + outcome.refused - first_try:
        problems.append(
            f"{outcome.retries} retries logged for {outcome.attempts} attempts "
            f"(+{outcome.refused} refused)"
        )
    if case.target == "export":
        want = clean if case.error is None else clean[:BEFORE_FAULT]
        if got != want:
            dupes = len(got) - len(set(got))
            problems.append(
                f"items differ from a clean export: got {len(got)} ({dupes} repeated), "
                f"wanted {len(want)} in order"
            )
    elif case.error is None and len(got) != 1:
        problems.append("workflows.run returned nothing")
    if case.min_gap is not None and (outcome.gap is None or outcome.gap < case.min_gap):
        problems.append(f"retried after {outcome.gap} s; Retry-After asked for {case.min_gap} s")
    return problems


# -- the shared fake and a clean reference -----------------------------------------------------


@contextmanager
def matrix_fake() -> Iterator[FakeAmperity]:
    small = {"campaigns": 5, "campaign_drafts": 2, "audit_events": 10, "ingest_jobs": 5}
    with FakeAmperity(segments=ITEMS, workflows=10, max_page_size=1000, **small) as fake:
        yield fake


def clean_ids(fake: FakeAmperity) -> list[str]:
    """Segment ids of a clean export, read with plain httpx (independent of the facade)."""
    fake.reset()
    headers = {
        "Authorization": f"Bearer {fake.token}",
        "amperity-tenant": fake.tenant,
        "api-version": "2024-04-01",
    }
    ids: list[str] = []
    with httpx.Client(base_url=fake.base_url, headers=headers) as http:
        params: dict[str, Any] = {"limit": PAGE}
        while True:
            body = http.get("/segments", params=params).raise_for_status().json()
            ids += [item["id"] for item in body["data"]]
            if not body.get("next_token"):
                break
            params["next_token"] = body["next_token"]
    if len(ids) != ITEMS or len(set(ids)) != ITEMS:
        raise RuntimeError(f"a clean export returned {len(ids)} ids ({len(set(ids))} distinct)")
    return ids


# -- printing ----------------------------------------------------------------------------------


def render(outcomes: list[Outcome]) -> str:
    header = ("call", "fault", "mode", "outcome", "attempts", "retries", "expected", "check", "why")
    table = []
    for o in outcomes:
        c = o.case
        expected = "ok" if c.error is None else c.error.__name__
        attempts = str(o.attempts) + (f" (+{o.refused} refused)" if o.refused else "")
        if c.min_gap is not None and o.gap is not None:
            attempts += f", waited {o.gap:.2f} s"
        table.append(
            (
                "segments.list" if c.target == "export" else "workflows.run",
                c.fault,
                o.mode,
                o.result,
                attempts,
                str(o.retries),
                f"{expected}, {c.attempts} attempts",
                "ok" if not o.problems else "FAIL: " + "; ".join(o.problems),
                c.why,
            )
        )
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    lines = [fmt.format(*header).rstrip(), rule, *(fmt.format(*row).rstrip() for row in table)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run only cases whose key contains this")
    parser.add_argument("--mode", choices=MODES, action="append", help="sync, async or both")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.only in c.key]
    modes = args.mode or list(MODES)
    began = time.monotonic()
    with matrix_fake() as fake:
        clean = clean_ids(fake)
        outcomes = [run_case(fake, case, mode, clean) for case in cases for mode in modes]
    print(
        f"fault matrix: {ITEMS:,} segments in pages of {PAGE} (fault on page {FAULT_AT}) or one "
        f"workflows.run; RetryPolicy(max_retries={MAX_RETRIES}, backoff <= "
        f"{POLICY.backoff_max:g} s, max_retry_after={POLICY.max_retry_after:g} s); "
        "attempts = requests the fake saw"
    )
    print(render(outcomes))
    print(
        "note: a read answered 200 with a body that is not JSON (truncated, malformed) is asked "
        "again under the same policy; workflows.run never is (it may have started)"
    )
    failed = [o for o in outcomes if o.problems]
    print(
        f"{len(outcomes)} cases, {len(failed)} failed, {time.monotonic() - began:.1f} s",
        file=sys.stderr if failed else sys.stdout,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
