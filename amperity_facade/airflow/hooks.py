"""AmperityHook: an Airflow connection of type `amperity` turned into a configured client.

Connection fields (form label in brackets):

- Host [Base URL]: the API's base URL, e.g. ``https://acme.amperity.com/api`` or, for tenants
  hosted on AWS, ``https://app.amperity.com/api``; extra ``base_url`` wins over it. A host
  without a scheme (as a connection URI gives it) becomes ``https://HOST[:PORT]/SCHEMA``, the
  schema defaulting to ``api``. Empty: ``https://{tenant}.amperity.com/api``.
- Login [Tenant]: the tenant id (or extra ``tenant``).
- Password: a static API token; or, when extra ``client_id`` is set, the OAuth client secret
  (which may instead be in extra ``client_secret``).
- Extra: ``client_id``, ``client_secret``, ``api_version``, ``timeout``, ``max_retries``,
  ``rate_limit`` (also read with the old form's ``extra__amperity__`` prefix).

Only the connection is read: the ``AMPERITY_TENANT`` / ``AMPERITY_TOKEN`` / ``AMPERITY_BASE_URL``
variables of the library are not, so a worker's environment never changes which tenant a task
reaches. Keywords given to the hook (``AmperityHook(conn_id, rate_limit=5)``) are passed to
the client and win over the connection.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowException

from .. import Amperity, AsyncAmperity
from . import provider_info

if TYPE_CHECKING:
    from airflow.sdk import Connection

PREFIX = f"extra__{provider_info.CONN_TYPE}__"


class AmperityConnectionError(AirflowException):
    """The connection does not say enough (or says something unusable) to build a client."""


class AmperityHook(BaseHook):
    """Builds `Amperity` / `AsyncAmperity` clients from an Airflow connection.

    :param amperity_conn_id: the connection id (type ``amperity``).
    :param client_options: keywords for the client, winning over the connection's values
        (e.g. ``timeout=60``, ``max_retries=5``, ``rate_limit=5``).
    """

    conn_name_attr = "amperity_conn_id"
    default_conn_name = "amperity_default"
    conn_type = provider_info.CONN_TYPE
    hook_name = "Amperity"

    def __init__(self, amperity_conn_id: str = default_conn_name, **client_options: Any) -> None:
        super().__init__()
        self.amperity_conn_id = amperity_conn_id
        self.client_options = client_options

    # Connection form (Airflow 3.2+ reads the same from provider_info without importing this).
    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return copy.deepcopy(provider_info.UI_FIELD_BEHAVIOUR)

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """The extra fields as wtforms fields, for Airflow versions whose form still uses them."""
        try:
            from wtforms import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
                PasswordField,
                StringField,
            )
        except ImportError:  # Airflow 3.2+ builds the form from provider_info instead
            return {}
        widgets: dict[str, Any] = {}
        for name, field in provider_info.CONN_FIELDS.items():
            secret = field["schema"].get("format") == "password"
            kind = PasswordField if secret else StringField
            widgets[name] = kind(field["label"], description=field["description"])
        return widgets

    @classmethod
    def client_settings(cls, conn: Connection) -> dict[str, Any]:
        """The client's keywords from a connection (no request is made)."""
        return _settings(conn)

    def get_conn(self) -> Amperity:
        """Same as get_client(): a new client, to be closed by the caller (`with`)."""
        return self.get_client()

    def get_client(self, **options: Any) -> Amperity:
        """A new `Amperity` client; close it (``with hook.get_client() as client:``)."""
        conn = self.get_connection(self.amperity_conn_id)
        return Amperity(**{**_settings(conn), **self.client_options, **options})

    async def get_async_client(self, **options: Any) -> AsyncAmperity:
        """A new `AsyncAmperity` client (``async with await hook.get_async_client() as c:``).

        Reads the connection without blocking the event loop, as triggers must.
        """
        conn = await self.aget_connection(self.amperity_conn_id)
        return AsyncAmperity(**{**_settings(conn), **self.client_options, **options})

    def test_connection(self) -> tuple[bool, str]:
        """What the UI's Test button shows: one request (the first segment) with these settings."""
        try:
            with self.get_client(max_retries=0) as client:
                next(iter(client.segments.list(limit=1).pages()))
        except Exception as exc:
            return False, str(exc)
        return True, "Connection successfully tested"


