"""Which operationId a method and path name; known before any check so the log can say it.

Four API families share the host: the control plane and the Profile API under /api, the
Real-Time API under /prof, Streaming Ingest under /stream/v0. A route knows its family, and
so does every path under a prefix (`family_of`), so even an unknown path is refused in its
family's error envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ._names import CONTROL_PLANE, PROFILE, REALTIME, STREAMING, OperationName

API_PREFIX = "/api"
REALTIME_PREFIX = "/prof"
STREAM_PREFIX = "/stream/v0"
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
# Profile API, under /api.
LIST_INDEXES: dict[str, OperationName] = {"GET": "list-indexes"}
GET_INDEX: dict[str, OperationName] = {"GET": "get-index"}
LIST_PROFILES: dict[str, OperationName] = {"GET": "list-profiles"}
GET_PROFILE: dict[str, OperationName] = {"GET": "get-profile"}
# Real-Time API, under /prof. The GET form of the lookup is not served: the facade never
# sends it (a GET lookup is a 405).
LOOKUP: dict[str, OperationName] = {"POST": "post-lookup-keychain"}
GET_REALTIME_PROFILE: dict[str, OperationName] = {"GET": "get-realtime-profile"}
LIST_PROFILE_SEGMENTS: dict[str, OperationName] = {"GET": "list-profile-segments"}
LIST_SEGMENT_PROFILES: dict[str, OperationName] = {"GET": "list-segment-profiles"}
POST_EVENT: dict[str, OperationName] = {"POST": "post-event"}
# Streaming Ingest, under /stream/v0.
POST_STREAM_DATA: dict[str, OperationName] = {"POST": "post-stream-data"}
PROFILE_ROUTES = (LIST_INDEXES, GET_INDEX, LIST_PROFILES, GET_PROFILE)
REALTIME_ROUTES = (
    LOOKUP,
    GET_REALTIME_PROFILE,
    LIST_PROFILE_SEGMENTS,
    LIST_SEGMENT_PROFILES,
    POST_EVENT,
)
# Every operation the fake serves: the conformance test drives these and leaves the rest of
# the contract (a vendor endpoint not implemented yet) to the coverage test.
ROUTED_OPERATIONS: frozenset[OperationName] = frozenset(
    name
    for methods in (
        *STATIC.values(),
        GET_INGEST_JOB,
        GET_WORKFLOW,
        STOP_WORKFLOW,
        *PROFILE_ROUTES,
        *REALTIME_ROUTES,
        POST_STREAM_DATA,
    )
    for name in methods.values()
)


@dataclass(frozen=True)
class Route:
    methods: dict[str, OperationName]
    params: tuple[str, ...]
    is_token: bool
    family: str = CONTROL_PLANE

    @property
    def param(self) -> str | None:
        """The first path parameter (the only one control-plane routes have)."""
        return self.params[0] if self.params else None


def family_of(raw_path: str) -> str:
    """The family whose envelope answers a path, routed or not."""
    if raw_path == STREAM_PREFIX or raw_path.startswith(STREAM_PREFIX + "/"):
        return STREAMING
    if raw_path == REALTIME_PREFIX or raw_path.startswith(REALTIME_PREFIX + "/"):
        return REALTIME
    if raw_path.startswith(API_PREFIX + "/indexes"):
        rest = raw_path[len(API_PREFIX + "/indexes") :]
        if not rest or rest.startswith("/"):
            return PROFILE
    return CONTROL_PLANE  # every other route is the control plane's


def resolve(raw_path: str) -> Route | None:
    """Split before percent-decoding, so an id containing %2F stays one path segment."""
    if raw_path.startswith(REALTIME_PREFIX + "/"):
        return resolve_realtime(raw_path[len(REALTIME_PREFIX) :].split("/"))
    if raw_path.startswith(STREAM_PREFIX + "/"):
        parts = raw_path[len(STREAM_PREFIX) :].split("/")
        if len(parts) == 3 and parts[1] == "data" and parts[2]:
            return Route(POST_STREAM_DATA, (unquote(parts[2]),), False, STREAMING)
        return None
    if not raw_path.startswith(API_PREFIX + "/"):
        return None
    rel = raw_path[len(API_PREFIX) :]
    static = STATIC.get(rel)
    if static is not None:
        return Route(static, (), rel == TOKEN_PATH)
    parts = rel.split("/")
    if len(parts) == 4 and parts[3] and parts[1:3] == ["ingest", "jobs"]:
        return Route(GET_INGEST_JOB, (unquote(parts[3]),), False)
    if len(parts) in (4, 5) and parts[3] and parts[1:3] == ["workflow", "runs"]:
        if len(parts) == 4:
            return Route(GET_WORKFLOW, (unquote(parts[3]),), False)
        if parts[4] == "stop":
            return Route(STOP_WORKFLOW, (unquote(parts[3]),), False)
    if parts[1] == "indexes":
        return resolve_profile(parts[2:])
    return None


def resolve_profile(parts: list[str]) -> Route | None:
    """`parts` follow /api/indexes: [], [id], [id, "profiles"], [id, "profiles", pid]."""
    if not parts:
        return Route(LIST_INDEXES, (), False, PROFILE)
    if not all(parts) or len(parts) > 3 or (len(parts) > 1 and parts[1] != "profiles"):
        return None
    params = (unquote(parts[0]), *(unquote(p) for p in parts[2:]))
    methods = (GET_INDEX, LIST_PROFILES, GET_PROFILE)[len(parts) - 1]
    return Route(methods, params, False, PROFILE)


def resolve_realtime(parts: list[str]) -> Route | None:
    """`parts` of the path after /prof, the first one empty."""
    if len(parts) < 3 or not all(parts[1:]):
        return None
    head, rest = parts[1], parts[2:]
    methods: dict[str, OperationName] | None = None
    params: list[str] = []
    if head == "lookup" and len(rest) == 2 and rest[1] == "keychain":
        methods, params = LOOKUP, rest[:1]
    elif head == "profiles" and len(rest) == 2:
        methods, params = GET_REALTIME_PROFILE, rest
    elif head == "profiles" and len(rest) == 3 and rest[2] == "segments":
        methods, params = LIST_PROFILE_SEGMENTS, rest[:2]
    elif head == "segments" and len(rest) == 2 and rest[1] == "profiles":
        methods, params = LIST_SEGMENT_PROFILES, rest[:1]
    elif head == "events" and len(rest) == 1:
        methods, params = POST_EVENT, rest
    if methods is None:
        return None
    return Route(methods, tuple(unquote(p) for p in params), False, REALTIME)
