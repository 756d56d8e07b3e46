"""Issue 10, hostile review B: what the command says.

Messages name what the user typed (options, arguments, environment variables), never the
library's keyword arguments; the resume note after `--max-items` keeps the total; server
text reaches the terminal readable (entities decoded) and inert (control characters and
bidi overrides escaped), while data formats keep it as sent.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Run, Stub

WINDOW = ("--from", "2026-10-01", "--to", "2026-11-02", "--limit", "25")

# --- --max-items and resuming ------------------------------------------------------------


def event_ids(path: Path) -> list[str]:
    return [json.loads(line)["event_id"] for line in path.read_text().splitlines()]


def test_review_issue10_resume_after_max_items_asks_only_for_the_rest(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.jsonl"
    assert run("audit-events", "list", *WINDOW, "--max-items", "60", "-o", str(whole)).code == 0
    target = tmp_path / "events.jsonl"
    fake.reset()
    fake.inject(Fault("status", status=404, operation="list-events", request_number=3))
    first = run("audit-events", "list", *WINDOW, "--max-items", "60", "-o", str(target), "--append")
    assert first.code == 1
    found = re.search(r"resume with (--next-token \S+ --max-items (\d+) --append)$", first.err)
    assert found, first.err
    assert found[2] == "10"  # 60 asked, 50 written
    second = run("audit-events", "list", *WINDOW, "-o", str(target), *found[1].split())
    assert second.code == 0, second.err
    assert event_ids(target) == event_ids(whole)


# --- messages in the user's terms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("--tenant", "", "segments", "list"), "--tenant is empty"),
        (("--tenant", "a b", "segments", "list"), "--tenant 'a b' is malformed"),
        (("--api-version", "", "segments", "list"), "--api-version '' is malformed"),
        (("--base-url", "x", "segments", "list"), "--base-url 'x' must be an http(s) URL"),
        (("workflows", "get", ""), "ID must be a non-empty string"),
        (("ingest-jobs", "get", " "), "ID must be a non-empty string"),
        (
            ("ingest-jobs", "list", *WINDOW[:4], "--next-token", "af1.garbage"),
            "--next-token 'af1.garbage' is malformed",
        ),
        (
            ("workflows", "run", "cg-x", "--range-from", "2026-10-01", "--range-to", "2026-10-01"),
            "--range-to must be after --range-from",
        ),
        (("segments", "list", "--limit", "1001"), "--limit 1001 is larger than 1,000"),
        (("workflows", "list", "--limit", "5000"), "--limit 5000 is larger than 1,000"),
    ],
)
def test_review_issue10_usage_errors_name_what_was_typed(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, argv: tuple[str, ...], expected: str
) -> None:
    result = run(*argv)
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: {expected}"), result.err
    assert not re.search(
        r"\b(api_version|base_url|workflow_id|job_id|next_token|range_to)\b", result.err
    )
    assert fake.count() == 0  # refused before any request


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"AMPERITY_CLIENT_SECRET": "s3cret-value"}, "AMPERITY_CLIENT_ID is missing"),
        ({"AMPERITY_CLIENT_ID": "client"}, "AMPERITY_CLIENT_SECRET is missing"),
        ({"AMPERITY_API_VERSION": "latest"}, "AMPERITY_API_VERSION 'latest' is malformed"),
        ({"AMPERITY_BASE_URL": "ftp://x/api"}, "AMPERITY_BASE_URL 'ftp://x/api' must be"),
    ],
)
def test_review_issue10_environment_errors_name_the_variable(
    env: pytest.MonkeyPatch, run: Run, variables: dict[str, str], expected: str
) -> None:
    env.delenv("AMPERITY_TOKEN")
    if not any(name.startswith("AMPERITY_CLIENT") for name in variables):
        env.setenv("AMPERITY_TOKEN", "a-token-value")
    for name, value in variables.items():
        env.setenv(name, value)
    result = run("segments", "list")
    assert result.code == 2
    assert expected in result.err, result.err


def test_review_issue10_an_empty_ingest_window_lists_nothing(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    window = ("--from", "2026-10-01", "--to", "2026-10-01T00:00:00Z")
    result = run("ingest-jobs", "list", *window, "--format", "json")
    assert (result.code, result.out, result.err) == (0, "[]\n", "")
    assert fake.count() == 0


# --- server text on the terminal ---------------------------------------------------------

Answer = tuple[int, str, str]  # status, content type, body


@pytest.fixture
def answering(clean_env: pytest.MonkeyPatch) -> Iterator[Callable[[Answer], None]]:
    """A tenant answering every request with one crafted answer."""
    answer: list[Answer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body = answer[0]
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    clean_env.setenv("AMPERITY_TENANT", "acme")
    clean_env.setenv("AMPERITY_TOKEN", "tok-123456789")
    clean_env.setenv("AMPERITY_BASE_URL", f"http://127.0.0.1:{server.server_port}/api")

    def serve(given: Answer) -> None:
        answer[:] = [given]

    yield serve
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("content_type", "body", "line"),
    [
        (
            "text/html",
            "<html><title>Caf&eacute; &amp; &lt;Proxy&gt; &#8212; error</title></html>",
            "error: 400 Café & <Proxy> — error",
        ),
        ("text/html", "<!-- <title>fake</title> --><title>real</title>", "error: 400 real"),
        (
            "text/html",
            "<head><script>var a='<title>x</title>';</script></head><body>Blocked</body>",
            "error: 400 Blocked",
        ),
        (
            "text/html",
            "<title>x\x1b[31mred\x1b]0;PWNED\x07</title>",
            "error: 400 x\\x1b[31mred\\x1b]0;PWNED\\x07",
        ),
        (
            "application/json",
            '{"message": "bad \\u001b[2J \\u202eevil \\u009b thing"}',
            "error: 400 bad \\x1b[2J \\u202eevil \\x9b thing",
        ),
    ],
    ids=["entities", "comment", "script", "esc-in-html", "esc-in-json"],
)
def test_review_issue10_error_lines_are_decoded_and_inert(
    answering: Callable[[Answer], None], run: Run, content_type: str, body: str, line: str
) -> None:
    answering((400, content_type, body))
    result = run("segments", "list")
    assert result.code == 1
    assert result.err == line + "\n"


HOSTILE = "\x1b]0;PWNED\x07\x1b[31mred\u202eevil\x85"


def test_review_issue10_table_cells_escape_control_characters(stub_api: Stub, run: Run) -> None:
    item = {"id": "seg-1", "name": HOSTILE, "status": "active"}
    stub_api({"data": [item], "next_token": None})
    table = run("segments", "list", "--format", "table")
    assert table.code == 0, table.err
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", table.out)
    assert "\\x1b]0;PWNED\\x07\\x1b[31mred\\u202eevil" in table.out
    data = run("segments", "list", "--format", "jsonl")
    assert json.loads(data.out)["name"] == HOSTILE  # data formats keep it as sent


def test_review_issue10_key_value_tables_escape_keys_and_values() -> None:
    from amperity_facade._cli._output import write_one

    stream = io.StringIO()
    write_one("table", stream, {"id": "wf-1", "name": HOSTILE, "\x1b[1mkey": "v"}, model=dict)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", stream.getvalue())
    assert "\\x1b[1mkey" in stream.getvalue()
