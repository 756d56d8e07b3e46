"""A record is personal data: a server that quotes it back in an error (its message, its
X-Request-Id, its body) must not put it into what the caller's logs get: str(exc), the
report's rejections, SendError, sync and async alike."""

from __future__ import annotations

import asyncio
import html
import json
import string
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, errors
from amperity_facade.errors import SendError
from tests.facade.conftest import TOKEN
from tests.facade.test_streams import STREAM, Stream, async_client_for, client_for

EMAIL = "jane.doe@example.com"
NAME = "Zoë O'Brien"
PHONE = 14155550123
RECORD: dict[str, Any] = {"email": EMAIL, "person": {"name": NAME, "phone": PHONE}}
XML = f"<customer id='cu-77'><email>{EMAIL}</email><name>{NAME}</name></customer>"
SECRETS = (EMAIL, NAME, str(PHONE), json.dumps(NAME)[1:-1])


def echoing(status: int, escape: bool = False) -> Stream:
    """Answers `status` with the request body quoted in the message, the id and the body."""

    def answer(n: int, request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        quoted = json.dumps(body, ensure_ascii=escape)[1:-1] if escape else body
        return httpx.Response(
            status,
            json={"message": f"bad record: {quoted}", "echo": body},
            headers={"x-request-id": quoted[:60].encode("utf-8")},
        )

    return Stream(answer)


def shown(exc: BaseException) -> str:
    """Everything a log line or a traceback of `exc` can show."""
    parts = [str(exc), repr(exc), *getattr(exc, "__notes__", [])]
    response = getattr(exc, "response", None)
    if isinstance(response, httpx.Response):
        parts += [response.text, repr(dict(response.headers))]
    if getattr(exc, "request_id", None):
        parts.append(str(exc.request_id))  # type: ignore[attr-defined]
    return "\n".join(parts)


def assert_private(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.parametrize("status", [400, 413, 422])
@pytest.mark.parametrize("escape", [False, True])
@pytest.mark.parametrize("record", [RECORD, XML], ids=["json", "xml"])
def test_send_errors_never_quote_the_record(status: int, escape: bool, record: Any) -> None:
    with client_for(echoing(status, escape)) as client, pytest.raises(errors.APIStatusError) as e:
        client.streams.send(STREAM, record)
    assert "bad record" in str(e.value)  # the server's message is still shown
    assert_private(shown(e.value))


def test_send_many_rejections_and_send_error_never_quote_the_record() -> None:
    records = [{**RECORD, "n": i} for i in range(5)]
    with client_for(echoing(400)) as client:
        report = client.streams.send_many(STREAM, records, on_error="collect")
        with pytest.raises(SendError) as caught:
            client.streams.send_many(STREAM, records)
    assert len(report.rejected) == 5
    for rejection in report.rejected:
        assert "bad record" in rejection.message
        assert_private(rejection.message)
    assert_private(shown(caught.value) + str(caught.value.report.rejected))


def test_async_send_many_rejections_never_quote_the_record() -> None:
    async def run() -> Any:
        async with async_client_for(echoing(400, escape=True)) as client:
            return await client.streams.send_many(STREAM, [RECORD] * 3, on_error="collect")

    report = asyncio.run(run())
    assert len(report.rejected) == 3
    assert_private(str(report.rejected))


def test_send_event_errors_never_quote_the_event() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"message": f"closed, got {request.content.decode()}"})

    transport = httpx.MockTransport(answer)
    with (
        Amperity(tenant="acme", token=TOKEN, transport=transport) as client,
        pytest.raises(errors.ConflictError) as caught,
    ):
        client.realtime.send_event("esm-1", {"type": "view", "email": EMAIL, "name": NAME})
    assert "closed" in str(caught.value)
    assert_private(shown(caught.value))


def test_short_values_stay_readable() -> None:
    """Two-letter values are not cut: a message would otherwise lose every 'US' and 'ok'."""
    stream = Stream(lambda n, r: httpx.Response(400, json={"message": "country US is unknown"}))
    with client_for(stream) as client, pytest.raises(errors.BadRequestError) as caught:
        client.streams.send(STREAM, {"country": "US", "email": EMAIL})
    assert "country US is unknown" in str(caught.value)


def _net(text: str) -> str:
    """As System.Text.Json escapes a string's characters."""
    plain = set(string.ascii_letters + string.digits + ' !#$%()*,-./:;=?@[]^_{|}~"\\')
    return "".join(c if c in plain else f"\\u{ord(c):04X}" for c in text)


def refusing(render: Any, content_type: str = "text/html") -> Stream:
    """Answers 400 with `render(record)` as the body: how a server quotes the record."""

    def answer(n: int, request: httpx.Request) -> httpx.Response:
        content = request.content
        record = json.loads(content) if content.startswith(b"{") else None
        body = render(record if record is not None else content.decode("utf-8", "replace"))
        return httpx.Response(400, content=body.encode(), headers={"content-type": content_type})

    return Stream(answer)


SPACED = {"name": "John  Smith", "addr": "12 Main St\nApt 4B"}
SLASHED = {"dob": "12/05/1980", "site": "x.example/u/alice", "firm": "Smith & Wesson <LLC>"}


