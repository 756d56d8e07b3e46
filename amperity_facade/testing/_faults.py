"""Faults a test can inject to see how a client copes with a misbehaving server.

Every fault is checked when it is built: a fault that names no real operation, or that
could never fire, would let the test that injected it pass without testing anything.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, get_args

from .._numbers import finite, shown
from ._errors import FakeUsageError
from ._names import LISTINGS, OperationName, check_operation, one_of

FaultKind = Literal[
    "status",
    "html",
    "drop",
    "drop-after-accept",
    "slow",
    "truncated",
    "malformed",
    "bad-encoding",
    "nested",
    "gzip-bomb",
    "bad-cursor",
    "wrong-type",
]
KINDS: frozenset[str] = frozenset(get_args(FaultKind))
# Answer in place of the server: the request never reaches the API logic.
ANSWER_KINDS = frozenset({"status", "html", "drop"})
# "drop-after-accept" is neither: the request is served (a stream record stored, a workflow
# started), then the connection closes without the answer.
# The request is served, then its answer goes out as a 200 with a broken body.
BODY_KINDS = frozenset({"truncated", "malformed", "bad-encoding", "nested", "gzip-bomb"})
# Rewrite a listing page; they fire only on a listing the fake answered with a page.
PAGE_KINDS = frozenset({"bad-cursor", "wrong-type"})
# The optional fields each kind reads; setting any other one is a mistake.
USES: dict[str, frozenset[str]] = {
    "status": frozenset({"status", "retry_after"}),
    "html": frozenset({"status", "retry_after"}),
    "slow": frozenset({"delay"}),
    "nested": frozenset({"depth"}),
    "gzip-bomb": frozenset({"size"}),
}
OPTIONAL = ("status", "retry_after", "delay", "size", "depth")
DEFAULT_STATUS = {"status": 500, "html": 502}
NO_BODY = frozenset({204, 205, 304})  # a body after these would corrupt the HTTP stream
DEFAULT_SIZE = 256 * 2**20
MAX_SIZE = 2**32 - 1  # the gzip trailer records the inflated size modulo 2**32
DEFAULT_DEPTH = 100_000
MAX_DEPTH = 10_000_000  # two bytes a level: a 20 MB answer already tests nothing new


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour, aimed at the requests it should hit.

    Kinds, for reading in an editor (the README has the detail): "status" and "html" answer
    `status` (with `retry_after` as Retry-After) instead of the API; "drop" closes the
    connection before the request reaches the API (nothing is stored or started);
    "drop-after-accept" serves it first (a stream record is stored, an event kept, a
    workflow started), then closes the connection without answering, so the client cannot
    know whether the write arrived; "slow" waits `delay` seconds first; "truncated",
    "malformed", "bad-encoding", "nested" (`depth`) and "gzip-bomb" (`size`) serve the
    request, then send a hostile 200;
    "bad-cursor" and "wrong-type" corrupt the next listing page the fake serves.
    operation: the operationId to match, None for any. request_number: only the Nth request
    since start or reset, counting every request received. times: matching requests it fires
    on. Anything the fake could not honour as written raises FakeUsageError here.
    """

    kind: FaultKind
    status: int | None = None
    retry_after: str | None = None
    delay: float | None = None
    operation: OperationName | None = None
    request_number: int | None = None
    times: int = 1
    size: int | None = None
    depth: int | None = None

    def __post_init__(self) -> None:
        check(self)

    @property
    def answer_status(self) -> int:
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind, 200)

    @property
    def inflated_size(self) -> int:
        return DEFAULT_SIZE if self.size is None else self.size

    @property
    def nesting_depth(self) -> int:
        return DEFAULT_DEPTH if self.depth is None else self.depth


