"""Global options (--version, -v) and time options: UTC by default, windows the right way round."""

from __future__ import annotations

import json
import logging
from argparse import Namespace

import pytest

from amperity_facade import Amperity, __version__
from amperity_facade._cli import _commands
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Run


def test_version(run: Run) -> None:
    result = run("--version")
    assert (result.code, result.out, result.err) == (0, f"amperity {__version__}\n", "")


def test_verbosity_shows_more_of_the_library_log(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    opened = _commands.open_client

    def probed(args: Namespace) -> Amperity:
        client = opened(args)
        log = logging.getLogger("amperity_facade.probe")  # a child, like the library's modules
        log.debug("sent GET /segments")
        log.info("a notice")
        log.warning("a warning naming %s", fake.token)
        return client

    env.setattr(_commands, "open_client", probed)
    segments = ("segments", "list", "--max-items", "1")
    quiet = run(*segments).err.splitlines()
    assert quiet == ["warning: a warning naming ***"]  # scrubbed, as error lines are
    one = run("-v", *segments).err.splitlines()
    assert "info: a notice" in one and "warning: a warning naming ***" in one
    assert not any(line.startswith("debug:") for line in one)
    two = run(*segments, "-vv").err.splitlines()  # after the subcommand too
    assert "debug: sent GET /segments" in two and "info: a notice" in two
    assert logging.getLogger("amperity_facade").level == logging.NOTSET  # put back

    fake.inject(Fault("status", status=503, operation="list-segment", times=1))
    retried = run("-v", *segments)
    assert retried.code == 0
    assert any(line.startswith("warning: retrying ") for line in retried.err.splitlines())


def test_workflow_tasks_option_no_longer_clashes_with_verbose(
    env: pytest.MonkeyPatch, run: Run, client: Amperity
) -> None:
    workflow = next(iter(client.workflows.list(state="succeeded")))
    plain = json.loads(run("workflows", "get", workflow.id, "-v").out)
    assert "task_instances" not in plain
    detailed = json.loads(run("workflows", "get", workflow.id, "--tasks").out)
    assert detailed["task_instances"]


REVERSED = [
    (("audit-events", "list", "--from", "2026-11-01", "--to", "2026-10-01"), "--from", "--to"),
    (("ingest-jobs", "list", "--from", "2026-10-08", "--to", "2026-10-01"), "--from", "--to"),
    (
        ("ingest-jobs", "list", "--from", "2026-10-01T00:00:01", "--to", "2026-10-01"),
        "--from",
        "--to",
    ),
    (
        ("workflows", "list", "--created-from", "2026-11-01", "--created-to", "2026-10-01"),
        "--created-from",
        "--created-to",
    ),
    (
        ("workflows", "list", "--ended-from", "2026-11-01T00:00:01", "--ended-to", "2026-11-01"),
        "--ended-from",
        "--ended-to",
    ),
    (
        ("workflows", "run", "cg-x", "--range-from", "2026-11-01", "--range-to", "2026-10-01"),
        "--range-from",
        "--range-to",
    ),
    (  # a naive time is UTC: 00:30Z comes after 01:00+02:00 (23:00Z the day before)
        ("audit-events", "list", "--from", "2026-10-01T00:30", "--to", "2026-10-01T01:00+02:00"),
        "--from",
        "--to",
    ),
]


@pytest.mark.parametrize(("argv", "low", "high"), REVERSED)
def test_a_reversed_window_is_a_usage_error_in_the_options_words(
    env: pytest.MonkeyPatch,
    run: Run,
    fake: FakeAmperity,
    argv: tuple[str, ...],
    low: str,
    high: str,
) -> None:
    result = run(*argv)
    assert result.code == 2
    assert result.err.startswith(f"error: {low} 20") and f" is after {high} 20" in result.err
    assert len(result.err.splitlines()) == 1
    assert "_from" not in result.err and "_to" not in result.err
    assert fake.requests == []  # checked before anything is sent, or started


def test_offsets_are_honoured(env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity) -> None:
    # 01:00+02:00 is 23:00Z the day before: before --to, so the window is fine
    window = ("--from", "2026-10-01T01:00+02:00", "--to", "2026-10-01T00:00:00Z")
    assert run("audit-events", "list", *window).code == 0
    assert fake.requests[-1].query["happened_from"][0].startswith("2026-09-30T23:00:00")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (("audit-events", "list", "--from", "last week", "--to", "2026-11-01"), "--from"),
        (("ingest-jobs", "list", "--from", "2026-10-01", "--to", "tomorrow"), "--to"),
        (("workflows", "list", "--ended-to", "2026-13-01"), "--ended-to"),
        (("workflows", "run", "cg-x", "--range-from", "soon"), "--range-from"),
    ],
)
def test_a_bad_time_names_the_option(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, argv: tuple[str, ...], option: str
) -> None:
    result = run(*argv)
    assert result.code == 2
    value = argv[argv.index(option) + 1]
    assert f"argument {option}: {value!r} is not an ISO-8601 date or date-time" in result.err
    assert "happened_" not in result.err and "created_" not in result.err
    assert fake.requests == []


def test_help_says_times_are_utc(run: Run) -> None:
    for command in (("audit-events", "list"), ("workflows", "list"), ("workflows", "run")):
        text = " ".join(run(*command, "--help").out.split())
        assert "UTC unless it has an offset" in text, command
    assert "Without an offset they are UTC" in run("--help").out
