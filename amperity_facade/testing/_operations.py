"""What each API operation answers, after the checks every request goes through.

The check order mirrors the live API (tenant, then token, then api-version, then route), so
a client sees the same status for the same mistake here as in production.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any

from ._answer import Answer
from ._auth import RateLimiter, TokenBook
from ._data import Dataset, Item
from ._errors import ApiError
from ._names import CONTROL_PLANE, PROFILE, REALTIME, STREAMING
from ._pagination import Query, first, page_body, parse_page
from ._profiles import LazyProfiles, ProfileApi, RealtimeApi
from ._routes import Route
from ._times import MS_PER_DAY, parse_time
from ._workflows import WorkflowBook
from ._writes import Writes

__all__ = ["Answer", "Backend"]

SUPPORTED_VERSIONS = ("2024-04-01", "unstable")
# Each family's api-version; the Real-Time API accepts a request without one.
FAMILY_VERSIONS: dict[str, tuple[str, ...]] = {
    CONTROL_PLANE: SUPPORTED_VERSIONS,
    PROFILE: ("2025-07-31",),
    REALTIME: ("2026-09-03",),
}
VERSION_OPTIONAL = frozenset({REALTIME})
# Streaming Ingest is v0 in its path: it reads no api-version, and names the tenant its own way.
UNVERSIONED = frozenset({STREAMING})
TENANT_HEADERS = {STREAMING: "x-amperity-tenant"}
FILTERS: dict[str, tuple[str, ...]] = {
    "list-events": ("happened_from", "happened_to"),
    "list-campaign": ("destination_data_template_id",),
    "list-campaign-draft": ("destination_data_template_id",),
    "list-segment": (),
    "list-ingest-jobs": ("created_from", "created_to"),
    "list-workflows": ("created_from", "created_to", "ended_from", "ended_to", "state", "type"),
}
MAX_INGEST_WINDOW_MS = 7 * MS_PER_DAY


class Backend:
    """Everything a request may touch; the HTTP layer only parses and writes bytes."""

    def __init__(
        self,
        *,
        tenant: str,
        data: Dataset,
        workflows: WorkflowBook,
        tokens: TokenBook,
        limiters: Mapping[str, RateLimiter],
        profiles: LazyProfiles,
        default_page_size: int,
        max_page_size: int,
        writes: Writes | None = None,
    ) -> None:
        self.tenant = tenant
        self.data = data
        self.workflows = workflows
        self.tokens = tokens
        self.limiters = limiters
        self.profile_api = ProfileApi(profiles, max_page_size)
        self.realtime_api = RealtimeApi(profiles, max_page_size)
        self.writes = writes if writes is not None else Writes()
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.ingest_by_id = {job["id"]: job for job in data.ingest_jobs}
        self.by_template = {
            "list-campaign": group(data.campaigns, data.campaign_templates),
            "list-campaign-draft": group(data.campaign_drafts, data.draft_templates),
        }
        self.deprecations: dict[str | None, tuple[str | None, str | None]] = {}
        self.deprecation_lock = threading.Lock()

    def deprecation_headers(self, operation: str | None) -> dict[str, str]:
        if not self.deprecations:
            return {}
        with self.deprecation_lock:
            found = self.deprecations.get(operation) or self.deprecations.get(None)
        if found is None:
            return {}
        deprecation, sunset = found
        headers = {}
        if deprecation is not None:
            headers["Deprecation"] = deprecation
        if sunset is not None:
            headers["Sunset"] = sunset
        return headers

    def answer(
        self,
        method: str,
        route: Route | None,
        headers: dict[str, str],
        query: Query,
        body: bytes,
        family: str = CONTROL_PLANE,
        request_id: str = "",
    ) -> Answer:
        """`family` is the route's, or for an unknown path the one its prefix belongs to:
        its rate limit, tenant header and api-version apply. `request_id` is the one the
        answer carries, which a stream record is stored under."""
        if not self.limiters[family].admit():
            raise ApiError(429, "rate limit exceeded; slow down")
        if route is not None and route.is_token:
            if method != "POST":
                raise ApiError(405, f"{method} not allowed here", {"Allow": "POST"})
            return Answer(200, self.tokens.exchange(self.tenant, headers, body))
        tenant_header = TENANT_HEADERS.get(family, "amperity-tenant")
        claimed = headers.get(tenant_header)
        if not claimed:
            shown = "X-Amperity-Tenant" if family == STREAMING else tenant_header
            raise ApiError(400, f"missing {shown} header")
        if claimed != self.tenant:
            raise ApiError(401, f"token not valid for tenant {claimed!r}")
        self.tokens.check(headers.get("authorization"))
        version = None
        if family not in UNVERSIONED:
            version = headers.get("api-version") or first(query, "api_version")
            supported = FAMILY_VERSIONS[family]
            if not version and family not in VERSION_OPTIONAL:
                raise ApiError(400, "missing api-version header")
            if version and version not in supported:
                listed = ", ".join(supported)
                raise ApiError(400, f"unsupported api-version {version!r}; supported: {listed}")
        if route is None:
            raise ApiError(404, "no such resource")
        operation = route.methods.get(method)
        if operation is None:
            allowed = ", ".join(route.methods)
            raise ApiError(405, f"{method} not allowed here", {"Allow": allowed})
        if operation == "list-campaign-draft" and version != "unstable":
            raise ApiError(404, "campaign-drafts needs api-version unstable")
        if operation == "post-stream-data":
            return self.writes.post_stream_data(route.params[0], headers, body, request_id)
        if operation == "post-event":
            return self.writes.post_event(route.params[0], headers, body)
        if route.family == PROFILE:
            return self.profile_api.answer(operation, route.params, query)
        if route.family == REALTIME:
            return self.realtime_api.answer(operation, route.params, query, body)
        return self.dispatch(operation, route.param or "", query, body)

    def dispatch(self, operation: str, param: str, query: Query, body: bytes) -> Answer:
        if operation == "get-ingest-job":
            job = self.ingest_by_id.get(param)
            if job is None:
                raise ApiError(404, f"ingest job {param!r} not found")
            return Answer(200, job)
        if operation == "get-workflow":
            view = first(query, "view") or "overview"
            if view not in ("overview", "verbose"):
                raise ApiError(400, f"view must be overview or verbose, got {view!r}")
            return Answer(200, self.workflows.get(param, view == "verbose"))
        if operation == "stop-workflow":
            return Answer(200, self.workflows.stop(param))
        if operation == "run-workflow":
            return Answer(201, self.workflows.start(parse_json(body)))
        page = parse_page(
            query, operation, FILTERS[operation], self.default_page_size, self.max_page_size
        )
        return Answer(200, page_body(self.select(operation, query), page))

    def select(self, operation: str, query: Query) -> Sequence[Item]:
        data = self.data
        if operation == "list-segment":
            return data.segments
        if operation in self.by_template:
            template = first(query, "destination_data_template_id")
            items, grouped = self.by_template[operation]
            return items if template is None else grouped.get(template, [])
        if operation == "list-events":
            low, high = window(query, "happened_from", "happened_to")
            lo = 0 if low is None else bisect_left(data.audit_times, low)
            hi = len(data.audit_times) if high is None else bisect_left(data.audit_times, high)
            return data.audit_events[lo:hi]
        if operation == "list-ingest-jobs":
            low, high = window(query, "created_from", "created_to")
            if low is None or high is None:
                raise ApiError(400, "created_from and created_to are both required")
            if high < low:
                raise ApiError(400, "created_to must not be before created_from")
            if high - low > MAX_INGEST_WINDOW_MS:
                raise ApiError(400, "the created_from..created_to window must be at most 7 days")
            times = data.ingest_times
            return data.ingest_jobs[bisect_left(times, low) : bisect_left(times, high)]
        return self.workflows.select(
            window(query, "created_from", "created_to"),
            window(query, "ended_from", "ended_to"),
            first(query, "state"),
            first(query, "type"),
        )


def group(items: list[Item], keys: list[str]) -> tuple[list[Item], dict[str, list[Item]]]:
    grouped: dict[str, list[Item]] = {}
    for item, key in zip(items, keys, strict=True):
        grouped.setdefault(key, []).append(item)
    return items, grouped


def window(query: Query, low_name: str, high_name: str) -> tuple[int | None, int | None]:
    low, high = first(query, low_name), first(query, high_name)
    return (
        None if low is None else parse_time(low_name, low),
        None if high is None else parse_time(high_name, high),
    )


def parse_json(body: bytes) -> Any:
    if not body:
        raise ApiError(400, "request body is required")
    try:
        return json.loads(body)
    except ValueError:
        raise ApiError(400, "request body is not valid JSON") from None
