"""What each API operation sends and how its answer is read, independent of sync or async.

Every call is built by the generated operation module's request builder (`build_request`)
and read by its parser (`parse_response`), the two public functions the facade's template
(scripts/templates/) gives each module; this module only adds what the generator cannot know:
argument checks, the unstable version for campaign drafts, windows and cursors for ingest
jobs, turning list answers into pages, and checking each answer against the model's
declared types first: the generated `from_dict` assigns whatever arrives, so a number where
a string is declared would otherwise surface later, in the caller's code, far from its cause.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import httpx

if TYPE_CHECKING:  # the generated package is imported on first use: it is most of import time
    from amperity_api.models import (
        AuditEvent,
        Campaign,
        CampaignDraft,
        IngestJobDetails,
        Segment,
        Workflow,
    )
    from amperity_api.types import Unset

from . import _json
from ._config import UNSTABLE
from ._dates import (
    Moment,
    check_range,
    format_window,
    ingest_window,
    optional_datetime,
    parse_window,
    to_datetime,
)
from ._families import CONTROL_PLANE, Family
from ._pagination import Chain, Page, text_problem
from ._shapes import Invalid, shape_of
from .errors import APIResponseValidationError, ConfigurationError

T = TypeVar("T")
M = TypeVar("M")


@functools.cache
def run_modes() -> tuple[str, ...]:
    """The run modes openapi.yaml declares, read from the generated enum: a value the vendor
    adds reaches users with `make spec`, not with a second list to keep in step."""
    from amperity_api.models.workflow_run_request_run_mode import (
        WORKFLOW_RUN_REQUEST_RUN_MODE_VALUES,
    )

    return tuple(sorted(WORKFLOW_RUN_REQUEST_RUN_MODE_VALUES))


@functools.cache
def views() -> tuple[str, ...]:
    """The workflow views openapi.yaml declares (see run_modes)."""
    from amperity_api.models.get_workflow_view import GET_WORKFLOW_VIEW_VALUES

    return tuple(sorted(GET_WORKFLOW_VIEW_VALUES))


class Tally:
    """How many times a call was retried (send_many reports it)."""

    __slots__ = ("retries",)

    def __init__(self) -> None:
        self.retries = 0


@dataclass(frozen=True)
class Call(Generic[T]):
    """One HTTP exchange: the generated request kwargs and how to read the answer."""

    operation: str
    kwargs: dict[str, Any] = field(repr=False)  # a lookup's body holds identity keys
    parse: Callable[[httpx.Response], T]
    # False when repeating the request could repeat a side effect (start a workflow twice):
    # the retry loop then retries only failures the server surely did not act on.
    idempotent: bool = True
    # The API family: its version, base URL and rate limiter (see `_families`).
    family: Family = CONTROL_PLANE
    # Personal values the request carries (a lookup's identity keys): kept off exceptions.
    private: tuple[str, ...] = ()
    # Error statuses that mean "nothing there" for this call: answered None, not raised.
    absent: frozenset[int] = frozenset()
    # The body is personal data as a whole (a streamed record): kept off exceptions.
    private_body: bool = False
    # Counts this call's retries, when someone asks (send_many).
    tally: Tally | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # httpx re-parses the URL for any `params`, even empty ones: drop them once, here.
        if not self.kwargs.get("params"):
            self.kwargs.pop("params", None)

    def reading(self, parse: Callable[[httpx.Response], M]) -> Call[M]:
        """The same exchange, its answer read by `parse`."""
        return Call(
            self.operation,
            self.kwargs,
            parse,
            self.idempotent,
            self.family,
            self.private,
            self.absent,
            self.private_body,
            self.tally,
        )


class _ListModel(Protocol[T]):  # the generated *List models all look like this
    data: list[T]
    next_token: str | Unset
    total: int | Unset


PageSource = Callable[[str | None], Call[Page[T]]]


class _Decoded:
    """What the generated `parse_response` reads of an answer, with the body decoded once
    (it calls `.json()` itself; decoding twice would cost a listing a second pass)."""

    __slots__ = ("_body", "content", "status_code")

    def __init__(self, response: httpx.Response, body: Any) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self._body = body

    def json(self) -> Any:
        return self._body


def _refusal(
    response: httpx.Response, detail: str | BaseException, *, unreadable: bool = False
) -> APIResponseValidationError:
    if isinstance(detail, BaseException):
        detail = f"{type(detail).__name__}: {str(detail)[:120]}"
    return APIResponseValidationError(
        f"{response.request.method} {response.request.url.path}: the {response.status_code} "
        f"answer is not the documented JSON ({detail})",
        response=response,
        unreadable=unreadable,
    )


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"


# Refusals are raised after the handler that caught the cause, never in it: the decoder's
# error keeps the whole body (`JSONDecodeError.doc`), which for a lookup is a person's
# profile, and would otherwise ride along as the refusal's __context__.


def _decode(response: httpx.Response) -> Any:
    try:
        return _json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # cut short, HTML, binary
        detail, unreadable = _described(exc), True
    except (ValueError, RecursionError) as exc:  # JSON, but nested or numbered past limits
        detail, unreadable = _described(exc), False
    raise _refusal(response, detail, unreadable=unreadable)


def _parser(module: Any, model: type[M]) -> Callable[[httpx.Response], M]:
    def parse(response: httpx.Response) -> M:
        body = _decode(response)
        detail: str | None = None
        try:
            shape_of(model).check(body)
            parsed = module.parse_response(_Decoded(response, body))
        except Invalid as exc:
            detail = str(exc) or "not the documented shape"
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            detail = _described(exc)
        if detail is not None:
            raise _refusal(response, detail)
        if not isinstance(parsed, model):
            where = f"{response.request.method} {response.request.url.path}"
            raise APIResponseValidationError(
                f"{where}: unexpected {response.status_code} answer", response=response
            )
        return parsed

    return parse


def _page_parser(module: Any, model: type[Any]) -> Callable[[httpx.Response], Page[Any]]:
    parse_model = _parser(module, model)

    def parse(response: httpx.Response) -> Page[Any]:
        listing: _ListModel[Any] = parse_model(response)
        token = listing.next_token if isinstance(listing.next_token, str) else None
        if token and (problem := text_problem(token)) is not None:
            raise _refusal(response, f"its next_token {problem}")
        total = getattr(listing, "total", None)  # not every listing declares one
        total = total if isinstance(total, int) else None
        return Page(list(listing.data), token or None, total, raw=listing)

    return parse


def raw_page(response: httpx.Response) -> Page[dict[str, Any]]:
    """A listing page as the API sent it: the envelope is checked (a list of objects, a
    string or null cursor, an integer or null total), the items are not: they are the
    caller's to read, unknown fields and all."""
    body = _decode(response)
    if not isinstance(body, dict):
        raise _refusal(response, f"a listing is an object, not {type(body).__name__}")
    data, token, total = body.get("data"), body.get("next_token"), body.get("total")
    problem = _envelope_problem(data, token, total)
    if problem is not None:
        raise _refusal(response, problem)
    return Page(cast("list[dict[str, Any]]", data), token or None, total, raw=body)


