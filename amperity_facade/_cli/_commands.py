"""The commands that talk to a tenant: listings, single objects, running workflows.

Everything goes through the `Amperity` client, so the CLI inherits its retries, rate
limiting, pagination and error classes instead of re-implementing them; this module only
decides what to ask for and how to show it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from argparse import Namespace
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import Amperity
from ..errors import BadRequestError
from ..pagination import Paginator
from ..types import (
    AuditEvent,
    Campaign,
    CampaignDraft,
    IngestJobDetails,
    Segment,
    Workflow,
)
from . import _output
from ._export import Progress, Stats, export, pages, resume_note
from ._output import CliError, Column, choose_format, field, fields, make_writer, write_one
from ._sink import csv_header, is_regular_file, open_output

SECRETS: set[str] = set()  # every credential seen in this run, scrubbed from error lines
DEFAULT_TIMEOUT = 3600.0
DEFAULT_POLL_INTERVAL = 10.0
# The --limit default: exports want the fewest requests against 10 per second. openapi.yaml
# gives `limit` no maximum; 1000 is the fake tenant's ceiling and what `amperity demo` has
# always asked of real tenants.
MAX_PAGE = 1000
APPENDABLE = ("csv", "jsonl")
# (attribute, option) pairs that bound a half-open time window, checked before any call
RANGES = (
    (("from_", "--from"), ("to", "--to")),
    (("created_from", "--created-from"), ("created_to", "--created-to")),
    (("ended_from", "--ended-from"), ("ended_to", "--ended-to")),
    (("range_from", "--range-from"), ("range_to", "--range-to")),
)


def say(message: str) -> None:
    """Diagnostics go to stderr so stdout stays pure data for pipes; server text in them
    (a workflow's name, a field name) is shown with its control characters escaped."""
    print(_output.printable(message), file=sys.stderr, flush=True)


def read_text(path: str, what: str) -> str:
    """A small text file the user named (`-`: stdin), or a usage error saying which."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise CliError(f"cannot read {what} {path}: {reason}", 2) from None


def read_token_file(path: str) -> str:
    token = read_text(path, "token file").rstrip("\r\n")
    if not token:
        raise CliError(f"token file {path} is empty", 2)
    SECRETS.add(token)
    return token


def open_client(args: Namespace) -> Amperity:
    """A client from the global options, the environment and --token-file.

    Missing tenant or credentials are reported here in CLI terms (options and variables)
    rather than with the library's keyword-argument wording.
    """
    env = os.environ
    SECRETS.update(
        env[name] for name in ("AMPERITY_TOKEN", "AMPERITY_CLIENT_SECRET") if env.get(name)
    )
    if args.tenant is not None and not args.tenant.strip():
        raise CliError(
            "--tenant is empty: give the tenant id, or leave it out for $AMPERITY_TENANT"
        )
    if not (args.tenant or env.get("AMPERITY_TENANT")):
        raise CliError("no tenant: pass --tenant ID or set AMPERITY_TENANT", 2)
    token = read_token_file(args.token_file) if args.token_file else None
    if token is None and not (
        env.get("AMPERITY_TOKEN")
        or env.get("AMPERITY_CLIENT_ID")
        or env.get("AMPERITY_CLIENT_SECRET")
    ):
        raise CliError(
            "no credentials: set AMPERITY_TOKEN, or AMPERITY_CLIENT_ID and "
            "AMPERITY_CLIENT_SECRET, or pass --token-file PATH",
            2,
        )
    return Amperity(
        tenant=args.tenant, token=token, base_url=args.base_url, api_version=args.api_version
    )


# --- listings ----------------------------------------------------------------------------


def _total(key: str) -> Column:
    def get(row: Any) -> int:
        return sum(t.get(key) or 0 for t in row.get("tables") or [] if isinstance(t, dict))

    return Column(key, get)


def _states(row: Any) -> str:
    states = [t.get("state") for t in row.get("tables") or [] if isinstance(t, dict)]
    return ",".join(sorted({str(s) for s in states if s}))


INGEST_COLUMNS = (
    *fields("id", "workflow_id"),
    Column("tables", lambda row: len(row.get("tables") or [])),
    Column("state", _states),
    *(_total(key) for key in ("read", "inserted", "updated", "errors")),
)
WORKFLOW_COLUMNS = fields("id", "state", "type", "name", "created_at", "ended_at")
TASK_COLUMNS = fields("label", "state", "execution_type", "created_at", "ended_at", "id")
TABLE_COLUMNS = fields("table_name", "state", "read", "inserted", "updated", "errors", "rejected")

Fetch = Callable[[Amperity, Namespace], Paginator[Any]]


@dataclass(frozen=True)
class Listing:
    label: str
    model: type[Any]
    columns: tuple[Column, ...]
    fetch: Fetch
    page_size: int | None = MAX_PAGE  # the --limit default; None: the server's default


def listing_of(args: Namespace) -> Listing:
    """The listing a `list` command exports: set by the parser (`listing=`) or named by
    `resource` in the control plane's table."""
    listing = getattr(args, "listing", None)
    return listing if isinstance(listing, Listing) else LISTINGS[args.resource]


def page_args(args: Namespace) -> dict[str, Any]:
    # The library itself asks for no more than --max-items still allows.
    limit = args.limit if args.limit is not None else listing_of(args).page_size
    return {"limit": limit, "max_items": args.max_items, "next_token": args.next_token}


LISTINGS: dict[str, Listing] = {
    "segments": Listing(
        "segments",
        Segment,
        fields("id", "name", "status"),
        lambda c, a: c.segments.list(**page_args(a)),
    ),
    "campaigns": Listing(
        "campaigns",
        Campaign,
        fields("id", "name", "deliver_at"),
        lambda c, a: c.campaigns.list(
            destination_data_template_id=a.destination_data_template_id, **page_args(a)
        ),
    ),
    "campaign-drafts": Listing(
        "campaign drafts",
        CampaignDraft,
        fields("id", "name", "deliver_at"),
        lambda c, a: c.campaign_drafts.list(
            destination_data_template_id=a.destination_data_template_id, **page_args(a)
        ),
    ),
    "audit-events": Listing(
        "audit events",
        AuditEvent,
        (
            field("happened_at"),
            field("event_type"),
            field("principal_email", "principal"),
            field("object_id"),
            field("object_name"),
        ),
        lambda c, a: c.audit_events.list(happened_from=a.from_, happened_to=a.to, **page_args(a)),
    ),
    "ingest-jobs": Listing(
        "ingest jobs",
        IngestJobDetails,
        INGEST_COLUMNS,
        lambda c, a: c.ingest_jobs.list(created_from=a.from_, created_to=a.to, **page_args(a)),
        page_size=None,  # the document declares no limit here, so no maximum either
    ),
    "workflows": Listing(
        "workflows",
        Workflow,
        WORKFLOW_COLUMNS,
        lambda c, a: c.workflows.list(
            state=a.state,
            type=a.type,
            created_from=a.created_from,
            created_to=a.created_to,
            ended_from=a.ended_from,
            ended_to=a.ended_to,
            **page_args(a),
        ),
    ),
}


def check_ranges(args: Namespace) -> None:
    """A window that ends before it starts is a typo; say so in the options' own names
    (the library would name its own arguments). An empty window, from = to, is allowed."""
    for (low_name, low_option), (high_name, high_option) in RANGES:
        low, high = getattr(args, low_name, None), getattr(args, high_name, None)
        if low is not None and high is not None and high < low:
            raise CliError(f"{low_option} {_utc(low)} is after {high_option} {_utc(high)}", 2)


def _empty_window(args: Namespace) -> bool:
    """A window that starts where it ends holds nothing: no request needs to say so (and
    the library refuses one for ingest jobs, in its own argument names)."""
    return any(
        getattr(args, low, None) is not None and getattr(args, low) == getattr(args, high, None)
        for (low, _), (high, _) in RANGES
    )


def _check_limit(args: Namespace, listing: Listing) -> None:
    """A page larger than the API serves is a usage error before any request, rather than
    a 400 after the credentials were checked (only where the default is that maximum:
    the other listings' maxima are the server's own)."""
    if args.limit is not None and listing.page_size == MAX_PAGE and args.limit > MAX_PAGE:
        raise CliError(
            f"--limit {args.limit} is larger than {MAX_PAGE:,}, the largest page the API serves"
        )


def _utc(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _check_destination(args: Namespace, fmt: str) -> None:
    to_file = args.output not in (None, "-")
    if args.append and not to_file:
        raise CliError("--append needs --output FILE", 2)
    if args.append and fmt not in APPENDABLE:
        raise CliError(f"--append works with --format csv or jsonl, not {fmt}", 2)
    if args.next_token and to_file and not args.append and is_regular_file(args.output):
        raise CliError(
            f"{args.output} exists: add --append to continue it from --next-token, "
            "or write to another file",
            2,
        )


def list_items(args: Namespace) -> int:
    """`<resource> list`: stream every page into the chosen format.

    On a failure or an interruption the error line ends with what was written and the
    `--next-token` that continues from there.
    """
    listing = listing_of(args)
    fmt = choose_format(args.format, args.output, sys.stdout)
    check_ranges(args)
    _check_limit(args, listing)
    _check_destination(args, fmt)
    with open_client(args) as client:
        # Bad arguments fail here, before a file is made.
        found = () if _empty_window(args) else listing.fetch(client, args).as_dicts().pages()
        with open_output(args.output, append=args.append, last=True) as sink:
            header = csv_header(args.output) if fmt == "csv" and sink.continues else None
            writer = make_writer(
                fmt,
                sink,
                model=listing.model,
                columns=listing.columns,
                warn=say,
                raw=args.csv_raw,
                header=header,
            )
            progress = Progress.for_export(listing.label, args.output, sys.stdout, sys.stderr)
            stats = Stats(cursor=args.next_token)
            try:
                # Plain dicts: an export writes what the API sent, so models would only
                # be built to be turned back into dicts (most of the client's time).
                export(found, [(writer, sink)], progress, stats)
            except BaseException as exc:
                if stats.pages == 0 and isinstance(exc, BadRequestError) and args.next_token:
                    # The cursor itself was refused: resuming from it would fail again.
                    stats.cursor = None
                note = resume_note(
                    stats,
                    listing.label,
                    args.output,
                    append=args.append,
                    kept=sink.keeps,
                    max_items=args.max_items,
                )
                if note:
                    exc.add_note(note)
                raise
    if args.output not in (None, "-"):
        say(f"wrote {stats.items:,} {listing.label} ({pages(stats.pages)}) to {args.output}")
    return 0


# --- single objects ----------------------------------------------------------------------


def show(args: Namespace, item: Any, details: dict[str, tuple[Column, ...]]) -> None:
    fmt = choose_format(args.format, args.output, sys.stdout)
    with open_output(args.output, last=True) as sink:
        write_one(fmt, sink, item.to_dict(), model=type(item), details=details, raw=args.csv_raw)


def get_ingest_job(args: Namespace) -> int:
    with open_client(args) as client:
        job = client.ingest_jobs.get(args.id)
    show(args, job, {"tables": TABLE_COLUMNS})
    return 0


def get_workflow(args: Namespace) -> int:
    with open_client(args) as client:
        workflow = client.workflows.get(args.id, view="verbose" if args.tasks else None)
    show(args, workflow, {"task_instances": TASK_COLUMNS})
    return 0


def stop_workflow(args: Namespace) -> int:
    with open_client(args) as client:
        workflow = client.workflows.stop(args.id)
    show(args, workflow, {})
    return 0


def run_workflow(args: Namespace) -> int:
    """`workflows run`: start, and with --wait follow it to the end, narrating on stderr."""
    if not args.wait and (args.timeout is not None or args.poll_interval is not None):
        raise CliError("--timeout and --poll-interval only make sense with --wait", 2)
    check_ranges(args)
    with open_client(args) as client:
        workflow = client.workflows.run(
            args.config_id,
            range_from=args.range_from,
            range_to=args.range_to,
            run_mode=args.run_mode,
        )
        if args.wait:
            try:
                workflow = follow(
                    client,
                    workflow,
                    timeout=args.timeout or DEFAULT_TIMEOUT,
                    poll_interval=args.poll_interval or DEFAULT_POLL_INTERVAL,
                    report=say,
                )
            except KeyboardInterrupt as exc:
                exc.add_note(
                    f"workflow {workflow.id} keeps running on the tenant "
                    f"(stop it with: amperity workflows stop {workflow.id})"
                )
                raise
    show(args, workflow, {})
    return 0


def follow(
    client: Amperity,
    workflow: Workflow,
    *,
    timeout: float,
    poll_interval: float,
    report: Callable[[str], None],
) -> Workflow:
    """`client.workflows.wait` with a voice: the workflow as started, then each new state.

    The waiting itself (pauses growing up to `poll_interval`, the success and failure
    states, the exceptions) is the client's; this only narrates what `on_state` reports.
    """
    start = time.monotonic()
    report(f"workflow {workflow.id} ({workflow.name}): {workflow.state}")
    state = workflow.state

    def on_state(current: Workflow) -> None:
        nonlocal state
        if current.state != state:
            state = current.state
            report(f"workflow {current.id}: {state} after {time.monotonic() - start:.1f}s")

    return client.workflows.wait(
        workflow, timeout=timeout, poll_interval=poll_interval, on_state=on_state
    )
