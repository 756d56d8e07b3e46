"""Fixtures for the fake-server tests: a small fake and plain httpx clients pointed at it."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

SMALL = {
    "segments": 250,
    "campaigns": 40,
    "campaign_drafts": 12,
    "audit_events": 300,
    "ingest_jobs": 60,
    "workflows": 40,
}
ClientFactory = Callable[..., httpx.Client]
# Building a TLS context per client costs ~20 ms even for plain http; share one.
SHARED_TLS = ssl.create_default_context()


@pytest.fixture
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(tenant="acme", seed=7, **SMALL) as running:
        yield running


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Builds clients with the three headers every API call needs; each can be overridden
    (None drops it) so tests can probe one missing header at a time."""
    opened: list[httpx.Client] = []

    def build(
        target: FakeAmperity,
        *,
        token: str | None = "",
        tenant: str | None = "",
        version: str | None = "2024-04-01",
        timeout: float = 5.0,
    ) -> httpx.Client:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token or target.token}"
        if tenant is not None:
            headers["amperity-tenant"] = tenant or target.tenant
        if version is not None:
            headers["api-version"] = version
        client = httpx.Client(
            base_url=target.base_url, headers=headers, timeout=timeout, verify=SHARED_TLS
        )
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.close()


@pytest.fixture
def client(fake: FakeAmperity, make_client: ClientFactory) -> httpx.Client:
    return make_client(fake)