@pytest.mark.parametrize(
    "record, render, content_type, secrets",
    [
        (  # an HTML page: spaces squeezed, entities decoded, when it is shown
            SPACED,
            lambda r: f"<html><body>Invalid: name={r['name']} addr={r['addr']}</body></html>",
            "text/html",
            ["John Smith", "John  Smith", "12 Main St Apt 4B", "Apt 4B"],
        ),
        (  # PHP's json_encode: `/` as `\/`; Go's: `<>&` as \u003c \u003e \u0026
            SLASHED,
            lambda r: (
                json.dumps({"message": "bad: " + json.dumps(r).replace("/", "\\/")})
                .replace("&", "\\u0026")
                .replace("<", "\\u003c")
                .replace(">", "\\u003e")
            ),
            "application/json",
            ["12/05/1980", "12\\/05\\/1980", "alice", "Smith & Wesson", "Wesson"],
        ),
        (  # a value running over the 1,000 characters a message keeps
            {"email": EMAIL},
            lambda r: json.dumps({"message": "x" * 990 + r["email"]}),
            "application/json",
            ["jane.d", EMAIL],
        ),
        (  # XML: entities and CDATA quoted as read
            "<r><name>O&apos;Brien &amp; Sons</name><ssn><![CDATA[123-45-6789]]></ssn></r>",
            lambda r: "bad: O'Brien & Sons, 123-45-6789",
            "text/plain",
            ["O'Brien & Sons", "123-45-6789"],
        ),
        (  # ASP.NET Core (System.Text.Json): all but the plainest characters as \uXXXX
            {"name": "Renée O'Brien", "email": "alice+news@example.com"},
            lambda r: json.dumps({"detail": "bad"}) + " " + _net(json.dumps(r)),
            "application/problem+json",
            ["Renée", "Ren\\u00E9e O\\u0027Brien", "alice\\u002Bnews@example.com", "news@"],
        ),
        (  # PHP's htmlentities, and htmlspecialchars' &#039;
            {"name": "Renée Dupont-Müller", "alias": "O'Brien & Sons"},
            lambda r: (
                "<html><body>Invalid name: "
                + html.escape(r["name"]).replace("é", "&eacute;").replace("ü", "&uuml;")
                + " / "
                + html.escape(r["alias"]).replace("&#x27;", "&#039;")
                + "</body></html>"
            ),
            "text/html",
            ["Ren&eacute;e", "Dupont", "O&#039;Brien", "Brien & Sons", "Renée"],
        ),
        (  # a float echoed by JavaScript (no .0) and by Java (1.2345E7)
            {"phone": 5551234567.0, "ltv": 12345678.9},
            lambda r: json.dumps({"message": "bad phone 5551234567, ltv 1.23456789E7"}),
            "application/json",
            ["5551234567", "1.23456789E7"],
        ),
        (  # XML in the encoding it declares, echoed by a server that read it so
            '<?xml version="1.0" encoding="ISO-8859-1"?><n>Jürgen Müller</n>'.encode("latin-1"),
            lambda r: "bad name: Jürgen Müller",
            "text/plain",
            ["Jürgen Müller", "Müller"],
        ),
    ],
    ids=["squeezed", "escaped", "cut-short", "xml", "dotnet", "php", "numbers", "latin-1"],
)
def test_a_value_quoted_in_another_form_is_cut_too(
    record: Any, render: Any, content_type: str, secrets: list[str]
) -> None:
    with (
        client_for(refusing(render, content_type)) as client,
        pytest.raises(errors.BadRequestError) as caught,
    ):
        client.streams.send(STREAM, record)
    text = shown(caught.value)
    for secret in secrets:
        assert secret not in text, (secret, text)


class Float64(float):
    """numpy's float64 repr: json writes float.__repr__, not this."""

    def __repr__(self) -> str:
        return f"np.float64({float.__repr__(self)})"


def test_a_number_subclass_is_cut_as_json_writes_it() -> None:
    echo = Stream(lambda n, r: httpx.Response(400, json={"message": f"bad: {r.content.decode()}"}))
    with client_for(echo) as client, pytest.raises(errors.BadRequestError) as caught:
        client.streams.send(STREAM, {"phone": Float64(5551234567.0)})
    assert "5551234567" not in shown(caught.value)


@pytest.mark.parametrize(
    "declared, secret",
    [("idna", "jane.doe@example.com"), ("utf-16", "jane.doe@example.com"), ("bogus", "Zoë")],
)
def test_xml_declaring_an_encoding_it_is_not_in_is_still_cut(declared: str, secret: str) -> None:
    record = f'<?xml version="1.0" encoding="{declared}"?><p><e>{secret}</e></p>'
    echo = Stream(lambda n, r: httpx.Response(400, content=b"bad: " + r.content))
    with client_for(echo) as client, pytest.raises(errors.BadRequestError) as caught:
        client.streams.send(STREAM, record)
    assert secret not in shown(caught.value)


def test_small_floats_are_cut_as_javascript_writes_them() -> None:
    echo = Stream(lambda n, r: httpx.Response(400, json={"message": "rate 0.000015 or 1.5e-5"}))
    with client_for(echo) as client, pytest.raises(errors.BadRequestError) as caught:
        client.streams.send(STREAM, {"rate": 1.5e-05})
    assert "0.000015" not in shown(caught.value) and "1.5e-5" not in shown(caught.value)
