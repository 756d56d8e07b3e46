"""Review of today's CLI changes: _scrub's short-secret rule, the resume hint after a
refused cursor, and the 'nested too deeply' ending. Findings were strict xfails until fixed; the seven-character one stays, by design."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from amperity_facade._cli import _commands, _scrub
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Route, Routed, Run

# --- a tenant answering from a routing function ------------------------------------------


@pytest.fixture
def tenant(routed_api: Routed) -> Callable[[Route, str], None]:
    def serve(route: Route, token: str) -> None:
        routed_api(route, token)

    return serve


def _echo(status: int, message: str) -> Route:
    body = json.dumps({"message": message, "error": message}).encode()
    return lambda path: (status, body)


# --- _scrub ---------------------------------------------------------------------------------


@pytest.fixture
def secrets() -> Iterator[set[str]]:
    _commands.SECRETS.clear()
    yield _commands.SECRETS
    _commands.SECRETS.clear()


def test_review_eight_characters_are_hidden_even_inside_words(secrets: set[str]) -> None:
    secrets.add("Ab3dE9xQ")
    assert _scrub("x-Ab3dE9xQ-y tok_Ab3dE9xQ Ab3dE9xQZ") == "x-***-y tok_*** ***Z"


def test_review_seven_characters_are_hidden_where_they_stand_alone(secrets: set[str]) -> None:
    secrets.add("Ab3dE9x")
    line = "token Ab3dE9x; 'Ab3dE9x' \"Ab3dE9x\" =Ab3dE9x/ (Ab3dE9x) Bearer Ab3dE9x."
    assert "Ab3dE9x" not in _scrub(line)


def test_review_regex_metacharacters_in_a_secret_are_literal(secrets: set[str]) -> None:
    secrets.update({"a.b*c", "x+y(z)|[w]^$\\long"})
    assert _scrub("got a.b*c and aXbbc") == "got *** and aXbbc"
    assert _scrub("got x+y(z)|[w]^$\\long!") == "got ***!"


def test_review_a_long_overlapping_secret_is_hidden_before_a_short_one(secrets: set[str]) -> None:
    secrets.update({"abc", "abc-0123456789"})
    assert _scrub("abc-0123456789 abc") == "*** ***"


def test_review_a_server_echoing_the_token_in_an_error_is_scrubbed(tenant: Any, run: Run) -> None:
    token = "tok-REVIEW-0123456789abcdef"
    tenant(_echo(401, f"token {token} is not valid (Bearer{token})"), token)
    result = run("segments", "list")
    assert result.code == 1
    assert token not in result.err and "***" in result.err


def test_review_a_percent_encoded_echo_of_the_token_is_scrubbed(tenant: Any, run: Run) -> None:
    token = "tok+REVIEW/0123456789="
    encoded = "tok%2BREVIEW%2F0123456789%3D"
    tenant(_echo(401, f"rejected access_token={encoded}"), token)
    result = run("segments", "list")
    assert result.code == 1
    assert encoded not in result.err


@pytest.mark.xfail(
    strict=True,
    reason="a 7-character credential next to '-' or '_' (a key id in a URL or a "
    "name-prefixed token) is left visible by the stand-alone rule",
)
def test_review_a_seven_character_token_inside_a_hyphenated_echo_is_scrubbed(
    tenant: Any, run: Run
) -> None:
    token = "Zq7Wp2K"
    tenant(_echo(401, f"unknown key /keys/{token}-v2 (key_{token})"), token)
    result = run("segments", "list")
    assert result.code == 1
    assert token not in result.err


# --- the resume hint -------------------------------------------------------------------------


def test_review_503_after_retries_before_any_page_keeps_the_given_cursor(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    fake.inject(Fault("status", status=503, retry_after="0", times=50))
    result = run("segments", "list", "--limit", "10", "--next-token", "c-given")
    assert result.code == 1, result.err
    assert "503" in result.err
    assert result.err.rstrip().endswith("resume with --next-token c-given")


def test_review_401_before_any_page_keeps_the_given_cursor(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    fake.inject(Fault("status", status=401))
    result = run("segments", "list", "--next-token", "c-given")
    assert result.code == 1
    assert result.err.rstrip().endswith("resume with --next-token c-given")


def _pages(second: tuple[int, bytes]) -> Route:
    first = json.dumps(
        {"data": [{"id": "s1", "name": "one", "status": "active"}], "next_token": "CUR2"}
    ).encode()
    return lambda path: second if "CUR2" in path else (200, first)


def test_review_400_after_a_page_still_prints_the_hint(tenant: Any, run: Run) -> None:
    tenant(_pages((400, b'{"message": "bad"}')), "tok-REVIEW-0123456789")
    result = run("segments", "list", "--limit", "1")
    assert result.code == 1
    assert result.err.rstrip().endswith(
        "wrote 1 segments (1 page) to stdout; resume with --next-token CUR2"
    )
    assert json.loads(result.out)["id"] == "s1"


def test_review_400_before_any_page_with_append_says_nothing_was_written(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text('{"id": "old"}\n')
    result = run("segments", "list", "-o", str(target), "--append", "--next-token", "bogus-cursor")
    assert result.code == 1
    assert "resume with" not in result.err
    assert target.read_text() == '{"id": "old"}\n'


def test_review_ctrl_c_before_any_page_keeps_the_given_cursor(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    fake.inject(Fault("slow", delay=5))
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = run("segments", "list", "--next-token", "c-given")
    finally:
        timer.cancel()
    assert result.code == 130
    assert result.err.rstrip().endswith("resume with --next-token c-given")


# --- items nested too deeply to write --------------------------------------------------------

DEPTH = 1000  # read by the fast decoder (limit 1024), too deep for json.dumps


def _deep_page(where: str) -> Route:
    deep = "[" * DEPTH + "]" * DEPTH

    def shallow(n: int) -> str:
        return '{"id": "s' + str(n) + '", "name": "n", "status": "active"}'

    bad = '{"id": "sX", "name": ' + deep + ', "status": "active"}'
    items = {"middle": [shallow(2), bad, shallow(3)], "last": [shallow(2), bad]}[where]
    second = ('{"data": [' + ", ".join(items) + '], "next_token": null}').encode()
    return _pages((200, second))


FORMATS = ["jsonl", "json", "csv", "table"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_review_deep_item_mid_page_on_stdout(tenant: Any, run: Run, fmt: str) -> None:
    tenant(_deep_page("middle"), "tok-REVIEW-0123456789")
    result = run("segments", "list", "--limit", "3", "--format", fmt)
    assert result.code == 1
    assert result.err == (
        "error: an item on page 2 is nested too deeply to write; "
        "wrote 1 segments (1 page) to stdout; resume with --next-token CUR2\n"
    )
    assert "s2" not in result.out  # page 2 is not half-written
    assert "s1" in result.out


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_review_deep_item_with_append_keeps_whole_pages(
    tenant: Any, run: Run, tmp_path: Path, fmt: str
) -> None:
    tenant(_deep_page("middle"), "tok-REVIEW-0123456789")
    target = tmp_path / f"out.{fmt}"
    result = run("segments", "list", "--limit", "3", "-o", str(target), "--append")
    assert result.code == 1
    assert result.err.rstrip().endswith("resume with --next-token CUR2 --append")
    text = target.read_text()
    assert "s1" in text and "s2" not in text
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_review_deep_item_without_append_leaves_the_old_file(
    tenant: Any, run: Run, tmp_path: Path, fmt: str
) -> None:
    tenant(_deep_page("middle"), "tok-REVIEW-0123456789")
    target = tmp_path / f"out.{fmt}"
    target.write_text("previous\n")
    result = run("segments", "list", "--limit", "3", "-o", str(target))
    assert result.code == 1
    assert "nested too deeply" in result.err and "nothing written to" in result.err
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_review_deep_item_last_on_its_page_gets_the_named_error(
    tenant: Any, run: Run, fmt: str
) -> None:
    tenant(_deep_page("last"), "tok-REVIEW-0123456789")
    result = run("segments", "list", "--limit", "2", "--format", fmt)
    assert result.code == 1
    assert result.err.startswith("error: an item on page 2 is nested too deeply to write")
