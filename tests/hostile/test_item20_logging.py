"""Issue 10, item 20: the library's logger has a NullHandler.

An application that configured no logging must not get retry warnings on stderr through
logging's last-resort handler; one that did configure logging still sees them. Both run in a
child process (logging configuration is process-wide) against a server in that child that
answers 503 once, then a page.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import amperity_facade

CHILD = textwrap.dedent(
    """
    import logging, sys, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if sys.argv[1] == "configured":
        logging.basicConfig(level=logging.WARNING)

    answers = [503]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            status = answers.pop(0) if answers else 200
            body = b'{"status": 503, "message": "busy"}' if status == 503 else (
                b'{"data": [{"id": "seg-1", "name": "One", "status": "active"}]}'
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from amperity_facade import Amperity, RetryPolicy

    policy = RetryPolicy(max_retries=2, backoff_base=0.001, backoff_max=0.002)
    with Amperity(
        tenant="acme", token="tok-logging", rate_limit=None, max_retries=2,
        retry_policy=policy, base_url=f"http://127.0.0.1:{server.server_port}/api",
    ) as client:
        page = client.segments.list().first_page()
    print("items", len(page.items), "answers left", len(answers))
    """
)


def run_child(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=60, check=False
    )


def test_item20_library_logger_has_a_null_handler() -> None:
    assert amperity_facade.__name__ == "amperity_facade"
    handlers = logging.getLogger("amperity_facade").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers), handlers


def test_item20_null_handler_present_in_a_fresh_process() -> None:
    code = (
        "import logging, amperity_facade; h = logging.getLogger('amperity_facade').handlers; "
        "print(any(isinstance(x, logging.NullHandler) for x in h))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "True", done.stdout + done.stderr


def test_item20_retry_warning_not_on_stderr_without_logging_config() -> None:
    done = run_child("unconfigured")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "items 1 answers left 0", done.stdout  # it was retried
    assert done.stderr == "", f"stderr of an app with no logging config: {done.stderr!r}"


def test_item20_retry_warning_still_logged_when_the_app_configures_logging() -> None:
    done = run_child("configured")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "items 1 answers left 0", done.stdout
    assert "retrying" in done.stderr, done.stderr
