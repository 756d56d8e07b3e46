"""Issue 10, item 7: bad numeric settings are ConfigurationError before any request.

NaN compares false with everything, so `x <= 0` checks let it through; infinity passes them
too. Each case below is refused when the client (or call) is set up, and the hostile server
behind it counts zero requests.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity, RetryPolicy, errors

from .conftest import (
    RUNS_PATH,
    HostileServer,
    Serve,
    json_reply,
    segments_page,
    sequence,
    static_args,
    workflow,
)

ClientClass = type[Amperity] | type[AsyncAmperity]
CLIENTS = [Amperity, AsyncAmperity]

BAD_CLIENT_SETTINGS: dict[str, dict[str, Any]] = {
    "rate_limit-nan": {"rate_limit": math.nan},
    "rate_limit-inf": {"rate_limit": math.inf},
    "rate_limit--inf": {"rate_limit": -math.inf},
    "rate_limit-huge-int": {"rate_limit": 10**400},
    "timeout-huge-int": {"timeout": 10**400},
    "timeout-nan": {"timeout": math.nan},
    "timeout-inf": {"timeout": math.inf},
    "timeout-httpx-nan": {"timeout": httpx.Timeout(math.nan)},
    "timeout-httpx-read-nan": {"timeout": httpx.Timeout(5.0, read=math.nan)},
    "timeout-httpx-connect-inf": {"timeout": httpx.Timeout(5.0, connect=math.inf)},
    "timeout-httpx-negative": {"timeout": httpx.Timeout(-1.0)},
    "timeout-httpx-pool-negative": {"timeout": httpx.Timeout(5.0, pool=-2.0)},
    "max_retries-nan": {"max_retries": math.nan},
    "max_retries-inf": {"max_retries": math.inf},
}


@pytest.mark.parametrize("case", list(BAD_CLIENT_SETTINGS))
@pytest.mark.parametrize("cls", CLIENTS)
def test_item07_bad_client_setting_refused(serve: Serve, cls: ClientClass, case: str) -> None:
    server = serve(sequence(segments_page(1)))
    args = static_args(server, **BAD_CLIENT_SETTINGS[case])
    if "max_retries" in BAD_CLIENT_SETTINGS[case]:
        del args["retry_policy"]
    with pytest.raises(errors.ConfigurationError):
        cls(**args)
    assert server.count() == 0


BAD_DERIVED: dict[str, dict[str, Any]] = {
    "timeout-nan": {"timeout": math.nan},
    "timeout-inf": {"timeout": math.inf},
    "timeout-httpx-read-nan": {"timeout": httpx.Timeout(5.0, read=math.nan)},
    "max_retries-nan": {"max_retries": math.nan},
}


@pytest.mark.parametrize("case", list(BAD_DERIVED))
def test_item07_bad_with_options_refused(serve: Serve, case: str) -> None:
    server = serve(sequence(segments_page(1)))
    with Amperity(**static_args(server)) as client, pytest.raises(errors.ConfigurationError):
        client.with_options(**BAD_DERIVED[case])
    assert server.count() == 0


BAD_POLICY_VALUES: dict[str, dict[str, Any]] = {
    "backoff_base-negative": {"backoff_base": -1.0},
    "backoff_max-negative": {"backoff_max": -0.5},
    "backoff_base-nan": {"backoff_base": math.nan},
    "backoff_max-inf": {"backoff_max": math.inf},
    "max_retry_after-nan": {"max_retry_after": math.nan},
    "backoff_base-huge-int": {"backoff_base": 10**400},
    "max_retries-negative": {"max_retries": -1},
}


@pytest.mark.parametrize("case", list(BAD_POLICY_VALUES))
def test_item07_bad_retry_settings_refused_before_any_request(serve: Serve, case: str) -> None:
    server = serve(sequence(segments_page(1)))
    with pytest.raises(errors.ConfigurationError):
        policy = RetryPolicy(**BAD_POLICY_VALUES[case])
        Amperity(**static_args(server, retry_policy=policy)).close()
    assert server.count() == 0


BAD_WAITS: dict[str, dict[str, float]] = {
    "timeout-nan": {"timeout": math.nan},
    "poll_interval-nan": {"poll_interval": math.nan},
    "poll_interval-inf": {"poll_interval": math.inf},
}


def done_workflow_server(serve: Serve) -> HostileServer:
    """Answers every GET with a succeeded workflow, so an unrefused wait returns at once."""
    return serve(sequence(json_reply(workflow(state="succeeded"))))


@pytest.mark.parametrize("case", list(BAD_WAITS))
def test_item07_bad_wait_settings_refused(serve: Serve, case: str) -> None:
    server = done_workflow_server(serve)
    with Amperity(**static_args(server)) as client, pytest.raises(errors.ConfigurationError):
        client.workflows.wait("wf-1", **BAD_WAITS[case])
    assert server.count(f"{RUNS_PATH}/wf-1") == 0


@pytest.mark.anyio
@pytest.mark.parametrize("case", list(BAD_WAITS))
async def test_item07_bad_wait_settings_refused_async(serve: Serve, case: str) -> None:
    server = done_workflow_server(serve)
    async with AsyncAmperity(**static_args(server)) as client:
        with pytest.raises(errors.ConfigurationError):
            await client.workflows.wait("wf-1", **BAD_WAITS[case])
    assert server.count(f"{RUNS_PATH}/wf-1") == 0
