"""The fault matrix (scripts/fault_matrix.py, `python -m scripts.fault_matrix`), asserted case by case, sync and async.

Each case injects faults into a FakeAmperity mid-export (or on workflows.run) and checks what
the caller got, how many attempts reached the server, and Retry-After waits; the script prints
the same cases as a table: `.venv/bin/python -m scripts.fault_matrix`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amperity_facade import errors
from amperity_facade.testing import FakeAmperity
from scripts import fault_matrix as fm


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAmperity]:
    with fm.matrix_fake() as running:
        yield running


@pytest.fixture(scope="module")
def clean(fake: FakeAmperity) -> list[str]:
    return fm.clean_ids(fake)


# Cases that wait on purpose: for a Retry-After (1-2 s) or for read timeouts to run out.
WAITING = ("retry-after", "timeout-exhausted")
CASES = [
    pytest.param(c, id=c.key, marks=[pytest.mark.slow] if any(w in c.key for w in WAITING) else [])
    for c in fm.CASES
]


@pytest.mark.parametrize("mode", fm.MODES)
@pytest.mark.parametrize("case", CASES)
def test_fault(fake: FakeAmperity, clean: list[str], case: fm.Case, mode: str) -> None:
    outcome = fm.run_case(fake, case, mode, clean)
    assert outcome.problems == [], "\n" + fm.render([outcome])


def test_matrix_covers_every_fault_the_fake_has() -> None:
    kinds = {f.kind for c in fm.CASES for f in c.faults()}
    assert kinds == {"status", "html", "drop", "slow", "truncated", "malformed"}
    export = {c.key.removeprefix("export-") for c in fm.CASES if c.target == "export"}
    assert {
        "429-burst",
        "429-retry-after-seconds",
        "429-retry-after-date",
        "500",
        "502-html",
        "503",
        "504",
        "drop",
        "read-timeout",
        "truncated",
        "malformed",
        "slow-within-timeout",
    } <= export


def test_run_is_never_resent_once_it_may_have_arrived() -> None:
    """Every fault after which the POST may have reached the server: one attempt, an error."""
    unsafe = {"500", "502-html", "503", "504", "drop", "read-timeout", "truncated", "malformed"}
    cases = {c.key.removeprefix("run-"): c for c in fm.CASES if c.target == "run"}
    assert unsafe <= set(cases)
    for key in unsafe:
        assert cases[key].attempts == 1 and cases[key].error is not None, key
    assert cases["429"].attempts == 2 and cases["429"].error is None
    assert cases["connect-refused"].error is None


def test_retry_after_date_case_is_honest() -> None:
    """The HTTP-date is computed when the case runs, 2 s ahead, and must be waited for."""
    (fault,) = next(c for c in fm.CASES if c.key == "export-429-retry-after-date").faults()
    assert fault.retry_after is not None and fault.retry_after.endswith("GMT")
    from amperity_facade._retry import parse_retry_after

    assert 0.9 < (parse_retry_after(fault.retry_after) or 0) <= 2.0
    assert fm.POLICY.max_retry_after >= 2.0
    assert fm.POLICY.backoff_max < 0.9  # a wait of ~1 s can only come from Retry-After


def test_documented_error_classes() -> None:
    outcomes = {c.key: c.error for c in fm.CASES}
    assert outcomes["export-truncated"] is None  # read again, then the export completes
    assert outcomes["run-truncated"] is errors.APIResponseValidationError
    assert outcomes["export-timeout-exhausted"] is errors.APITimeoutError
    assert outcomes["export-drop-exhausted"] is errors.APIConnectionError
    assert outcomes["run-503"] is errors.ServiceUnavailableError
