"""Tokens and client secrets never appear in reprs, exception texts or logs (even DEBUG).

Secrets checked: the static token, the OAuth client secret, every access token the fake
issued (read back from the Authorization headers it received), and wrong credentials a caller
passed by mistake.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback
from collections.abc import Iterable

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade._auth import BearerTokenAuth, ClientCredentialsAuth
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import oauth, static

WRONG_TOKEN = "wrong-token-Zq81xLmN0pQrSt"
WRONG_SECRET = "wrong-secret-Hk3v9TyUe2Wq"


def issued_tokens(fake: FakeAmperity) -> set[str]:
    """Every bearer credential the fake was sent (static and OAuth-issued)."""
    found = set()
    for request in fake.requests:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value:
            found.add(value)
    return found


def secrets_of(fake: FakeAmperity) -> set[str]:
    return {fake.token, fake.client_secret, WRONG_TOKEN, WRONG_SECRET} | issued_tokens(fake)


def assert_clean(texts: Iterable[str], secrets: set[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret {secret[:6]}... leaked into: {text[:300]}"


def exception_texts(exc: BaseException) -> list[str]:
    """Everything a log or a crash report would show: str, repr, args, the whole chain."""
    return [
        str(exc),
        repr(exc),
        repr(exc.args),
        "".join(traceback.format_exception(exc)),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- reprs ---------------------------------------------------------------------------------------


def test_client_and_auth_reprs_hide_credentials(fake: FakeAmperity) -> None:
    with Amperity(**static(fake)) as client, Amperity(**oauth(fake)) as oclient:
        client.workflows.list(limit=1).first_page()
        oclient.workflows.list(limit=1).first_page()  # fetches an access token
        derived = oclient.with_options(timeout=5)
        shown = [
            *(f(x) for f in (repr, str) for x in (client, oclient, derived)),
            *(f(c._options) for f in (repr, str) for c in (client, oclient, derived)),
            *(repr(c._shared) for c in (client, oclient)),
            repr(client._shared.auth),
            repr(oclient._shared.auth),
        ]
        assert issued_tokens(fake) - {fake.token}, "OAuth should have fetched a token"
        assert_clean(shown, secrets_of(fake) | {fake.client_id})
    assert repr(BearerTokenAuth(WRONG_TOKEN)) == "BearerTokenAuth(token=<redacted>)"
    auth = ClientCredentialsAuth(
        base_url=fake.base_url, tenant="acme", client_id="cid-123456789", client_secret=WRONG_SECRET
    )
    assert_clean([repr(auth), str(auth)], {WRONG_SECRET, "cid-123456789"})


@pytest.mark.anyio
async def test_async_client_reprs_hide_credentials(fake: FakeAmperity) -> None:
    async with AsyncAmperity(**static(fake)) as client, AsyncAmperity(**oauth(fake)) as oclient:
        await client.workflows.list(limit=1).first_page()
        await oclient.workflows.list(limit=1).first_page()
        shown = [repr(client), str(oclient), repr(oclient._options), repr(oclient._shared)]
        assert_clean(shown, secrets_of(fake) | {fake.client_id})


# -- exceptions ----------------------------------------------------------------------------------


def test_status_errors_hide_credentials(fake: FakeAmperity) -> None:
    raised: list[BaseException] = []
    with Amperity(**static(fake)) as client:
        with pytest.raises(errors.NotFoundError) as not_found:
            client.workflows.get("wf-missing")
        fake.inject(Fault("status", status=503, times=3))
        with pytest.raises(errors.ServiceUnavailableError) as unavailable:
            client.segments.list().first_page()
        fake.inject(Fault("malformed", times=4))  # the first read and its 3 retries
        with pytest.raises(errors.APIResponseValidationError) as invalid:
            client.segments.list().first_page()
        raised += [not_found.value, unavailable.value, invalid.value]
    wrong = Amperity(**static(fake, token=WRONG_TOKEN))
    with wrong, pytest.raises(errors.AuthenticationError) as unauthorized:
        wrong.segments.list().first_page()
    raised.append(unauthorized.value)
    assert len(raised) == 4
    for exc in raised:
        assert_clean(exception_texts(exc), secrets_of(fake))


def test_connection_and_timeout_errors_hide_credentials(fake: FakeAmperity) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api"
    with (
        Amperity(**static(fake, base_url=closed)) as client,
        pytest.raises(errors.APIConnectionError) as refused,
    ):
        client.workflows.get("wf-1")
    fake.inject(Fault("slow", delay=0.5, times=3))
    with (
        Amperity(**static(fake, timeout=0.1)) as client,
        pytest.raises(errors.APITimeoutError) as timed_out,
    ):
        client.segments.list().first_page()
    with (
        Amperity(**oauth(fake, base_url=closed)) as oclient,
        pytest.raises(errors.APIConnectionError) as token_refused,
    ):
        oclient.segments.list().first_page()
    for exc in (refused.value, timed_out.value, token_refused.value):
        assert_clean(exception_texts(exc), secrets_of(fake))


def test_failing_token_endpoint_errors_hide_credentials(fake: FakeAmperity) -> None:
    with (
        Amperity(**oauth(fake, client_secret=WRONG_SECRET)) as client,
        pytest.raises(errors.AuthenticationError) as wrong_secret,
    ):
        client.segments.list().first_page()
    assert "token request" in str(wrong_secret.value)
    fake.inject(Fault("status", status=500, operation="create-token", times=3))
    with (
        Amperity(**oauth(fake)) as client,
        pytest.raises(errors.AuthenticationError) as server_error,
    ):
        client.segments.list().first_page()
    fake.inject(Fault("malformed", operation="create-token", times=4))  # retried like any read
    with Amperity(**oauth(fake)) as client, pytest.raises(errors.AuthenticationError) as garbled:
        client.segments.list().first_page()
    for exc in (wrong_secret.value, server_error.value, garbled.value):
        assert_clean(exception_texts(exc), secrets_of(fake) | {fake.client_id})


@pytest.mark.anyio
async def test_async_errors_hide_credentials(fake: FakeAmperity) -> None:
    async with AsyncAmperity(**oauth(fake, client_secret=WRONG_SECRET)) as client:
        with pytest.raises(errors.AuthenticationError) as wrong_secret:
            await client.segments.list().first_page()
    async with AsyncAmperity(**static(fake)) as client:
        with pytest.raises(errors.NotFoundError) as not_found:
            await client.ingest_jobs.get("ij-missing")
    for exc in (wrong_secret.value, not_found.value):
        assert_clean(exception_texts(exc), secrets_of(fake))


# -- logs ----------------------------------------------------------------------------------------


def exercise_sync(fake: FakeAmperity) -> None:
    with Amperity(**static(fake)) as client:
        list(client.segments.list(limit=10))
        run = client.workflows.run("cg-logs")
        client.workflows.get(run.id, view="verbose")
        fake.inject(Fault("status", status=429, retry_after="0"))
        client.workflows.stop(run.id)
    with Amperity(**oauth(fake)) as client:
        list(client.campaigns.list())
        fake.expire_tokens()  # next call: 401, refresh, replay
        client.workflows.list(limit=2).first_page()
        fake.inject(Fault("drop"))
        client.audit_events.list(limit=5).first_page()
    with (
        Amperity(**oauth(fake, client_secret=WRONG_SECRET)) as client,
        pytest.raises(errors.AuthenticationError),
    ):
        client.segments.list().first_page()


async def exercise_async(fake: FakeAmperity) -> None:
    async with AsyncAmperity(**static(fake)) as client:
        [s async for s in client.segments.list(limit=10)]
        await client.workflows.run("cg-logs-async")
    async with AsyncAmperity(**oauth(fake)) as client:
        await client.campaigns.list().first_page()
        fake.expire_tokens()
        await client.workflows.list(limit=2).first_page()


def test_debug_logs_of_every_logger_hide_credentials(
    fake: FakeAmperity, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: httpx, httpcore, asyncio, ours
    exercise_sync(fake)
    asyncio.run(exercise_async(fake))
    names = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore", "amperity_facade"} <= names  # the capture really saw them
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), repr(record.__dict__)]
    secrets = secrets_of(fake)
    assert len(issued_tokens(fake) - {fake.token}) >= 2  # OAuth tokens were issued and used
    assert_clean(texts, secrets)


def reachable_values(root: object, limit: int = 20_000) -> Iterable[str | bytes]:
    """Every str and bytes reachable through attributes, slots and containers of `root`."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen or obj is None or isinstance(obj, int | float | bool | type):
            continue
        seen.add(id(obj))
        if isinstance(obj, str | bytes | bytearray):
            yield bytes(obj) if isinstance(obj, bytearray) else obj
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
            continue
        if isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
            continue
        stack.extend(getattr(obj, "__dict__", {}).values())
        for klass in type(obj).__mro__:
            for name in getattr(klass, "__slots__", ()):
                if isinstance(name, str) and hasattr(obj, name):
                    stack.append(getattr(obj, name))
        if isinstance(obj, BaseException):
            stack.extend([obj.__cause__, obj.__context__, obj.args])


def assert_unreachable(exc: BaseException, secrets: set[str]) -> None:
    for value in reachable_values(exc):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        for secret in secrets:
            assert secret not in text, f"secret {secret[:6]}... reachable from {exc!r}"


def test_no_secret_is_reachable_from_any_attribute_of_an_error(fake: FakeAmperity) -> None:
    """Not only str/repr: the objects an error keeps (response, its stream, the httpcore
    request behind it, history, the cause chain) are walked for live credentials."""
    raised: list[BaseException] = []
    with Amperity(**static(fake)) as client, pytest.raises(errors.NotFoundError) as missing:
        client.workflows.get("wf-missing")
    raised.append(missing.value)
    with Amperity(**oauth(fake)) as client, pytest.raises(errors.NotFoundError) as after_token:
        client.workflows.get("wf-missing")
    raised.append(after_token.value)
    with (
        Amperity(**oauth(fake, client_secret=WRONG_SECRET)) as client,
        pytest.raises(errors.AuthenticationError) as refused,
    ):
        client.workflows.get("wf-1")
    raised.append(refused.value)
    for exc in raised:
        assert_unreachable(exc, secrets_of(fake) | {fake.client_secret})
