"""Output formats read back, streaming, the progress line and output files."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from amperity_api.models import AuditEvent, IngestJobDetails, Segment, Workflow, WorkflowError

from amperity_facade import Amperity, Page
from amperity_facade._cli._csv import CsvWriter, declared_columns, flatten
from amperity_facade._cli._export import Progress, export
from amperity_facade._cli._output import JsonArrayWriter, TableWriter, fields
from amperity_facade._cli._sink import Sink
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Run

WEEK = ("--from", "2026-10-01", "--to", "2026-11-02", "--limit", "40")
# The vendor may add optional fields at any time: headers are read from the generated
# model when the test runs, never copied from today's openapi.yaml.
AUDIT_HEADER = ",".join(declared_columns(AuditEvent))


def model_keys(model: type[Any]) -> list[str]:
    """The model's JSON keys in declared order, read straight from its attrs fields."""
    names = [a.name for a in attrs.fields(model) if a.name != "additional_properties"]
    return [name.removesuffix("_") for name in names]


def test_every_format_reads_back_the_same_items(env: pytest.MonkeyPatch, run: Run) -> None:
    jsonl = run("audit-events", "list", *WEEK, "--format", "jsonl")
    expected = [json.loads(line) for line in jsonl.out.splitlines()]
    assert len(expected) == 120

    as_json = run("audit-events", "list", *WEEK, "--format", "json")
    assert json.loads(as_json.out) == expected

    as_csv = run("audit-events", "list", *WEEK, "--format", "csv")
    assert as_csv.out.splitlines()[0] == AUDIT_HEADER
    rows = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert rows == [{k: str(e.get(k, "")) for k in AUDIT_HEADER.split(",")} for e in expected]

    table = run("audit-events", "list", *WEEK, "--format", "table").out.splitlines()
    assert table[0].split() == [
        "HAPPENED_AT",
        "EVENT_TYPE",
        "PRINCIPAL",
        "OBJECT_ID",
        "OBJECT_NAME",
    ]
    assert len(table) == 1 + 120
    first = expected[0]
    assert table[1].startswith(str(first["happened_at"])[:10] + " ")  # short UTC timestamps
    assert str(first["object_id"]) in table[1]
    starts = {line.index(str(e["object_id"])) for line, e in zip(table[1:], expected, strict=True)}
    assert len(starts) == 1  # aligned columns


