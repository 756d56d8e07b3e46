"""Settings that would send credentials in clear or smuggle headers are refused up front,
with a ConfigurationError that never repeats the secret."""

from __future__ import annotations

from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors

CLIENTS = [Amperity, AsyncAmperity]
TOKEN = "cfg-test-token-Pq7Lm2Xv"
LOOPBACK = "http://127.0.0.1:9/api"


def build(cls: type[Any], **kwargs: Any) -> Any:
    settings: dict[str, Any] = {"tenant": "acme", "token": TOKEN, "rate_limit": None}
    settings.update(kwargs)
    return cls(**settings)


@pytest.fixture(autouse=True)
def no_amperity_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TENANT", "TOKEN", "CLIENT_ID", "CLIENT_SECRET", "BASE_URL", "API_VERSION"):
        monkeypatch.delenv(f"AMPERITY_{name}", raising=False)


# -- plain http ------------------------------------------------------------------------------


REMOTE_HTTP = [
    "http://acme.amperity.com/api",
    "http://app.amperity.com/api",
    "http://10.0.0.8/api",
    "http://192.168.1.20:8080/api",
    "http://127.0.0.1.evil.example/api",
    "http://localhost.evil.example/api",
    "http://[2001:db8::1]/api",
]


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("base_url", REMOTE_HTTP)
def test_plain_http_to_a_remote_host_is_refused(cls: type[Any], base_url: str) -> None:
    with pytest.raises(errors.ConfigurationError, match="plain http"):
        build(cls, base_url=base_url)


@pytest.mark.parametrize("cls", CLIENTS)
def test_plain_http_from_the_environment_is_refused(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPERITY_BASE_URL", "http://acme.amperity.com/api")
    with pytest.raises(errors.ConfigurationError, match="plain http"):
        build(cls)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize(
    "base_url",
    [
        LOOPBACK,
        "http://localhost:8080/api",
        "http://[::1]:8080/api",
        "https://acme.amperity.com/api",
    ],
)
def test_https_and_loopback_http_are_accepted(cls: type[Any], base_url: str) -> None:
    client = build(cls, base_url=base_url)
    assert client.base_url == base_url


# -- control characters ----------------------------------------------------------------------

# C0 controls, DEL, and the Unicode line/paragraph separators Python treats as whitespace.
BAD = ["\r\n", "\n", "\r", "\x00", "\t", "\x0b", "\x1b", "\x7f", "\x85", "\u2028"]
INJECTION = "\r\nX-Injected: yes"


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("bad", BAD, ids=repr)
@pytest.mark.parametrize("field", ["tenant", "token", "client_secret", "client_id", "api_version"])
def test_control_characters_are_refused(cls: type[Any], field: str, bad: str) -> None:
    good = {
        "tenant": "acme",
        "token": TOKEN,
        "client_id": "cid-1",
        "client_secret": "csecret-Ab12Cd34",
        "api_version": "2024-04-01",
    }
    settings: dict[str, Any] = {"tenant": "acme", "base_url": LOOPBACK, "rate_limit": None}
    if field in ("client_id", "client_secret"):
        settings |= {"client_id": good["client_id"], "client_secret": good["client_secret"]}
    else:
        settings["token"] = TOKEN
    value = good[field] + bad + "tail"
    settings[field] = value
    with pytest.raises(errors.ConfigurationError) as info:
        cls(**settings)
    if field in ("token", "client_secret"):
        assert good[field] not in str(info.value)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("name", ["AMPERITY_TOKEN", "AMPERITY_TENANT", "AMPERITY_API_VERSION"])
def test_control_characters_from_the_environment_are_refused(
    cls: type[Any], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPERITY_TENANT", "acme")
    monkeypatch.setenv("AMPERITY_TOKEN", TOKEN)
    monkeypatch.setenv("AMPERITY_BASE_URL", LOOPBACK)
    monkeypatch.setenv(
        name,
        {"AMPERITY_TOKEN": TOKEN, "AMPERITY_TENANT": "acme"}.get(name, "2024-04-01") + INJECTION,
    )
    with pytest.raises(errors.ConfigurationError) as info:
        cls(rate_limit=None)
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize("cls", CLIENTS)
def test_with_options_refuses_a_header_injection_in_api_version(cls: type[Any]) -> None:
    client = build(cls, base_url=LOOPBACK)
    with pytest.raises(errors.ConfigurationError):
        client.with_options(api_version="2024-04-01" + INJECTION)


@pytest.mark.parametrize("cls", CLIENTS)
def test_base_url_with_control_characters_is_refused(cls: type[Any]) -> None:
    with pytest.raises(errors.ConfigurationError):
        build(cls, base_url="https://acme.amperity.com/api" + INJECTION)


# -- characters outside visible ASCII ---------------------------------------------------------


@pytest.mark.parametrize("field", ["token", "client_secret"])
def test_c1_control_characters_are_refused(field: str) -> None:
    settings: dict[str, Any] = {"tenant": "acme", "base_url": LOOPBACK, "rate_limit": None}
    if field == "token":
        settings["token"] = "tok\x9bX"
    else:
        settings |= {"client_id": "cid", "client_secret": "sec\x9bX"}
    try:
        Amperity(**settings)
    except errors.ConfigurationError:
        return
    raise AssertionError(f"{field} with U+009B accepted")


FULLWIDTH_DATE = "\uff12\uff10\uff12\uff14-\uff10\uff14-\uff10\uff11"  # 2024-04-01, fullwidth


def test_non_ascii_digits_in_api_version_are_refused() -> None:
    with pytest.raises(errors.ConfigurationError):
        Amperity(tenant="acme", token=TOKEN, base_url=LOOPBACK, api_version=FULLWIDTH_DATE)
