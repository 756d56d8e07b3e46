"""The control plane's operations (segments, campaigns, audit events, ingest jobs, workflows),
independent of sync or async: what each sends, checked, and how its answer is read.

Built on `_operations` (the Call, the parsers, the listing helper); this module adds what
the generator cannot know about these operations: the unstable version for campaign
drafts, windows and cursors for ingest jobs, only the run settings a caller gave.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the generated package is imported on first use: it is most of import time
    from amperity_api.models import (
        AuditEvent,
        Campaign,
        CampaignDraft,
        IngestJobDetails,
        Segment,
        Workflow,
    )

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
from ._operations import (
    Call,
    PageSource,
    _listing,
    _page_parser,
    _parser,
    _unset,
    check_flag,
    check_id,
    check_limit,
)
from ._pagination import Chain, Page
from .errors import ConfigurationError


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
    with_total = check_flag(with_total, "with_total")
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
