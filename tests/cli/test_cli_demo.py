"""`amperity demo`, end to end: against its embedded fake, and read-only against a tenant."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from amperity_facade.testing import FakeAmperity

from .conftest import Run


def test_demo_against_the_embedded_fake(
    clean_env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "demo-out"
    result = run("demo", "--out", str(out))
    assert result.code == 0, result.err

    with (out / "audit-events.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    events = [json.loads(line) for line in (out / "audit-events.jsonl").read_text().splitlines()]
    assert rows[0][:2] == ["event_id", "event_type"]
    assert len(rows) - 1 == len(events) > 100  # a week of the default 2000 events over 30 days
    assert [r[0] for r in rows[1:]] == [e["event_id"] for e in events]
    assert all("2026-10-25" <= e["happened_at"] < "2026-11-01" for e in events)
    assert [p.name for p in sorted(out.iterdir())] == ["audit-events.csv", "audit-events.jsonl"]

    text = result.out
    assert "250 segments; the first 5: " in text
    assert f"{len(events)} events in " in text
    states = [line.split()[-3] for line in text.splitlines() if ": running after" in line]
    assert states == ["running"]
    assert "succeeded after" in text
    assert "ingest jobs; the latest" in text
    summary = text[text.index("Summary") :]
    assert "counted 250 segments" in summary and "ran workflow wf-" in summary
    assert f"Files are in {out.resolve()}" in summary


def test_demo_with_a_configured_tenant_is_read_only(
    clean_env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.reset()
    clean_env.setenv("AMPERITY_TENANT", fake.tenant)
    clean_env.setenv("AMPERITY_TOKEN", fake.token)
    result = run("--base-url", fake.base_url, "demo", "--out", str(tmp_path))
    assert result.code == 0, result.err
    assert "running the read-only steps against tenant acme" in result.out
    assert fake.count("run-workflow") == 0
    assert fake.count("list-segment") >= 1 and fake.count("list-events") >= 1
    assert (tmp_path / "audit-events.csv").read_text().startswith("event_id,")
    assert fake.token not in result.out + result.err


def test_demo_fake_flag_ignores_configured_credentials(
    clean_env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    clean_env.setenv("AMPERITY_TENANT", "elsewhere")
    clean_env.setenv("AMPERITY_TOKEN", "not-used")
    result = run("demo", "--fake", "--out", str(tmp_path))
    assert result.code == 0, result.err
    assert "Started a fake Amperity tenant 'acme'" in result.out
