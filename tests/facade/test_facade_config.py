"""Bad settings fail early with a ConfigurationError that names the problem."""

from __future__ import annotations

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

from .conftest import TOKEN, MockAPI, page


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TENANT", "TOKEN", "CLIENT_ID", "CLIENT_SECRET", "BASE_URL", "API_VERSION"):
        monkeypatch.delenv(f"AMPERITY_{name}", raising=False)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"tenant": ""}, "tenant is required"),
        ({"tenant": "ac me"}, "malformed"),
        ({"tenant": "acme\r\nX-Evil: 1"}, "malformed"),
        ({"tenant": "acme/../x"}, "malformed"),
        ({"token": "abc def"}, "token contains whitespace or control characters"),
        ({"token": "abc\r\nX-Evil: 1"}, "token contains whitespace"),
        ({"token": ""}, "token must be a non-empty string"),
        ({"token": TOKEN, "client_id": "id", "client_secret": "s"}, "not both"),
        ({"token": None, "client_id": "id"}, "client_secret is missing"),
        ({"api_version": "2024-4-1"}, "api_version '2024-4-1' is malformed"),
        ({"api_version": "latest"}, "malformed"),
        ({"api_version": "2024-04-01\r\n"}, "malformed"),
        ({"base_url": "http://acme.amperity.com/api"}, "plain http to a remote host"),
        ({"base_url": "ftp://acme.amperity.com/api"}, "http(s) URL"),
        ({"base_url": "https://acme.amperity.com/api\r\n"}, "malformed"),
        ({"timeout": 0}, "timeout must be a positive"),
        ({"max_retries": -1}, "max_retries must be an integer >= 0"),
        ({"rate_limit": 0}, "rate_limit must be a finite number"),
        ({"rate_limit": 1e-12}, "at least"),
    ],
)
def test_bad_settings_raise_configuration_error(kwargs: dict[str, object], needle: str) -> None:
    settings: dict[str, object] = {"tenant": "acme", "token": TOKEN, **kwargs}
    for cls in (Amperity, AsyncAmperity):
        with pytest.raises(errors.ConfigurationError) as info:
            cls(**settings)  # type: ignore[arg-type]
        assert needle in str(info.value)
        assert "\n" not in str(info.value).replace("\\n", "")


def test_no_credentials_at_all() -> None:
    with pytest.raises(errors.ConfigurationError, match="no credentials"):
        Amperity(tenant="acme")


def test_secret_never_in_configuration_error() -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Amperity(tenant="acme", client_id="id", client_secret="s3cret value")
    assert "s3cret" not in str(info.value)


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPERITY_TENANT", "envco")
    monkeypatch.setenv("AMPERITY_TOKEN", "env-token")
    monkeypatch.setenv("AMPERITY_API_VERSION", "unstable")
    with Amperity() as client:
        assert client.tenant == "envco"
        assert client.base_url == "https://envco.amperity.com/api"
        assert client.api_version == "unstable"


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPERITY_CLIENT_ID", "env-id")
    monkeypatch.setenv("AMPERITY_CLIENT_SECRET", "env-secret")
    with Amperity(tenant="acme", token=TOKEN, base_url="https://app.amperity.com/api") as client:
        assert client.base_url == "https://app.amperity.com/api"


def test_plain_http_to_loopback_is_allowed() -> None:
    for url in ("http://127.0.0.1:9/api", "http://localhost:9/api", "http://[::1]:9/api"):
        Amperity(tenant="acme", token=TOKEN, base_url=url).close()


def test_bad_arguments_raise_before_any_request(client: Amperity, api: MockAPI) -> None:
    with pytest.raises(errors.ConfigurationError, match="limit must be an integer >= 1"):
        client.segments.list(limit=0)
    with pytest.raises(errors.ConfigurationError, match="max_items"):
        client.segments.list(max_items=-1)
    with pytest.raises(errors.ConfigurationError, match="next_token must be a non-empty"):
        client.segments.list(next_token="")
    with pytest.raises(errors.ConfigurationError, match="happened_from='yesterday'"):
        client.audit_events.list(happened_from="yesterday")
    with pytest.raises(errors.ConfigurationError, match="workflow_id"):
        client.workflows.get("")
    with pytest.raises(errors.ConfigurationError, match="not a valid id"):
        client.workflows.get("..")
    with pytest.raises(errors.ConfigurationError, match="view must be one of"):
        client.workflows.get("wf-1", view="full")
    with pytest.raises(errors.ConfigurationError, match="poll_interval"):
        client.workflows.wait("wf-1", poll_interval=0)
    with pytest.raises(errors.ConfigurationError, match=r"created_to .* must be after"):
        client.ingest_jobs.list(created_from="2026-10-08", created_to="2026-10-01")
    assert api.requests == []


def test_repr_shows_settings_not_secrets() -> None:
    with Amperity(tenant="acme", token=TOKEN) as client:
        assert repr(client) == (
            "Amperity(tenant='acme', base_url='https://acme.amperity.com/api', "
            "api_version='2024-04-01', profile_api_version='2025-07-31', "
            "realtime_api_version='2026-09-03')"
        )
        assert TOKEN not in repr(client._options) and TOKEN not in repr(client._shared)
    with Amperity(tenant="acme", client_id="cid-1", client_secret="csecret-1") as client:
        text = repr(client._options) + repr(client._shared) + repr(client._shared.auth)
        assert "csecret-1" not in text and "cid-1" not in text


def test_with_options_validates_and_shares(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([]))
    with pytest.raises(errors.ConfigurationError):
        client.with_options(api_version="v2")
    derived = client.with_options(timeout=5, max_retries=0)
    assert derived.max_retries == 0 and client.max_retries == 3
    assert derived._shared is client._shared
    list(derived.segments.list())
    derived.close()  # does not close the shared pool
    list(client.segments.list())
    assert len(api.calls("GET", "/segments")) == 2


def test_wrong_transport_type_refused() -> None:
    with pytest.raises(errors.ConfigurationError, match="AsyncBaseTransport"):
        AsyncAmperity(tenant="acme", token=TOKEN, transport=httpx.HTTPTransport())  # type: ignore[arg-type]
