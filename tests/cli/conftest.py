"""Fixtures for the command-line tests: a small fake tenant and `main()` run in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from amperity_facade import Amperity
from amperity_facade._cli import main
from amperity_facade.testing import FakeAmperity

SMALL = {
    "segments": 30,
    "campaigns": 8,
    "campaign_drafts": 5,
    "audit_events": 120,
    "ingest_jobs": 20,
    "workflows": 15,
}
ENV = (
    "AMPERITY_TENANT",
    "AMPERITY_TOKEN",
    "AMPERITY_CLIENT_ID",
    "AMPERITY_CLIENT_SECRET",
    "AMPERITY_BASE_URL",
    "AMPERITY_API_VERSION",
)


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(tenant="acme", seed=7, **SMALL) as running:
        yield running


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def env(clean_env: pytest.MonkeyPatch, fake: FakeAmperity) -> pytest.MonkeyPatch:
    """The environment a user pointed at the fake would have."""
    fake.reset()
    clean_env.setenv("AMPERITY_TENANT", fake.tenant)
    clean_env.setenv("AMPERITY_BASE_URL", fake.base_url)
    clean_env.setenv("AMPERITY_TOKEN", fake.token)
    return clean_env


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*argv: str) -> Result:
        capsys.readouterr()  # drop whatever came before
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def client(fake: FakeAmperity) -> Iterator[Amperity]:
    """The library itself, to compare the CLI's output with."""
    with Amperity(
        tenant=fake.tenant, token=fake.token, base_url=fake.base_url, rate_limit=None
    ) as direct:
        yield direct
