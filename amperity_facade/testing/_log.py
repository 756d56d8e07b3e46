"""The request log tests assert on: what the client sent and what the fake answered."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ._names import OperationName


@dataclass
class RecordedRequest:
    """One request as received; `status` is filled in just before the answer is written
    (0 when a "drop" or "drop-after-accept" fault closed the connection instead).

    Real-Time API requests are kept redacted, since identity keys travel in them: a lookup's
    body keeps its key names with every value "<redacted>" (and `enrich`), any other body
    under /prof only its field names (or "<redacted>" when it is not a JSON object), and the
    query of the (refused) GET lookup form its names only. Streaming Ingest bodies are not
    kept at all (`body` is empty): find a record by `request_id`, the x-request-id the answer
    carried (the caller's X-Request-Id there, one the fake made up elsewhere)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    operation: OperationName | None
    status: int
    at: float
    request_id: str = ""


class RequestLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: list[RecordedRequest] = []

    def record(self, entry: RecordedRequest) -> int:
        """Returns the request's 1-based number, which request_number faults match."""
        with self.lock:
            self.entries.append(entry)
            return len(self.entries)

    def snapshot(self) -> list[RecordedRequest]:
        with self.lock:
            return list(self.entries)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