def _envelope_problem(data: object, token: object, total: object) -> str | None:
    if not isinstance(data, list):
        return "its data is not a list"
    if not all(type(item) is dict for item in data):
        return "an item of its data is not an object"
    if not isinstance(token, str | None):
        return "its next_token is not a string"
    if token and (problem := text_problem(token)) is not None:
        return f"its next_token {problem}"
    if not isinstance(total, int | None) or isinstance(total, bool):
        return "its total is not an integer"
    return None


def _unset(value: T | None) -> T | Unset:
    from amperity_api.types import UNSET

    return UNSET if value is None else value


def check_limit(limit: object) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigurationError(f"limit must be an integer >= 1, got {limit!r}")
    return limit


def check_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}")
    if value in (".", ".."):  # a dot segment would be resolved away by URL normalisation
        raise ConfigurationError(f"{name} {value!r} is not a valid id")
    problem = text_problem(value)
    if problem is not None:
        raise ConfigurationError(f"{name} {problem}")
    return value


def check_with_total(with_total: object) -> bool:
    if not isinstance(with_total, bool):
        raise ConfigurationError(f"with_total must be True or False, got {with_total!r}")
    return with_total


def _listing(
    operation: str,
    module: Any,
    model: type[Any],
    *,
    limit: int | None,
    with_total: bool | None,
    headers: dict[str, str] | None = None,
    family: Family = CONTROL_PLANE,
    parse: Callable[[httpx.Response], Page[Any]] | None = None,
    extra_params: list[tuple[str, str]] | None = None,
    args: tuple[Any, ...] = (),
    **filters: Any,
) -> PageSource[Any]:
    """Pages of one listing. `with_total=None` for listings that take no with_total;
    `extra_params` are query pairs the generated builder cannot encode (filter[k]=v);
    `args` are its path arguments."""
    limit = check_limit(limit)
    if with_total is not None:
        filters["with_total"] = check_with_total(with_total)
    read = parse or _page_parser(module, model)

    def source(token: str | None) -> Call[Page[Any]]:
        kwargs = module.build_request(
            *args, limit=_unset(limit), next_token=_unset(token), **filters
        )
        if headers:
            kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
        if extra_params:
            kwargs["params"] = [*kwargs.get("params", {}).items(), *extra_params]
        return Call(operation, kwargs, read, family=family)

    return source