def check(fault: Fault) -> None:
    """Refuse a fault the fake could not honour exactly as written."""
    kind = fault.kind
    if not isinstance(kind, str) or kind not in KINDS:
        raise FakeUsageError(one_of("fault kind", kind, KINDS))
    check_operation(fault.operation)
    uses = USES.get(kind, frozenset())
    for name in OPTIONAL:
        if getattr(fault, name) is not None and name not in uses:
            users = sorted(k for k, used in USES.items() if name in used)
            raise FakeUsageError(
                f"fault kind {kind!r} does not use {name} (kinds that do: {', '.join(users)})"
            )
    whole(fault, "times", 1)
    if fault.request_number is not None:
        whole(fault, "request_number", 1)
        if fault.times != 1:
            raise FakeUsageError(
                "times must be 1 with request_number: each request number occurs once"
            )
    if fault.status is not None:
        whole(fault, "status", 100, 599)
        if fault.status < 200 or fault.status in NO_BODY:
            raise FakeUsageError(
                f"status {fault.status} cannot carry a body; use 200-599 except 204, 205, 304"
            )
    if fault.retry_after is not None:
        check_header(fault.retry_after)
    if kind == "slow":
        check_delay(fault.delay)
    if fault.size is not None:
        whole(fault, "size", 1, MAX_SIZE)
    if fault.depth is not None:
        whole(fault, "depth", 1, MAX_DEPTH)
    if kind in PAGE_KINDS and fault.operation is not None and fault.operation not in LISTINGS:
        raise FakeUsageError(
            f"fault kind {kind!r} rewrites listing pages, and {fault.operation!r} is not a "
            f"listing; expected one of: {', '.join(sorted(LISTINGS))}"
        )


def whole(fault: Fault, name: str, low: int, high: int | None = None) -> None:
    value = getattr(fault, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FakeUsageError(f"{name} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"from {low} to {high}"
        raise FakeUsageError(f"{name} must be {bounds}, got {value}")


def check_delay(delay: object) -> None:
    if delay is None:
        raise FakeUsageError("fault kind 'slow' needs delay=<seconds>, a number above 0")
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise FakeUsageError(f"delay must be a number of seconds, got {delay!r}")
    seconds = finite(delay)
    if seconds is None or seconds <= 0:
        raise FakeUsageError(
            f"delay must be a finite number of seconds above 0, got {shown(delay)}"
        )


def check_header(value: object) -> None:
    """A control character or a non-Latin-1 one would break the answer's framing."""
    if not isinstance(value, str):
        raise FakeUsageError(
            f"retry_after must be a str such as '2' or an HTTP-date, got {value!r}"
        )
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise FakeUsageError(f"retry_after must be Latin-1 text, got {value!r}") from None
    if any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in value):
        raise FakeUsageError(f"retry_after must not contain control characters: {value!r}")


@dataclass(eq=False)
class Pending:
    fault: Fault
    left: int


class FaultBook:
    """Pending faults in injection order; the first that matches a request fires."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[Pending] = []

    def add(self, fault: Fault) -> None:
        with self.lock:
            self.pending.append(Pending(fault, fault.times))

    def take(self, operation: OperationName | None, number: int) -> Pending | None:
        """The first pending fault this request matches, used up at once unless it rewrites
        pages: those wait for `consume`, since the request may end in an error, not a page."""
        if not self.pending:
            return None
        with self.lock:
            for entry in self.pending:
                fault = entry.fault
                if fault.operation is not None and fault.operation != operation:
                    continue
                if fault.request_number is not None and fault.request_number != number:
                    continue
                if fault.kind in PAGE_KINDS and operation not in LISTINGS:
                    continue
                if fault.kind not in PAGE_KINDS:
                    self.use(entry)
                return entry
        return None

    def consume(self, entry: Pending) -> bool:
        """False when concurrent requests used the fault up first, or a reset dropped it."""
        with self.lock:
            if entry not in self.pending:
                return False
            self.use(entry)
            return True

    def use(self, entry: Pending) -> None:
        entry.left -= 1
        if entry.left == 0:
            self.pending.remove(entry)

    def clear(self) -> None:
        with self.lock:
            self.pending.clear()
