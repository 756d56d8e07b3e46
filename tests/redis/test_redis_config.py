"""Configuring the shared budget: `rate_limiter=` or AMPERITY_RATE_LIMIT_URL, one Redis
limiter for every family at that family's rate, validation, what happens when Redis cannot
be reached ("raise" or "local"), and that a password in the URL never shows."""

from __future__ import annotations

import asyncio
import logging
import pickle
import subprocess
import sys
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity, RedisRateLimiter, errors
from amperity_facade._ratelimit import RateLimiter
from amperity_facade._redis import RedisLimiter
from amperity_facade.testing import FakeAmperity

from .conftest import PASSWORD, USER, RedisServer, start_redis

LOGGER = "amperity_facade"


@pytest.fixture
def fake() -> Any:
    with FakeAmperity(segments=30, rate_limit=10) as running:
        yield running


def settings(fake: FakeAmperity, **kwargs: Any) -> dict[str, Any]:
    return {"tenant": fake.tenant, "token": fake.token, "base_url": fake.base_url, **kwargs}


# -- one limiter for every family, at each family's rate ---------------------------------------
def test_every_family_gets_a_budget_keyed_by_tenant_at_its_rate(
    redis_server: RedisServer, prefix: str
) -> None:
    store = RedisRateLimiter(redis_server.url, prefix=prefix)
    client = Amperity(tenant="acme", token="t0ken", rate_limiter=store, profile_rate_limit=0.5)
    limiters = client._shared.limiters
    expected = {
        "control-plane": (10, 1.0),
        "profile": (1, 2.0),  # below one a second: a stretched window
        "realtime": (2000, 1.0),
        "streaming": (1000, 1.0),
    }
    for family, (capacity, window) in expected.items():
        limiter = limiters.of(family)  # type: ignore[arg-type]
        assert isinstance(limiter, RedisLimiter)
        assert limiter.key == f"{prefix}:acme:{family}"
        assert (limiter.capacity, limiter.window) == (capacity, window)
    client.close()
    lifted = Amperity(tenant="acme", token="t0ken", rate_limiter=store, rate_limit=None)
    assert lifted._shared.limiters.of("control-plane") is None  # unlimited: Redis not asked


def test_without_it_the_limiters_stay_in_process(clean_env: None) -> None:
    client = Amperity(tenant="acme", token="t0ken")
    assert isinstance(client._shared.limiters.of("control-plane"), RateLimiter)


def test_calls_take_their_slots_in_redis(
    redis_server: RedisServer, prefix: str, fake: FakeAmperity
) -> None:
    store = RedisRateLimiter(redis_server.url, prefix=prefix)
    with Amperity(**settings(fake, rate_limiter=store)) as client:
        assert len(list(client.segments.list(limit=10))) == 30
    with redis_server.client() as raw:
        assert raw.zcard(f"{prefix}:{fake.tenant}:control-plane") == 3  # three pages
    store.close()


