"""Fixtures for the security tests: a small fake tenant and clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from amperity_facade import RetryPolicy
from amperity_facade.testing import FakeAmperity

FAST = RetryPolicy(max_retries=2, backoff_base=0.001, backoff_max=0.002, max_retry_after=0.5)
SMALL = {
    "segments": 30,
    "campaigns": 3,
    "campaign_drafts": 2,
    "audit_events": 10,
    "ingest_jobs": 5,
    "workflows": 5,
}


@pytest.fixture
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(tenant="acme", seed=7, **SMALL) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def static(fake: FakeAmperity, **kwargs: Any) -> dict[str, Any]:
    """Client arguments for the fake's static token."""
    return {
        "tenant": fake.tenant,
        "token": fake.token,
        "base_url": fake.base_url,
        "rate_limit": None,
        "retry_policy": FAST,
        "max_retries": 2,
        **kwargs,
    }


def static_in_process(
    fake: FakeAmperity, *, asynchronous: bool = False, **kwargs: Any
) -> dict[str, Any]:
    """static() through the fake's in-process transport: no socket, the fake need not run."""
    return {
        "tenant": fake.tenant,
        "token": fake.token,
        "transport": fake.async_transport() if asynchronous else fake.transport(),
        "rate_limit": None,
        "retry_policy": FAST,
        "max_retries": 2,
        **kwargs,
    }


def oauth(fake: FakeAmperity, **kwargs: Any) -> dict[str, Any]:
    """Client arguments for the fake's OAuth client credentials."""
    return {
        "tenant": fake.tenant,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "base_url": fake.base_url,
        "rate_limit": None,
        "retry_policy": FAST,
        "max_retries": 2,
        **kwargs,
    }
