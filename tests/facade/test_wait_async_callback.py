"""`wait(on_state=...)` with an async callback: awaited by AsyncAmperity, refused by Amperity."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, errors
from amperity_facade.testing import FakeAmperity


def test_the_async_client_awaits_an_async_callback() -> None:
    seen: list[str] = []

    async def on_state(workflow: Any) -> None:
        await asyncio.sleep(0)
        seen.append(workflow.state)

    async def run() -> None:
        with FakeAmperity(step_seconds=0.05) as fake:
            async with AsyncAmperity(
                tenant=fake.tenant, token=fake.token, transport=fake.async_transport()
            ) as client:
                started = await client.workflows.run("cg-daily")
                await client.workflows.wait(started, poll_interval=0.05, on_state=on_state)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine was never awaited" would fail here
        asyncio.run(run())
    assert seen[0] == "scheduled" and seen[-1] == "succeeded"


def test_the_sync_client_refuses_an_async_callback_without_a_warning() -> None:
    async def on_state(workflow: Any) -> None:
        raise AssertionError("never run")

    with (
        FakeAmperity() as fake,
        Amperity(tenant=fake.tenant, token=fake.token, transport=fake.transport()) as client,
    ):
        started = client.workflows.run("cg-daily")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(errors.ConfigurationError, match="AsyncAmperity"):
                client.workflows.wait(started, on_state=on_state)