def test_the_environment_variable_configures_it(
    redis_server: RedisServer, fake: FakeAmperity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPERITY_RATE_LIMIT_URL", redis_server.url)
    with Amperity(**settings(fake)) as client:
        limiter = client._shared.limiters.of("control-plane")
        assert isinstance(limiter, RedisLimiter)
        assert limiter.key == f"amperity:{fake.tenant}:control-plane"
        assert "redis://127.0.0.1" in repr(client._options)
        list(client.segments.list(limit=10))
    with redis_server.client() as raw:
        assert raw.zcard(f"amperity:{fake.tenant}:control-plane") >= 3
    # An explicit limiter wins over the environment.
    mine = RedisRateLimiter(redis_server.url, prefix="mine")
    client = Amperity(**settings(fake, rate_limiter=mine))
    assert client._shared.limiters.of("control-plane").key.startswith("mine:")  # type: ignore[union-attr]
    client.close()

    async def main() -> None:  # the async client reads it too, and closes what it made
        async with AsyncAmperity(**settings(fake)) as client:
            assert isinstance(client._shared.limiters.of("control-plane"), RedisLimiter)
            ids = [segment.id async for segment in client.segments.list(limit=10)]
            assert len(ids) == 30

    asyncio.run(main())


def test_a_malformed_environment_url_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AMPERITY_RATE_LIMIT_URL", f"http://{USER}:{PASSWORD}@cache:6379/0")
    with pytest.raises(errors.ConfigurationError, match="AMPERITY_RATE_LIMIT_URL") as caught:
        Amperity(tenant="acme", token="t0ken")
    assert PASSWORD not in str(caught.value)


# -- validation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "kwargs", "match"),
    [
        ("", {}, "needs a URL"),
        (6379, {}, "needs a URL"),
        ("http://127.0.0.1:6379", {}, "must start with redis://"),
        ("redis://127.0.0.1:notaport/0", {}, "malformed"),
        ("redis://127.0.0.1:99999/0", {}, "malformed"),
        ("redis://:6379/0", {}, "needs a host"),
        ("redis://127.0.0.1:6379/zero", {}, "database number"),
        ("redis://127.0.0.1:6379/0 ", {}, "whitespace"),
        ("unix://", {}, "no socket path"),
        ("redis://127.0.0.1:6379/0", {"prefix": ""}, "prefix"),
        ("redis://127.0.0.1:6379/0", {"prefix": "a b"}, "prefix"),
        ("redis://127.0.0.1:6379/0", {"prefix": 7}, "prefix"),
        ("redis://127.0.0.1:6379/0", {"on_unavailable": "ignore"}, "on_unavailable"),
        ("redis://127.0.0.1:6379/0", {"lease": 0.5}, "lease"),
        ("redis://127.0.0.1:6379/0", {"lease": float("nan")}, "lease"),
        ("redis://127.0.0.1:6379/0", {"lease": 10**400}, "lease"),
        ("redis://127.0.0.1:6379/0", {"lease": "300"}, "lease"),
    ],
)
def test_bad_settings_are_configuration_errors(url: Any, kwargs: Any, match: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=match):
        RedisRateLimiter(url, **kwargs)


def test_rate_limiter_must_be_a_redis_rate_limiter() -> None:
    with pytest.raises(errors.ConfigurationError, match="rate_limiter must be a RedisRateLimiter"):
        Amperity(tenant="acme", token="t0ken", rate_limiter="redis://127.0.0.1:6379/0")  # type: ignore[arg-type]


def test_unix_sockets_and_tls_urls_are_accepted() -> None:
    assert RedisRateLimiter("unix:///run/redis.sock?db=1").url == "unix:///run/redis.sock"
    assert (
        RedisRateLimiter("rediss://cache.internal:6380/2").url == "rediss://cache.internal:6380/2"
    )


# -- passwords ------------------------------------------------------------------------------------
def test_a_password_never_shows(redis_server: RedisServer, fake: FakeAmperity) -> None:
    store = RedisRateLimiter(redis_server.password_url, prefix="pw")
    assert PASSWORD not in repr(store) and PASSWORD not in store.url
    assert store.url == f"redis://***@127.0.0.1:{redis_server.port}/0"
    with Amperity(**settings(fake, rate_limiter=store)) as client:
        assert PASSWORD not in repr(client._options)
        assert PASSWORD not in repr(client._shared.limiters)
        assert len(list(client.segments.list(limit=10))) == 30  # the password works
    store.close()


def test_a_password_in_a_query_never_shows() -> None:
    store = RedisRateLimiter(f"redis://127.0.0.1:6379/0?password={PASSWORD}")
    assert PASSWORD not in repr(store)
    with pytest.raises(errors.ConfigurationError) as caught:
        RedisRateLimiter(f"redis://{USER}:{PASSWORD}@127.0.0.1:6379/0", prefix="")
    assert PASSWORD not in str(caught.value)
    with pytest.raises(errors.ConfigurationError) as caught:
        RedisRateLimiter(f"redis://{USER}:{PASSWORD}@127.0.0.1:bad/0")
    assert PASSWORD not in str(caught.value)


def test_a_wrong_password_is_a_typed_error_without_it(
    redis_server: RedisServer, fake: FakeAmperity
) -> None:
    wrong = f"redis://{USER}:not-{PASSWORD}@127.0.0.1:{redis_server.port}/0"
    store = RedisRateLimiter(wrong)
    with (
        Amperity(**settings(fake, rate_limiter=store)) as client,
        pytest.raises(errors.RateLimiterUnavailableError) as caught,
    ):
        client.segments.list().first_page()
    text = str(caught.value)
    assert PASSWORD not in text and "redis://***@127.0.0.1" in text
    assert fake.count() == 0


