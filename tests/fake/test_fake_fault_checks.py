"""A fault, count or deprecation that could never take effect is refused when it is written.

Each of these used to be accepted and then silently do nothing, so the test that set it up
passed without testing anything.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
import yaml

from amperity_facade import errors
from amperity_facade.testing import (
    FakeAmperity,
    FakeUsageError,
    Fault,
    FaultKind,
    OperationName,
)

SPEC = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text(encoding="utf-8"))
ALL_OPERATIONS = sorted(get_args(OperationName))
# The least each kind needs, so every kind can be built in a loop.
MINIMAL: dict[str, dict[str, Any]] = {"slow": {"delay": 0.01}}


def test_unknown_operation_names_the_valid_ones() -> None:
    with pytest.raises(FakeUsageError) as caught:
        Fault("status", status=503, operation="list-audit-event")  # type: ignore[arg-type]
    message = str(caught.value)
    assert "'list-audit-event'" in message
    assert "did you mean 'list-events'?" in message
    assert all(name in message for name in ALL_OPERATIONS)


def test_unknown_kind_names_the_valid_ones() -> None:
    with pytest.raises(FakeUsageError) as caught:
        Fault("timeout")  # type: ignore[arg-type]
    assert all(kind in str(caught.value) for kind in get_args(FaultKind))


def test_refusal_is_a_value_error_but_not_a_client_error() -> None:
    """`pytest.raises(errors.AmperityError)` around a test must not swallow its own typo."""
    assert issubclass(FakeUsageError, ValueError)
    assert not issubclass(FakeUsageError, errors.AmperityError)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "status", "times": 0}, "times must be at least 1, got 0"),
        ({"kind": "status", "times": -3}, "times must be at least 1"),
        ({"kind": "status", "times": True}, "times must be an int"),
        ({"kind": "status", "times": 1.5}, "times must be an int"),
        ({"kind": "status", "times": "2"}, "times must be an int"),
        ({"kind": "drop", "request_number": 0}, "request_number must be at least 1"),
        ({"kind": "drop", "request_number": True}, "request_number must be an int"),
        ({"kind": "drop", "request_number": 2, "times": 3}, "times must be 1 with request_number"),
        ({"kind": "status", "status": 99}, "status must be from 100 to 599"),
        ({"kind": "status", "status": 600}, "status must be from 100 to 599"),
        ({"kind": "html", "status": -1}, "status must be from 100 to 599"),
        ({"kind": "status", "status": "503"}, "status must be an int"),
        ({"kind": "status", "status": 503.0}, "status must be an int"),
        ({"kind": "status", "status": True}, "status must be an int"),
        ({"kind": "status", "status": 101}, "status 101 cannot carry a body"),
        ({"kind": "status", "status": 204}, "status 204 cannot carry a body"),
        ({"kind": "html", "status": 304}, "status 304 cannot carry a body"),
        (
            {"kind": "drop", "status": 503},
            r"'drop' does not use status \(kinds that do: html, status\)",
        ),
        ({"kind": "truncated", "status": 500}, "'truncated' does not use status"),
        ({"kind": "slow", "delay": 1, "status": 200}, "'slow' does not use status"),
        ({"kind": "drop", "retry_after": "2"}, "'drop' does not use retry_after"),
        ({"kind": "malformed", "retry_after": "2"}, "'malformed' does not use retry_after"),
        ({"kind": "status", "retry_after": 2}, "retry_after must be a str"),
        ({"kind": "status", "retry_after": "2\r\nX-Evil: 1"}, "control characters"),
        ({"kind": "status", "retry_after": "in 2 s \u2013 soon"}, "Latin-1"),
        ({"kind": "status", "delay": 1.0}, r"'status' does not use delay \(kinds that do: slow\)"),
        ({"kind": "drop", "delay": 0.5}, "'drop' does not use delay"),
        ({"kind": "slow"}, "'slow' needs delay="),
        ({"kind": "slow", "delay": -1}, "above 0, got -1"),
        ({"kind": "slow", "delay": 0}, "above 0, got 0"),
        ({"kind": "slow", "delay": float("nan")}, "finite"),
        ({"kind": "slow", "delay": float("inf")}, "finite"),
        ({"kind": "slow", "delay": True}, "delay must be a number"),
        ({"kind": "slow", "delay": "1"}, "delay must be a number"),
        (
            {"kind": "nested", "size": 10},
            r"'nested' does not use size \(kinds that do: gzip-bomb\)",
        ),
        ({"kind": "gzip-bomb", "size": 0}, "size must be from 1"),
        ({"kind": "gzip-bomb", "size": 2**32}, "size must be from 1 to 4294967295"),
        ({"kind": "gzip-bomb", "size": True}, "size must be an int"),
        (
            {"kind": "gzip-bomb", "depth": 5},
            r"'gzip-bomb' does not use depth \(kinds that do: nested\)",
        ),
        ({"kind": "nested", "depth": 0}, "depth must be from 1"),
        ({"kind": "nested", "depth": 10**8}, "depth must be from 1 to 10000000"),
        ({"kind": "bad-cursor", "operation": "get-workflow"}, "'get-workflow' is not a listing"),
        ({"kind": "wrong-type", "operation": "run-workflow"}, "'run-workflow' is not a listing"),
        ({"kind": "status", "operation": 42}, "unknown operation 42"),
        ({"kind": "status", "operation": "segments"}, "did you mean 'list-segment'"),
        ({"kind": ["status"]}, "unknown fault kind"),
    ],
)
def test_nonsensical_fault_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(FakeUsageError, match=message):
        Fault(**fields)


@pytest.mark.parametrize("kind", sorted(get_args(FaultKind)))
def test_every_kind_can_be_built_and_injected(fake: FakeAmperity, kind: str) -> None:
    fault = Fault(kind, **MINIMAL.get(kind, {}))  # type: ignore[arg-type]
    fake.inject(fault)
    assert fault.times == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "status", "status": 429, "retry_after": "Wed, 21 Oct 2026 07:28:00 GMT"},
        {"kind": "status", "status": 200},
        {"kind": "html", "status": 200, "retry_after": "5"},
        {"kind": "slow", "delay": 2, "operation": "run-workflow", "times": 4},
        {"kind": "gzip-bomb", "size": 1, "request_number": 3},
        {"kind": "nested", "depth": 1},
        {"kind": "bad-cursor", "operation": "list-workflows"},
        {"kind": "wrong-type", "operation": "list-campaign-draft", "times": 2},
        {"kind": "drop", "operation": "create-token"},
    ],
)
def test_sensible_faults_are_accepted(fields: dict[str, Any]) -> None:
    Fault(**fields)


def test_inject_checks_again(fake: FakeAmperity) -> None:
    fault = Fault("status", status=503, operation="list-segment")
    object.__setattr__(fault, "operation", "list-audit-event")
    with pytest.raises(FakeUsageError, match="unknown operation 'list-audit-event'"):
        fake.inject(fault)
    with pytest.raises(TypeError, match="takes a Fault"):
        fake.inject("status")  # type: ignore[arg-type]


def test_replace_is_checked_too() -> None:
    fault = Fault("status", status=503)
    with pytest.raises(FakeUsageError, match="'drop' does not use status"):
        dataclasses.replace(fault, kind="drop")


def test_count_refuses_what_no_request_can_match(fake: FakeAmperity) -> None:
    with pytest.raises(FakeUsageError, match=r"unknown operation 'list-segments' \(did you mean"):
        fake.count(operation="list-segments")  # type: ignore[arg-type]
    with pytest.raises(FakeUsageError, match="unknown operation 503"):
        fake.count(503)  # type: ignore[arg-type]
    for status in ("503", 600, 42, True):
        with pytest.raises(FakeUsageError, match="status must be 0"):
            fake.count(status=status)  # type: ignore[arg-type]


def test_count_accepts_every_operation_and_dropped(fake: FakeAmperity) -> None:
    assert [fake.count(operation=name) for name in ALL_OPERATIONS] == [0] * len(ALL_OPERATIONS)
    assert fake.count(status=0) == 0


def test_set_deprecation_refuses_unknown_operation(fake: FakeAmperity) -> None:
    with pytest.raises(FakeUsageError, match="unknown operation 'list-campaigns'"):
        fake.set_deprecation(deprecation="true", operation="list-campaigns")  # type: ignore[arg-type]


def test_operation_names_are_the_spec_operation_ids() -> None:
    """Every name the fake knows is a spec operationId (x-facade-operation-id for the Profile
    and Real-Time APIs). A spec operation the fake does not serve yet (a new vendor endpoint)
    is reported by tests/contract's coverage check."""
    ids = {
        operation.get("operationId") or operation.get("x-facade-operation-id")
        for item in SPEC["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    assert set(ALL_OPERATIONS) <= ids


def test_signatures_use_the_literal_types() -> None:
    """What an editor completes is what the runtime accepts."""
    hints = get_type_hints(Fault)
    assert hints["kind"] == FaultKind
    assert hints["operation"] == OperationName | None
    assert get_type_hints(FakeAmperity.count)["operation"] == OperationName | None
    assert get_type_hints(FakeAmperity.set_deprecation)["operation"] == OperationName | None


def test_messages_list_valid_values_in_order() -> None:
    with pytest.raises(FakeUsageError) as caught:
        Fault("status", operation="nope")  # type: ignore[arg-type]
    listed = re.findall(r"[a-z-]+", str(caught.value).split("expected one of:")[1])
    assert listed == ALL_OPERATIONS


def test_the_readme_names_every_operation_and_fault_kind() -> None:
    """The README's lists are what a tester reads to aim a fault: none may be missing."""
    import re
    import typing
    from pathlib import Path

    from amperity_facade.testing._faults import FaultKind
    from amperity_facade.testing._names import OPERATIONS

    readme = Path(__file__).parents[2].joinpath("README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z][a-z-]+)`", readme))
    assert OPERATIONS - named == set()
    assert set(typing.get_args(FaultKind)) - named == set()
