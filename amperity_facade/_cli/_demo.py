"""`amperity demo`: the library at work without an account.

The demo runs what people use the library for (count segments, export a week of audit
events, run a workflow and follow it, look at an ingest job) against an in-process fake,
so it needs no network and finishes in seconds. With a real tenant configured it runs the
read-only steps against it instead and starts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from argparse import Namespace
from contextlib import ExitStack
from pathlib import Path

from .. import Amperity
from ..errors import WorkflowFailedError
from ..types import AuditEvent
from ._commands import follow, open_client, say
from ._csv import CsvWriter
from ._export import Progress, counted, export, pages
from ._fake_server import DATA_END
from ._output import JsonLinesWriter, Writer
from ._sink import Sink, open_output

FAKE_ANCHOR = dt.datetime.combine(DATA_END, dt.time(), dt.UTC)  # where the fake's data ends
DEMO_CONFIG = "cg-demo"
SHOWN_NAMES = 5


def _credentials_in_env(args: Namespace) -> bool:
    env = os.environ
    tenant = args.tenant or env.get("AMPERITY_TENANT")
    creds = (
        args.token_file
        or env.get("AMPERITY_TOKEN")
        or (env.get("AMPERITY_CLIENT_ID") and env.get("AMPERITY_CLIENT_SECRET"))
    )
    return bool(tenant and creds)


def demo(args: Namespace) -> int:
    out = Path(args.out)
    with ExitStack() as stack:
        if _credentials_in_env(args) and not args.fake:
            client = stack.enter_context(open_client(args))
            print(
                f"A tenant and credentials are configured: running the read-only steps against "
                f"tenant {client.tenant} ({client.base_url}); no workflow is started. "
                "Pass --fake to use the built-in fake tenant instead."
            )
            end = dt.datetime.now(dt.UTC).replace(microsecond=0)
            real = True
        else:
            from ..testing import FakeAmperity

            fake = stack.enter_context(FakeAmperity(lifecycle="time", step_seconds=0.4))
            client = stack.enter_context(
                Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url)
            )
            print(f"Started a fake Amperity tenant {fake.tenant!r} at {fake.base_url}")
            end, real = FAKE_ANCHOR, False
        return _tour(client, out, end - dt.timedelta(days=7), end, run_workflow=not real)


def _step(number: int, title: str) -> None:
    print(f"\n[{number}] {title}", flush=True)


def _tour(
    client: Amperity, out: Path, start: dt.datetime, end: dt.datetime, *, run_workflow: bool
) -> int:
    began = time.monotonic()
    summary: list[str] = []

    _step(1, "Segments")
    count = 0
    names: list[str] = []
    for segment in client.segments.list(limit=1000):
        count += 1
        if len(names) < SHOWN_NAMES:
            names.append(segment.name)
    print(f"{count} segments; the first {len(names)}: {', '.join(names)}")
    summary.append(f"counted {count} segments")

    window = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
    _step(2, f"Audit events from {window}, exported to CSV and JSON Lines")
    out.mkdir(parents=True, exist_ok=True)
    csv_path, jsonl_path = out / "audit-events.csv", out / "audit-events.jsonl"
    with open_output(str(csv_path)) as csv_file, open_output(str(jsonl_path)) as jsonl_file:
        outputs: list[tuple[Writer, Sink]] = [
            (CsvWriter(csv_file, AuditEvent, say), csv_file),
            (JsonLinesWriter(jsonl_file), jsonl_file),
        ]
        progress = Progress.for_export("audit events", str(csv_path), sys.stdout, sys.stderr)
        listing = client.audit_events.list(happened_from=start, happened_to=end, limit=1000)
        stats = export(listing.as_dicts().pages(), outputs, progress)
    print(f"{stats.items} events in {pages(stats.pages)} ({stats.seconds:.2f}s)")
    print(f"  {csv_path}\n  {jsonl_path}")
    summary.append(f"exported {stats.items} audit events ({window}) in {pages(stats.pages)}")

    number = 3
    if run_workflow:
        _step(number, f"Workflow {DEMO_CONFIG}: start it and wait for the end")
        summary.append(_run_workflow(client))
        number += 1

    _step(number, f"Ingest jobs created from {window}")
    summary.append(_ingest(client, start, end))

    print(f"\nSummary ({time.monotonic() - began:.1f}s, tenant {client.tenant}):")
    for line in summary:
        print(f"  - {line}")
    print(f"Files are in {out.resolve()}")
    return 0


def _run_workflow(client: Amperity) -> str:
    workflow = client.workflows.run(DEMO_CONFIG)
    try:
        workflow = follow(
            client, workflow, timeout=30, poll_interval=0.2, report=lambda line: print(f"  {line}")
        )
    except WorkflowFailedError as exc:
        print(f"  {exc}")
        return f"ran workflow {exc.workflow.id} ({DEMO_CONFIG}): {exc.state}"
    return f"ran workflow {workflow.id} ({DEMO_CONFIG}): {workflow.state}"


def _ingest(client: Amperity, start: dt.datetime, end: dt.datetime) -> str:
    count, last = 0, None
    for job in client.ingest_jobs.list(created_from=start, created_to=end):
        count += 1
        last = job
    if last is None:
        print("no ingest jobs in that week")
        return "found no ingest jobs in the week"
    job = client.ingest_jobs.get(last.id)
    rows = {key: sum(getattr(t, key) for t in job.tables) for key in ("read", "inserted")}
    print(f"{count} ingest jobs; the latest, {job.id} (workflow {job.workflow_id}):")
    for table in job.tables:
        print(
            f"  {table.table_name:<24} {table.state:<10} read {table.read:>9,}  "
            f"inserted {table.inserted:>9,}  errors {table.errors:>6,}"
        )
    return (
        f"listed {count} ingest jobs; {job.id} loaded {counted(len(job.tables), 'table')}, "
        f"{rows['read']:,} rows read, {rows['inserted']:,} inserted"
    )