def _extra(conn: Connection) -> dict[str, Any]:
    try:
        extra = conn.extra_dejson
    except Exception as exc:  # pragma: no cover - Airflow itself refuses malformed extras
        raise AmperityConnectionError(
            f"connection {conn.conn_id!r}: extra is not JSON: {exc}"
        ) from None
    return extra if isinstance(extra, dict) else {}


def _pick(extra: dict[str, Any], name: str) -> Any:
    for key in (name, PREFIX + name):
        value = extra.get(key)
        if value is not None and value != "":
            return value
    return None


def _text(conn: Connection, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AmperityConnectionError(f"connection {conn.conn_id!r}: {name} must be text")
    return value.strip() or None


def _number(conn: Connection, name: str, value: Any, kind: type[int] | type[float]) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmperityConnectionError(f"connection {conn.conn_id!r}: {name} must be a number")
    try:
        number = kind(value) if kind is float else int(str(value).strip())
    except (TypeError, ValueError):
        raise AmperityConnectionError(
            f"connection {conn.conn_id!r}: {name} must be {'an integer' if kind is int else 'a number'},"
            f" got {value!r}"
        ) from None
    if kind is float and not math.isfinite(number):
        raise AmperityConnectionError(f"connection {conn.conn_id!r}: {name} must be finite")
    return number


def _base_url(conn: Connection, extra: dict[str, Any], tenant: str) -> str:
    given = _text(conn, "base_url", _pick(extra, "base_url"))
    if given:
        return given
    host = (conn.host or "").strip()
    if not host:
        return f"https://{tenant}.amperity.com/api"
    if "://" in host:
        return host.rstrip("/")
    port = f":{conn.port}" if conn.port else ""
    path = (conn.schema or "").strip().strip("/") or "api"
    return f"https://{host.rstrip('/')}{port}/{path}"


def _settings(conn: Connection) -> dict[str, Any]:
    extra = _extra(conn)
    where = f"connection {conn.conn_id!r}"
    tenant = _text(conn, "login", conn.login) or _text(conn, "tenant", _pick(extra, "tenant"))
    if not tenant:
        raise AmperityConnectionError(f"{where}: no tenant: put it in Login or in extra 'tenant'")
    password = conn.password or None
    client_id = _text(conn, "client_id", _pick(extra, "client_id"))
    client_secret = _text(conn, "client_secret", _pick(extra, "client_secret"))
    settings: dict[str, Any] = {"tenant": tenant, "base_url": _base_url(conn, extra, tenant)}
    if client_id is not None:
        if password and client_secret and password != client_secret:
            raise AmperityConnectionError(
                f"{where}: the client secret is both in Password and in extra 'client_secret' "
                "with different values; keep one"
            )
        secret = client_secret or password
        if not secret:
            raise AmperityConnectionError(
                f"{where}: extra 'client_id' is set but no client secret: put it in Password "
                "or in extra 'client_secret'"
            )
        settings.update(client_id=client_id, client_secret=secret)
    elif client_secret is not None:
        raise AmperityConnectionError(f"{where}: extra 'client_secret' needs extra 'client_id'")
    elif password:
        settings["token"] = password
    else:
        raise AmperityConnectionError(
            f"{where}: no credentials: a static token in Password, or OAuth client "
            "credentials (extra 'client_id', and the secret in Password or extra 'client_secret')"
        )
    api_version = _text(conn, "api_version", _pick(extra, "api_version"))
    if api_version:
        settings["api_version"] = api_version
    for name, kind in (("timeout", float), ("max_retries", int), ("rate_limit", float)):
        value = _number(conn, name, _pick(extra, name), kind)
        if value is not None:
            settings[name] = value
    return settings
