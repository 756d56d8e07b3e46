"""AmperityHook: what an `amperity` connection turns into."""

from __future__ import annotations

import asyncio
import json
import sys
import types

import pytest
from airflow.sdk import Connection

from amperity_facade import Amperity, AsyncAmperity
from amperity_facade.airflow.hooks import AmperityConnectionError, AmperityHook


def settings(**fields) -> dict:
    extra = fields.pop("extra", None)
    conn = Connection(
        conn_id="amp", conn_type="amperity", extra=json.dumps(extra) if extra else None, **fields
    )
    return AmperityHook.client_settings(conn)


def test_a_static_token_and_a_base_url_in_host() -> None:
    assert settings(login="acme", password="tok", host="https://app.amperity.com/api/") == {
        "tenant": "acme",
        "token": "tok",
        "base_url": "https://app.amperity.com/api",
    }


def test_the_base_url_defaults_to_the_tenants_and_extra_base_url_wins() -> None:
    assert settings(login="acme", password="t")["base_url"] == "https://acme.amperity.com/api"
    assert (
        settings(
            login="acme", password="t", host="https://x/api", extra={"base_url": "https://y/api"}
        )["base_url"]
        == "https://y/api"
    )


def test_a_connection_uri_gives_host_port_and_schema() -> None:
    conn = Connection.from_uri("amperity://acme:s3cret@app-aws-apse2.amperity.com/api", conn_id="u")
    assert AmperityHook.client_settings(conn) == {
        "tenant": "acme",
        "token": "s3cret",
        "base_url": "https://app-aws-apse2.amperity.com/api",
    }
    conn = Connection.from_uri("amperity://acme:t@localhost:8443", conn_id="u")
    assert AmperityHook.client_settings(conn)["base_url"] == "https://localhost:8443/api"


def test_oauth_client_credentials_from_extra_or_password() -> None:
    both = settings(login="acme", extra={"client_id": "cid", "client_secret": "sec"})
    assert both == {
        "tenant": "acme",
        "client_id": "cid",
        "client_secret": "sec",
        "base_url": "https://acme.amperity.com/api",
    }
    in_password = settings(login="acme", password="sec", extra={"client_id": "cid"})
    assert in_password == both
    old_form = settings(
        extra={
            "extra__amperity__tenant": "acme",
            "extra__amperity__client_id": "cid",
            "extra__amperity__client_secret": "sec",
        }
    )
    assert old_form == both


def test_client_options_from_extra_as_numbers_or_text() -> None:
    got = settings(
        login="acme",
        password="t",
        extra={"api_version": "2024-04-01", "timeout": "12.5", "max_retries": 5, "rate_limit": 4},
    )
    assert got["api_version"] == "2024-04-01"
    assert (got["timeout"], got["max_retries"], got["rate_limit"]) == (12.5, 5, 4.0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "t"}, "no tenant"),
        ({"login": "acme"}, "no credentials"),
        ({"login": "acme", "extra": {"client_id": "cid"}}, "no client secret"),
        ({"login": "acme", "extra": {"client_secret": "s"}}, "needs extra 'client_id'"),
        (
            {"login": "acme", "password": "a", "extra": {"client_id": "c", "client_secret": "b"}},
            "keep one",
        ),
        ({"login": "acme", "password": "t", "extra": {"max_retries": "many"}}, "an integer"),
        ({"login": "acme", "password": "t", "extra": {"timeout": "inf"}}, "finite"),
        ({"login": "acme", "password": "t", "extra": {"rate_limit": True}}, "a number"),
    ],
)
def test_incomplete_or_unusable_connections_are_refused_by_name(fields, message) -> None:
    with pytest.raises(AmperityConnectionError, match=message) as caught:
        settings(**fields)
    assert "'amp'" in str(caught.value)
    for secret in ("s3cret", '"b"'):
        assert secret not in str(caught.value)


def test_the_environment_never_picks_the_tenant(fake, monkeypatch) -> None:
    monkeypatch.setenv("AMPERITY_TENANT", "elsewhere")
    monkeypatch.setenv("AMPERITY_BASE_URL", "https://elsewhere.example/api")
    with AmperityHook().get_client() as client:
        assert isinstance(client, Amperity)
        assert len(list(client.segments.list(max_items=3))) == 3
    assert fake.count(operation="list-segment") == 1


def test_hook_keywords_win_over_the_connection(fake) -> None:
    hook = AmperityHook("amperity_default", max_retries=0, timeout=7)
    assert hook.client_options == {"max_retries": 0, "timeout": 7}
    with hook.get_client() as client:
        assert client.workflows.get(client.workflows.run("cg-x").id).state == "running"


def test_the_async_client_reads_the_connection_without_blocking(fake) -> None:
    async def main() -> str:
        client = await AmperityHook().get_async_client()
        assert isinstance(client, AsyncAmperity)
        async with client:
            return str((await client.workflows.run("cg-async")).state)

    assert asyncio.run(main()) == "scheduled"


def test_test_connection_reports_both_ways(fake, monkeypatch) -> None:
    assert AmperityHook().test_connection() == (True, "Connection successfully tested")
    monkeypatch.setenv(
        "AIRFLOW_CONN_AMPERITY_DEFAULT",
        json.dumps(
            {
                "conn_type": "amperity",
                "login": fake.tenant,
                "password": "wrong",
                "host": fake.base_url,
            }
        ),
    )
    ok, message = AmperityHook().test_connection()
    assert not ok
    assert "401" in message or "uthenticat" in message, message
    assert "wrong" not in message


def test_the_form_relabels_and_hides_fields() -> None:
    behaviour = AmperityHook.get_ui_field_behaviour()
    assert behaviour["hidden_fields"] == ["schema", "port"]
    assert behaviour["relabeling"]["login"] == "Tenant"
    assert behaviour["relabeling"]["host"] == "Base URL"
    behaviour["relabeling"]["login"] = "changed"  # a copy: the next caller gets the original
    assert AmperityHook.get_ui_field_behaviour()["relabeling"]["login"] == "Tenant"


def test_form_widgets_use_wtforms_where_the_form_still_does(monkeypatch) -> None:
    made = []

    def field(kind):
        def make(label, description=""):
            made.append((kind, label))
            return (kind, label, description)

        return make

    monkeypatch.delitem(sys.modules, "wtforms", raising=False)
    assert AmperityHook.get_connection_form_widgets() == {}  # Airflow 3.3 has no wtforms
    stub = types.ModuleType("wtforms")
    stub.StringField = field("string")
    stub.PasswordField = field("password")
    monkeypatch.setitem(sys.modules, "wtforms", stub)
    widgets = AmperityHook.get_connection_form_widgets()
    assert set(widgets) == {
        "client_id",
        "client_secret",
        "api_version",
        "timeout",
        "max_retries",
        "rate_limit",
    }
    assert widgets["client_secret"][0] == "password" and widgets["client_id"][0] == "string"
