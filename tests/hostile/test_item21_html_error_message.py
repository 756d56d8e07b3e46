"""Issue 10, item 21: an HTML error page gives a clean message.

A proxy's error page (nginx's 502, a maintenance page) reads like its title: "502 Bad
Gateway", once, not "502 502 Bad Gateway 502 Bad Gateway nginx".
"""

from __future__ import annotations

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import (
    Reply,
    Serve,
    run_guarded,
    sequence,
    static_args,
)

NGINX_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>nginx</center></body></html>"
)
NGINX_504 = (
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>"
    "504 Gateway Time-out</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n"
    "</html>\r\n"
)
MAINTENANCE_503 = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Down for maintenance</title>"
    "<style>body { font-family: sans-serif; }</style></head><body><h1>Down for maintenance"
    "</h1><p>Back soon.</p></body></html>"
)


def html(status: int, page: str) -> Reply:
    return Reply(status, page, content_type="text/html")


def test_item21_nginx_502_reads_like_its_title(serve: Serve) -> None:
    server = serve(sequence(html(502, NGINX_502)))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.InternalServerError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    text = str(caught.value)
    assert text.startswith("502 Bad Gateway"), text
    assert text.count("Bad Gateway") == 1, text
    assert text.count("502") == 1, text
    assert "nginx" not in text, text


@pytest.mark.anyio
async def test_item21_nginx_502_reads_like_its_title_async(serve: Serve) -> None:
    server = serve(sequence(html(502, NGINX_502)))
    async with AsyncAmperity(**static_args(server, retries=0)) as client:
        with pytest.raises(errors.InternalServerError) as caught:
            await client.segments.list().first_page()
    text = str(caught.value)
    assert text.startswith("502 Bad Gateway"), text
    assert text.count("Bad Gateway") == 1, text


def test_item21_nginx_504_with_crlf_reads_like_its_title(serve: Serve) -> None:
    server = serve(sequence(html(504, NGINX_504)))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.InternalServerError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    text = str(caught.value)
    assert text.startswith("504 Gateway Time-out"), text
    assert text.count("Gateway Time-out") == 1, text
    assert "nginx" not in text, text


def test_item21_title_without_status_gets_the_status_once(serve: Serve) -> None:
    server = serve(sequence(html(503, MAINTENANCE_503)))
    with (
        Amperity(**static_args(server, retries=0)) as client,
        pytest.raises(errors.ServiceUnavailableError) as caught,
    ):
        run_guarded(lambda: client.segments.list().first_page())
    text = str(caught.value)
    assert text.startswith("503 Down for maintenance"), text
    assert text.count("Down for maintenance") == 1, text
    assert "font-family" not in text, text
