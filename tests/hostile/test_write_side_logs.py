"""httpx and httpcore log the answer's status line and headers; a server that echoes a record
into them must not put the record into the caller's logs."""

from __future__ import annotations

import logging

import pytest

from amperity_facade import Amperity, errors
from tests.hostile.conftest import DROP, Reply, Seen, Serve, static_args

EMAIL = "carol.private@example.com"
NOTE = "private note about carol"
NAME = "Renée Dupont"


def echo(seen: Seen) -> Reply | str:
    if b"carol" not in seen.body:
        return DROP
    return Reply(
        400,
        '{"message": "refused"}',
        # Go's net/http writes a UTF-8 value as its bytes; httpcore logs them as a bytes repr.
        headers=[("X-Echo", EMAIL), ("X-Note", NOTE), ("X-Name", NAME.encode().decode("latin-1"))],
        reason=f"Bad {EMAIL}",
    )


@pytest.mark.parametrize("send", ["stream", "event"])
def test_log_lines_of_httpx_and_httpcore_never_carry_the_record(
    serve: Serve, caplog: pytest.LogCaptureFixture, send: str
) -> None:
    server = serve(echo)
    caplog.set_level(logging.DEBUG)
    with (
        Amperity(**static_args(server, retries=0, realtime_rate_limit=None)) as client,
        pytest.raises(errors.BadRequestError),
    ):
        record = {"email": EMAIL, "note": NOTE, "name": NAME}
        if send == "stream":
            client.streams.send("is-logs1", record)
        else:
            client.realtime.send_event("esm-logs1", record)
    lines = [(r.name, r.getMessage()) for r in caplog.records]
    assert any(name == "httpx" for name, _ in lines)  # the lines were written, and cut
    assert any(name.startswith("httpcore") and "X-Echo" in text for name, text in lines)
    assert any("X-Name" in text for _, text in lines)
    for name, text in lines:
        assert EMAIL not in text and NOTE not in text, (name, text)
        assert "Dupont" not in text, (name, text)


def test_other_requests_log_as_they_always_did(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    """Only a request carrying personal values has its lines cut."""
    server = serve(lambda seen: Reply(404, '{"message": "no"}', reason=f"Bad {EMAIL}"))
    caplog.set_level(logging.INFO, logger="httpx")
    with Amperity(**static_args(server, retries=0)) as client, pytest.raises(errors.NotFoundError):
        client.workflows.get("wf-1")
    assert any(EMAIL in r.getMessage() for r in caplog.records if r.name == "httpx")
