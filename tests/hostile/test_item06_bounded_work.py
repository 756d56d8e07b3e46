"""Issue 10, item 6: bounded work on hostile answers.

Building the message of an error whose body is 100 kB of '<' must not be quadratic (a hang
guard of 2 s turns the old 7-second regex scan into a failure; no duration is asserted on
success). An answer larger than `max_response_bytes` (default 32 MiB), compressed or not, is
refused with APIResponseValidationError naming the limit, without inflating it all: a
300-600 kB gzip that inflates to 600 MB is checked in a child process whose peak memory must
stay far below the inflated size.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    SEGMENTS_PATH,
    TOKEN_PATH,
    Reply,
    Serve,
    oauth_args,
    route,
    run_guarded,
    segments_page,
    sequence,
    static_args,
)

BRACKETS = "<" * 100_000
GUARD = 2.0  # seconds: linear work on 100 kB takes milliseconds, the quadratic scan seconds


def test_item06_error_message_of_angle_brackets_is_not_quadratic(serve: Serve) -> None:
    server = serve(sequence(Reply(400, BRACKETS, content_type="text/html")))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.BadRequestError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page(), GUARD)
    assert caught.value.status_code == 400


@pytest.mark.parametrize("body", ["<a" * 50_000, "<" * 50_000 + ">", "< " * 50_000])
def test_item06_error_message_of_tag_soup_is_not_quadratic(serve: Serve, body: str) -> None:
    server = serve(sequence(Reply(502, body, content_type="text/html")))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.InternalServerError),
    ):
        run_guarded(lambda: client.segments.list().first_page(), GUARD)


def test_item06_token_error_of_angle_brackets_is_not_quadratic(serve: Serve) -> None:
    server = serve(route({("POST", TOKEN_PATH): sequence(Reply(400, BRACKETS))}))
    with (
        Amperity(**oauth_args(server, retries=0)) as client,
        pytest.raises(errors.AuthenticationError),
    ):
        run_guarded(lambda: client.segments.list().first_page(), GUARD)


# -- max_response_bytes -------------------------------------------------------------------------


def json_padded_to(size: int) -> bytes:
    """A valid segments answer of about `size` bytes: parses fine if nothing stops it."""
    head, tail = b'{"data": [], "pad": "', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def gzipped(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def names_the_limit(message: str, limit: int) -> bool:
    """The message says which limit was hit: by name, in bytes, or in MB / MiB."""
    squeezed = message.replace(",", "").replace("_", "").replace(" ", "")
    forms = [str(limit), f"{limit / 2**20:g}MiB", f"{limit / 1e6:g}MB"]
    return "max_response_bytes" in message or any(form in squeezed for form in forms)


BOMB = Reply(200, gzipped(json_padded_to(10_000_000)), [("Content-Encoding", "gzip")])
LIMIT = 1_000_000


def test_item06_gzip_bomb_refused_at_max_response_bytes(serve: Serve) -> None:
    server = serve(sequence(BOMB))
    args = static_args(server, retries=1, max_response_bytes=LIMIT)
    with Amperity(**args) as client, pytest.raises(errors.APIResponseValidationError) as caught:
        run_guarded(lambda: client.segments.list().first_page())
    assert names_the_limit(str(caught.value), LIMIT), str(caught.value)
    assert server.count(SEGMENTS_PATH) <= 2


@pytest.mark.anyio
async def test_item06_gzip_bomb_refused_at_max_response_bytes_async(serve: Serve) -> None:
    server = serve(sequence(BOMB))
    args = static_args(server, retries=1, max_response_bytes=LIMIT)
    async with AsyncAmperity(**args) as client:
        with pytest.raises(errors.APIResponseValidationError) as caught:
            await client.segments.list().first_page()
    assert names_the_limit(str(caught.value), LIMIT), str(caught.value)
    assert server.count(SEGMENTS_PATH) <= 2


def test_item06_plain_answer_above_max_response_bytes_refused(serve: Serve) -> None:
    server = serve(sequence(Reply(200, json_padded_to(2 * LIMIT))))
    args = static_args(server, retries=0, max_response_bytes=LIMIT)
    with Amperity(**args) as client, pytest.raises(errors.APIResponseValidationError) as caught:
        run_guarded(lambda: client.segments.list().first_page())
    assert names_the_limit(str(caught.value), LIMIT), str(caught.value)


def test_item06_answer_under_max_response_bytes_still_works(serve: Serve) -> None:
    server = serve(sequence(Reply(200, json_padded_to(LIMIT // 2))))
    args = static_args(server, retries=0, max_response_bytes=LIMIT)
    with Amperity(**args) as client:
        page = run_guarded(lambda: client.segments.list().first_page())
    assert page.items == []


def test_item06_token_answer_bomb_refused(serve: Serve) -> None:
    server = serve(
        route({("POST", TOKEN_PATH): sequence(BOMB)}, default=segments_page(1)),
    )
    args = oauth_args(server, retries=0, max_response_bytes=LIMIT)
    with Amperity(**args) as client, pytest.raises(errors.AmperityError):
        run_guarded(lambda: client.segments.list().first_page())
    assert server.count(SEGMENTS_PATH) == 0


BAD_LIMITS: list[Any] = [0, -1, 1.5, "1000000", True, math.nan, math.inf, 10**6 + 0.0]


@pytest.mark.parametrize("limit", BAD_LIMITS, ids=repr)
@pytest.mark.parametrize("cls", [Amperity, AsyncAmperity])
def test_item06_bad_max_response_bytes_refused(
    serve: Serve, cls: type[Amperity] | type[AsyncAmperity], limit: Any
) -> None:
    server = serve(sequence(segments_page(1)))
    with pytest.raises(errors.ConfigurationError):
        cls(**static_args(server, max_response_bytes=limit))
    assert server.count() == 0


# -- 600 MB bomb, in a child process whose peak memory is measured --------------------------------

CHILD = textwrap.dedent(
    """
    import json, resource, sys, threading, zlib
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a runaway fails, not the box
    INFLATED = 600 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"a" * (1 << 20)
    parts = [packer.compress(b'{"data": [], "pad": "')]
    parts += [packer.compress(chunk) for _ in range(INFLATED >> 20)]
    parts += [packer.compress(b'"}'), packer.flush()]
    bomb = b"".join(parts)
    del parts, chunk

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(bomb)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from amperity_facade import Amperity

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = {"compressed": len(bomb)}
    try:
        with Amperity(
            tenant="acme", token="tok-bomb", rate_limit=None, max_retries=0,
            base_url=f"http://127.0.0.1:{server.server_port}/api",
        ) as client:
            client.segments.list().first_page()
        outcome["error"] = None
    except BaseException as exc:
        outcome["error"] = type(exc).__name__
        outcome["message"] = str(exc)[:500]
    outcome["growth_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps(outcome), flush=True)
    """
)


def test_item06_600mb_gzip_bomb_refused_without_inflating_it(tmp_path: Path) -> None:
    script = tmp_path / "bomb_child.py"
    script.write_text(CHILD)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"the child printed nothing (exit {done.returncode}): {done.stderr[-2000:]}"
    outcome = json.loads(lines[-1])
    assert outcome["error"] == "APIResponseValidationError", outcome
    assert names_the_limit(outcome["message"], 32 * 1024 * 1024), outcome
    growth_mb = outcome["growth_kb"] / 1024
    assert growth_mb < 150, f"peak memory grew {growth_mb:.0f} MB reading a 600 MB bomb"
