"""Which operationId a method and path name; known before any check so the log can say it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ._names import OperationName

API_PREFIX = "/api"
TOKEN_PATH = "/v0/oauth2/token"
STATIC: dict[str, dict[str, OperationName]] = {
    "/audit-events": {"GET": "list-events"},
    "/campaigns": {"GET": "list-campaign"},
    "/campaign-drafts": {"GET": "list-campaign-draft"},
    "/segments": {"GET": "list-segment"},
    "/ingest/jobs": {"GET": "list-ingest-jobs"},
    "/workflow/runs": {"GET": "list-workflows", "POST": "run-workflow"},
    TOKEN_PATH: {"POST": "create-token"},
}
GET_INGEST_JOB: dict[str, OperationName] = {"GET": "get-ingest-job"}
GET_WORKFLOW: dict[str, OperationName] = {"GET": "get-workflow"}
STOP_WORKFLOW: dict[str, OperationName] = {"POST": "stop-workflow"}
# Every operation the fake serves: the conformance test drives these and leaves the rest of
# the contract (a vendor endpoint not implemented yet) to the coverage test.
ROUTED_OPERATIONS: frozenset[OperationName] = frozenset(
    name
    for methods in (*STATIC.values(), GET_INGEST_JOB, GET_WORKFLOW, STOP_WORKFLOW)
    for name in methods.values()
)


@dataclass(frozen=True)
class Route:
    methods: dict[str, OperationName]
    param: str | None
    is_token: bool


def resolve(raw_path: str) -> Route | None:
    """Split before percent-decoding, so an id containing %2F stays one path segment."""
    if not raw_path.startswith(API_PREFIX + "/"):
        return None
    rel = raw_path[len(API_PREFIX) :]
    static = STATIC.get(rel)
    if static is not None:
        return Route(static, None, rel == TOKEN_PATH)
    parts = rel.split("/")
    if len(parts) == 4 and parts[3] and parts[1:3] == ["ingest", "jobs"]:
        return Route(GET_INGEST_JOB, unquote(parts[3]), False)
    if len(parts) in (4, 5) and parts[3] and parts[1:3] == ["workflow", "runs"]:
        if len(parts) == 4:
            return Route(GET_WORKFLOW, unquote(parts[3]), False)
        if parts[4] == "stop":
            return Route(STOP_WORKFLOW, unquote(parts[3]), False)
    return None
