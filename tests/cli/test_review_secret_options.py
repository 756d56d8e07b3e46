"""Review of today's parser change: --token/--client-secret/--client-id refused unseen,
and allow_abbrev=False everywhere. Findings were strict xfails until fixed; all must hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amperity_facade._cli._parser import build_parser

from .conftest import Run

SECRET = "sk-REVIEWSECRET-0042"


@pytest.mark.parametrize(
    "argv",
    [
        ("--token", SECRET, "segments", "list"),
        (f"--token={SECRET}", "segments", "list"),
        ("segments", "list", "--token", SECRET, "--token", SECRET),
        ("segments", "list", "--token", SECRET, "--limit", "0"),
        ("segments", "list", "--bogus", "--token", SECRET),
        ("segments", "list", "--token", SECRET, "--bogus"),
        ("segments", "list", "--token", SECRET, "extra-positional"),
        ("segments", "list", "--token", SECRET, "-h"),
        ("--token", SECRET, "no-such-command"),
        ("segments", "list", f"--token=-{SECRET}"),
        ("segments", "list", "--token", f"-{SECRET}"),
        ("segments", "list", "--next-token", "c", "--token", SECRET),
        ("audit-events", "list", "--token", SECRET),
        ("workflows", "run", "cg-1", "--wait", "--client-secret", SECRET),
        ("workflows", "stop", "wf-1", f"--client-id={SECRET}"),
        ("ingest-jobs", "get", "ij-1", "--token", SECRET),
        ("demo", "--token", SECRET),
        (f"--client-secret={SECRET}", "campaigns", "list"),
    ],
)
def test_review_secret_options_exit_2_without_the_value(run: Run, argv: tuple[str, ...]) -> None:
    result = run(*argv)
    assert result.code == 2
    assert SECRET not in result.out + result.err


@pytest.mark.parametrize(
    "argv", [("--token",), ("segments", "list", "--token"), ("segments", "list", "--client-id")]
)
def test_review_secret_option_without_a_value_is_a_usage_error(
    run: Run, argv: tuple[str, ...]
) -> None:
    result = run(*argv)
    assert result.code == 2
    assert "not taken from the command line" in result.err  # refused before argparse


@pytest.mark.parametrize("argv", [("-h",), ("segments", "list", "-h"), ("workflows", "run", "-h")])
def test_review_help_does_not_advertise_the_refused_options(
    run: Run, argv: tuple[str, ...]
) -> None:
    result = run(*argv)
    assert result.code == 0
    for option in ("--token ", "--token\n", "--client-secret", "--client-id"):
        assert option not in result.out
    assert "--token-file" in result.out


@pytest.mark.parametrize("group", ["segments", "workflows", "audit-events"])
def test_review_token_between_group_and_action_is_not_echoed(run: Run, group: str) -> None:
    result = run(group, "--token", SECRET, "list")
    assert result.code == 2
    assert SECRET not in result.err


@pytest.mark.parametrize("spelling", [("--token", SECRET), (f"--token={SECRET}",)])
def test_review_fake_server_token_is_not_echoed(run: Run, spelling: tuple[str, ...]) -> None:
    result = run("fake-server", *spelling)
    assert result.code == 2
    assert SECRET not in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ("--tok", SECRET, "segments", "list"),
        ("segments", "list", f"--tok={SECRET}"),
        ("segments", "list", f"--client-sec={SECRET}"),
    ],
)
def test_review_shortened_secret_options_are_not_echoed(run: Run, argv: tuple[str, ...]) -> None:
    result = run(*argv)
    assert result.code == 2
    assert SECRET not in result.err


# --- every option the README shows still parses under allow_abbrev=False ------------------


def test_review_combined_and_attached_short_options_still_parse() -> None:
    parser = build_parser()
    args = parser.parse_args(["segments", "list", "-vv", "-oout.jsonl"])
    assert args.verbose == 2 and args.output == "out.jsonl"
    args = parser.parse_args(["-vv", "segments", "list"])
    assert args.verbose == 2


README_LINES = [
    ["segments", "list", "--max-items", "3", "--format", "table"],
    ["audit-events", "list", "--from", "2026-10-25", "--to", "2026-11-01", "--output", "a.csv"],
    [
        "audit-events",
        "list",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-01",
        "--limit",
        "100",
        "-o",
        "october.jsonl",
        "--append",
        "--next-token",
        "eyJv",
    ],
    ["workflows", "run", "cg-nightly", "--wait", "--poll-interval", "2", "--format", "table"],
    [
        "workflows",
        "run",
        "cg-x",
        "--range-from",
        "2026-10-01",
        "--range-to",
        "2026-10-02",
        "--timeout",
        "60",
    ],
    ["workflows", "get", "wf-1", "--tasks", "--format", "json"],
    [
        "workflows",
        "list",
        "--state",
        "running",
        "--type",
        "courier.group/run",
        "--created-from",
        "2026-10-01",
        "--ended-to",
        "2026-11-01",
    ],
    ["campaigns", "list", "--destination-data-template-id", "ddt-1", "--csv-raw"],
    [
        "--tenant",
        "acme",
        "--base-url",
        "http://x/api",
        "--api-version",
        "unstable",
        "--token-file",
        "t",
        "segments",
        "list",
    ],
    ["segments", "list", "--tenant", "acme", "--token-file", "t", "-v"],
    ["demo", "--out", "d", "--fake"],
    [
        "fake-server",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--tenant",
        "acme",
        "--seed",
        "1",
        "--rate-limit",
        "5",
        "--step-seconds",
        "1",
    ],
]


@pytest.mark.parametrize("argv", README_LINES, ids=lambda a: " ".join(a[:2]))
def test_review_documented_spellings_parse(argv: list[str]) -> None:
    build_parser().parse_args(argv)  # SystemExit(2) would fail the test


def test_review_no_shortened_long_option_in_docs_scripts_or_demo() -> None:
    """Every --option written in the README, scripts/ or the demo is a whole option name."""
    repo = Path(__file__).resolve().parents[2]
    known: set[str] = set()

    def collect(parser: object) -> None:
        for action in parser._actions:  # type: ignore[attr-defined]
            known.update(action.option_strings)
            for sub in getattr(action, "choices", None) or {}:
                if hasattr(action, "_name_parser_map"):
                    collect(action._name_parser_map[sub])

    collect(build_parser())
    texts = [repo / "README.md", repo / "amperity_facade" / "_cli" / "_demo.py"]
    texts += sorted((repo / "scripts").glob("*.py"))
    used: set[str] = set()
    for path in texts:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "amperity " in line or path.name == "_demo.py":
                used.update(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", line))
    assert {"--max-items", "--next-token", "--append"} <= used  # the scan saw the README
    prefixes = {u for u in used if u not in known and any(k.startswith(u) for k in known)}
    assert prefixes == set()