def segments(*, limit: int | None, with_total: bool) -> PageSource[Segment]:
    from amperity_api.api.segments import list_segment
    from amperity_api.models.segment_list import SegmentList

    return _listing("list-segment", list_segment, SegmentList, limit=limit, with_total=with_total)


def campaigns(
    *, limit: int | None, with_total: bool, destination_data_template_id: str | None
) -> PageSource[Campaign]:
    from amperity_api.api.campaigns import list_campaign
    from amperity_api.models.campaign_list import CampaignList

    return _listing(
        "list-campaign",
        list_campaign,
        CampaignList,
        limit=limit,
        with_total=with_total,
        destination_data_template_id=_unset(destination_data_template_id),
    )


def campaign_drafts(
    *, limit: int | None, with_total: bool, destination_data_template_id: str | None
) -> PageSource[CampaignDraft]:
    from amperity_api.api.campaigns import list_campaign_draft
    from amperity_api.models.campaign_draft_list import CampaignDraftList

    return _listing(
        "list-campaign-draft",
        list_campaign_draft,
        CampaignDraftList,
        limit=limit,
        with_total=with_total,
        headers={"api-version": UNSTABLE},
        destination_data_template_id=_unset(destination_data_template_id),
    )


def _time_range(
    low: Moment | None, high: Moment | None, low_name: str, high_name: str
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Both ends as UTC datetimes (naive ones and bare dates are UTC), in order."""
    start = optional_datetime(low, low_name)
    end = optional_datetime(high, high_name)
    check_range(start, end, low_name, high_name)
    return start, end


def audit_events(
    *, limit: int | None, with_total: bool, happened_from: Moment | None, happened_to: Moment | None
) -> PageSource[AuditEvent]:
    from amperity_api.api.audit_events import list_events
    from amperity_api.models.audit_event_list import AuditEventList

    start, end = _time_range(happened_from, happened_to, "happened_from", "happened_to")
    return _listing(
        "list-events",
        list_events,
        AuditEventList,
        limit=limit,
        with_total=with_total,
        happened_from=_unset(start),
        happened_to=_unset(end),
    )


def workflows(
    *,
    limit: int | None,
    with_total: bool,
    state: str | None,
    type: str | None,
    created_from: Moment | None,
    created_to: Moment | None,
    ended_from: Moment | None,
    ended_to: Moment | None,
) -> PageSource[Workflow]:
    from amperity_api.api.workflow import list_workflows
    from amperity_api.models.workflow_list import WorkflowList

    created = _time_range(created_from, created_to, "created_from", "created_to")
    ended = _time_range(ended_from, ended_to, "ended_from", "ended_to")
    return _listing(
        "list-workflows",
        list_workflows,
        WorkflowList,
        limit=limit,
        with_total=with_total,
        state=_unset(state),
        type_=_unset(type),
        created_from=_unset(created[0]),
        created_to=_unset(created[1]),
        ended_from=_unset(ended[0]),
        ended_to=_unset(ended[1]),
    )


def ingest_jobs(
    *, created_from: Moment, created_to: Moment, limit: int | None, with_total: bool
) -> list[PageSource[IngestJobDetails]]:
    """A chain of windows of at most seven days (the API refuses longer ones).

    Its cursors name their window (see `_pagination.Chain`), so one saved in any window
    resumes there: [that window], then windows of seven days from its end. A cursor is
    refused unless its window lies within [created_from, created_to).

    The vendor document declares no `limit` / `next_token` here although answers carry a
    cursor: openapi.yaml adds both (marked x-facade-addition), so they are generated arguments.
    """
    from amperity_api.api.ingest import list_ingest_jobs
    from amperity_api.models.ingest_job_details_list import IngestJobDetailsList

    limit = check_limit(limit)
    with_total = check_with_total(with_total)
    start = to_datetime(created_from, "created_from")
    end = to_datetime(created_to, "created_to")
    first = ingest_window(start, end)
    if first is None:
        raise ConfigurationError(
            f"created_to ({end.isoformat()}) must be after created_from ({start.isoformat()})"
        )
    parse = _page_parser(list_ingest_jobs, IngestJobDetailsList)

    def fetch(span: str, token: str | None) -> Call[Page[IngestJobDetails]]:
        low, high = parse_window(span)
        kwargs = list_ingest_jobs.build_request(
            created_from=low,
            created_to=high,
            with_total=with_total,
            limit=_unset(limit),
            next_token=_unset(token),
        )
        return Call("list-ingest-jobs", kwargs, parse)

    def after(span: str) -> str | None:
        following = ingest_window(parse_window(span)[1], end)
        return None if following is None else format_window(following)

    def check(span: str) -> None:
        try:
            low, high = parse_window(span)
        except ValueError as exc:
            raise ConfigurationError(f"next_token is malformed: {exc}") from None
        if low < start or high > end:
            raise ConfigurationError(
                f"next_token belongs to the window {span}, which lies outside "
                f"[created_from, created_to) = [{start.isoformat()}, {end.isoformat()})"
            )

    chain = Chain(
        what="ingest-jobs", first=format_window(first), fetch=fetch, after=after, check=check
    )
    return [chain]


def get_ingest(job_id: str) -> Call[IngestJobDetails]:
    from amperity_api.api.ingest import get_ingest_job
    from amperity_api.models.ingest_job_details import IngestJobDetails

    job_id = check_id(job_id, "job_id")
    kwargs = get_ingest_job.build_request(job_id)
    return Call("get-ingest-job", kwargs, _parser(get_ingest_job, IngestJobDetails))


def get_run(workflow_id: str, view: str | None) -> Call[Workflow]:
    from amperity_api.api.workflow import get_workflow
    from amperity_api.models.workflow import Workflow

    workflow_id = check_id(workflow_id, "workflow_id")
    if view is not None and view not in views():
        raise ConfigurationError(f"view must be one of {views()}, got {view!r}")
    kwargs = get_workflow.build_request(workflow_id, view=_unset(view))  # type: ignore[arg-type]
    return Call("get-workflow", kwargs, _parser(get_workflow, Workflow))


def start_run(
    config_id: str,
    *,
    range_from: Moment | None,
    range_to: Moment | None,
    run_mode: str | None,
) -> Call[Workflow]:
    """Only what the caller gave is sent: no run_mode unless asked (a full run fires campaigns)."""
    from amperity_api.api.workflow import run_workflow
    from amperity_api.models.workflow import Workflow
    from amperity_api.models.workflow_run_request import WorkflowRunRequest

    config_id = check_id(config_id, "config_id")
    if run_mode is not None and run_mode not in run_modes():
        raise ConfigurationError(f"run_mode must be one of {run_modes()} or None, got {run_mode!r}")
    if range_to is not None and range_from is None:
        raise ConfigurationError("range_to needs range_from: give both, or range_from alone")
    lo = optional_datetime(range_from, "range_from")
    hi = optional_datetime(range_to, "range_to")
    if lo is not None and hi is not None and hi <= lo:
        raise ConfigurationError("range_to must be after range_from")
    body = WorkflowRunRequest(
        config_id=config_id,
        range_from=_unset(lo),
        range_to=_unset(hi),
        run_mode=_unset(run_mode),  # type: ignore[arg-type]
    )
    return Call(
        "run-workflow",
        run_workflow.build_request(body=body),
        _parser(run_workflow, Workflow),
        idempotent=False,
    )


def stop_run(workflow_id: str) -> Call[Workflow]:
    from amperity_api.api.workflow import stop_workflow
    from amperity_api.models.workflow import Workflow

    workflow_id = check_id(workflow_id, "workflow_id")
    kwargs = stop_workflow.build_request(workflow_id)
    return Call("stop-workflow", kwargs, _parser(stop_workflow, Workflow))


# Every operation of openapi.yaml and the facade method that reaches it. The contract tests
# fail when the spec gains an operation this table does not name (and a cassette covers).
FACADE_METHODS: dict[str, str] = {
    "list-events": "audit_events.list",
    "list-campaign": "campaigns.list",
    "list-campaign-draft": "campaign_drafts.list",
    "list-segment": "segments.list",
    "list-ingest-jobs": "ingest_jobs.list",
    "get-ingest-job": "ingest_jobs.get",
    "list-workflows": "workflows.list",
    "run-workflow": "workflows.run",
    "get-workflow": "workflows.get",
    "stop-workflow": "workflows.stop",
    "create-token": "auth",  # reached by every call of a client given client_id/client_secret
    "list-indexes": "profiles.indexes.list",
    "get-index": "profiles.indexes.get",
    "list-profiles": "profiles.list",
    "get-profile": "profiles.get",
    "post-lookup-keychain": "realtime.lookup",
    "get-realtime-profile": "realtime.get_profile",
    "list-profile-segments": "realtime.profile_segments",
    "list-segment-profiles": "realtime.segment_members",
    "post-event": "realtime.send_event",
    "post-stream-data": "streams.send",
}
