"""Issue 10, hostile review B: FakeAmperity refuses settings that make no sense.

A rate limit of 0 would answer every request 429, a NaN or infinite step would never move
a workflow, a negative count would quietly build no data: each is a ValueError at once,
naming the setting, instead of a fake that tests something else than the test thinks.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from amperity_facade.testing import FakeAmperity


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("rate_limit", 0),
        ("rate_limit", -1),
        ("rate_limit", 2.5),
        ("rate_limit", True),
        ("step_seconds", math.nan),
        ("step_seconds", math.inf),
        ("step_seconds", -1),
        ("step_seconds", 1e308),
        pytest.param("step_seconds", 10**400, id="step_seconds-10**400"),
        ("token_ttl", 0),
        ("token_ttl", -5),
        ("token_ttl", math.nan),
        ("token_ttl", math.inf),
        ("token_ttl", "60"),
        ("segments", -3),
        ("campaigns", -1),
        ("campaign_drafts", -1),
        ("audit_events", -1),
        ("ingest_jobs", -1),
        ("workflows", -1),
        ("audit_events", 2.0),
    ],
)
def test_review_issue10_nonsense_settings_are_refused(setting: str, value: Any) -> None:
    with pytest.raises(ValueError, match=setting):
        FakeAmperity(**{setting: value})


@pytest.mark.parametrize(
    "settings",
    [
        {"rate_limit": 1},
        {"rate_limit": None},
        {"step_seconds": 0},
        {"step_seconds": 86400},
        {"token_ttl": 0.3},
        {"segments": 0, "audit_events": 0},
    ],
)
def test_review_issue10_sensible_edges_are_accepted(settings: dict[str, Any]) -> None:
    FakeAmperity(**settings)
