"""Contract checks: every recorded body matches openapi.yaml, and every operation of
openapi.yaml is reachable through the facade and covered by a cassette. Each check has a
negative test showing that it fails when it should."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from contract import Contract

from amperity_facade import Amperity, AsyncAmperity
from amperity_facade._operations import FACADE_METHODS

from .conftest import cassette_files, exchanges

CONTRACT = Contract.from_file()
ALL = [e for path in cassette_files() for e in exchanges(path)]


def body_problems(contract: Contract, exchange: Any) -> list[str]:
    if not isinstance(exchange.body, dict | list):
        return [f"{exchange.cassette}: {exchange.status} answer is not JSON"]
    return contract.problems(exchange.method, exchange.path, exchange.status, exchange.body)


def uncovered(contract: Contract, recorded: list[Any]) -> list[str]:
    """Operations with no facade method or no cassette exchange."""
    missing = []
    for op in contract.operations:
        if op.operation_id not in FACADE_METHODS:
            missing.append(f"{op.operation_id}: no facade method")
        elif not any(contract.operation_for(e.method, e.path) == op for e in recorded):
            missing.append(f"{op.operation_id}: no cassette")
    return missing


@pytest.mark.parametrize(
    "exchange", ALL, ids=lambda e: f"{e.cassette}:{e.method} {e.path} {e.status}"
)
def test_recorded_body_matches_openapi(exchange: Any) -> None:
    assert body_problems(CONTRACT, exchange) == []


def test_invalid_body_is_caught() -> None:
    exchange = next(e for e in ALL if e.path == "/api/segments" and e.status == 200)
    broken = copy.deepcopy(exchange.body)
    broken["data"][0]["status"] = 7
    del broken["data"][0]["name"]
    problems = CONTRACT.problems(exchange.method, exchange.path, 200, broken)
    assert any("'name' is a required property" in p for p in problems)
    assert any("7 is not of type 'string'" in p for p in problems)
    assert CONTRACT.problems("GET", "/api/nowhere", 200, {}) == [
        "GET /api/nowhere: no such operation in openapi.yaml"
    ]


def test_every_operation_is_reachable_and_recorded() -> None:
    assert uncovered(CONTRACT, ALL) == []
    spec_ids = {op.operation_id for op in CONTRACT.operations}
    assert spec_ids == set(FACADE_METHODS)
    for cls in (Amperity, AsyncAmperity):
        client = cls(tenant="acme", token="t", base_url="http://127.0.0.1:9/api")
        for operation_id, dotted in FACADE_METHODS.items():
            if dotted == "auth":
                assert operation_id == "create-token"
                continue
            resource, method = dotted.split(".")
            assert callable(getattr(getattr(client, resource), method)), (cls, dotted)


def test_new_endpoint_in_spec_fails_coverage() -> None:
    spec = copy.deepcopy(CONTRACT.spec)
    spec["paths"]["/journeys"] = {"get": copy.deepcopy(spec["paths"]["/segments"]["get"])}
    spec["paths"]["/journeys"]["get"]["operationId"] = "list-journeys"
    assert uncovered(Contract(spec), ALL) == ["list-journeys: no facade method"]
    only_segments = [e for e in ALL if e.path != "/api/campaigns"]
    assert uncovered(CONTRACT, only_segments) == ["list-campaign: no cassette"]
