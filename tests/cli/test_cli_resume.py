"""Failures and interruptions mid-export: what is left, what is said, how to continue.

The signal tests run the command as a real process and signal it while the fake holds a
page back, so they see exactly what a `kill` or Ctrl-C at that moment leaves.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from amperity_facade import Amperity
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import SMALL, Run, process_env

WINDOW = ("--from", "2026-10-01", "--to", "2026-11-02", "--limit", "25")
LISTINGS = ("segments", "campaigns", "campaign-drafts", "audit-events", "workflows")


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def own_fake() -> Iterator[FakeAmperity]:
    """A fake of the test's own: request numbers count from this test's first request."""
    with FakeAmperity(**SMALL) as fake:
        yield fake


def export_process(fake: FakeAmperity, cwd: Path, *argv: str) -> subprocess.Popen[str]:
    env = process_env(
        AMPERITY_TENANT=fake.tenant, AMPERITY_TOKEN=fake.token, AMPERITY_BASE_URL=fake.base_url
    )
    return subprocess.Popen(
        [sys.executable, "-m", "amperity_facade", "audit-events", "list", *WINDOW, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_sigterm_mid_export_to_a_file_exits_143_and_leaves_nothing(
    own_fake: FakeAmperity, tmp_path: Path
) -> None:
    own_fake.inject(Fault("slow", delay=5, operation="list-events", request_number=2))
    process = export_process(own_fake, tmp_path, "--output", "events.csv")
    wait_for(lambda: own_fake.count("list-events") == 2)  # page 1 written, page 2 held back
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 143
    assert err == (
        "error: interrupted (SIGTERM); nothing written to events.csv: the 25 audit events "
        "(1 page) fetched were discarded (with --append, what was written stays and the "
        "export can be resumed)\n"
    )
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interrupted_export_to_stdout_resumes_from_the_printed_cursor(
    own_fake: FakeAmperity, tmp_path: Path, signum: int, code: int
) -> None:
    with Amperity(
        tenant=own_fake.tenant, token=own_fake.token, base_url=own_fake.base_url
    ) as client:
        whole = list(client.audit_events.list(limit=1000).as_dicts())
    own_fake.reset()
    own_fake.inject(Fault("slow", delay=5, operation="list-events", request_number=3))
    process = export_process(own_fake, tmp_path)
    wait_for(lambda: own_fake.count("list-events") == 3)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == code
    name = signal.Signals(signum).name
    found = re.fullmatch(
        rf"error: interrupted \({name}\); wrote 50 audit events \(2 pages\) to stdout; "
        r"resume with --next-token (\S+)\n",
        err,
    )
    assert found, err
    assert lines(out) == whole[:50]

    rest = export_process(own_fake, tmp_path, "--next-token", found[1])
    more, more_err = rest.communicate(timeout=30)
    assert rest.returncode == 0, more_err
    assert lines(out) + lines(more) == whole


def test_api_failure_mid_export_prints_the_cursor(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, client: Amperity
) -> None:
    whole = list(client.audit_events.list(limit=1000).as_dicts())
    fake.reset()
    fake.inject(Fault("status", status=404, operation="list-events", request_number=3))
    first = run("audit-events", "list", *WINDOW)
    assert first.code == 1
    found = re.fullmatch(
        r"error: 404 .*; wrote 50 audit events \(2 pages\) to stdout; "
        r"resume with --next-token (\S+)\n",
        first.err,
    )
    assert found, first.err
    second = run("audit-events", "list", *WINDOW, "--next-token", found[1])
    assert second.code == 0, second.err
    assert lines(first.out) + lines(second.out) == whole


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_append_keeps_whole_pages_and_resumes_into_one_file(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path, fmt: str
) -> None:
    whole = tmp_path / f"whole.{fmt}"
    assert run("audit-events", "list", *WINDOW, "--output", str(whole)).code == 0
    target = tmp_path / f"events.{fmt}"
    fake.reset()
    fake.inject(Fault("status", status=404, operation="list-events", request_number=3))
    first = run("audit-events", "list", *WINDOW, "--output", str(target), "--append")
    assert first.code == 1
    found = re.fullmatch(
        rf"error: 404 .*; wrote 50 audit events \(2 pages\) to {re.escape(str(target))}; "
        r"resume with --next-token (\S+) --append\n",
        first.err,
    )
    assert found, first.err
    kept = target.read_text().splitlines()
    assert len(kept) == 50 + (fmt == "csv")  # whole pages, and the header once

    again = ("--output", str(target), "--append", "--next-token", found[1])
    second = run("audit-events", "list", *WINDOW, *again)
    assert second.code == 0, second.err
    assert target.read_text() == whole.read_text()  # no second header


def test_failed_export_to_a_file_says_what_was_discarded(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.inject(Fault("status", status=404, operation="list-events", request_number=3))
    target = tmp_path / "events.csv"
    result = run("audit-events", "list", *WINDOW, "--output", str(target))
    assert result.code == 1
    assert result.err.startswith("error: 404 ")
    assert result.err.endswith(
        f"; nothing written to {target}: the 50 audit events (2 pages) fetched were "
        "discarded (with --append, what was written stays and the export can be resumed)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_resume_options_that_would_lose_data_are_refused(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    existing = tmp_path / "events.jsonl"
    existing.write_text('{"kept": true}\n')
    resumed = run("audit-events", "list", *WINDOW, "-o", str(existing), "--next-token", "abc")
    assert resumed.code == 2 and "add --append" in resumed.err
    assert existing.read_text() == '{"kept": true}\n'
    assert run("segments", "list", "--append").code == 2
    as_json = run("segments", "list", "-o", str(tmp_path / "s.json"), "--append")
    assert as_json.code == 2 and "csv or jsonl" in as_json.err
    assert run("segments", "list", "--next-token", "").code == 2
    assert fake.requests == []


def test_exports_ask_for_the_largest_page(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    for name in LISTINGS:
        window = WINDOW[:4] if name == "audit-events" else ()
        assert run(name, "list", *window).code == 0
        assert fake.requests[-1].query["limit"] == ["1000"], name
    assert run("segments", "list", "--max-items", "7").code == 0
    assert fake.requests[-1].query["limit"] == ["7"]
    assert run("ingest-jobs", "list", "--from", "2026-10-01", "--to", "2026-10-05").code == 0
    assert "limit" not in fake.requests[-1].query  # the document gives this one no limit


def test_ingest_jobs_continue_from_a_cursor(
    env: pytest.MonkeyPatch, run: Run, client: Amperity
) -> None:
    window = {"created_from": "2026-10-01", "created_to": "2026-11-01", "limit": 2}
    cursor = next(iter(client.ingest_jobs.list(**window).pages())).next_token
    assert cursor
    expected = list(client.ingest_jobs.list(**window, next_token=cursor).as_dicts())
    argv = ("--from", "2026-10-01", "--to", "2026-11-01", "--limit", "2", "--next-token", cursor)
    result = run("ingest-jobs", "list", *argv)
    assert result.code == 0, result.err
    assert lines(result.out) == expected


def test_scrubbing_secrets_never_mangles_the_resume_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from amperity_facade import _cli
    from amperity_facade._cli import _commands

    _commands.SECRETS.clear()
    _commands.SECRETS.add("ken")  # a (silly) short credential that also occurs in a cursor
    try:
        exc = RuntimeError("server said ken is bad")
        exc.add_note("wrote 3 items to stdout; resume with --next-token c2tokenX")
        assert _cli._fail(str(exc), 1, exc) == 1
    finally:
        _commands.SECRETS.clear()
    err = capsys.readouterr().err
    assert err == (
        "error: server said *** is bad; wrote 3 items to stdout; "
        "resume with --next-token c2tokenX\n"
    )


def test_a_refused_cursor_is_not_offered_back(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("segments", "list", "--next-token", "bogus-cursor")
    assert result.code == 1
    assert result.err.startswith("error: 400 ")
    assert "resume with" not in result.err and result.out == ""
