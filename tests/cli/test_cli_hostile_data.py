"""Answers that would hurt the reader of an export: formulas, lone surrogates, nested lists."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from amperity_api.models import IngestJobDetails, Segment

from amperity_facade._cli._csv import declared_columns

from .conftest import Run, Stub

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def segments(*rows: dict[str, object]) -> dict[str, object]:
    return {"data": list(rows)}


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(stub_api: Stub, run: Run) -> None:
    stub_api(
        segments(
            *(
                {"id": f"seg-{n}", "name": text, "status": "active"}
                for n, text in enumerate(FORMULAS)
            ),
            {"id": "seg-x", "name": "a=b", "status": "active", "score": -5, "code": "-5"},
        )
    )
    result = run("segments", "list", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert [row["name"] for row in rows] == ["'" + text for text in FORMULAS] + ["a=b"]
    assert rows[-1]["score"] == "-5"  # a number stays a number
    assert rows[-1]["code"] == "'-5"  # text that looks like one does not

    raw = run("segments", "list", "--format", "csv", "--csv-raw")
    assert raw.code == 0, raw.err
    rows = list(csv.DictReader(io.StringIO(raw.out, newline="")))
    assert [row["name"] for row in rows] == [*FORMULAS, "a=b"]


def test_csv_header_from_the_server_is_neutralised_too(stub_api: Stub, run: Run) -> None:
    stub_api(segments({"id": "seg-1", "name": "n", "status": "active", "=evil": 1}))
    result = run("segments", "list", "--format", "csv")
    assert result.out.splitlines()[0] == ",".join([*declared_columns(Segment), "'=evil"])


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "file"])
def test_a_lone_surrogate_never_crashes_an_export(
    stub_api: Stub, run: Run, tmp_path: Path, fmt: str, to_file: bool
) -> None:
    stub_api(segments({"id": "seg-1", "name": "bad \ud800 name", "status": "active"}))
    target = tmp_path / "out"
    argv = ["segments", "list", "--format", fmt] + (["--output", str(target)] if to_file else [])
    result = run(*argv)
    assert result.code == 0, result.err
    text = target.read_text(encoding="utf-8") if to_file else result.out
    assert "bad \\ud800 name" in text  # written as a backslash escape
    if fmt == "jsonl":  # where the escape is JSON's own, the value comes back exactly
        assert json.loads(text)["name"] == "bad \ud800 name"
    if fmt == "json":
        assert json.loads(text)[0]["name"] == "bad \ud800 name"


def test_a_lone_surrogate_in_a_single_object(stub_api: Stub, run: Run) -> None:
    stub_api(
        {"id": "isj-1", "workflow_id": "wf-\udfff", "tables": []}  # an ingest job
    )
    for fmt in ("table", "json", "jsonl", "csv"):
        result = run("ingest-jobs", "get", "isj-1", "--format", fmt)
        assert result.code == 0, result.err
        assert "wf-\\udfff" in result.out


def test_ingest_jobs_csv_keeps_tables_in_one_json_column(env: pytest.MonkeyPatch, run: Run) -> None:
    window = ("--from", "2026-10-01", "--to", "2026-11-01")
    jobs = [json.loads(line) for line in run("ingest-jobs", "list", *window).out.splitlines()]
    result = run("ingest-jobs", "list", *window, "--format", "csv")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == ",".join(declared_columns(IngestJobDetails))
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert jobs and len(rows) == len(jobs)
    assert [json.loads(row["tables"]) for row in rows] == [job["tables"] for job in jobs]
    assert any(job["tables"] for job in jobs)


def test_help_says_how_csv_is_shaped(run: Run) -> None:
    text = " ".join(run("--help").out.split())
    assert "lists (an ingest job's tables) one column of JSON" in text
    assert "--csv-raw" in text
