"""The fake tenant the conformance test drives, started once for the whole module.

Schemathesis sends hundreds of requests; a fresh server per example would measure start-up,
not conformance. The tenant and token are fixed so the schema (loaded at import, as
Schemathesis's pytest integration requires) can carry them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from amperity_facade.testing import FakeAmperity

TENANT = "acme"
TOKEN = "conformance-static-token"

# Hypothesis caches its Unicode tables in ./.hypothesis by default: keep the clone clean.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "amperity-facade-hypothesis"))


@pytest.fixture(scope="module")
def conformance_fake() -> Iterator[FakeAmperity]:
    with FakeAmperity(tenant=TENANT, seed=7, token=TOKEN, frozen_clock=True) as fake:
        yield fake