# -- Redis unreachable ----------------------------------------------------------------------------
def test_unreachable_with_raise_is_a_typed_error_and_nothing_is_sent(
    fake: FakeAmperity, closed_port: int
) -> None:
    url = f"redis://{USER}:{PASSWORD}@127.0.0.1:{closed_port}/0"
    store = RedisRateLimiter(url)
    with (
        Amperity(**settings(fake, rate_limiter=store)) as client,
        pytest.raises(errors.RateLimiterUnavailableError) as caught,
    ):
        client.workflows.run("cg-1")
    error = caught.value
    assert isinstance(error, errors.APIConnectionError)
    text = str(error)
    assert f"Redis at redis://***@127.0.0.1:{closed_port}/0" in text
    assert "unavailable" in text and "no request was sent" in text
    assert PASSWORD not in text and PASSWORD not in repr(error)
    assert error.__cause__ is None
    assert PASSWORD not in str(pickle.loads(pickle.dumps(error)))
    assert fake.count() == 0


def test_unreachable_with_raise_async(fake: FakeAmperity, closed_port: int) -> None:
    store = RedisRateLimiter(f"redis://127.0.0.1:{closed_port}/0")

    async def main() -> None:
        async with AsyncAmperity(**settings(fake, rate_limiter=store)) as client:
            with pytest.raises(errors.RateLimiterUnavailableError, match="unavailable"):
                await client.workflows.run("cg-1")

    asyncio.run(main())
    assert fake.count() == 0


def test_unreachable_with_local_falls_back_with_one_warning(
    fake: FakeAmperity, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisRateLimiter(
        f"redis://:{PASSWORD}@127.0.0.1:{closed_port}/0", on_unavailable="local"
    )
    caplog.set_level(logging.INFO, LOGGER)
    with Amperity(**settings(fake, rate_limiter=store)) as client:
        for _ in range(12):  # past the 10/s budget: the local limiter must hold it
            client.segments.list(limit=5).first_page()
        store.recheck = 0.0  # ask Redis again on the next call: still down, still local
        client.segments.list(limit=5).first_page()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert "falling back" in message and f"127.0.0.1:{closed_port}" in message
    assert PASSWORD not in caplog.text
    assert fake.count(status=200) == 13
    assert fake.count(status=429) == 0  # limited locally, never unlimited


def test_unreachable_with_local_async(
    fake: FakeAmperity, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisRateLimiter(f"redis://127.0.0.1:{closed_port}/0", on_unavailable="local")
    caplog.set_level(logging.WARNING, LOGGER)

    async def main() -> None:
        async with AsyncAmperity(**settings(fake, rate_limiter=store)) as client:
            pages = [client.segments.list(limit=5).first_page() for _ in range(12)]
            await asyncio.gather(*pages)

    asyncio.run(main())
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert fake.count(status=200) == 12 and fake.count(status=429) == 0


def test_redis_going_down_mid_run_falls_back(
    fake: FakeAmperity, caplog: pytest.LogCaptureFixture
) -> None:
    server = start_redis()  # its own server: this test stops it
    caplog.set_level(logging.WARNING, LOGGER)
    try:
        store = RedisRateLimiter(server.url, on_unavailable="local")
        with Amperity(**settings(fake, rate_limiter=store)) as client:
            client.segments.list(limit=5).first_page()
            server.stop()
            for _ in range(3):
                client.segments.list(limit=5).first_page()
    finally:
        server.stop()
    assert fake.count(status=200) == 4
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


# -- packaging ------------------------------------------------------------------------------------
def test_importing_the_package_does_not_import_redis() -> None:
    program = (
        "import sys, amperity_facade\n"
        "from amperity_facade import RedisRateLimiter, Amperity\n"
        "Amperity(tenant='acme', token='t0ken').close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'redis'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_without_the_redis_package_the_error_says_what_to_install() -> None:
    program = (
        "import sys\n"
        "sys.modules['redis'] = None\n"  # as if it were not installed
        "from amperity_facade import RedisRateLimiter, errors\n"
        "try:\n"
        "    RedisRateLimiter('redis://127.0.0.1:6379/0')\n"
        "except errors.ConfigurationError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert "pip install 'amperity-facade[redis]'" in done.stdout