def test_workflow_csv_flattens_nested_objects(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("workflows", "list", "--state", "failed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows, result.err
    assert list(rows[0]) == declared_columns(Workflow)
    assert {"task_instances", "error.type", "error.message", "error.data"} <= set(rows[0])
    assert all(row["error.type"] and row["error.message"] for row in rows)


def test_declared_columns_follow_the_model() -> None:
    for flat in (Segment, AuditEvent):
        assert declared_columns(flat) == model_keys(flat)
    columns = declared_columns(Workflow)
    assert "type" in columns and "type_" not in columns  # the attribute is type_, the key type
    # The nested error expands in place into its own declared keys; the list stays whole.
    keys = model_keys(Workflow)
    at = keys.index("error")
    nested = ["error." + key for key in model_keys(WorkflowError)]
    assert columns == keys[:at] + nested + keys[at + 1 :]
    assert "task_instances" in columns
    assert declared_columns(IngestJobDetails) == model_keys(IngestJobDetails)  # tables: one column


def test_csv_extras_sorted_after_declared_and_lists_as_json() -> None:
    out = io.StringIO()
    warnings: list[str] = []
    writer = CsvWriter(out, Segment, warnings.append)
    writer.write(
        {"id": "s1", "name": "A", "status": "active", "zeta": True, "meta": {"b": 1, "a": 2}}
    )
    writer.write({"id": "s2", "name": "B", "status": "active", "tags": ["x", "y"]})
    writer.close()
    declared = declared_columns(Segment)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == [*declared, "meta.a", "meta.b", "tags", "zeta"]
    blank = dict.fromkeys(declared, "")
    assert rows[0] == {**blank, "id": "s1", "name": "A", "status": "active"} | {
        "meta.a": "2",
        "meta.b": "1",
        "tags": "",
        "zeta": "true",
    }
    assert rows[1] == {**blank, "id": "s2", "name": "B", "status": "active"} | {
        "meta.a": "",
        "meta.b": "",
        "tags": '["x","y"]',
        "zeta": "",
    }
    assert warnings == []


def test_csv_warns_once_about_fields_that_come_too_late() -> None:
    out = io.StringIO()
    warnings: list[str] = []
    writer = CsvWriter(out, Segment, warnings.append)
    for n in range(150):  # past the sample: the header is out before row 120 shows "late"
        extra = {"late": n} if n >= 120 else {}
        writer.write({"id": f"s{n}", "name": "N", "status": "active", **extra})
    writer.close()
    assert out.getvalue().splitlines()[0] == ",".join(declared_columns(Segment))
    assert len(out.getvalue().splitlines()) == 151
    assert len(warnings) == 1 and "late" in warnings[0]


def test_flatten_keeps_known_leaves_whole() -> None:
    row = {"error": {"type": "t", "data": {"k": [1]}}, "list": [{"a": 1}], "empty": {}}
    assert flatten(row, frozenset({"error.data"})) == {
        "error.type": "t",
        "error.data": '{"k":[1]}',
        "list": '[{"a":1}]',
        "empty": "{}",
    }


def test_json_array_streams_item_by_item() -> None:
    out = io.StringIO()
    seen: list[str] = []

    def pages() -> Iterator[Page[Any]]:
        for n in range(3):
            seen.append(out.getvalue())  # what was written before page n was fetched
            yield Page([Segment(id=f"s{n}", name="x", status="active")])

    sink = Sink(out)
    stats = export(pages(), [(JsonArrayWriter(sink), sink)], Progress(None, "segments"))
    assert (stats.items, stats.pages) == (3, 3)
    assert seen[0] == "" and seen[1].count('"id"') == 1 and seen[2].count('"id"') == 2
    assert [s["id"] for s in json.loads(out.getvalue())] == ["s0", "s1", "s2"]
    empty = io.StringIO()
    empty_sink = Sink(empty)
    export(iter([]), [(JsonArrayWriter(empty_sink), empty_sink)], Progress(None, "x"))
    assert json.loads(empty.getvalue()) == []


def test_table_truncates_and_fits_the_terminal() -> None:
    out = io.StringIO()
    table = TableWriter(out, fields("id", "name"), width=30)
    table.write({"id": "seg-1", "name": "n" * 100})
    table.write({"id": "seg-2", "name": "short"})
    table.close()
    header, first, second = out.getvalue().splitlines()
    assert header.split() == ["ID", "NAME"]
    assert len(first) == 30 and first.endswith("…")
    assert second.split() == ["seg-2", "short"]


def test_default_format_follows_the_destination(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    env.setattr(sys.stdout, "isatty", lambda: True)
    env.setenv("COLUMNS", "100")
    on_terminal = run("segments", "list", "--max-items", "3")
    assert on_terminal.out.splitlines()[0].split() == ["ID", "NAME", "STATUS"]
    csv_header = ",".join(declared_columns(Segment)) + "\n"
    for name, check in (("s.csv", csv_header), ("s.json", "["), ("s.jsonl", '{"id"')):
        result = run("segments", "list", "--max-items", "3", "--output", str(tmp_path / name))
        assert result.code == 0 and result.out == ""
        assert (tmp_path / name).read_text().startswith(check)
        assert result.err == f"wrote 3 segments (1 page) to {tmp_path / name}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.json", "s.jsonl"]


def test_progress_line_only_on_a_terminal(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = str(tmp_path / "events.csv")
    quiet = run("audit-events", "list", *WEEK, "--output", target)
    assert "items/s" not in quiet.err
    env.setattr(sys.stderr, "isatty", lambda: True)
    shown = run("audit-events", "list", *WEEK, "--output", target)
    assert "\raudit events: " in shown.err and "items/s" in shown.err
    progress, _, after = shown.err.rpartition("\r")
    assert progress.rstrip(" ").endswith("\r") or progress.strip() == ""  # erased at the end
    assert after == f"wrote 120 audit events (3 pages) to {target}\n"
    piped = run("audit-events", "list", *WEEK)  # stdout piped, stderr a terminal: still shown
    assert "items/s" in piped.err


def test_failed_export_leaves_no_file(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.inject(Fault("status", status=404, operation="list-events", request_number=2))
    target = tmp_path / "events.jsonl"
    result = run("audit-events", "list", *WEEK, "--output", str(target))
    assert result.code == 1 and result.err.startswith("error: 404 ")
    assert list(tmp_path.iterdir()) == []
    unwritable = run("segments", "list", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert unwritable.code == 2 and unwritable.err.startswith("error: cannot write ")


def test_single_objects_in_every_format(
    env: pytest.MonkeyPatch, run: Run, client: Amperity
) -> None:
    workflow = next(iter(client.workflows.list(state="failed")))
    table = run("workflows", "get", workflow.id, "--tasks", "--format", "table").out
    assert table.splitlines()[0].split() == ["id", workflow.id]
    assert "error.type" in table and "task_instances (2):" in table
    assert table.splitlines()[-3].split()[:2] == ["LABEL", "STATE"]
    as_csv = list(
        csv.DictReader(io.StringIO(run("workflows", "get", workflow.id, "--format", "csv").out))
    )
    assert len(as_csv) == 1 and as_csv[0]["id"] == workflow.id and as_csv[0]["error.type"]
    job = next(iter(client.ingest_jobs.list(created_from="2026-10-25", created_to="2026-11-01")))
    job_table = run("ingest-jobs", "get", job.id, "--format", "table").out
    assert f"tables ({len(job.tables)}):" in job_table
    assert job.tables[0].table_name in job_table
    assert json.loads(run("ingest-jobs", "get", job.id, "--format", "jsonl").out) == job.to_dict()
