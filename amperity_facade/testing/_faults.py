"""Faults a test can inject to see how a client copes with a misbehaving server."""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = frozenset({"status", "html", "drop", "slow", "truncated", "malformed"})
DEFAULT_STATUS = {"status": 500, "html": 502}


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour.

    kind: "status" (JSON error envelope with `status`, plus Retry-After when `retry_after` is
    given), "html" (`status` with an HTML body, like a proxy error page), "drop" (close the
    connection without answering), "slow" (sleep `delay` seconds, then answer normally),
    "truncated" (200 with the JSON body cut in half) or "malformed" (200, body not JSON).
    operation: operationId to match, None for any request. request_number: fire only on the
    Nth request since start or reset (1-based). times: how many matching requests it fires on.
    """

    kind: str
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    operation: str | None = None
    request_number: int | None = None
    times: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(KINDS)}")
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.request_number is not None and self.request_number < 1:
            raise ValueError("request_number is 1-based")

    @property
    def answer_status(self) -> int:
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind, 200)


@dataclass
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

    def take(self, operation: str | None, number: int) -> Fault | None:
        if not self.pending:
            return None
        with self.lock:
            for entry in self.pending:
                fault = entry.fault
                if fault.operation is not None and fault.operation != operation:
                    continue
                if fault.request_number is not None and fault.request_number != number:
                    continue
                entry.left -= 1
                if entry.left == 0:
                    self.pending.remove(entry)
                return fault
        return None

    def clear(self) -> None:
        with self.lock:
            self.pending.clear()
